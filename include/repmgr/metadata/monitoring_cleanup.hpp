// Purging repmgr.monitoring_history (commands.md §20, `repmgr cluster cleanup`): counting the
// rows due, deleting them and vacuuming the table. Owns that SQL; what to report and which
// event to record is the workflow's job (workflow/cluster_cleanup.cpp).
#pragma once

#include <optional>

#include "repmgr/db/connection.hpp"

namespace repmgr::metadata {

// Which rows: those whose last_monitor_time is at least `keep_days` days old
// (age(now(), last_monitor_time) >= keep_days days), optionally only of one standby.
struct MonitoringCleanupScope {
    int keep_days = 0;           // REQUIRES: >= 0
    std::optional<int> node_id;  // standby_node_id; nullopt = every node
};

// Number of rows the scope selects. Throws db::DbQueryError.
long long count_monitoring_records_to_delete(db::Connection& primary,
                                             const MonitoringCleanupScope& scope);

// Deletes the rows the scope selects: TRUNCATE when it selects every row (keep_days 0, no
// node), as repmgr does, else DELETE. Throws db::DbQueryError.
void delete_monitoring_records(db::Connection& primary, const MonitoringCleanupScope& scope);

// VACUUM repmgr.monitoring_history. REQUIRES: no open transaction on `primary`.
// Throws db::DbQueryError.
void vacuum_monitoring_history(db::Connection& primary);

}  // namespace repmgr::metadata
