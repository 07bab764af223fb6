#include "support/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "support/harness_error.hpp"
#include "support/postgres_user.hpp"
#include "support/proc_table.hpp"

extern char** environ;

namespace repmgr::test {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Once per process: become a child subreaper (proc_table.hpp) and ignore SIGPIPE so a child
// that exits without reading its stdin cannot kill the test. The child restores SIGPIPE.
void prepare_test_process() {
    static const bool done = [] {
        become_subreaper();
        ::signal(SIGPIPE, SIG_IGN);
        return true;
    }();
    (void)done;
}

std::vector<std::string> child_environment(const RunOptions& opts, const Account* account) {
    std::map<std::string, std::string> env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string_view kv(*entry);
        const auto eq = kv.find('=');
        if (eq == std::string_view::npos) continue;
        // PGHOST, PGPORT, PGDATA... from the caller's shell must not redirect a test.
        if (kv.substr(0, 2) == "PG") continue;
        env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
    env.insert_or_assign("LC_ALL", std::string(1, 'C'));
    if (account != nullptr) {
        env["HOME"] = account->home;
        env["USER"] = account->name;
        env["LOGNAME"] = account->name;
    }
    for (const auto& [key, value] : opts.env) env[key] = value;
    std::vector<std::string> flat;
    flat.reserve(env.size());
    for (const auto& [key, value] : env) flat.push_back(key + "=" + value);
    return flat;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> ptrs;
    ptrs.reserve(strings.size() + 1);
    for (auto& s : strings) ptrs.push_back(s.data());
    ptrs.push_back(nullptr);
    return ptrs;
}

// Everything the child needs, prepared before fork(): between fork() and exec() only
// async-signal-safe calls are allowed.
struct ChildPlan {
    char* const* argv;
    char* const* envp;
    const char* cwd;
    const Account* account;  // drop to this account when set
    int in_fd;
    int out_fd;
    int err_fd;
};

void write_all(int fd, const char* text) {
    std::size_t len = std::strlen(text);
    while (len > 0) {
        const ssize_t n = ::write(fd, text, len);
        if (n <= 0) return;
        text += n;
        len -= static_cast<std::size_t>(n);
    }
}

[[noreturn]] void child_fail(const char* what, int err_fd) {
    const int saved = errno;
    char code[16];
    int pos = static_cast<int>(sizeof code) - 1;
    code[pos] = '\0';
    int value = saved;
    do {
        code[--pos] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value > 0 && pos > 0);
    write_all(err_fd, "run_process: ");
    write_all(err_fd, what);
    write_all(err_fd, " failed, errno ");
    write_all(err_fd, code + pos);
    write_all(err_fd, "\n");
    ::_exit(127);
}

[[noreturn]] void exec_child(const ChildPlan& plan) {
    ::setpgid(0, 0);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &dfl, nullptr);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (::dup2(plan.in_fd, STDIN_FILENO) < 0) child_fail("dup2 stdin", plan.err_fd);
    if (::dup2(plan.out_fd, STDOUT_FILENO) < 0) child_fail("dup2 stdout", plan.err_fd);
    if (::dup2(plan.err_fd, STDERR_FILENO) < 0) child_fail("dup2 stderr", plan.err_fd);
    if (plan.account != nullptr) {
        const Account& a = *plan.account;
        if (::setgid(a.gid) != 0) child_fail("setgid", STDERR_FILENO);
        if (::setgroups(a.groups.size(), a.groups.data()) != 0) {
            child_fail("setgroups", STDERR_FILENO);
        }
        if (::setuid(a.uid) != 0) child_fail("setuid", STDERR_FILENO);
    }
    if (::chdir(plan.cwd) != 0) child_fail("chdir", STDERR_FILENO);
    ::execve(plan.argv[0], plan.argv, plan.envp);
    write_all(STDERR_FILENO, plan.argv[0]);
    write_all(STDERR_FILENO, ": ");
    child_fail("execve", STDERR_FILENO);
}

struct Fd {
    int fd = -1;
    Fd() = default;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    void reset() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
};

void make_pipe(Fd& read_end, Fd& write_end) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw HarnessError(std::string("pipe2: ") + std::strerror(errno));
    }
    read_end.fd = fds[0];
    write_end.fd = fds[1];
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Reads what is available; closes `from` on EOF or error.
void read_some(Fd& from, std::string& into) {
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(from.fd, buf, sizeof buf);
        if (n > 0) {
            into.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        from.reset();
        return;
    }
}

