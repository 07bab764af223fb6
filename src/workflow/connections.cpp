#include "repmgr/workflow/connections.hpp"

#include "repmgr/log/logger.hpp"

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

}  // namespace repmgr::workflow
