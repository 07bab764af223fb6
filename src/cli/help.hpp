// --help texts (our own wording; same commands and option groups as repmgr, commands.md §1.6).
#pragma once

#include <string>

namespace repmgr::cli {

// General help. `running_as_root` adds the non-superuser banner.
void print_general_help(const std::string& progname, bool running_as_root);
// Help for one command word (primary, standby, node, cluster, witness, service, daemon).
// Returns false if the word has no help of its own.
bool print_command_help(const std::string& progname, const std::string& command);

}  // namespace repmgr::cli
