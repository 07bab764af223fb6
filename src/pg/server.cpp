#include "repmgr/pg/server.hpp"

#include "repmgr/log/logger.hpp"

namespace repmgr::pg {

RecoveryType get_recovery_type(db::Connection& conn) {
    try {
        auto r = conn.query_one("SELECT pg_catalog.pg_is_in_recovery()");
        return r.get_bool(0, 0) ? RecoveryType::kStandby : RecoveryType::kPrimary;
    } catch (const db::DbQueryError& e) {
        log::debug("unable to determine recovery state: {}", e.what());
        return RecoveryType::kUnknown;
    }
}

std::string get_server_version_string(db::Connection& conn) {
    std::string v = conn.parameter_status("server_version");
    auto space = v.find(' ');
    return space == std::string::npos ? v : v.substr(0, space);
}

bool is_superuser(db::Connection& conn) { return conn.parameter_status("is_superuser") == "on"; }

bool can_read_all_settings(db::Connection& conn) {
    if (is_superuser(conn)) return true;
    auto r = conn.query_one(
        "SELECT pg_catalog.pg_has_role(current_user, 'pg_read_all_settings', 'MEMBER') "
        "    OR pg_catalog.pg_has_role(current_user, 'pg_monitor', 'MEMBER')");
    return r.get_bool(0, 0);
}

std::optional<int> get_checkpoint_timeline(db::Connection& conn) {
    try {
        auto r = conn.query_one("SELECT timeline_id FROM pg_catalog.pg_control_checkpoint()");
        return r.get_optional_int(0, 0);
    } catch (const db::DbQueryError&) {
        return std::nullopt;
    }
}

std::string get_setting(db::Connection& conn, const std::string& name) {
    return conn.query_one("SELECT pg_catalog.current_setting($1)", {db::param(name)}).text(0, 0);
}

std::vector<ReplicationClient> get_replication_clients(db::Connection& conn) {
    auto r = conn.query(
        "SELECT COALESCE(application_name, ''), COALESCE(state, '') "
        "  FROM pg_catalog.pg_stat_replication");
    std::vector<ReplicationClient> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1)});
    return out;
}

AttachState attach_state(const std::vector<ReplicationClient>& clients,
                         const std::string& application_name, std::string* state) {
    int matches = 0;
    const ReplicationClient* match = nullptr;
    for (const auto& c : clients) {
        if (c.application_name == application_name) {
            ++matches;
            match = &c;
        }
    }
    if (matches == 0) return AttachState::kDetached;
    if (matches > 1) return AttachState::kUnknown;
    if (state) *state = match->state;
    return match->state == "streaming" ? AttachState::kAttached : AttachState::kNotAttached;
}

std::optional<std::string> attach_warning(AttachState state, const std::string& application_name) {
    switch (state) {
        case AttachState::kDetached:
            return "node \"" + application_name + "\" not found in \"pg_stat_replication\"";
        case AttachState::kUnknown:
            // Two spaces before the name: repmgr's text (commands.md §24 quirk 12).
            return "multiple entries with \"application_name\" set to  \"" + application_name + "\"";
        default:
            return std::nullopt;
    }
}

StandbyReplayInfo get_standby_replay_info(db::Connection& conn) {
    auto r = conn.query_one(
        "SELECT COALESCE(pg_catalog.pg_last_wal_receive_lsn()::text, ''), "
        "       COALESCE(pg_catalog.pg_last_wal_replay_lsn()::text, ''), "
        "       pg_catalog.pg_last_wal_receive_lsn() = pg_catalog.pg_last_wal_replay_lsn(), "
        "       pg_catalog.pg_is_wal_replay_paused(), "
        "       COALESCE(pg_catalog.pg_last_wal_receive_lsn() > pg_catalog.pg_last_wal_replay_lsn(), false), "
        "       CASE WHEN pg_catalog.pg_last_wal_receive_lsn() = pg_catalog.pg_last_wal_replay_lsn() "
        "            THEN 0 "
        "            ELSE EXTRACT(epoch FROM (pg_catalog.clock_timestamp() - "
        "                 pg_catalog.pg_last_xact_replay_timestamp()))::bigint "
        "       END");
    StandbyReplayInfo info;
    info.last_received_lsn = r.text(0, 0);
    info.last_replayed_lsn = r.text(0, 1);
    info.receive_equals_replay = r.get_bool(0, 2);
    info.replay_paused = r.get_bool(0, 3);
    info.wal_pending = r.get_bool(0, 4);
    info.lag_seconds = r.is_null(0, 5) ? -1 : static_cast<long>(r.get_int64(0, 5));
    return info;
}

std::vector<SlotInfo> get_physical_slots(db::Connection& conn) {
    auto r = conn.query(
        "SELECT slot_name, active FROM pg_catalog.pg_replication_slots "
        " WHERE slot_type = 'physical' ORDER BY slot_name");
    std::vector<SlotInfo> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.get_bool(i, 1)});
    return out;
}

std::optional<std::string> get_total_data_size(db::Connection& conn) {
    try {
        auto r = conn.query_one(
            "SELECT pg_catalog.pg_size_pretty(SUM(pg_catalog.pg_database_size(oid))::bigint) "
            "  FROM pg_catalog.pg_database");
        return r.get(0, 0);
    } catch (const db::DbQueryError&) {
        return std::nullopt;
    }
}

std::optional<std::string> get_system_identifier(db::Connection& conn) {
    try {
        return conn.query_one("SELECT system_identifier FROM pg_catalog.pg_control_system()")
            .get(0, 0);
    } catch (const db::DbQueryError&) {
        return std::nullopt;
    }
}

std::optional<RepmgrdStatus> get_repmgrd_status(db::Connection& conn) {
    try {
        auto r = conn.query_one("SELECT repmgr.repmgrd_is_running(), repmgr.repmgrd_is_paused()");
        if (r.is_null(0, 0)) return std::nullopt;
        return RepmgrdStatus{r.get_bool(0, 0), r.get_bool(0, 1)};
    } catch (const db::DbQueryError&) {
        return std::nullopt;
    }
}

}  // namespace repmgr::pg
