// Installing the repmgr extension on the node a register command runs on (primary register,
// witness register). Owns the decision and repmgr's messages; the SQL is in metadata/extension.
#pragma once

#include <optional>
#include <string>

#include "repmgr/config/config.hpp"
#include "repmgr/db/connection.hpp"

namespace repmgr::workflow {

struct ExtensionSetupOptions {
    bool dry_run = false;
    std::optional<std::string> superuser;  // -S: the role that runs CREATE EXTENSION if needed
};

// Makes sure the current "repmgr" extension is installed in `conn`'s database (commands.md §2
// step 4). Logs "extension is already installed" or installs it (as the -S user when the
// connected user is not a superuser, then grants the connected user access). In dry-run mode
// it only announces the installation, after checking a superuser is available.
// Returns true if this call created the extension (the caller then records cluster_created).
// Throws repmgr::Error(kBadConfig) with repmgr's messages: status unknown, not available, an
// older version installed, no usable superuser, CREATE EXTENSION or GRANT failed.
// REQUIRES: `cfg.conninfo` names the same server and database as `conn` (-S connects with it).
bool ensure_repmgr_extension(const config::Config& cfg, db::Connection& conn,
                             const ExtensionSetupOptions& options);

}  // namespace repmgr::workflow
