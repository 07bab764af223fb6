// repmgrd's signal handling: handlers only record the signal; the monitoring loop acts at
// its safe points (STYLE §7). Sleeps wake up early when a signal arrives.
#pragma once

#include <chrono>

namespace repmgr::daemon {

enum class StopSignal { kNone, kTerm, kInt };

// Installs handlers for SIGHUP, SIGTERM and SIGINT. Call once.
void install_signal_handlers();

// Returns and clears the "SIGHUP received" flag.
bool take_reload_request();

// The terminating signal received, if any (not cleared).
StopSignal stop_requested();

// Sleeps for `duration` or until a signal arrives, whichever comes first.
void interruptible_sleep(std::chrono::milliseconds duration);

// As interruptible_sleep(), and also returns as soon as `fd` becomes readable (a
// connection whose server went away). Returns true if woken by `fd`.
bool sleep_or_readable(std::chrono::milliseconds duration, int fd);

}  // namespace repmgr::daemon
