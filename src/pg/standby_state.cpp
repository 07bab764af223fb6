#include "repmgr/pg/standby_state.hpp"

#include "repmgr/pg/replication.hpp"
#include "repmgr/pg/server.hpp"

namespace repmgr::pg {
namespace {

std::optional<std::uint64_t> lsn_column(const db::QueryResult& r, int col) {
    auto text = r.get(0, col);
    if (!text) return std::nullopt;
    return parse_lsn(*text);
}

bool setting_on(db::Connection& conn, const char* name) { return get_setting(conn, name) == "on"; }

}  // namespace

StandbyPositions get_standby_positions(db::Connection& conn) {
    static constexpr std::string_view kSql =
        "SELECT pg_catalog.pg_last_wal_receive_lsn()::text, "
        "       pg_catalog.pg_last_wal_replay_lsn()::text, "
        "       pg_catalog.pg_is_wal_replay_paused()";
    auto r = conn.query_one(kSql);
    StandbyPositions p;
    p.received = lsn_column(r, 0);
    p.replayed = lsn_column(r, 1);
    p.replay_paused = r.get_bool(0, 2);
    return p;
}

bool wal_receiver_streaming(db::Connection& conn) {
    static constexpr std::string_view kSql =
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_wal_receiver "
        "                WHERE COALESCE(status, 'streaming') = 'streaming')";
    return conn.query_one(kSql).get_bool(0, 0);
}

WalsenderCapacity get_walsender_capacity(db::Connection& conn) {
    static constexpr std::string_view kSql =
        "SELECT pg_catalog.current_setting('max_wal_senders')::int, "
        "       (SELECT count(*) FROM pg_catalog.pg_stat_replication)::int";
    auto r = conn.query_one(kSql);
    return WalsenderCapacity{r.get_int(0, 0), r.get_int(0, 1)};
}

SlotCapacity get_slot_capacity(db::Connection& conn) {
    static constexpr std::string_view kSql =
        "SELECT pg_catalog.current_setting('max_replication_slots')::int, "
        "       (SELECT count(*) FROM pg_catalog.pg_replication_slots)::int, "
        "       (SELECT count(*) FROM pg_catalog.pg_replication_slots WHERE active)::int";
    auto r = conn.query_one(kSql);
    return SlotCapacity{r.get_int(0, 0), r.get_int(0, 1), r.get_int(0, 2)};
}

bool can_execute_pg_promote(db::Connection& conn) {
    if (is_superuser(conn)) return true;
    static constexpr std::string_view kSql =
        "SELECT pg_catalog.has_function_privilege(CURRENT_USER, "
        "       'pg_catalog.pg_promote(boolean, integer)', 'EXECUTE')";
    try {
        return conn.query_one(kSql).get_bool(0, 0);
    } catch (const db::DbQueryError&) {
        return false;
    }
}

void request_promote(db::Connection& conn) {
    auto r = conn.query_one("SELECT pg_catalog.pg_promote(wait := FALSE)");
    if (!r.get_bool(0, 0)) throw db::DbQueryError("pg_promote() returned false", "");
}

void checkpoint(db::Connection& conn) { conn.execute("CHECKPOINT"); }

bool can_checkpoint(db::Connection& conn) {
    if (is_superuser(conn)) return true;
    if (conn.server_version_num() < 150000) return false;
    static constexpr std::string_view kSql =
        "SELECT pg_catalog.pg_has_role(CURRENT_USER, 'pg_checkpointer', 'MEMBER')";
    try {
        return conn.query_one(kSql).get_bool(0, 0);
    } catch (const db::DbQueryError&) {
        return false;
    }
}

RewindSettings get_rewind_settings(db::Connection& conn) {
    RewindSettings s;
    s.full_page_writes = setting_on(conn, "full_page_writes");
    s.wal_log_hints = setting_on(conn, "wal_log_hints");
    s.data_checksums = setting_on(conn, "data_checksums");
    return s;
}

}  // namespace repmgr::pg
