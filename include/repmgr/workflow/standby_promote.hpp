// standby promote (commands.md §7): promote the local standby, update the metadata and, with
// --siblings-follow, make the former primary's other standbys follow it over SSH. Does not
// decide when to promote (the user or repmgrd's promote_command does).
#pragma once

#include <string>
#include <vector>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/remote/executor.hpp"

namespace repmgr::workflow {

struct StandbyPromoteOptions {
    bool dry_run = false;
    bool force = false;            // -F: proceed although siblings are unreachable via SSH
    bool siblings_follow = false;  // --siblings-follow
    std::string log_level;         // -L as given locally, passed on to the siblings' repmgr
};

// Runs standby promote. `executor` runs the SSH test and the siblings' `standby follow`; it is
// used only with --siblings-follow and may be null otherwise. Throws repmgr::Error: exit 8
// (not a standby, an active primary exists, promotion failed or timed out), 6 (no connection,
// or lost while waiting), 7 (own record missing or not updatable), 1 (unreachable siblings
// without -F, insufficient walsenders or slots, dry-run prerequisites not met). Returns
// kSuccess, also when some sibling could not follow (that is reported as a WARNING).
// REQUIRES: cfg.node_id set; executor != nullptr if options.siblings_follow.
ExitCode standby_promote(const config::Config& cfg, const StandbyPromoteOptions& options,
                         remote::Executor* executor);

// The siblings of `self`: active nodes (witnesses included) that share its upstream, in
// node id order. None if `self` has no upstream. Pure.
std::vector<metadata::NodeRecord> sibling_nodes(const std::vector<metadata::NodeRecord>& all,
                                                const metadata::NodeRecord& self);

// promote step 13 (also switchover's --siblings-follow): runs `repmgr standby follow` on each
// of `reachable` (for a witness: notify_follow_primary on it, then `repmgr witness register
// -d '<new primary conninfo>' --force`) through `executor`, one after the other, and logs
// repmgr's NOTICE/WARNING/INFO lines. `total` is the number of siblings, reachable or not.
// Never throws for a sibling that fails. Returns the number of failures.
int follow_siblings(const config::Config& cfg, remote::Executor& executor,
                    const std::vector<metadata::NodeRecord>& reachable, size_t total,
                    const metadata::NodeRecord& new_primary, const std::string& log_level);

}  // namespace repmgr::workflow
