// Command-line validation: option values (getopt-time checks) and which options apply to
// which action (repmgr's check_cli_parameters, commands.md §1.5).
#pragma once

#include <string>
#include <vector>

#include "cli/options.hpp"
#include "repmgr/config/config.hpp"

namespace repmgr::cli {

// Validates option values the way repmgr's option loop does (integers, --node-name length,
// -L level, --copy-external-config-files value, -d conninfo). Returns the errors;
// deprecated-option warnings are appended to `warnings`.
std::vector<std::string> validate_option_values(ParsedCommandLine& parsed,
                                                std::vector<std::string>& warnings);

struct ApplicabilityResult {
    std::vector<std::string> warnings;
    std::vector<std::string> errors;
    bool config_required = true;
};

// Which given options do not apply to the action. May discard values repmgr discards
// (--node-id/--node-name where they are not used).
ApplicabilityResult check_cli_parameters(ParsedCommandLine& parsed, const config::Config& config);

// -d/-h/-p/-U given.
bool connection_params_given(const CliOptions& options);

}  // namespace repmgr::cli
