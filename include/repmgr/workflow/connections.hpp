// Connections every workflow needs: the local node, the current primary, a superuser.
#pragma once

#include <optional>
#include <string>

#include "repmgr/config/config.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/metadata/node_record.hpp"

namespace repmgr::workflow {

// Connect-or-die to the local node's conninfo. Throws db::DbConnectError (exit 6).
db::Connection connect_local(const config::Config& cfg);

// Connection to `conninfo` that reports failure as a value; logs the failure only with -v
// (repmgr's "quiet" connections to other nodes).
std::optional<db::Connection> connect_quiet(const std::string& conninfo);

struct PrimaryConnection {
    db::Connection conn;
    int node_id;
};
// Finds the current primary by probing the active records in repmgr's order (commands.md
// §1.7) and returns a connection to the first reachable node not in recovery.
std::optional<PrimaryConnection> find_primary(db::Connection& any_node);

// The same conninfo as `conninfo` but as `user`. Throws db::DbConnectError.
db::Connection connect_as_user(const std::string& conninfo, const std::string& user);
// As connect_as_user(), quiet: nullopt on failure (logged with -v only).
std::optional<db::Connection> connect_quiet_as(const std::string& conninfo,
                                               const std::string& user);

}  // namespace repmgr::workflow
