#include "repmgr/metadata/monitoring.hpp"

#include "repmgr/log/logger.hpp"

namespace repmgr::metadata {

bool send_monitoring_sample(db::Connection& primary, const MonitoringSample& s) {
    static constexpr std::string_view kInsert =
        "INSERT INTO repmgr.monitoring_history "
        "  (primary_node_id, standby_node_id, last_monitor_time, last_apply_time, "
        "   last_wal_primary_location, last_wal_standby_location, replication_lag, apply_lag) "
        "VALUES ($1, $2, $3::timestamptz, $4::timestamptz, $5::pg_lsn, $6::pg_lsn, $7, $8)";
    try {
        primary.execute(kInsert, {db::param(s.primary_node_id), db::param(s.standby_node_id),
                                  db::param(s.standby_time),
                                  s.last_apply_time ? db::param(*s.last_apply_time) : db::null_param(),
                                  db::param(s.last_wal_primary_location),
                                  s.last_wal_standby_location.empty() ? db::null_param()
                                                                      : db::param(s.last_wal_standby_location),
                                  db::param(s.replication_lag), db::param(s.apply_lag)});
        return true;
    } catch (const db::DbQueryError& e) {
        log::warning("query could not be sent to primary:\n  {}", e.server_message());
        return false;
    }
}

}  // namespace repmgr::metadata
