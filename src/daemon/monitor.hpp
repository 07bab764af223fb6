// repmgrd's monitoring: the dispatch on the node's role and what every role's loop shares
// (stop and reload handling, events, the status line). Per-role loops live in
// monitor_primary.cpp, monitor_standby.cpp and monitor_witness.cpp.
#pragma once

#include <optional>
#include <string>

#include "daemon/state.hpp"
#include "repmgr/metadata/events.hpp"

namespace repmgr::daemon {

// Runs the loop for the node's current type until repmgrd ends (DaemonExit).
void run_monitoring(DaemonState& st);

void monitor_primary(DaemonState& st);
void monitor_standby(DaemonState& st);
void monitor_witness(DaemonState& st);

// At a safe point: a pending SIGTERM/SIGINT ends repmgrd (event repmgrd_shutdown through
// `event_conn` when usable), a pending SIGHUP reloads the configuration.
void handle_signals(DaemonState& st, db::Connection* event_conn);

// Sleeps monitor_interval_secs (woken early by signals).
void sleep_interval(DaemonState& st);

// As sleep_interval(), but returns at once when the server behind `watched` closes the
// connection: a dead upstream is then noticed within milliseconds instead of at the next
// iteration (the reconnection attempts that follow are unchanged).
void sleep_interval_watching(DaemonState& st, std::optional<db::Connection>& watched);

// Writes an event: a row through `conn` when it is usable and not in recovery, and the
// notification command in any case.
void event(DaemonState& st, db::Connection* conn, const std::string& name, bool success,
           const std::string& details, metadata::EventOtherNode other = {});

// Sets this node's record active on the primary (start-up, §2 step 12).
void activate_record(DaemonState& st);

// Re-reads this node's record through `conn` (the local connection if null).
void refresh_record(DaemonState& st, db::Connection* conn = nullptr);

// Ends repmgrd with exit 9 once degraded_monitoring_timeout has passed since `since`.
void check_degraded_timeout(DaemonState& st, Clock::time_point since);

// True when log_status_interval has passed since the last status line (and resets it).
bool status_line_due(DaemonState& st);

}  // namespace repmgr::daemon
