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

// As get_primary_connection(), logging as repmgr's get_primary_connection() does: verbose INFO
// "searching for primary node", "checking if node <N> is primary" and "current primary node is
// <N>". A node that cannot be reached is reported with the connect-or-die text at ERROR level,
// or only with -v when `quiet` (repmgr's get_primary_connection_quiet()).
// nullopt if no primary was found. Throws db::DbQueryError if the metadata cannot be read.
std::optional<PrimaryConnection> find_primary_connection(db::Connection& any_node, bool quiet);

// As connect_quiet(), returning the failure (for repmgr's messages that quote libpq's text).
// An unparseable conninfo is returned as a DbConnectError carrying libpq's parse error.
Result<db::Connection, db::DbConnectError> try_connect_quiet(const std::string& conninfo);

// Connection to `conninfo` whose failure is printed with the connect-or-die text at ERROR level
// (not only with -v) and returned as nullopt: repmgr's non-fatal establish_db_connection().
std::optional<db::Connection> connect_or_report(const std::string& conninfo);

// Connection from command-line parameters (-d/-h/-p/-U). A failure prints
// "ERROR: connection to database failed" + "DETAIL: \n<libpq message>" (no "attempted to connect
// using" part, as repmgr's establish_db_connection_by_params()) and is returned.
Result<db::Connection, db::DbConnectError> connect_by_params(const db::ConnInfo& params);

// The "host" of a conninfo string: the host SSH commands for that node go to. "" when the
// string has none or cannot be parsed.
std::string conninfo_host(const std::string& conninfo);

}  // namespace repmgr::workflow
