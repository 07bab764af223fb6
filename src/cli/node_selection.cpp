#include "cli/node_selection.hpp"

#include <fmt/format.h>

#include "repmgr/common/error.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/metadata/node_record.hpp"

namespace repmgr::cli {

db::ConnInfo conninfo_from_options(const CliOptions& o) {
    db::ConnInfo info;
    if (o.dbname) {
        const std::string& d = *o.dbname;
        if (starts_with(d, "postgresql://") || starts_with(d, "postgres://") ||
            d.find('=') != std::string::npos) {
            info = db::ConnInfo::parse(d);
        } else {
            info.set("dbname", d);
        }
    }
    if (o.host) info.set("host", *o.host);
    if (o.port) info.set("port", *o.port);
    if (o.username) info.set("user", *o.username);
    return info;
}

db::ConnInfo local_or_cli_conninfo(const config::Config& cfg, const CliOptions& options) {
    if (!cfg.conninfo.empty()) return db::ConnInfo::parse(cfg.conninfo);
    return conninfo_from_options(options);
}

void resolve_node_selection(const ParsedCommandLine& parsed, const config::Config& cfg) {
    const CliOptions& o = parsed.options;
    if (!o.node_id && !o.node_name) return;
    db::Connection conn = db::Connection::connect(local_or_cli_conninfo(cfg, o));
    if (o.node_id) {
        int id = parse_int_strict(*o.node_id).value_or(-1);
        if (!metadata::get_node_record(conn, id)) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("node {} (specified with --node-id) not found", id));
        }
    } else if (!metadata::get_node_record_by_name(conn, *o.node_name)) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("node \"{}\" (specified with --node-name) not found", *o.node_name));
    }
}

}  // namespace repmgr::cli
