#include "repmgr/pg/source_server.hpp"

namespace repmgr::pg {
namespace {

std::vector<ConfigFileLocation> read_locations(const db::QueryResult& r) {
    std::vector<ConfigFileLocation> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1), r.get_bool(i, 2)});
    return out;
}

}  // namespace

std::optional<std::string> get_pg_setting(db::Connection& conn, const std::string& name) {
    static constexpr std::string_view kSql =
        "SELECT setting FROM pg_catalog.pg_settings WHERE name = $1";
    auto r = conn.query(kSql, {db::param(name)});
    if (r.rows() == 0) return std::nullopt;
    return r.text(0, 0);
}

WalsenderUsage get_walsender_usage(db::Connection& conn) {
    static constexpr std::string_view kSql =
        "SELECT pg_catalog.current_setting('max_wal_senders')::INT, "
        "       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_replication)::INT";
    auto r = conn.query_one(kSql);
    return {r.get_int(0, 0), r.get_int(0, 1)};
}

bool has_replication_attribute(db::Connection& conn) {
    static constexpr std::string_view kSql =
        "SELECT rolreplication FROM pg_catalog.pg_roles WHERE rolname = current_user";
    auto r = conn.query(kSql);
    return r.rows() == 1 && r.get_bool(0, 0);
}

std::vector<std::string> get_tablespace_locations(db::Connection& conn) {
    static constexpr std::string_view kSql =
        "SELECT pg_catalog.pg_tablespace_location(oid) FROM pg_catalog.pg_tablespace "
        " WHERE spcname NOT IN ('pg_default', 'pg_global') ORDER BY 1";
    auto r = conn.query(kSql);
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
}

std::vector<ConfigFileLocation> get_config_file_locations(db::Connection& conn) {
    // "Inside" is a plain prefix test on the path, as repmgr does it.
    static constexpr std::string_view kSourceFiles =
        "WITH dd AS (SELECT setting AS data_directory FROM pg_catalog.pg_settings "
        "             WHERE name = 'data_directory') "
        "SELECT DISTINCT ps.sourcefile, "
        "       pg_catalog.regexp_replace(ps.sourcefile, '^.*/', ''), "
        "       pg_catalog.left(ps.sourcefile, pg_catalog.length(dd.data_directory)) "
        "         = dd.data_directory "
        "  FROM dd, pg_catalog.pg_settings ps "
        " WHERE ps.sourcefile IS NOT NULL ORDER BY 1";
    static constexpr std::string_view kHbaIdent =
        "WITH dd AS (SELECT setting AS data_directory FROM pg_catalog.pg_settings "
        "             WHERE name = 'data_directory') "
        "SELECT ps.setting, "
        "       pg_catalog.regexp_replace(ps.setting, '^.*/', ''), "
        "       pg_catalog.left(ps.setting, pg_catalog.length(dd.data_directory)) "
        "         = dd.data_directory "
        "  FROM dd, pg_catalog.pg_settings ps "
        " WHERE ps.name IN ('hba_file', 'ident_file') ORDER BY 1";
    std::vector<ConfigFileLocation> out = read_locations(conn.query(kSourceFiles));
    std::vector<ConfigFileLocation> hba = read_locations(conn.query(kHbaIdent));
    out.insert(out.end(), hba.begin(), hba.end());
    return out;
}

}  // namespace repmgr::pg
