// Private to the register workflows: how repmgr reports a node record it could not write.
#pragma once

#include <string_view>

#include "repmgr/db/connection.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/node_record.hpp"

namespace repmgr::workflow {

// ERROR + DETAIL with the server's message, as repmgr prints them for a failed INSERT/UPDATE
// of repmgr.nodes. (repmgr adds a third line with its SQL text; ours differs, so we omit it.)
inline void log_record_write_error(const metadata::NodeRecord& rec, bool update,
                                   const db::DbQueryError& e) {
    log::error("_create_update_node_record(): unable to {} node record for node \"{}\" (ID: {})",
               update ? "update" : "create", rec.node_name, rec.node_id);
    log::detail("\n{}\n", e.server_message());
}

}  // namespace repmgr::workflow
