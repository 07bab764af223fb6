// node service, as commands.md §15.
#include "repmgr/workflow/node_service.hpp"

#include <fmt/format.h>

#include <array>

#include "repmgr/common/strings.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/pg/standby_state.hpp"
#include "repmgr/workflow/connections.hpp"

namespace repmgr::workflow {
namespace {

using pg::ServiceAction;

struct NamedAction {
    std::string_view name;
    ServiceAction action;
};

// node service --action=stop does not wait for the shutdown (pg_ctl -W), as in repmgr.
constexpr std::array<NamedAction, 5> kActions{{
    {"start", ServiceAction::kStart},
    {"stop", ServiceAction::kStop},
    {"restart", ServiceAction::kRestart},
    {"reload", ServiceAction::kReload},
    {"promote", ServiceAction::kPromote},
}};

bool has_configured_command(const config::Config& cfg, ServiceAction action) {
    switch (action) {
        case ServiceAction::kStart:
            return !cfg.service_start_command.empty();
        case ServiceAction::kStop:
        case ServiceAction::kStopWait:
            return !cfg.service_stop_command.empty();
        case ServiceAction::kRestart:
            return !cfg.service_restart_command.empty();
        case ServiceAction::kReload:
            return !cfg.service_reload_command.empty();
        case ServiceAction::kPromote:
            return !cfg.service_promote_command.empty();
    }
    return false;
}

std::string directory_for(const config::Config& cfg, const std::string& pgdata) {
    std::string dir = pg::service_directory(cfg);
    return dir.empty() ? pgdata : dir;
}

// The connection the CHECKPOINT goes through: the local node, or with -S the same
// parameters as that user. Both are connect-or-die (exit 6); repmgr reports the -S
// connection without the "attempted to connect using" part.
db::Connection checkpoint_connection(const config::Config& cfg,
                                     const std::optional<std::string>& superuser) {
    if (!superuser) return connect_local(cfg);
    db::ConnInfo info = db::ConnInfo::parse(cfg.conninfo);
    info.set("user", *superuser);
    auto conn = connect_by_params(info);
    if (!conn.ok()) throw ReportedError(ExitCode::kDbConn);
    return std::move(conn).take();
}

void issue_checkpoint(const config::Config& cfg, const NodeServiceOptions& options) {
    db::Connection conn = checkpoint_connection(cfg, options.superuser);
    if (!pg::is_superuser(conn)) {
        if (options.dry_run) {
            log::warning(
                "a CHECKPOINT would be issued here but no superuser connection is available");
        } else {
            log::warning("a superuser connection is required to issue a CHECKPOINT");
        }
        log::hint("provide a superuser with -S/--superuser");
        return;
    }
    if (options.dry_run) {
        log::info("a CHECKPOINT would be issued here");
        return;
    }
    // The trailing blank is repmgr's.
    log::notice("issuing CHECKPOINT on node \"{}\" (ID: {}) ", cfg.node_name, cfg.node_id);
    try {
        pg::checkpoint(conn);
    } catch (const db::DbQueryError& e) {
        log::error("unable to execute CHECKPOINT");
        log::detail("\n{}", e.server_message());
    }
}

}  // namespace

std::optional<ServiceAction> parse_node_service_action(const std::optional<std::string>& text) {
    if (!text || text->empty()) return std::nullopt;
    for (const auto& a : kActions) {
        if (iequals(*text, a.name)) return a.action;
    }
    throw Error(ExitCode::kBadConfig,
                fmt::format("unknown value \"{}\" provided for parameter --action", *text))
        .hint("valid values are \"start\", \"stop\", \"restart\", \"reload\" and \"promote\"");
}

std::string node_service_command(const config::Config& cfg, std::optional<ServiceAction> action,
                                 const std::string& pgdata) {
    if (!action) return "";
    const std::string dir = directory_for(cfg, pgdata);
    if (dir.empty() && !has_configured_command(cfg, *action)) {
        throw Error(ExitCode::kBadConfig, "unable to determine data directory for action");
    }
    return pg::service_command(cfg, *action, dir);
}

std::vector<ServiceCommandLine> node_service_commands(const config::Config& cfg,
                                                      const std::string& pgdata) {
    std::vector<ServiceCommandLine> out;
    for (const auto& a : kActions) {
        out.push_back({a.name, node_service_command(cfg, a.action, pgdata)});
    }
    return out;
}

ExitCode node_service(const config::Config& cfg, const NodeServiceOptions& options) {
    const std::string command = node_service_command(cfg, options.action, options.pgdata);
    const bool stopping =
        options.action == ServiceAction::kStop || options.action == ServiceAction::kRestart;
    if (options.checkpoint && stopping) issue_checkpoint(cfg, options);

    if (options.dry_run) {
        log::info("would execute server command \"{}\"", command);
        return ExitCode::kSuccess;
    }
    log::detail("executing server command \"{}\"", command);
    // run_shell waits for the command to exit, not for its output to close: a postmaster
    // started without -l keeps pg_ctl's stderr open, which must not hold us (or the SSH
    // session a remote `node service` runs in) up.
    const CommandResult result = pg::run_service_command(command);
    return result.ok() ? ExitCode::kSuccess : ExitCode::kLocalCommand;
}

}  // namespace repmgr::workflow
