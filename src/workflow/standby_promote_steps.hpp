// The sibling checks of standby promote (commands.md §7 steps 6-7), shared between
// standby_promote.cpp and standby_promote_siblings.cpp. Private to src/workflow.
#pragma once

#include <vector>

#include "repmgr/db/connection.hpp"
#include "repmgr/workflow/standby_promote.hpp"

namespace repmgr::workflow {

// Step 6: warns about siblings left behind without --siblings-follow; with it, tests SSH to
// each sibling and returns the reachable ones. Throws Error(kBadConfig) for unreachable
// siblings without -F (also in dry run).
std::vector<metadata::NodeRecord> check_siblings(const StandbyPromoteOptions& options,
                                                 remote::Executor* executor,
                                                 const std::vector<metadata::NodeRecord>& siblings);

// Step 7: free walsenders and slots on the promotion candidate for the siblings that will
// follow. Outside dry run a shortfall throws Error(kBadConfig); in dry run it is logged and
// false is returned.
bool check_sibling_capacity(db::Connection& local, const StandbyPromoteOptions& options,
                            const std::vector<metadata::NodeRecord>& followers);

}  // namespace repmgr::workflow
