// Failover when a standby's primary is gone (repmgrd.md §6): gather what the siblings
// see, elect (election.hpp), then promote this node or follow the winner. An explicit
// state machine: each state's handler returns the next state.
#pragma once

#include <optional>

#include "daemon/state.hpp"

namespace repmgr::daemon {

enum class FailoverResult {
    kPromoted,           // this node is the new primary
    kFollowed,           // following the new primary
    kPrimaryReappeared,  // the old primary came back; nothing changed
    kRerun,              // election to be rerun after election_rerun_interval
    kDegraded,           // nothing could be done: degraded monitoring
};

// Runs the failover for `failed_primary`. `primary_conn` is the (dead) connection to it.
FailoverResult do_primary_failover(DaemonState& st, const metadata::NodeRecord& failed_primary);

// The notification from a winner arrived during the reconnect loop: follow `new_primary`.
FailoverResult follow_notified_primary(DaemonState& st, const metadata::NodeRecord& failed_primary,
                                       int new_primary);

// follow_new_primary (§6.7) on its own, e.g. a degraded standby that found a new primary.
FailoverResult follow_new_primary(DaemonState& st, int new_primary_id, const metadata::NodeRecord& failed_primary);

// do_upstream_standby_failover (§6.9): this cascaded standby's upstream standby failed;
// follow the primary. True when done (repmgr treats its failures as done too, so
// monitoring restarts either way; false only when nothing was attempted).
bool follow_cascaded_upstream_failure(DaemonState& st, const metadata::NodeRecord& failed_upstream);

// follow_command with %n replaced (and %% → %; other %x kept).
std::string expand_follow_command(const std::string& command, int new_primary_id);

}  // namespace repmgr::daemon
