#include "repmgr/pg/demotion_candidate.hpp"

namespace repmgr::pg {

bool in_exclusive_backup(db::Connection& conn) {
    if (conn.server_version_num() >= 150000) return false;
    static constexpr std::string_view kSql = "SELECT pg_catalog.pg_is_in_backup()";
    return conn.query_one(kSql).get_bool(0, 0);
}

std::vector<std::string> get_datadir_configuration_files(db::Connection& conn) {
    static constexpr std::string_view kSql =
        "WITH dd AS ("
        "  SELECT setting || '/' AS dir FROM pg_catalog.pg_settings WHERE name = 'data_directory'"
        "), files AS ("
        "  SELECT DISTINCT sourcefile AS path FROM pg_catalog.pg_settings "
        "   WHERE sourcefile IS NOT NULL "
        "  UNION "
        "  SELECT setting FROM pg_catalog.pg_settings "
        "   WHERE name IN ('config_file', 'hba_file', 'ident_file')"
        ") "
        "SELECT pg_catalog.substr(f.path, pg_catalog.length(dd.dir) + 1) "
        "  FROM files f, dd "
        " WHERE pg_catalog.left(f.path, pg_catalog.length(dd.dir)) = dd.dir "
        " ORDER BY 1";
    auto r = conn.query(kSql);
    std::vector<std::string> names;
    for (int i = 0; i < r.rows(); ++i) names.push_back(r.text(i, 0));
    return names;
}

}  // namespace repmgr::pg
