#include "repmgr/metadata/repmgrd_state.hpp"

namespace repmgr::metadata {
namespace {

std::optional<int> single_int(db::Connection& conn, std::string_view sql, const db::Params& params = {}) {
    auto r = conn.query_one(sql, params);
    return r.get_optional_int(0, 0);
}

}  // namespace

bool set_local_node_id(db::Connection& conn, int node_id) {
    conn.execute("SELECT repmgr.set_local_node_id($1)", {db::param(node_id)});
    auto stored = get_local_node_id(conn);
    return stored && *stored == node_id;
}

std::optional<int> get_local_node_id(db::Connection& conn) {
    return single_int(conn, "SELECT repmgr.get_local_node_id()");
}

void set_repmgrd_pid(db::Connection& conn, int pid, const std::string& pid_file) {
    conn.execute("SELECT repmgr.set_repmgrd_pid($1, $2)",
                 {db::param(pid), pid_file.empty() ? db::null_param() : db::param(pid_file)});
}

std::optional<int> get_repmgrd_pid(db::Connection& conn) {
    return single_int(conn, "SELECT repmgr.get_repmgrd_pid()");
}

void set_upstream_last_seen(db::Connection& conn, int upstream_node_id) {
    conn.execute("SELECT repmgr.set_upstream_last_seen($1)", {db::param(upstream_node_id)});
}

std::optional<int> get_upstream_last_seen(db::Connection& conn) {
    return single_int(conn, "SELECT repmgr.get_upstream_last_seen()");
}

std::optional<int> get_upstream_node_id(db::Connection& conn) {
    return single_int(conn, "SELECT repmgr.get_upstream_node_id()");
}

void set_upstream_node_id(db::Connection& conn, int upstream_node_id) {
    conn.execute("SELECT repmgr.set_upstream_node_id($1)", {db::param(upstream_node_id)});
}

void notify_follow_primary(db::Connection& conn, int new_primary_id) {
    conn.execute("SELECT repmgr.notify_follow_primary($1)", {db::param(new_primary_id)});
}

std::optional<int> get_new_primary(db::Connection& conn) {
    return single_int(conn, "SELECT repmgr.get_new_primary()");
}

void reset_voting_status(db::Connection& conn) { conn.execute("SELECT repmgr.reset_voting_status()"); }

std::optional<bool> repmgrd_is_paused(db::Connection& conn) {
    auto r = conn.query_one("SELECT repmgr.repmgrd_is_paused()");
    if (r.is_null(0, 0)) return std::nullopt;
    return r.get_bool(0, 0);
}

void repmgrd_pause(db::Connection& conn, bool pause) {
    conn.execute("SELECT repmgr.repmgrd_pause($1)", {db::param(pause)});
}

std::optional<int> get_wal_receiver_pid(db::Connection& conn) {
    return single_int(conn, "SELECT repmgr.get_wal_receiver_pid()");
}

void standby_set_last_updated(db::Connection& conn) {
    conn.execute("SELECT repmgr.standby_set_last_updated()");
}

std::optional<int> get_voting_term(db::Connection& conn) {
    auto r = conn.query("SELECT term FROM repmgr.voting_term");
    if (r.rows() == 0) return std::nullopt;
    return r.get_optional_int(0, 0);
}

void increment_voting_term(db::Connection& conn) {
    conn.execute("UPDATE repmgr.voting_term SET term = term + 1");
}

}  // namespace repmgr::metadata
