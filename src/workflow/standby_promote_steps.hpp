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

// Steps 9-12 for a caller that made its own checks (standby switchover, commands.md §9 step 29):
// promotes the server behind `conn` (pg_promote(), service_promote_command or pg_ctl promote),
// waits for it to leave recovery, makes `own` the one active primary record and writes the
// standby_promote event. Throws as standby_promote() does: Error with exit 8 (promotion failed
// or timed out) or 6 (connection lost), ReportedError(7) when the record cannot be updated.
void promote_and_record(const config::Config& cfg, db::Connection& conn,
                        const metadata::NodeRecord& own);

}  // namespace repmgr::workflow