void write_some(Fd& to, const std::string& data, std::size_t& offset) {
    while (offset < data.size()) {
        const ssize_t n = ::write(to.fd, data.data() + offset, data.size() - offset);
        if (n > 0) {
            offset += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        break;  // EPIPE: the child does not want the rest
    }
    to.reset();
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

std::string join(const std::vector<std::string>& argv) {
    std::string text;
    for (const auto& arg : argv) {
        if (!text.empty()) text += ' ';
        text += arg;
    }
    return text;
}

struct Pipes {
    Fd in_r, in_w, out_r, out_w, err_r, err_w;
};

// The parent's side: feed stdin, collect stdout/stderr, wait for exit or the deadline.
void supervise(pid_t pid, Pipes& p, const RunOptions& opts, RunResult& result) {
    const auto deadline = Clock::now() + opts.timeout;
    Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    const std::string input = opts.input.value_or("");
    std::size_t written = 0;
    int status = 0;
    for (;;) {
        if (::waitpid(pid, &status, WNOHANG) == pid) break;
        const auto now = Clock::now();
        if (now >= deadline) {
            result.timed_out = true;
            ::kill(-pid, SIGKILL);
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            reap_process_group(pid);
            break;
        }
        pollfd fds[4];
        nfds_t n = 0;
        for (Fd* f : {&p.out_r, &p.err_r}) {
            if (f->fd >= 0) fds[n++] = pollfd{f->fd, POLLIN, 0};
        }
        if (p.in_w.fd >= 0) fds[n++] = pollfd{p.in_w.fd, POLLOUT, 0};
        if (pidfd.fd >= 0) fds[n++] = pollfd{pidfd.fd, POLLIN, 0};
        // Without a pidfd, exit is only noticed by polling waitpid().
        auto wait = std::chrono::duration_cast<milliseconds>(deadline - now) + milliseconds(1);
        if (pidfd.fd < 0) wait = std::min(wait, milliseconds(10));
        ::poll(fds, n, static_cast<int>(std::min<long long>(wait.count(), 1'000'000)));
        if (p.out_r.fd >= 0) read_some(p.out_r, result.out);
        if (p.err_r.fd >= 0) read_some(p.err_r, result.err);
        if (p.in_w.fd >= 0) write_some(p.in_w, input, written);
    }
    if (p.out_r.fd >= 0) read_some(p.out_r, result.out);
    if (p.err_r.fd >= 0) read_some(p.err_r, result.err);
    result.exit_code = decode_status(status);
}

RunResult run(const std::vector<std::string>& argv, const RunOptions& opts,
              const Account* account) {
    if (argv.empty() || !std::filesystem::path(argv[0]).is_absolute()) {
        throw HarnessError("run_process needs an absolute program path, got '" +
                           (argv.empty() ? std::string() : argv[0]) + "'");
    }
    prepare_test_process();
    RunResult result;
    result.command = join(argv);
    std::vector<std::string> args = argv;
    std::vector<std::string> env = child_environment(opts, account);
    const std::vector<char*> c_argv = c_strings(args);
    const std::vector<char*> c_envp = c_strings(env);
    const std::string cwd = opts.cwd.string();

    Pipes p;
    make_pipe(p.out_r, p.out_w);
    make_pipe(p.err_r, p.err_w);
    if (opts.input) {
        make_pipe(p.in_r, p.in_w);
    } else {
        p.in_r.fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    const ChildPlan plan{c_argv.data(), c_envp.data(), cwd.c_str(), account,
                         p.in_r.fd,     p.out_w.fd,    p.err_w.fd};
    const pid_t pid = ::fork();
    if (pid < 0) throw HarnessError(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) exec_child(plan);
    ::setpgid(pid, pid);  // also done by the child; whichever runs first wins the race
    p.in_r.reset();
    p.out_w.reset();
    p.err_w.reset();
    for (Fd* f : {&p.out_r, &p.err_r, &p.in_w}) {
        if (f->fd >= 0) set_nonblocking(f->fd);
    }
    supervise(pid, p, opts, result);
    return result;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const RunResult& r) {
    os << "command: " << r.command << "\n";
    if (r.timed_out) {
        os << "TIMED OUT (killed)\n";
    } else {
        os << "exit status: " << r.exit_code << "\n";
    }
    os << "--- stdout ---\n" << r.out << (r.out.empty() || r.out.back() == '\n' ? "" : "\n");
    os << "--- stderr ---\n" << r.err << (r.err.empty() || r.err.back() == '\n' ? "" : "\n");
    return os;
}

RunResult run_process(const std::vector<std::string>& argv, const RunOptions& opts) {
    return run(argv, opts, nullptr);
}

RunResult run_as_postgres(const std::vector<std::string>& argv, const RunOptions& opts) {
    return run(argv, opts, running_as_root() ? &postgres_account() : nullptr);
}

}  // namespace repmgr::test
