// repmgrd in tests: a daemon started as postgres with its own PID and log file, stopped by
// SIGTERM to that PID (only processes the test started), and the log read back.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "repmgr_fixture.hpp"

namespace repmgr::test {

class RepmgrdProcess {
public:
    RepmgrdProcess() = default;
    RepmgrdProcess(const RepmgrdProcess&) = delete;
    RepmgrdProcess& operator=(const RepmgrdProcess&) = delete;
    ~RepmgrdProcess() { stop(); }

    // Starts `repmgrd -f conf -p <dir>/repmgrd.pid` (it daemonises) and waits for its PID
    // file. Returns the launcher's result (exit 0 when it detached).
    RunResult start(const std::string& conf, const std::filesystem::path& dir,
                    const std::vector<std::string>& extra = {}) {
        pid_file_ = dir / "repmgrd.pid";
        std::vector<std::string> args{"-f", conf, "-p", pid_file_.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        RunResult r = RepmgrBinary::repmgrd().run(args);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (r.ok() && !pid_ && std::chrono::steady_clock::now() < deadline) {
            std::ifstream in(pid_file_);
            pid_t pid = 0;
            if (in >> pid && pid > 0) pid_ = pid;
            else std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return r;
    }

    std::optional<pid_t> pid() const { return pid_; }
    // The daemon detaches and is re-parented to this test process (the harness is a child
    // subreaper), so an exited daemon is a zombie until reaped here.
    bool running() const {
        if (!pid_) return false;
        int status = 0;
        if (::waitpid(*pid_, &status, WNOHANG) == *pid_) return false;
        return ::kill(*pid_, 0) == 0;
    }

    void signal(int sig) const {
        if (pid_) ::kill(*pid_, sig);
    }

    // SIGTERM and wait (up to 20 s) for the process to go.
    void stop() {
        if (!running()) return;
        ::kill(*pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (running() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (running()) ::kill(*pid_, SIGKILL);
        pid_.reset();
    }

private:
    std::filesystem::path pid_file_;
    std::optional<pid_t> pid_;
};

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// "[2026-11-27 12:00:00] [INFO] x" → "[ts] [INFO] x", for comparing logs.
inline std::string strip_timestamps(const std::string& s) {
    static const std::regex ts(R"(\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\])");
    return std::regex_replace(s, ts, "[ts]");
}

}  // namespace repmgr::test
