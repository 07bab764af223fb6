#include "repmgr/common/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "repmgr/common/error.hpp"

extern char** environ;

namespace repmgr {
namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
    int fds[2] = {-1, -1};
    void open() {
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            throw Error(ExitCode::kSysFailure,
                        std::string("could not create pipe: ") + std::strerror(errno));
        }
    }
    void close_end(int i) {
        if (fds[i] >= 0) ::close(fds[i]);
        fds[i] = -1;
    }
    ~Pipe() {
        close_end(0);
        close_end(1);
    }
};

[[noreturn]] void exec_child(const std::vector<std::string>& argv,
                             const std::vector<std::string>& extra_env) {
    ::setpgid(0, 0);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : extra_env) ::putenv(const_cast<char*>(e.c_str()));
    ::execve(args[0], args.data(), environ);
    std::string msg = "could not execute \"" + argv[0] + "\": " + std::strerror(errno) + "\n";
    ssize_t ignored = ::write(STDERR_FILENO, msg.data(), msg.size());
    (void)ignored;
    ::_exit(127);
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

CommandResult run_argv(const std::vector<std::string>& argv, const CommandOptions& options) {
    Pipe in, out, err;
    in.open();
    if (options.capture_stdout) out.open();
    if (options.capture_stderr) err.open();

    pid_t pid = ::fork();
    if (pid < 0) {
        throw Error(ExitCode::kSysFailure, std::string("could not fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        ::dup2(in.fds[0], STDIN_FILENO);
        if (options.capture_stdout) ::dup2(out.fds[1], STDOUT_FILENO);
        if (options.capture_stderr) ::dup2(err.fds[1], STDERR_FILENO);
        exec_child(argv, options.env);
    }
    ::setpgid(pid, pid);  // both sides set it: no race with the timeout kill
    in.close_end(0);
    out.close_end(1);
    err.close_end(1);

    if (!options.stdin_data.empty()) {
        // Small inputs only (passwords, SQL); larger ones would need polling on the write side.
        ssize_t ignored = ::write(in.fds[1], options.stdin_data.data(), options.stdin_data.size());
        (void)ignored;
    }
    in.close_end(1);

    CommandResult result;
    const bool has_deadline = options.timeout.has_value();
    const auto deadline = has_deadline ? Clock::now() + *options.timeout : Clock::time_point::max();
    std::array<pollfd, 2> pfds{{{out.fds[0], POLLIN, 0}, {err.fds[0], POLLIN, 0}}};
    std::array<std::string*, 2> sinks{&result.out, &result.err};
    while (pfds[0].fd >= 0 || pfds[1].fd >= 0) {
        int wait_ms = -1;
        if (has_deadline) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) {
                result.timed_out = true;
                break;
            }
            wait_ms = static_cast<int>(left.count());
        }
        int rc = ::poll(pfds.data(), pfds.size(), wait_ms);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) break;
        for (size_t i = 0; i < pfds.size(); ++i) {
            if (pfds[i].fd < 0 || pfds[i].revents == 0) continue;
            std::array<char, 4096> buf{};
            ssize_t n = ::read(pfds[i].fd, buf.data(), buf.size());
            if (n > 0) {
                sinks[i]->append(buf.data(), static_cast<size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                pfds[i].fd = -1;
            }
        }
    }
    if (result.timed_out) ::kill(-pid, SIGKILL);

    int status = 0;
    while (true) {
        pid_t w = ::waitpid(pid, &status, result.timed_out || !has_deadline ? 0 : WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) break;
        if (w == 0) {
            // Output closed but the process still runs (it closed its pipes): wait within
            // the deadline, then kill it.
            if (Clock::now() >= deadline) {
                result.timed_out = true;
                ::kill(-pid, SIGKILL);
            } else {
                ::usleep(10000);
            }
        }
    }
    result.exit_status = decode_status(status);
    return result;
}

CommandResult run_shell(const std::string& command, const CommandOptions& options) {
    return run_argv({"/bin/sh", "-c", command}, options);
}

}  // namespace repmgr
