// node service (commands.md §15): run the local PostgreSQL service command for an action
// (service_*_command, else repmgr's pg_ctl line from pg/service), optionally after a
// CHECKPOINT, or just show the commands. Printing --list-actions is the CLI's job.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"
#include "repmgr/pg/service.hpp"

namespace repmgr::workflow {

// --action, case-insensitively. nullopt when the option is absent or empty: repmgr then runs
// an empty command (commands.md §24 quirk 9). Throws Error(kBadConfig)
// `unknown value "<v>" provided for parameter --action` + HINT naming the valid values.
std::optional<pg::ServiceAction> parse_node_service_action(const std::optional<std::string>& text);

// The command for `action` ("" for nullopt). The directory for pg_ctl -D is config_directory,
// else data_directory, else `pgdata` (-D). Throws Error(kBadConfig) "unable to determine data
// directory for action" when a pg_ctl line is needed and there is no directory.
std::string node_service_command(const config::Config& cfg, std::optional<pg::ServiceAction> action,
                                 const std::string& pgdata);

struct ServiceCommandLine {
    std::string_view action;  // "start", "stop", "restart", "reload", "promote"
    std::string command;
};

// The commands --list-actions shows, in repmgr's order. Throws as node_service_command().
std::vector<ServiceCommandLine> node_service_commands(const config::Config& cfg,
                                                      const std::string& pgdata);

struct NodeServiceOptions {
    std::optional<pg::ServiceAction> action;
    bool checkpoint = false;  // --checkpoint (only for stop and restart)
    bool dry_run = false;
    std::optional<std::string> superuser;  // -S: connect as this user for the CHECKPOINT
    std::string pgdata;                    // -D
};

// Issues the CHECKPOINT when asked (stop/restart only; connect-or-die to the local node, or
// with -S as that user: exit 6; a non-superuser gets a WARNING and no CHECKPOINT), then runs
// the command through /bin/sh and waits for it to exit (not for its output to close, so a
// server it starts cannot hold it up). Returns kSuccess, or kLocalCommand when the command
// exits non-zero. A dry run only logs what it would do.
ExitCode node_service(const config::Config& cfg, const NodeServiceOptions& options);

}  // namespace repmgr::workflow
