#include "repmgr/workflow/connections.hpp"

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/pg/server.hpp"

namespace repmgr::workflow {

db::Connection connect_local(const config::Config& cfg) {
    return db::Connection::connect(cfg.conninfo);
}

std::optional<db::Connection> connect_quiet(const std::string& conninfo) {
    auto result = try_connect_quiet(conninfo);
    if (!result.ok()) return std::nullopt;
    return std::move(result).take();
}

std::optional<PrimaryConnection> get_primary_connection(db::Connection& any_node) {
    for (const auto& rec : metadata::get_primary_candidates(any_node)) {
        auto conn = connect_quiet(rec.conninfo);
        if (!conn) continue;
        if (pg::get_recovery_type(*conn) == pg::RecoveryType::kPrimary) {
            return PrimaryConnection{std::move(*conn), rec.node_id};
        }
    }
    return std::nullopt;
}

namespace {

void log_connect_failure(const db::DbConnectError& e) {
    log::error("connection to database failed");
    log::detail("\n{}", e.libpq_message());
    log::detail("attempted to connect using:\n  {}", e.attempted());
}

}  // namespace

std::optional<PrimaryConnection> find_primary_connection(db::Connection& any_node, bool quiet) {
    log::verbose(log::Level::kInfo, "searching for primary node");
    for (const auto& rec : metadata::get_primary_candidates(any_node)) {
        log::verbose(log::Level::kInfo, "checking if node {} is primary", rec.node_id);
        auto conn = quiet ? connect_quiet(rec.conninfo) : connect_or_report(rec.conninfo);
        if (!conn) continue;
        if (pg::get_recovery_type(*conn) == pg::RecoveryType::kPrimary) {
            log::verbose(log::Level::kInfo, "current primary node is {}", rec.node_id);
            return PrimaryConnection{std::move(*conn), rec.node_id};
        }
    }
    return std::nullopt;
}

Result<db::Connection, db::DbConnectError> try_connect_quiet(const std::string& conninfo) {
    std::string parse_error;
    auto info = db::ConnInfo::try_parse(conninfo, &parse_error);
    if (!info) {
        log::verbose(log::Level::kError, "unable to parse conninfo \"{}\": {}", conninfo,
                     parse_error);
        return db::DbConnectError(parse_error, conninfo);
    }
    auto result = db::Connection::try_connect(*info);
    if (!result.ok()) {
        if (log::settings().verbose) {  // quiet: the whole block only with -v
            log::verbose(log::Level::kError, "connection to database failed");
            log::detail("\n{}", result.error().libpq_message());
            log::detail("attempted to connect using:\n  {}", result.error().attempted());
        }
    }
    return result;
}

std::optional<db::Connection> connect_or_report(const std::string& conninfo) {
    std::string parse_error;
    auto info = db::ConnInfo::try_parse(conninfo, &parse_error);
    if (!info) {
        log::error("unable to parse provided conninfo string \"{}\"", conninfo);
        log::detail("{}", parse_error);
        return std::nullopt;
    }
    auto result = db::Connection::try_connect(*info);
    if (!result.ok()) {
        log_connect_failure(result.error());
        return std::nullopt;
    }
    return std::move(result).take();
}

Result<db::Connection, db::DbConnectError> connect_by_params(const db::ConnInfo& params) {
    auto result = db::Connection::try_connect(params);
    if (!result.ok()) {
        log::error("connection to database failed");
        log::detail("\n{}", result.error().libpq_message());
    }
    return result;
}

std::string conninfo_host(const std::string& conninfo) {
    std::string error;
    auto info = db::ConnInfo::try_parse(conninfo, &error);
    return info ? info->get("host").value_or("") : "";
}

}  // namespace repmgr::workflow
