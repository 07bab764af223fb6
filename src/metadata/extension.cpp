#include "repmgr/metadata/extension.hpp"

#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"

namespace repmgr::metadata {

int extension_version_num(const std::string& version) {
    auto parts = split(version, '.');
    int major = parts.empty() ? 0 : parse_int_strict(parts[0]).value_or(0);
    int minor = parts.size() < 2 ? 0 : parse_int_strict(parts[1].substr(0, 1)).value_or(0);
    return major * 10000 + minor * 100;
}

ExtensionInfo get_extension_info(db::Connection& conn) {
    ExtensionInfo info;
    try {
        auto r = conn.query(
            "SELECT ae.default_version, e.extversion "
            "  FROM pg_catalog.pg_available_extensions ae "
            "  LEFT JOIN pg_catalog.pg_extension e ON e.extname = ae.name "
            " WHERE ae.name = 'repmgr'");
        if (r.rows() == 0) {
            info.status = ExtensionStatus::kUnavailable;
            return info;
        }
        info.default_version = r.text(0, 0);
        if (r.is_null(0, 1)) {
            info.status = ExtensionStatus::kAvailable;
            return info;
        }
        info.installed_version = r.text(0, 1);
        info.status = extension_version_num(info.installed_version) <
                              extension_version_num(info.default_version)
                          ? ExtensionStatus::kOldVersionInstalled
                          : ExtensionStatus::kInstalled;
    } catch (const db::DbQueryError& e) {
        log::debug("unable to query extension status: {}", e.what());
        info.status = ExtensionStatus::kUnknown;
    }
    return info;
}

void create_extension(db::Connection& conn) { conn.execute("CREATE EXTENSION repmgr"); }

void grant_repmgr_access(db::Connection& conn, const std::string& user) {
    // Role names cannot be bound as parameters: quoted with PQescapeIdentifier.
    const std::string role = conn.quote_identifier(user);
    conn.execute("GRANT USAGE ON SCHEMA repmgr TO " + role);
    conn.execute("GRANT ALL ON ALL TABLES IN SCHEMA repmgr TO " + role);
}

void init_voting_term(db::Connection& conn) {
    auto r = conn.query_one("SELECT COUNT(*) FROM repmgr.voting_term");
    if (r.get_int(0, 0) == 0) {
        conn.execute("INSERT INTO repmgr.voting_term (term) VALUES (1)");
    } else {
        conn.execute("UPDATE repmgr.voting_term SET term = 1");
    }
}

}  // namespace repmgr::metadata
