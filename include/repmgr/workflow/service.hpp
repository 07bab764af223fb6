// repmgr service status / pause / unpause (commands.md §21) and daemon start / stop (§22).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"
#include "repmgr/db/conninfo.hpp"
#include "repmgr/workflow/cluster_show.hpp"

namespace repmgr::workflow {

struct ServiceStatusRow {
    metadata::NodeRecord record;
    std::string status;
    std::string upstream;
    bool reachable = false;
    std::optional<NodeProbe::Repmgrd> repmgrd;  // nullopt when unreachable
};

struct ServiceStatusReport {
    std::vector<ServiceStatusRow> rows;
    std::vector<std::string> warnings;
    bool had_connection_error = false;
};

// Probes every node concurrently (as cluster show) including its repmgrd state.
ServiceStatusReport service_status(const db::ConnInfo& source, bool verbose);

// Pauses (or unpauses) repmgrd on every reachable node. Returns kRepmgrdPause when a node
// could not be reached or paused, after logging repmgr's lines.
ExitCode service_pause(const db::ConnInfo& source, bool pause, bool dry_run);

struct DaemonControlOptions {
    bool dry_run = false;
    bool no_wait = false;
    std::optional<int> wait_seconds;  // --wait=N; nullopt with -w alone = for ever
    bool wait_given = false;
};

// repmgrd_service_start_command / _stop_command with repmgr's checks and waiting.
ExitCode daemon_start(const config::Config& cfg, const DaemonControlOptions& options);
ExitCode daemon_stop(const config::Config& cfg, const DaemonControlOptions& options);

}  // namespace repmgr::workflow
