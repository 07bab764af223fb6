// standby switchover (commands.md §9): run on a standby, demote its primary over SSH, promote
// the standby, rejoin the former primary as its standby and, with --siblings-follow, move the
// other standbys. Does not implement the remote steps itself: they are `repmgr node service`,
// `node status`, `node check` and `node rejoin` run on the other node through an Executor.
#pragma once

#include <optional>
#include <string>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"
#include "repmgr/remote/executor.hpp"

namespace repmgr::workflow {

struct StandbySwitchoverOptions {
    bool dry_run = false;
    bool force = false;           // -F: continue despite archive backlog, lag, unreachable nodes
    bool always_promote = false;  // --always-promote: promote although behind the old primary
    bool siblings_follow = false;                 // --siblings-follow
    bool force_rewind = false;                    // --force-rewind[=PATH]
    std::optional<std::string> pg_rewind_binary;  // PATH of --force-rewind=PATH
    bool repmgrd_no_pause = false;                // --repmgrd-no-pause
    bool repmgrd_force_unpause = false;           // --repmgrd-force-unpause
    std::string remote_user;  // -R/--remote-user ("" = as ssh_options / the local user)
    std::string superuser;    // -S/--superuser ("" = none)
    std::string log_level;    // -L as given locally, passed on to every remote repmgr
};

// Runs standby switchover with every remote step through `executor` (so each remote exit
// status is known). Returns kSuccess, or kSwitchoverIncomplete (22) after the promotion when
// the former primary could not be confirmed as an attached standby (the lines printed say which
// node is the primary and what to run next). Throws repmgr::Error before anything was changed:
// exit 1 (configuration, SSH, remote repmgr, capacity, dry-run prerequisites not met), 6/7
// (connections, records), 18 (not a standby, archive backlog / lag / unreachable nodes without
// -F). Throws Error or ReportedError with exit 18 when it gives up after the demotion was
// started (shutdown not confirmed, unclean shutdown without -F, standby behind without
// --always-promote, divergence without --force-rewind); where the former primary had been
// stopped and nothing was promoted it is started again first, so one writable primary remains.
// REQUIRES: cfg.node_id set.
ExitCode standby_switchover(const config::Config& cfg, const StandbySwitchoverOptions& options,
                            remote::Executor& executor);

}  // namespace repmgr::workflow
