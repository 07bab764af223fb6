#include "repmgr/pg/controldata.hpp"

#include <array>
#include <cstring>
#include <fstream>

namespace repmgr::pg {
namespace {

// Byte offsets in ControlFileData (x86-64/aarch64 layout, unchanged since 9.6).
constexpr size_t kSystemIdentifierOffset = 0;
constexpr size_t kControlVersionOffset = 8;
constexpr size_t kStateOffset = 16;
constexpr size_t kCheckpointOffset = 32;
constexpr size_t kCheckpointRedoOffset = 40;
constexpr size_t kCheckpointTimelineOffset = 48;
// After checkPointCopy (a CheckPoint struct: 88 bytes since PostgreSQL 12, which made nextXid
// a FullTransactionId; 80 bytes in 9.6-11) and unloggedLSN come minRecoveryPoint and
// minRecoveryPointTLI. Verified against pg_controldata of PostgreSQL 15.
constexpr size_t kMinRecoveryPointOffset = 136;
constexpr size_t kMinRecoveryPointOffsetBefore12 = 128;
constexpr std::uint32_t kControlVersion12 = 1201;
constexpr size_t kBytesNeeded = 148;

template <typename T>
T read_at(const std::array<char, kBytesNeeded>& buf, size_t offset) {
    T value{};
    std::memcpy(&value, buf.data() + offset, sizeof value);
    return value;
}

}  // namespace

std::string_view db_state_name(DbState state) {
    switch (state) {
        case DbState::kStartup: return "starting up";
        case DbState::kShutdowned: return "shut down";
        case DbState::kShutdownedInRecovery: return "shut down in recovery";
        case DbState::kShuttingDown: return "shutting down";
        case DbState::kInCrashRecovery: return "in crash recovery";
        case DbState::kInArchiveRecovery: return "in archive recovery";
        case DbState::kInProduction: return "in production";
    }
    return "unrecognized status code";
}

std::optional<ControlData> read_control_file(const std::string& data_directory) {
    std::ifstream in(data_directory + "/global/pg_control", std::ios::binary);
    std::array<char, kBytesNeeded> buf{};
    if (!in.read(buf.data(), buf.size())) return std::nullopt;
    ControlData cd;
    cd.system_identifier = read_at<std::uint64_t>(buf, kSystemIdentifierOffset);
    cd.control_version = read_at<std::uint32_t>(buf, kControlVersionOffset);
    // 960 = PostgreSQL 9.6; later versions use 1002, 1100, 1201, 1300 ...
    if (cd.control_version < 960 || cd.control_version > 9999) return std::nullopt;
    std::uint32_t state = read_at<std::uint32_t>(buf, kStateOffset);
    if (state > static_cast<std::uint32_t>(DbState::kInProduction)) return std::nullopt;
    cd.state = static_cast<DbState>(state);
    cd.checkpoint_lsn = read_at<std::uint64_t>(buf, kCheckpointOffset);
    cd.checkpoint_redo_lsn = read_at<std::uint64_t>(buf, kCheckpointRedoOffset);
    cd.checkpoint_timeline = read_at<std::uint32_t>(buf, kCheckpointTimelineOffset);
    const size_t min_recovery = cd.control_version >= kControlVersion12
                                    ? kMinRecoveryPointOffset
                                    : kMinRecoveryPointOffsetBefore12;
    cd.min_recovery_point = read_at<std::uint64_t>(buf, min_recovery);
    cd.min_recovery_point_timeline = read_at<std::uint32_t>(buf, min_recovery + 8);
    return cd;
}


}  // namespace repmgr::pg
