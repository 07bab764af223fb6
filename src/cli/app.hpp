// The repmgr command tree (root → noun → verb, CLI11) and the context verb handlers get.
// Noun files register their verbs here; main.cpp drives the processing order.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cli/action.hpp"
#include "cli/options.hpp"
#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"

namespace CLI {
class App;
}

namespace repmgr::cli {

// What a verb handler receives: the loaded configuration and the command line.
struct CommandContext {
    const config::Config& config;
    const CliOptions& options;
    const std::vector<std::string>& positional;
    bool config_file_found = false;
};

using VerbHandler = ExitCode (*)(const CommandContext&);

struct VerbSpec {
    Action action = Action::kNone;
    VerbHandler handler = nullptr;
    size_t max_positional = 0;
};

// Collects the verbs the noun files register.
class CliContext {
public:
    void add_verb(CLI::App* verb, Action action, VerbHandler handler, size_t max_positional = 0);
    const VerbSpec* find(const CLI::App* verb) const;
    const VerbSpec* find(Action action) const;

private:
    std::map<const CLI::App*, VerbSpec> verbs_;
};

// Each noun file adds its noun subcommand (with aliases) and its verbs.
void register_primary_commands(CLI::App& root, CliContext& ctx);
void register_standby_commands(CLI::App& root, CliContext& ctx);
void register_witness_commands(CLI::App& root, CliContext& ctx);
void register_node_commands(CLI::App& root, CliContext& ctx);
void register_cluster_commands(CLI::App& root, CliContext& ctx);
void register_service_commands(CLI::App& root, CliContext& ctx);
void register_daemon_commands(CLI::App& root, CliContext& ctx);

// Adds a noun subcommand that accepts every root option after it, case-insensitively.
CLI::App* add_noun(CLI::App& root, const std::string& name, const std::string& description);
CLI::App* add_verb(CLI::App& noun, const std::string& name, const std::string& description);

// Parses argv with getopt-like semantics (options anywhere, optional values only with
// "=") into options, action and errors. Never throws for bad input: errors are returned.
ParsedCommandLine parse_command_line(int argc, char** argv, CliContext& ctx);

}  // namespace repmgr::cli
