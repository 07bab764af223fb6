#include "daemon/pidfile.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>

#include "repmgr/common/error.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"

namespace repmgr::daemon {

std::string choose_pid_file(const std::optional<std::string>& cli_pid_file,
                            const config::Config& cfg) {
    if (cli_pid_file) {
        if (!cfg.repmgrd_pid_file.empty()) {
            log::warning("\"repmgrd_pid_file\" will be overridden by --pid-file");
        }
        return *cli_pid_file;
    }
    if (!cfg.repmgrd_pid_file.empty()) return cfg.repmgrd_pid_file;
    const char* tmp = std::getenv("TMPDIR");
    return fmt::format("{}/repmgrd.pid", tmp && *tmp ? tmp : "/tmp");
}

void check_pid_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return;
    const std::string hint = "if repmgrd is no longer alive, remove the file and restart repmgrd";
    std::ifstream in(path);
    if (!in) {
        throw Error(ExitCode::kBadPidfile,
                    fmt::format("PID file \"{}\" exists but could not opened for reading", path))
            .hint(hint);
    }
    std::string text;
    std::getline(in, text);
    if (in.bad()) {
        throw Error(ExitCode::kBadPidfile, fmt::format("error reading PID file \"{}\", aborting", path));
    }
    auto pid = parse_int_strict(trim(text));
    if (pid && *pid > 0 && ::kill(*pid, 0) == 0) {
        throw Error(ExitCode::kBadPidfile,
                    fmt::format("PID file \"{}\" exists and seems to contain a valid PID", path))
            .hint(hint);
    }
}

void write_pid_file(const std::string& path, long pid) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    std::string text = std::to_string(pid);
    if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        if (fd >= 0) ::close(fd);
        throw Error(ExitCode::kBadConfig, fmt::format("could not open PID file {}", path));
    }
    ::close(fd);
}

void remove_pid_file(const std::string& path) {
    if (!path.empty()) ::unlink(path.c_str());
}

}  // namespace repmgr::daemon
