#include "repmgr/common/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "repmgr/common/error.hpp"

extern char** environ;

namespace repmgr {
namespace {

using Clock = std::chrono::steady_clock;

// An unlinked temporary file receiving a child's output. Files rather than pipes: a
// command may leave a daemon behind (pg_ctl start without -l) that keeps its output open,
// and we wait for the command to exit, not for end-of-file (repmgr redirects to a file too).
class CaptureFile {
public:
    CaptureFile() {
        const char* tmp = std::getenv("TMPDIR");
        std::string dir = tmp && *tmp ? tmp : "/tmp";
        fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd_ < 0) {
            std::string pattern = dir + "/repmgr_command.XXXXXX";
            fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
            if (fd_ >= 0) ::unlink(pattern.c_str());
        }
        if (fd_ < 0) {
            throw Error(ExitCode::kSysFailure,
                        std::string("could not create temporary file: ") + std::strerror(errno));
        }
    }
    CaptureFile(const CaptureFile&) = delete;
    CaptureFile& operator=(const CaptureFile&) = delete;
    ~CaptureFile() { ::close(fd_); }
    int fd() const { return fd_; }

    std::string read_all() const {
        std::string out;
        std::array<char, 8192> buf{};
        off_t offset = 0;
        while (true) {
            ssize_t n = ::pread(fd_, buf.data(), buf.size(), offset);
            if (n <= 0) break;
            out.append(buf.data(), static_cast<size_t>(n));
            offset += n;
        }
        return out;
    }

private:
    int fd_ = -1;
};

[[noreturn]] void exec_child(const std::vector<std::string>& argv,
                             const std::vector<std::string>& extra_env, bool own_group) {
    if (own_group) ::setpgid(0, 0);
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

// Waits for `pid` until `deadline` (none: for ever). Returns the wait status, or nullopt
// on timeout. Uses a pidfd so there is no polling delay.
std::optional<int> wait_for(pid_t pid, std::optional<Clock::time_point> deadline) {
    int status = 0;
    if (!deadline) {
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        return status;
    }
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    while (true) {
        pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
        if (left.count() <= 0) {
            if (pidfd >= 0) ::close(pidfd);
            return std::nullopt;
        }
        if (pidfd >= 0) {
            pollfd pfd{pidfd, POLLIN, 0};
            ::poll(&pfd, 1, static_cast<int>(left.count()));
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    if (pidfd >= 0) ::close(pidfd);
    return status;
}

}  // namespace

CommandResult run_argv(const std::vector<std::string>& argv, const CommandOptions& options) {
    CaptureFile in;
    if (!options.stdin_data.empty()) {
        ssize_t ignored = ::pwrite(in.fd(), options.stdin_data.data(), options.stdin_data.size(), 0);
        (void)ignored;
    }
    std::optional<CaptureFile> out;
    std::optional<CaptureFile> err;
    if (options.capture_stdout) out.emplace();
    if (options.capture_stderr) err.emplace();

    pid_t pid = ::fork();
    if (pid < 0) {
        throw Error(ExitCode::kSysFailure, std::string("could not fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        ::dup2(in.fd(), STDIN_FILENO);
        if (out) ::dup2(out->fd(), STDOUT_FILENO);
        if (err) ::dup2(err->fd(), STDERR_FILENO);
        exec_child(argv, options.env, options.own_process_group || options.timeout.has_value());
    }
    if (options.own_process_group || options.timeout) {
        ::setpgid(pid, pid);  // both sides set it: no race with the timeout kill
    }

    std::optional<Clock::time_point> deadline;
    if (options.timeout) deadline = Clock::now() + *options.timeout;
    CommandResult result;
    std::optional<int> status = wait_for(pid, deadline);
    if (!status) {
        result.timed_out = true;
        ::kill(-pid, SIGKILL);
        status = wait_for(pid, std::nullopt);
    }
    result.exit_status = decode_status(*status);
    if (out) result.out = out->read_all();
    if (err) result.err = err->read_all();
    return result;
}

CommandResult run_shell(const std::string& command, const CommandOptions& options) {
    return run_argv({"/bin/sh", "-c", command}, options);
}

}  // namespace repmgr
