#include "repmgr/pg/service.hpp"

#include <fmt/format.h>

namespace repmgr::pg {
namespace {

// repmgr's quoting of the -D directory: always single quotes, ' as '"'"' and & as \&.
std::string quote_directory(const std::string& dir) {
    if (dir.empty()) return "'(none provided)'";
    std::string out = "'";
    for (char c : dir) {
        if (c == '\'') {
            out += "'\"'\"'";
        } else if (c == '&') {
            out += "\\&";
        } else {
            out += c;
        }
    }
    out += '\'';
    return out;
}

const std::string& configured(const config::Config& cfg, ServiceAction action) {
    switch (action) {
        case ServiceAction::kStart: return cfg.service_start_command;
        case ServiceAction::kStop:
        case ServiceAction::kStopWait: return cfg.service_stop_command;
        case ServiceAction::kRestart: return cfg.service_restart_command;
        case ServiceAction::kReload: return cfg.service_reload_command;
        case ServiceAction::kPromote: return cfg.service_promote_command;
    }
    return cfg.service_start_command;
}

}  // namespace

std::string pg_program(const config::Config& cfg, const std::string& name) {
    std::string bindir = cfg.pg_bindir;
    if (!bindir.empty() && bindir.back() != '/') bindir += '/';
    return bindir + name;
}

std::string service_directory(const config::Config& cfg) {
    return cfg.config_directory.empty() ? cfg.data_directory : cfg.config_directory;
}

std::string service_command(const config::Config& cfg, ServiceAction action,
                            const std::string& data_directory) {
    if (const std::string& cmd = configured(cfg, action); !cmd.empty()) return cmd;
    const std::string head = pg_program(cfg, "pg_ctl") + " " + cfg.pg_ctl_options;
    const std::string dir = quote_directory(data_directory);
    switch (action) {
        case ServiceAction::kStart: return fmt::format("{} -w -D {} start", head, dir);
        case ServiceAction::kStop: return fmt::format("{} -D {} -W -m fast stop", head, dir);
        case ServiceAction::kStopWait: return fmt::format("{} -D {} -w -m fast stop", head, dir);
        case ServiceAction::kRestart: return fmt::format("{} -w -D {} restart", head, dir);
        case ServiceAction::kReload: return fmt::format("{} -w -D {} reload", head, dir);
        case ServiceAction::kPromote: return fmt::format("{} -w -D {} promote", head, dir);
    }
    return "";
}

CommandResult run_service_command(const std::string& command) { return run_shell(command); }

}  // namespace repmgr::pg
