#include "daemon/history.hpp"

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/monitoring.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"
#include "repmgr/pg/replication.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/pg/wal_position.hpp"

namespace repmgr::daemon {

void MonitoringHistory::record(DaemonState& st, db::Connection* primary, const metadata::NodeRecord& upstream) {
    if (primary == nullptr) {
        log::verbose(log::Level::kWarning, "monitoring_history requested but primary connection not available");
        return;
    }
    if (!st.local_ok()) return;
    metadata::MonitoringSample sample;
    try {
        pg::StandbyReplayInfo replay = pg::get_standby_replay_info(*st.local);
        sample.last_wal_standby_location = replay.last_received_lsn;
        sample.replayed_lsn = replay.last_replayed_lsn;
        sample.last_apply_time = pg::get_last_replay_timestamp(*st.local);
        sample.standby_time = pg::get_current_timestamp(*st.local);
    } catch (const db::DbQueryError&) {
        log::warning("unable to retrieve replication status information, unable to update monitoring history");
        return;
    }
    try {
        sample.last_wal_primary_location = pg::get_current_wal_lsn(*primary);
    } catch (const db::DbQueryError&) {
        log::warning("unable to retrieve primary's current LSN");
        return;
    }
    const auto primary_lsn = pg::parse_lsn(sample.last_wal_primary_location).value_or(0);
    const auto received = pg::parse_lsn(sample.last_wal_standby_location).value_or(0);
    const auto replayed = pg::parse_lsn(sample.replayed_lsn).value_or(0);
    if (primary_lsn < received) {
        log::warning("primary xlog location ({}) is behind the standby receive location ({})",
                     sample.last_wal_primary_location, sample.last_wal_standby_location);
        sample.replication_lag = 0;
    } else {
        sample.replication_lag = static_cast<long long>(primary_lsn - received);
    }
    sample.apply_lag = received > replayed ? static_cast<long long>(received - replayed) : 0;
    sample.primary_node_id = upstream.node_id;
    sample.standby_node_id = st.record.node_id;
    if (!metadata::send_monitoring_sample(*primary, sample)) return;
    try {
        metadata::standby_set_last_updated(*st.local);
    } catch (const db::DbQueryError&) {
    }
    last_written_ = Clock::now();
}

void MonitoringHistory::log_status(DaemonState&) const {
    if (!last_written_) {
        log::detail("no monitoring statistics have been written yet");
    } else {
        log::detail("last monitoring statistics update was {} seconds ago", seconds_since(*last_written_));
    }
}

}  // namespace repmgr::daemon
