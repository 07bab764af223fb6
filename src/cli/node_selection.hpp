// --node-id / --node-name: checks the named node exists before the action runs
// (commands.md §1.2 step 17), and the command-line connection parameters.
#pragma once

#include "cli/options.hpp"
#include "repmgr/config/config.hpp"
#include "repmgr/db/conninfo.hpp"

namespace repmgr::cli {

// Throws Error(kBadConfig) "node <N> (specified with --node-id) not found" (or --node-name),
// or the connect-or-die error. No-op when neither option survived the applicability check.
void resolve_node_selection(const ParsedCommandLine& parsed, const config::Config& cfg);

// -d/-h/-p/-U as connection parameters (a -d conninfo string is parsed).
db::ConnInfo conninfo_from_options(const CliOptions& options);

// The local conninfo when there is one, else the command-line parameters.
db::ConnInfo local_or_cli_conninfo(const config::Config& cfg, const CliOptions& options);

}  // namespace repmgr::cli
