// repmgrd's PID file (repmgrd.md §2 steps 3 and 14): choosing its path, refusing to start
// when it names a live process, writing and removing it.
#pragma once

#include <optional>
#include <string>

#include "repmgr/config/config.hpp"

namespace repmgr::daemon {

// --pid-file > repmgrd_pid_file > $TMPDIR/repmgrd.pid (/tmp when TMPDIR is unset).
// Logs repmgr's WARNING when both --pid-file and repmgrd_pid_file are given.
std::string choose_pid_file(const std::optional<std::string>& cli_pid_file,
                            const config::Config& cfg);

// Refuses (throws Error(kBadPidfile) with repmgr's message and HINT) when `path` exists and
// cannot be read or holds the PID of a live process; a stale file is fine.
void check_pid_file(const std::string& path);

// Writes the decimal PID (no newline). Throws Error(kBadConfig) "could not open PID file".
void write_pid_file(const std::string& path, long pid);

// Removes the file; errors ignored.
void remove_pid_file(const std::string& path);

}  // namespace repmgr::daemon
