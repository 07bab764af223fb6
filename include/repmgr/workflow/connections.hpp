// Connections every workflow needs: the local node, and "quiet" probes of other nodes.
#pragma once

#include <optional>
#include <string>

#include "repmgr/config/config.hpp"
#include "repmgr/db/connection.hpp"

namespace repmgr::workflow {

// Connect-or-die to the local node's conninfo. Throws db::DbConnectError (exit 6).
db::Connection connect_local(const config::Config& cfg);

// Connection to `conninfo` that reports failure as a value; the failure is printed only
// with -v, as the connect-or-die text at ERROR level (repmgr's "quiet" connections).
std::optional<db::Connection> connect_quiet(const std::string& conninfo);

struct PrimaryConnection {
    db::Connection conn;
    int node_id = -1;
};

// Finds the current primary (commands.md §1.7): connects quietly to each active,
// non-witness record of `any_node`'s metadata, primary records first, then by priority
// (ascending, as repmgr) and node id; the first reachable node not in recovery wins.
// nullopt if none. Throws db::DbQueryError if the metadata cannot be read.
std::optional<PrimaryConnection> get_primary_connection(db::Connection& any_node);

}  // namespace repmgr::workflow
