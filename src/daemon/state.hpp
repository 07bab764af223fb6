// What every part of repmgrd shares: the configuration in force, the local connection,
// this node's record, and the way out (DaemonExit).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "daemon/options.hpp"
#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/metadata/node_record.hpp"

namespace repmgr::daemon {

using Clock = std::chrono::steady_clock;

// Thrown to end repmgrd through terminate(): clears the PID in shared memory, removes the
// PID file, logs "repmgrd terminating..." and exits with `code`.
struct DaemonExit {
    ExitCode code;
};

// How a monitoring loop ended; the dispatcher then runs the loop for the node's current type.
enum class MonitorOutcome { kRestart };

struct DaemonState {
    DaemonOptions options;
    config::Config cfg;
    std::string pid_file;  // "" with --no-pid-file
    std::optional<db::Connection> local;
    metadata::NodeRecord record;
    bool started = false;  // repmgrd_start already written (later starts write repmgrd_reload)
    Clock::time_point last_status_line = Clock::now();

    bool local_ok() const { return local.has_value() && local->is_ok(); }
};

// Logs `error` (ERROR + DETAIL/HINT lines) and ends repmgrd through terminate().
[[noreturn]] void fail(const Error& error);

// Seconds since `since`, rounded down, as repmgr reports durations.
inline long seconds_since(Clock::time_point since) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - since).count());
}

}  // namespace repmgr::daemon
