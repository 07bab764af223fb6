// standby unregister, step by step as commands.md §6.
#include <fmt/format.h>

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/workflow/connections.hpp"
#include "repmgr/workflow/standby_register.hpp"

namespace repmgr::workflow {

ExitCode standby_unregister(const config::Config& cfg, const StandbyUnregisterOptions& options) {
    log::info("connecting to local standby");
    db::Connection local = connect_local(cfg);

    log::info("connecting to primary database");
    auto primary = find_primary_connection(local, false);
    if (!primary) {
        // repmgr prints libpq's message for a connection that does not exist: empty.
        throw Error(ExitCode::kBadConfig, "unable to connect to primary server").detail("\n");
    }

    const int target_id = options.node_id.value_or(cfg.node_id);
    auto target = metadata::get_node_record(primary->conn, target_id);
    if (!target) {
        throw Error(ExitCode::kBadConfig, fmt::format("no record found for node {}", target_id));
    }
    if (target->type != metadata::NodeType::kStandby) {
        throw Error(ExitCode::kBadConfig, fmt::format("node {} is not a standby server", target_id));
    }

    log::notice("unregistering node {}", target_id);
    try {
        metadata::delete_node_record(primary->conn, target_id);
    } catch (const db::DbQueryError& e) {
        log::error("delete_node_record(): unable to delete node record");
        log::detail("\n{}\n", e.server_message());
        throw Error(ExitCode::kBadConfig, "unable to unregister standby");
    }
    metadata::create_event_notification(&primary->conn, cfg,
                                        {target_id, "standby_unregister", true, std::nullopt, {}});
    log::info("standby unregistration complete");
    return ExitCode::kSuccess;
}

}  // namespace repmgr::workflow
