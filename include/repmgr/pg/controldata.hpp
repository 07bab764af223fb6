// Reads global/pg_control of a (possibly stopped) data directory, like pg_controldata.
// Only the leading fields whose layout is the same in PostgreSQL 9.6 and later.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace repmgr::pg {

// PostgreSQL's DBState values.
enum class DbState : std::uint32_t {
    kStartup = 0,
    kShutdowned = 1,
    kShutdownedInRecovery = 2,
    kShuttingDown = 3,
    kInCrashRecovery = 4,
    kInArchiveRecovery = 5,
    kInProduction = 6,
};

struct ControlData {
    std::uint64_t system_identifier = 0;
    std::uint32_t control_version = 0;
    DbState state = DbState::kStartup;
    std::uint64_t checkpoint_lsn = 0;
    std::uint64_t checkpoint_redo_lsn = 0;
    std::uint32_t checkpoint_timeline = 0;
    // "Minimum recovery ending location" and its timeline; 0 when not set (a cleanly shut
    // down primary).
    std::uint64_t min_recovery_point = 0;
    std::uint32_t min_recovery_point_timeline = 0;
};

// The state as pg_controldata prints it ("in production", "shut down", ...).
std::string_view db_state_name(DbState state);

// nullopt if the file cannot be read or does not look like a pg_control file.
std::optional<ControlData> read_control_file(const std::string& data_directory);

}  // namespace repmgr::pg
