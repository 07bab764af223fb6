// repmgrd's life cycle: start-up checks (repmgrd.md §2), the monitoring loop dispatch and
// termination (§3). The monitor_* files hold the per-role loops.
#pragma once

#include "daemon/options.hpp"

namespace repmgr::daemon {

// Runs repmgrd until it is told to stop or a fatal condition ends it; returns the exit
// code. Throws repmgr::Error for failures before the daemon has set itself up (these end
// without the "repmgrd terminating..." line, as in repmgr).
int run_daemon(const DaemonOptions& options);

}  // namespace repmgr::daemon
