// A stopped data directory as node rejoin sees it: its PG_VERSION, and the pg_rewind command
// that resynchronises it with a source server. Decides nothing about when to rewind.
#pragma once

#include <optional>
#include <string>

#include "repmgr/common/process.hpp"
#include "repmgr/config/config.hpp"

namespace repmgr::pg {

// PG_VERSION of `data_directory` as a version number ("15" → 150000, "9.6" → 90600);
// nullopt if the file is missing or unreadable.
std::optional<int> read_data_directory_version(const std::string& data_directory);

// `<pg_bindir>pg_rewind -D '<data_directory>' --source-server='<source_conninfo>'`, or with
// `binary` (node rejoin --force-rewind=PATH) in place of `<pg_bindir>pg_rewind`. The
// directory and conninfo are quoted with shell_quote; `binary` is written as given unless it
// holds characters the shell would interpret, in which case it is quoted too.
std::string pg_rewind_command(const config::Config& cfg, const std::string& data_directory,
                              const std::string& source_conninfo,
                              const std::optional<std::string>& binary);

// Runs the command, capturing stdout and stderr. Never throws for a failing command.
CommandResult run_pg_rewind(const std::string& command);

}  // namespace repmgr::pg
