// repmgr's log line formats on top of spdlog sinks (spec/output-formats.md §1).
#include "repmgr/log/logger.hpp"

#include <fcntl.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <syslog.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>

#include "repmgr/common/error.hpp"

namespace repmgr::log {
namespace {

struct Facility {
    std::string_view name;
    int value;
};
constexpr std::array<Facility, 9> kFacilities{{
    {"USER", LOG_USER},
    {"LOCAL0", LOG_LOCAL0},
    {"LOCAL1", LOG_LOCAL1},
    {"LOCAL2", LOG_LOCAL2},
    {"LOCAL3", LOG_LOCAL3},
    {"LOCAL4", LOG_LOCAL4},
    {"LOCAL5", LOG_LOCAL5},
    {"LOCAL6", LOG_LOCAL6},
    {"LOCAL7", LOG_LOCAL7},
}};

class State {
public:
    State() { make_stderr_logger(); }

    std::mutex mutex;
    Settings settings;
    std::shared_ptr<spdlog::logger> sink;
    bool use_syslog = false;
    std::string syslog_ident;  // syslog keeps the pointer: must outlive openlog()
    // DETAIL/HINT inherit the visibility of the message before them (repmgr's behaviour).
    bool last_message_shown = true;

    void make_stderr_logger() {
        sink = std::make_shared<spdlog::logger>(
            "repmgr", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        sink->set_pattern("%v");
        sink->set_level(spdlog::level::trace);
        sink->flush_on(spdlog::level::trace);
    }
};

State& state() {
    static State s;
    return s;
}

std::string timestamp_prefix() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    std::array<char, 32> buf{};
    std::strftime(buf.data(), buf.size(), "[%Y-%m-%d %H:%M:%S]", &tm);
    return std::string(buf.data());
}

std::string format_line(Mode mode, std::string_view label, std::string_view message) {
    if (mode == Mode::kDaemon) {
        return fmt::format("{} [{}] {}", timestamp_prefix(), label, message);
    }
    return fmt::format("{}: {}", label, message);
}

int syslog_priority(Level level) { return static_cast<int>(level); }

// Caller holds the mutex.
void emit(State& s, Level level, std::string_view label, std::string_view message,
          bool annotation) {
    if (s.use_syslog && !annotation) {
        std::string text(message);
        ::syslog(syslog_priority(level), "%s", text.c_str());
        return;
    }
    s.sink->info(format_line(s.settings.mode, label, message));
}

// Redirects fd 2 to the log file so that everything written to stderr, including the
// output of commands we run, lands there (as repmgr's freopen does).
void redirect_stderr(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        int err = errno;
        std::string msg =
            fmt::format("unable to open specified log file \"{}\" for writing: {}", path,
                        std::strerror(err));
        auto& s = state();
        s.sink->info(format_line(s.settings.mode, "ERROR", msg));
        s.sink->info(format_line(s.settings.mode, "ERROR", "Terminating"));
        throw ReportedError(ExitCode::kBadConfig);
    }
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
}

}  // namespace

std::optional<Level> parse_level(std::string_view text) {
    struct Name {
        std::string_view name;
        Level level;
    };
    static constexpr std::array<Name, 8> kNames{{
        {"DEBUG", Level::kDebug},
        {"INFO", Level::kInfo},
        {"NOTICE", Level::kNotice},
        {"WARNING", Level::kWarning},
        {"ERROR", Level::kError},
        {"ALERT", Level::kAlert},
        {"CRIT", Level::kCrit},
        {"EMERG", Level::kEmerg},
    }};
    for (const auto& n : kNames) {
        if (n.name.size() == text.size() &&
            strncasecmp(n.name.data(), text.data(), text.size()) == 0) {
            return n.level;
        }
    }
    return std::nullopt;
}

std::string_view level_label(Level level) {
    switch (level) {
        case Level::kEmerg:
            return "EMERGENCY";
        case Level::kAlert:
            return "ALERT";
        case Level::kCrit:
            return "CRITICAL";
        case Level::kError:
            return "ERROR";
        case Level::kWarning:
            return "WARNING";
        case Level::kNotice:
            return "NOTICE";
        case Level::kInfo:
            return "INFO";
        case Level::kDebug:
            return "DEBUG";
    }
    return "UNKNOWN";
}

// The verbose path prints the short syslog names for CRIT and EMERG (output-formats.md §1.2).
static std::string_view verbose_label(Level level) {
    switch (level) {
        case Level::kCrit:
            return "CRIT";
        case Level::kEmerg:
            return "EMERG";
        default:
            return level_label(level);
    }
}

void init(const Settings& settings) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.settings = settings;
    s.use_syslog = false;
    s.last_message_shown = true;
    if (settings.mode != Mode::kDaemon) {
        return;
    }
    if (!settings.log_facility.empty() && settings.log_facility != "STDERR") {
        for (const auto& f : kFacilities) {
            if (f.name == settings.log_facility) {
                s.syslog_ident = settings.program_name;
                ::openlog(s.syslog_ident.c_str(), LOG_CONS | LOG_PID | LOG_NDELAY, f.value);
                s.use_syslog = true;
                s.sink->info(format_line(
                    Mode::kDaemon, "NOTICE",
                    fmt::format("setup syslog (level: {}, facility: {})",
                                level_label(settings.level), settings.log_facility)));
                return;
            }
        }
        s.sink->info(format_line(
            Mode::kDaemon, "WARNING",
            fmt::format("cannot detect log facility {} (use any of LOCAL0, LOCAL1, ..., LOCAL7, "
                        "USER or STDERR)",
                        settings.log_facility)));
    }
    if (!settings.log_file.empty()) {
        s.sink->info(format_line(Mode::kDaemon, "NOTICE",
                                 fmt::format("redirecting logging output to \"{}\"\n",
                                             settings.log_file)));
        redirect_stderr(settings.log_file);
    }
}

const Settings& settings() { return state().settings; }

void reopen() {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    if (s.settings.mode == Mode::kDaemon && !s.use_syslog && !s.settings.log_file.empty()) {
        redirect_stderr(s.settings.log_file);
    }
}

void write(Level level, std::string_view message) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.last_message_shown = level <= s.settings.level;
    if (s.last_message_shown) {
        emit(s, level, level_label(level), message, false);
    }
}

void write_verbose(Level level, std::string_view message) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    // Without -v a verbose message does not exist at all (repmgr's log_verbose returns at
    // once): it must not hide the DETAIL/HINT of the message before it.
    if (!s.settings.verbose) return;
    s.last_message_shown = level <= s.settings.level;
    if (s.last_message_shown) {
        emit(s, level, verbose_label(level), message, false);
    }
}

void write_detail(std::string_view message) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    if (s.last_message_shown && !s.settings.terse) {
        emit(s, Level::kInfo, "DETAIL", message, true);
    }
}

void write_hint(std::string_view message) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    if (s.last_message_shown && !s.settings.terse) {
        emit(s, Level::kInfo, "HINT", message, true);
    }
}

void write_with_notes(Level level, std::string_view message, const std::vector<ErrorNote>& notes) {
    write(level, message);
    for (const auto& note : notes) {
        if (note.kind == ErrorNote::Kind::kDetail) {
            write_detail(note.text);
        } else {
            write_hint(note.text);
        }
    }
}

void error_with_notes(const Error& error) { write_with_notes(Level::kError, error.what(), error.notes()); }

void raw_stderr(std::string_view line) {
    auto& s = state();
    std::lock_guard lock(s.mutex);
    s.sink->info(std::string(line));
}

}  // namespace repmgr::log
