// repmgr.monitoring_history rows written by a standby's repmgrd (repmgrd.md §7).
#pragma once

#include <optional>

#include "daemon/state.hpp"

namespace repmgr::daemon {

class MonitoringHistory {
public:
    // One row: the standby's receive/replay position against the primary's current LSN,
    // sent to the primary without waiting for the result; then standby_set_last_updated().
    void record(DaemonState& st, db::Connection* primary, const metadata::NodeRecord& upstream);
    // The status line's DETAIL about the last row written.
    void log_status(DaemonState& st) const;

private:
    std::optional<Clock::time_point> last_written_;
};

}  // namespace repmgr::daemon
