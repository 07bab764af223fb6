// repmgr.monitoring_history: the rows repmgrd writes (schema.md §2.3) and their clean-up.
#pragma once

#include <optional>
#include <string>

#include "repmgr/db/connection.hpp"

namespace repmgr::metadata {

struct MonitoringSample {
    int primary_node_id = -1;
    int standby_node_id = -1;
    std::string standby_time;                 // standby's CURRENT_TIMESTAMP (text)
    std::optional<std::string> last_apply_time;
    std::string last_wal_primary_location;
    std::string last_wal_standby_location;
    std::string replayed_lsn;                 // not a column; for apply_lag
    long long replication_lag = 0;
    long long apply_lag = 0;
};

// Inserts the row on the primary. Returns false (after logging repmgr's WARNING) when the
// insert fails. repmgr sends it without waiting; we wait, bounded by the connection's
// query deadline, so a failure is reported rather than lost.
bool send_monitoring_sample(db::Connection& primary, const MonitoringSample& sample);

}  // namespace repmgr::metadata
