#include "repmgr/metadata/monitoring_cleanup.hpp"

#include <string>

namespace repmgr::metadata {
namespace {

// make_interval(days => k) is the interval 'k days'; age() normalises to months and days,
// and interval comparison counts a month as 30 days, exactly as comparing with 'k days'.
constexpr std::string_view kDueRows =
    " FROM repmgr.monitoring_history"
    " WHERE pg_catalog.age(pg_catalog.now(), last_monitor_time)"
    " >= pg_catalog.make_interval(days => $1::integer)";
constexpr std::string_view kOfNode = " AND standby_node_id = $2::integer";

db::Params scope_params(const MonitoringCleanupScope& scope) {
    db::Params params{db::param(scope.keep_days)};
    if (scope.node_id) params.push_back(db::param(*scope.node_id));
    return params;
}

std::string scoped(std::string_view head, const MonitoringCleanupScope& scope) {
    std::string sql(head);
    sql += kDueRows;
    if (scope.node_id) sql += kOfNode;
    return sql;
}

}  // namespace

long long count_monitoring_records_to_delete(db::Connection& primary,
                                             const MonitoringCleanupScope& scope) {
    const std::string sql = scoped("SELECT pg_catalog.count(*)", scope);
    return primary.query_one(sql, scope_params(scope)).get_int64(0, 0);
}

void delete_monitoring_records(db::Connection& primary, const MonitoringCleanupScope& scope) {
    static constexpr std::string_view kTruncate = "TRUNCATE TABLE repmgr.monitoring_history";
    if (scope.keep_days == 0 && !scope.node_id) {
        primary.execute(kTruncate);
        return;
    }
    primary.execute(scoped("DELETE", scope), scope_params(scope));
}

void vacuum_monitoring_history(db::Connection& primary) {
    static constexpr std::string_view kVacuum = "VACUUM repmgr.monitoring_history";
    primary.execute(kVacuum);
}

}  // namespace repmgr::metadata
