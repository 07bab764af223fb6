// Exit codes and the typed error that carries one. Owns the public exit-code contract
// (values are repmgr 5.3's errcode.h numbers); does not own how errors are printed (log/).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace repmgr {

// Numeric values are a public contract shared with repmgr 5.3 (spec/exit-codes.md);
// scripts test for them. Never renumber. tests/unit/common/error_test.cpp fixes each value.
enum class ExitCode : int {
    kSuccess = 0,
    kBadConfig = 1,
    kBadRsync = 2,
    kBadPidfile = 3,
    kNoRestart = 4,
    kLocalCommand = 5,
    kDbConn = 6,
    kDbQuery = 7,
    kPromotionFail = 8,
    kMonitoringTimeout = 9,
    kStrOverflow = 10,
    kFailoverFail = 11,  // unused in 5.3.3, kept for the table
    kBadSsh = 12,
    kSysFailure = 13,
    kBadBasebackup = 14,
    kInternal = 15,
    kMonitoringFail = 16,  // unused in 5.3.3
    kBadBackupLabel = 17,  // unused in 5.3.3
    kSwitchoverFail = 18,
    kBarman = 19,
    kRegistrationSync = 20,
    kOutOfMemory = 21,
    kSwitchoverIncomplete = 22,
    kFollowFail = 23,
    kRejoinFail = 24,
    kNodeStatus = 25,
    kRepmgrdPause = 26,
    kRepmgrdService = 27,
    kPgBackupApiService = 28,  // reserved (repmgr 5.4+); never returned
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

// A DETAIL: or HINT: line that follows the main message, in the order they are printed.
struct ErrorNote {
    enum class Kind { kDetail, kHint };
    Kind kind;
    std::string text;
};

// Aborts a command: the message becomes the "ERROR: ..." line, the notes follow it, and
// main() returns code(). Thrown anywhere below main; caught once per main().
class Error : public std::runtime_error {
public:
    explicit Error(ExitCode code, std::string message, std::vector<ErrorNote> notes = {})
        : std::runtime_error(std::move(message)), code_(code), notes_(std::move(notes)) {}

    ExitCode code() const { return code_; }
    const std::vector<ErrorNote>& notes() const { return notes_; }

    Error& detail(std::string text) {
        notes_.push_back({ErrorNote::Kind::kDetail, std::move(text)});
        return *this;
    }
    Error& hint(std::string text) {
        notes_.push_back({ErrorNote::Kind::kHint, std::move(text)});
        return *this;
    }

private:
    ExitCode code_;
    std::vector<ErrorNote> notes_;
};

// An error whose lines have already been printed: main() only returns the code.
// Used where repmgr prints a non-standard block (e.g. the config error list) and exits.
class ReportedError : public std::runtime_error {
public:
    explicit ReportedError(ExitCode code)
        : std::runtime_error("error already reported"), code_(code) {}
    ExitCode code() const { return code_; }

private:
    ExitCode code_;
};

}  // namespace repmgr
