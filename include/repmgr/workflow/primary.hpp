// primary register / primary unregister (commands.md §2, §3).
#pragma once

#include <optional>
#include <string>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"

namespace repmgr::workflow {

struct PrimaryRegisterOptions {
    bool force = false;
    bool dry_run = false;
    std::optional<std::string> superuser;  // -S: installs the extension if needed
};

// Registers the local node as primary, installing the extension first if needed.
// Throws repmgr::Error with repmgr's messages and exit codes; returns kSuccess.
ExitCode primary_register(const config::Config& cfg, const PrimaryRegisterOptions& options);

struct PrimaryUnregisterOptions {
    bool force = false;
    bool dry_run = false;
    std::optional<int> node_id;  // --node-id; without it the current primary record
};

// Removes the record of an inactive primary.
ExitCode primary_unregister(const config::Config& cfg, const PrimaryUnregisterOptions& options);

}  // namespace repmgr::workflow
