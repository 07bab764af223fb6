// standby follow (commands.md §8): point the local standby at the current primary or at
// --upstream-node-id. The checks and the follow procedure it shares with node rejoin live in
// src/workflow/follow_*.cpp.
#pragma once

#include <optional>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"

namespace repmgr::workflow {

struct StandbyFollowOptions {
    bool dry_run = false;
    std::optional<int> upstream_node_id;  // --upstream-node-id; else the current primary
    bool wait = false;        // -w/--wait: wait up to primary_follow_timeout for the target
    bool host_given = false;  // -h given: leave the old upstream's replication slot alone
};

// Runs standby follow. Throws repmgr::Error (exit 1, 6 or 23 as commands.md §8 says) when a
// prerequisite fails, before anything has changed. Once the follow procedure has started, a
// failure is reported as repmgr does (event standby_follow, "STANDBY FOLLOW failed") and
// returned as its exit code (4, 23, or 0 for a failed metadata update, exit-codes.md §2.5).
// REQUIRES: cfg.node_id set.
ExitCode standby_follow(const config::Config& cfg, const StandbyFollowOptions& options);

}  // namespace repmgr::workflow
