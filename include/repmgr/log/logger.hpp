// Logging facade: repmgr's message format, levels, DETAIL/HINT filtering, verbose and terse
// modes. The only module that touches spdlog. Results (tables, CSV) are not logged; the
// cli/output code writes them to stdout itself.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "repmgr/common/error.hpp"

namespace repmgr::log {

// syslog-style levels; a message is printed when its value <= the configured level.
enum class Level : int {
    kEmerg = 0,
    kAlert = 1,
    kCrit = 2,
    kError = 3,
    kWarning = 4,
    kNotice = 5,
    kInfo = 6,
    kDebug = 7,
};

enum class Mode {
    kCommandLine,  // "LEVEL: msg" on stderr (repmgr)
    kDaemon,       // "[YYYY-MM-DD HH:MM:SS] [LEVEL] msg" (repmgrd, repmgr --log-to-file)
};

struct Settings {
    Level level = Level::kInfo;
    bool verbose = false;  // -v: print log_verbose() messages
    bool terse = false;    // -t: drop DETAIL and HINT lines
    Mode mode = Mode::kCommandLine;
    std::string log_file;      // daemon mode: append to this file instead of stderr
    std::string log_facility;  // daemon mode: STDERR (default), USER, LOCAL0..LOCAL7
    std::string program_name = "repmgr";
};

// Parses DEBUG/INFO/NOTICE/WARNING/ERROR/ALERT/CRIT/EMERG, case-insensitively.
std::optional<Level> parse_level(std::string_view text);

// Upper-case label printed for a level: DEBUG INFO NOTICE WARNING ERROR CRITICAL ALERT EMERGENCY.
std::string_view level_label(Level level);

// (Re)configures the process logger. Errors opening log_file throw repmgr::Error
// (kBadConfig) after printing repmgr's two ERROR lines. Until called, the command-line
// format at INFO is in effect.
void init(const Settings& settings);
const Settings& settings();

// Reopens log_file in append mode (daemon log rotation on SIGHUP). No-op without a file.
void reopen();

// Core entry points; the templates below format and forward here.
void write(Level level, std::string_view message);
void write_verbose(Level level, std::string_view message);
void write_detail(std::string_view message);
void write_hint(std::string_view message);

// A message at `level`, then its DETAIL and HINT lines in order.
void write_with_notes(Level level, std::string_view message, const std::vector<ErrorNote>& notes);
// An Error as repmgr reports one: "ERROR: <message>", then its DETAIL and HINT lines.
void error_with_notes(const Error& error);

// Writes a line to stderr exactly as given (plus a newline), bypassing level filtering.
// For repmgr's raw blocks, e.g. the "  <item>" lines of the config error list.
void raw_stderr(std::string_view line);

template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
    write(Level::kDebug, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
    write(Level::kInfo, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void notice(fmt::format_string<Args...> f, Args&&... args) {
    write(Level::kNotice, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warning(fmt::format_string<Args...> f, Args&&... args) {
    write(Level::kWarning, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
    write(Level::kError, fmt::format(f, std::forward<Args>(args)...));
}
// Printed only with -v (repmgr's log_verbose()).
template <typename... Args>
void verbose(Level level, fmt::format_string<Args...> f, Args&&... args) {
    write_verbose(level, fmt::format(f, std::forward<Args>(args)...));
}
// DETAIL/HINT: filtered by the level of the preceding message; suppressed by -t.
template <typename... Args>
void detail(fmt::format_string<Args...> f, Args&&... args) {
    write_detail(fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void hint(fmt::format_string<Args...> f, Args&&... args) {
    write_hint(fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace repmgr::log
