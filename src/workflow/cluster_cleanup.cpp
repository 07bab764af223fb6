// cluster cleanup, step by step as commands.md §20.
#include "repmgr/workflow/cluster_cleanup.hpp"

#include <fmt/format.h>

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/metadata/monitoring_cleanup.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/workflow/connections.hpp"

namespace repmgr::workflow {
namespace {

constexpr std::string_view kCountFailed =
    "unable to query number of monitoring records to clean up";
constexpr std::string_view kDeleteFailed = "unable to delete monitoring records";

// The connection to the node recorded as the active primary (connect-or-die), or nullopt
// when the metadata names none. repmgr then carries on with no connection and fails at the
// first query; we report that failure the same way (step 2).
std::optional<db::Connection> connect_recorded_primary(db::Connection& local) {
    auto id = metadata::get_active_primary_node_id(local);
    if (!id) return std::nullopt;
    auto record = metadata::get_node_record(local, *id);
    if (!record) return std::nullopt;
    return db::Connection::connect(record->conninfo);
}

std::string event_details(const ClusterCleanupOptions& options) {
    std::string text =
        options.keep_history == 0 ? "all monitoring records deleted" : "monitoring records deleted";
    if (options.node_id) text += fmt::format(" for node {}", *options.node_id);
    if (options.keep_history > 0) {
        text += fmt::format("; records newer than {} day(s) retained", options.keep_history);
    }
    return text;
}

long long count_due(std::optional<db::Connection>& primary,
                    const metadata::MonitoringCleanupScope& scope) {
    if (!primary) {
        throw Error(ExitCode::kDbQuery, std::string(kCountFailed))
            .detail("no active primary node record was found");
    }
    try {
        return metadata::count_monitoring_records_to_delete(*primary, scope);
    } catch (const db::DbQueryError& e) {
        throw Error(ExitCode::kDbQuery, std::string(kCountFailed)).detail(e.server_message());
    }
}

void vacuum(db::Connection& primary) {
    try {
        metadata::vacuum_monitoring_history(primary);
        log::info("vacuum of table \"repmgr.monitoring_history\" completed");
    } catch (const db::DbQueryError& e) {
        // Not worth failing the command for (repmgr only warns, too).
        log::warning("unable to vacuum table \"repmgr.monitoring_history\"");
        log::detail("{}", e.server_message());
    }
}

}  // namespace

ExitCode cluster_cleanup(const config::Config& cfg, const ClusterCleanupOptions& options) {
    db::Connection local = connect_local(cfg);
    log::info("connecting to primary server");
    std::optional<db::Connection> primary = connect_recorded_primary(local);

    const metadata::MonitoringCleanupScope scope{options.keep_history, options.node_id};
    if (count_due(primary, scope) == 0) {
        log::info("no monitoring records to delete");
        return ExitCode::kSuccess;
    }

    metadata::Event event{cfg.node_id, "cluster_cleanup", true, std::nullopt, {}};
    try {
        metadata::delete_monitoring_records(*primary, scope);
    } catch (const db::DbQueryError& e) {
        log::error("{}", kDeleteFailed);
        // libpq's text ends with a newline, which repmgr prints as a blank line.
        log::detail("{}\n", e.server_message());
        event.successful = false;
        event.details = std::string(kDeleteFailed);
        metadata::create_event_notification(&*primary, cfg, event);
        throw ReportedError(ExitCode::kDbQuery);
    }
    vacuum(*primary);

    event.details = event_details(options);
    metadata::create_event_notification(&*primary, cfg, event);
    log::notice("{}", *event.details);
    return ExitCode::kSuccess;
}

}  // namespace repmgr::workflow
