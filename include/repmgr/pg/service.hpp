// PostgreSQL service commands (commands.md §1.9): the service_*_command from repmgr.conf
// or repmgr's generated pg_ctl line, and running one locally.
#pragma once

#include <string>

#include "repmgr/common/process.hpp"
#include "repmgr/config/config.hpp"

namespace repmgr::pg {

enum class ServiceAction {
    kStart,
    kStop,          // pg_ctl ... -W -m fast stop (no wait): node service, switchover
    kStopWait,      // pg_ctl ... -w -m fast stop: standby follow / node rejoin
    kRestart,
    kReload,
    kPromote,
};

// The command for `action`: the configured service_*_command, else
// `<pg_bindir>pg_ctl <pg_ctl_options> ... -D '<dir>' ...`. `data_directory` is the directory
// for pg_ctl -D (config_directory or data_directory as the caller decides); "" prints
// "(none provided)", as repmgr does.
std::string service_command(const config::Config& cfg, ServiceAction action,
                            const std::string& data_directory);

// config_directory if set, else data_directory (node service, standby promote).
std::string service_directory(const config::Config& cfg);

// Runs a service command through /bin/sh, capturing its output; never throws for a
// failing command.
CommandResult run_service_command(const std::string& command);

// "pg_ctl" or "<pg_bindir>pg_ctl"-style path of a PostgreSQL program.
std::string pg_program(const config::Config& cfg, const std::string& name);

}  // namespace repmgr::pg
