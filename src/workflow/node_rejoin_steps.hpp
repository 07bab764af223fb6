// The pg_rewind part of node rejoin (commands.md §14 step 9): config file archive, the
// CHECKPOINT pg_rewind needs on a freshly promoted source, pg_rewind itself and the clean-up
// after it. Private to src/workflow.
#pragma once

#include <string>

#include "repmgr/config/config.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/workflow/node_rejoin.hpp"

namespace repmgr::workflow {

struct RewindSource {
    db::Connection* conn = nullptr;  // the rejoin target (the primary)
    metadata::NodeRecord record;
    int timeline = 0;  // its current timeline (IDENTIFY_SYSTEM)
};

// can_use_pg_rewind on the source: full_page_writes on, and wal_log_hints on or data
// checksums. Throws Error(kBadConfig) "--force-rewind specified but pg_rewind cannot be used".
void check_rewind_prerequisites(db::Connection& source, bool dry_run);

// Archives --config-files, runs pg_rewind (dry run: says it would) and restores the files.
// `unclean`: the node was not shut down cleanly, so standby.signal is moved aside while
// pg_rewind runs its crash recovery. Throws Error(kBadConfig) for archive problems and
// Error(kRejoinFail) when pg_rewind fails.
void rewind_data_directory(const config::Config& cfg, const NodeRejoinOptions& options,
                           const RewindSource& source, bool unclean);

}  // namespace repmgr::workflow
