// The I/O half of the election: connecting to the siblings and reading their state, then
// running decide_election (election.hpp) and failover_validation_command (§6.5). Also the
// promotion and follow steps (§6.6, §6.7) that act on the result.
#pragma once

#include <optional>
#include <vector>

#include "daemon/election.hpp"
#include "daemon/failover.hpp"
#include "daemon/state.hpp"

namespace repmgr::daemon {

struct Sibling {
    metadata::NodeRecord record;
    std::optional<db::Connection> conn;
};

// Reads the siblings of this node from its local records, asks each one, decides. Logs
// everything in repmgr's order. `siblings` receives the sibling list (connections kept
// for the notifications that follow).
void gather_and_elect(DaemonState& st, const metadata::NodeRecord& failed_primary, ElectionInput& in,
                      std::vector<Sibling>& siblings, ElectionOutcome& outcome);

// failover_validation_command; true if this node may promote (no command, or exit 0).
bool validate_failover(DaemonState& st, const ElectionOutcome& outcome, const ElectionInput& in);

// promote_self (§6.6). True if promoted; otherwise `result` says why not.
bool promote_self(DaemonState& st, const metadata::NodeRecord& failed_primary, FailoverResult& result);

// Event standby_disconnect_manual on the new primary (failover=manual).
void manual_disconnect_event(DaemonState& st, int new_primary_id);

// Name of `node_id` from the local records ("" if unknown).
std::string new_primary_name(DaemonState& st, int node_id);

}  // namespace repmgr::daemon
