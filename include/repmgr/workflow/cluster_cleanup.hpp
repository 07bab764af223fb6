// cluster cleanup (commands.md §20): purge repmgr.monitoring_history on the primary, keeping
// the last -k/--keep-history days, optionally for one node only, and record the
// cluster_cleanup event. The SQL lives in metadata/monitoring_cleanup.
#pragma once

#include <optional>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"

namespace repmgr::workflow {

struct ClusterCleanupOptions {
    int keep_history = 0;        // -k/--keep-history (days, >= 0)
    std::optional<int> node_id;  // --node-id: only this standby's rows
};

// Connects to the local node and then to the node its metadata names as the active primary
// (both connect-or-die: db::DbConnectError, exit 6), counts and deletes the rows, vacuums the
// table and records the event. Returns kSuccess (also when nothing was due). Throws
// Error(kDbQuery) when the rows cannot be counted or deleted (a failed delete is recorded as
// an unsuccessful cluster_cleanup event first).
ExitCode cluster_cleanup(const config::Config& cfg, const ClusterCleanupOptions& options);

}  // namespace repmgr::workflow
