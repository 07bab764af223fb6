#include "repmgr/workflow/connections.hpp"

#include "repmgr/log/logger.hpp"
#include "repmgr/pg/server.hpp"

namespace repmgr::workflow {

db::Connection connect_local(const config::Config& cfg) {
    return db::Connection::connect(cfg.conninfo);
}

namespace {

std::optional<db::Connection> connect_quiet_impl(const std::string& conninfo,
                                                 const std::string* user) {
    std::string parse_error;
    auto info = db::ConnInfo::try_parse(conninfo, &parse_error);
    if (!info) {
        log::verbose(log::Level::kWarning, "unable to parse conninfo \"{}\": {}", conninfo,
                     parse_error);
        return std::nullopt;
    }
    if (user != nullptr) info->set("user", *user);
    auto result = db::Connection::try_connect(*info);
    if (!result.ok()) {
        log::verbose(log::Level::kWarning, "connection to database failed");
        log::detail("\n{}", result.error().libpq_message());
        log::detail("attempted to connect using:\n  {}", result.error().attempted());
        return std::nullopt;
    }
    return std::move(result).take();
}

}  // namespace

std::optional<db::Connection> connect_quiet(const std::string& conninfo) {
    return connect_quiet_impl(conninfo, nullptr);
}

std::optional<db::Connection> connect_quiet_as(const std::string& conninfo,
                                               const std::string& user) {
    return connect_quiet_impl(conninfo, &user);
}

std::optional<PrimaryConnection> find_primary(db::Connection& any_node) {
    log::verbose(log::Level::kInfo, "searching for primary node");
    for (const auto& rec : metadata::get_primary_candidates(any_node)) {
        log::verbose(log::Level::kInfo, "checking if node {} is primary", rec.node_id);
        auto conn = connect_quiet(rec.conninfo);
        if (!conn) continue;
        if (pg::get_recovery_type(*conn) == pg::RecoveryType::kPrimary) {
            log::verbose(log::Level::kInfo, "current primary node is {}", rec.node_id);
            return PrimaryConnection{std::move(*conn), rec.node_id};
        }
    }
    return std::nullopt;
}

db::Connection connect_as_user(const std::string& conninfo, const std::string& user) {
    db::ConnInfo info = db::ConnInfo::parse(conninfo);
    info.set("user", user);
    return db::Connection::connect(info);
}

}  // namespace repmgr::workflow
