// How repmgrd looks at other nodes and at its own: the upstream check of
// connection_check_type (repmgrd.md §5.1), the reconnection loops (§5.2) and the local
// connection check (§5.2a). Logs exactly what repmgr logs.
#pragma once

#include <optional>
#include <string>

#include "daemon/state.hpp"

namespace repmgr::daemon {

std::string_view connection_check_type_name(const config::Config& cfg);

// One check of `node` according to connection_check_type. `conn` is the existing
// connection to it (used by "query" and reset when it has gone away). True if up.
bool check_node(DaemonState& st, const metadata::NodeRecord& node, std::optional<db::Connection>& conn);

// PQping of `conninfo`; on failure logs "unable to ping" + DETAIL. True only for PQPING_OK.
bool ping_logged(const std::string& conninfo, const std::string& shown);

// try_reconnect (§5.2): reconnect_attempts pings/connects reconnect_interval apart, logging
// "checking state of node <N>, <i> of <n> attempts" etc. nullopt when the node stays down.
std::optional<db::Connection> try_reconnect(DaemonState& st, const metadata::NodeRecord& node,
                                            std::optional<db::Connection>& original);

// try_primary_reconnect (§5.2) for a standby's primary: as try_reconnect with the node's
// name in the messages, and while waiting it watches the local node for a follow
// notification from another repmgrd.
struct PrimaryReconnect {
    std::optional<db::Connection> conn;  // the primary came back
    std::optional<int> new_primary;      // notified: follow this node
    bool rerun = false;                  // notified: rerun the election
};
PrimaryReconnect try_primary_reconnect(DaemonState& st, const metadata::NodeRecord& primary,
                                       std::optional<db::Connection>& original);

// check_connection (§5.2a) on the local node: ping, and if the handle is broken log its
// loss and reconnect. True if the local connection is usable afterwards.
bool check_local_connection(DaemonState& st);

// After st.local was replaced by a new connection: if PostgreSQL was restarted its shared
// memory no longer names this node and this repmgrd (so other repmgrds would think repmgrd is
// not running here and leave this node out of an election): set both again (§5.2).
void reregister_if_restarted(DaemonState& st);

// Connects to `conninfo` quietly (no log lines); nullopt on failure.
std::optional<db::Connection> connect_silently(const std::string& conninfo);

// Connects to `conninfo`, logging repmgr's connection error lines on failure.
std::optional<db::Connection> connect_logged(const std::string& conninfo);

}  // namespace repmgr::daemon
