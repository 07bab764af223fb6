// node rejoin (commands.md §14): attach a stopped former primary or standby to the current
// primary, running pg_rewind first when asked to (--force-rewind). Uses the follow procedure
// of standby follow (src/workflow/follow_*.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"
#include "repmgr/db/conninfo.hpp"

namespace repmgr::workflow {

struct NodeRejoinOptions {
    db::ConnInfo target_params;  // -d/-h/-p/-U: any available node of the cluster
    bool dry_run = false;
    bool force_rewind = false;                    // --force-rewind[=PATH]
    std::optional<std::string> pg_rewind_binary;  // PATH of --force-rewind=PATH
    std::vector<std::string> config_files;        // --config-files=a,b (names in data_directory)
    std::string config_archive_dir = "/tmp";      // --config-archive-dir
    bool no_wait = false;                         // -W/--no-wait
    bool host_given = false;                      // -h given (keeps the old upstream's slot)
};

// Runs node rejoin. Throws repmgr::Error (exit 1, 6 or 24 as commands.md §14 says) when a
// prerequisite fails, before the data directory has been touched (the dry run's config file
// archive aside, which it removes again). Afterwards failures are reported as repmgr does
// ("NODE REJOIN failed", event node_rejoin) and thrown as ReportedError with exit 4 or 24.
// REQUIRES: cfg.node_id set; the local server is not running.
ExitCode node_rejoin(const config::Config& cfg, const NodeRejoinOptions& options);

}  // namespace repmgr::workflow
