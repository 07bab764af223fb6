#include "repmgr/workflow/connections.hpp"

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/pg/server.hpp"

namespace repmgr::workflow {

db::Connection connect_local(const config::Config& cfg) {
    return db::Connection::connect(cfg.conninfo);
}

std::optional<db::Connection> connect_quiet(const std::string& conninfo) {
    std::string parse_error;
    auto info = db::ConnInfo::try_parse(conninfo, &parse_error);
    if (!info) {
        log::verbose(log::Level::kError, "unable to parse conninfo \"{}\": {}", conninfo,
                     parse_error);
        return std::nullopt;
    }
    auto result = db::Connection::try_connect(*info);
    if (!result.ok()) {
        log::verbose(log::Level::kError, "connection to database failed");
        log::detail("\n{}", result.error().libpq_message());
        log::detail("attempted to connect using:\n  {}", result.error().attempted());
        return std::nullopt;
    }
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

}  // namespace repmgr::workflow
