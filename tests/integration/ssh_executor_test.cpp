// The libssh2 executor against real sshd servers on 127.0.0.1: the private sshd scripts/test
// starts (REPMGR_TEST_SSH_PORT / _KEY / _KNOWN_HOSTS, TESTING.md "sshd") and, for key types
// and host key algorithms, one the test starts itself. Also the local executor and running
// on several hosts at once. Tests run as root in CI while sshd only lets postgres in, so the
// executor logs in as postgres with -l when root.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "repmgr/common/strings.hpp"
#include "repmgr/config/config.hpp"
#include "repmgr/remote/executor.hpp"
#include "support/support.hpp"

// For failure messages; found by argument-dependent lookup, private to this file.
namespace repmgr::remote {
[[maybe_unused]] static std::ostream& operator<<(std::ostream& os, const RemoteResult& r) {
    return os << "connected=" << r.connected << " timed_out=" << r.timed_out
              << " exit_status=" << r.exit_status << "\nerror: " << r.error << "\nstdout: " << r.out
              << "\nstderr: " << r.err;
}
}  // namespace repmgr::remote

namespace repmgr::test {
namespace {

namespace fs = std::filesystem;
using remote::RemoteResult;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    if (!out) throw HarnessError("cannot write " + path.string());
}

// A TCP listener on 127.0.0.1 that accepts nothing and never speaks: the kernel completes
// the TCP handshake, then the client waits for an SSH banner that never comes.
class SilentListener {
  public:
    SilentListener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(addr);
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
            ::listen(fd_, 16) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            throw HarnessError("cannot create a listening socket");
        }
        port_ = ntohs(addr.sin_port);
    }
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;
    ~SilentListener() { ::close(fd_); }
    int port() const { return port_; }

  private:
    int fd_;
    int port_ = 0;
};

// The sshd of scripts/test, from the environment. A missing variable fails the test.
struct SshEnv {
    int port = 0;
    std::string key;
    std::string known_hosts;
};

// ssh_options for the executor: where, who, which key, which known_hosts. ConnectTimeout and
// StrictHostKeyChecking are left to `extra` (the first value given wins, as in ssh).
std::string ssh_options(int port, const std::string& key, const std::string& known_hosts,
                        const std::string& extra = "") {
    std::string o = "-q -p " + std::to_string(port) + " -i " + shell_quote(key) + " -o " +
                    shell_quote("UserKnownHostsFile=" + known_hosts) +
                    " -o GlobalKnownHostsFile=none";
    if (running_as_root()) o += " -l postgres";
    if (!extra.empty()) o += " " + extra;
    return o;
}

std::unique_ptr<remote::Executor> executor_for(const std::string& options) {
    config::Config cfg;
    cfg.ssh_options = options;
    return remote::make_ssh_executor(cfg, "");
}

class SshExecutorTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const char* port = std::getenv("REPMGR_TEST_SSH_PORT");
        const char* key = std::getenv("REPMGR_TEST_SSH_KEY");
        const char* known_hosts = std::getenv("REPMGR_TEST_SSH_KNOWN_HOSTS");
        if (port == nullptr || key == nullptr || known_hosts == nullptr) {
            GTEST_FAIL() << "REPMGR_TEST_SSH_PORT, REPMGR_TEST_SSH_KEY and "
                            "REPMGR_TEST_SSH_KNOWN_HOSTS must name a private sshd on 127.0.0.1: "
                            "run the tests with scripts/test, or start sshd as TESTING.md "
                            "(\"sshd for switchover/rejoin tests\") shows";
        }
        const std::optional<int> p = parse_int_strict(port);
        ASSERT_TRUE(p.has_value()) << "REPMGR_TEST_SSH_PORT is not a number: " << port;
        env_ = {*p, key, known_hosts};
    }

    std::unique_ptr<remote::Executor> executor(const std::string& extra = "") const {
        return executor_for(ssh_options(env_.port, env_.key, env_.known_hosts, extra));
    }
    std::unique_ptr<remote::Executor> executor_with_known_hosts(const fs::path& file,
                                                                const std::string& extra = "") {
        return executor_for(ssh_options(env_.port, env_.key, file.string(), extra));
    }
    std::string host_name() const { return "[127.0.0.1]:" + std::to_string(env_.port); }

    SshEnv env_;
};

TEST_F(SshExecutorTest, ReportsStdoutStderrAndExitStatus) {
    const RemoteResult r =
        executor()->run("127.0.0.1", "sh -c 'echo out; echo err >&2; exit 7'", seconds(30));
    ASSERT_TRUE(r.connected) << r;
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_status, 7);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");
    EXPECT_EQ(r.error, "");
    EXPECT_FALSE(r.ok());

    const RemoteResult zero = executor()->run("127.0.0.1", "echo fine", seconds(30));
    EXPECT_TRUE(zero.ok()) << zero;
    EXPECT_EQ(zero.out, "fine\n");
    EXPECT_TRUE(executor()->can_connect("127.0.0.1", seconds(30)));
}

TEST_F(SshExecutorTest, QuotedHostileArgumentArrivesVerbatim) {
    const std::string nasty =
        "it's \"q\"; $(echo INJECTED) `echo INJECTED` \\ & | > < * ? ~ # ! %s\nline2\t$HOME ;id";
    const RemoteResult r =
        executor()->run("127.0.0.1", "printf '%s' " + shell_quote(nasty), seconds(30));
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.out, nasty);
}

TEST_F(SshExecutorTest, StdinIsAtEndOfFile) {
    const RemoteResult r = executor()->run("127.0.0.1", "cat; echo done", seconds(10));
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.out, "done\n");
}

TEST_F(SshExecutorTest, LargeOutputOnBothStreamsAtOnce) {
    const std::string command =
        "head -c 3000000 /dev/zero | tr '\\0' o & head -c 2000000 /dev/zero | tr '\\0' e >&2; "
        "wait";
    const RemoteResult r = executor()->run("127.0.0.1", command, seconds(60));
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.out.size(), 3000000U);
    EXPECT_EQ(r.err.size(), 2000000U);
    EXPECT_EQ(r.out.find_first_not_of('o'), std::string::npos);
    EXPECT_EQ(r.err.find_first_not_of('e'), std::string::npos);
}

TEST_F(SshExecutorTest, CommandKilledBySignalIsReported) {
    const RemoteResult r = executor()->run("127.0.0.1", "kill -TERM $$", seconds(30));
    ASSERT_TRUE(r.connected) << r;
    EXPECT_EQ(r.exit_status, 128 + SIGTERM) << r;
    EXPECT_NE(r.error.find("signal TERM"), std::string::npos) << r;
}

TEST_F(SshExecutorTest, UnknownHostKeyIsRefused) {
    TempDir dir;
    const fs::path empty = dir.path() / "known_hosts";
    write_file(empty, "");
    const auto start = Clock::now();
    const RemoteResult r =
        executor_with_known_hosts(empty)->run("127.0.0.1", "echo hi", seconds(30));
    EXPECT_FALSE(r.connected) << r;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.error.find("host key verification failed: no host key is known for \"" +
                           host_name() + "\""),
              std::string::npos)
        << r;
    EXPECT_NE(r.error.find("SHA256:"), std::string::npos) << r;
    EXPECT_LT(seconds_since(start), 5.0);
    EXPECT_EQ(read_file(empty), "") << "refusing must not record the key";
}

TEST_F(SshExecutorTest, StrictHostKeyCheckingNoAcceptsAndRecordsUnknownKey) {
    TempDir dir;
    const fs::path file = dir.path() / "known_hosts";
    write_file(file, "");
    const RemoteResult r = executor_with_known_hosts(file, "-o StrictHostKeyChecking=no")
                               ->run("127.0.0.1", "echo hi", seconds(30));
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.out, "hi\n");
    EXPECT_EQ(read_file(file).rfind(host_name() + " ssh-ed25519 ", 0), 0U) << read_file(file);

    // The recorded key is now known: the default (refuse unknown keys) connects.
    const RemoteResult again =
        executor_with_known_hosts(file)->run("127.0.0.1", "true", seconds(30));
    EXPECT_TRUE(again.ok()) << again;
}

TEST_F(SshExecutorTest, AcceptNewRecordsUnknownKeyButRefusesChangedKey) {
    TempDir dir;
    const fs::path file = dir.path() / "known_hosts";
    write_file(file, "");
    const auto accept_new = executor_with_known_hosts(file, "-o StrictHostKeyChecking=accept-new");
    const RemoteResult r = accept_new->run("127.0.0.1", "true", seconds(30));
    ASSERT_TRUE(r.ok()) << r;
    ASSERT_NE(read_file(file), "");

    std::string line = read_file(env_.known_hosts);
    line[line.size() - 10] = line[line.size() - 10] == 'A' ? 'B' : 'A';  // another key
    write_file(file, line);
    const RemoteResult changed = accept_new->run("127.0.0.1", "true", seconds(30));
    EXPECT_FALSE(changed.connected) << changed;
    EXPECT_NE(changed.error.find("has changed"), std::string::npos) << changed;
}

TEST_F(SshExecutorTest, ChangedHostKeyIsRefusedUnlessCheckingIsOff) {
    TempDir dir;
    const fs::path file = dir.path() / "known_hosts";
    std::string line = read_file(env_.known_hosts);
    ASSERT_GT(line.size(), 20U) << env_.known_hosts << " is empty";
    line[line.size() - 10] = line[line.size() - 10] == 'A' ? 'B' : 'A';
    write_file(file, line);

    const RemoteResult r = executor_with_known_hosts(file)->run("127.0.0.1", "true", seconds(30));
    EXPECT_FALSE(r.connected) << r;
    EXPECT_NE(r.error.find("host key verification failed: the host key of \"" + host_name() +
                           "\" has changed"),
              std::string::npos)
        << r;

    const RemoteResult off = executor_with_known_hosts(file, "-o StrictHostKeyChecking=off")
                                 ->run("127.0.0.1", "true", seconds(30));
    EXPECT_TRUE(off.ok()) << off;
    EXPECT_EQ(read_file(file), line) << "a changed key is never recorded";
}

TEST_F(SshExecutorTest, UnauthorisedKeyIsRefused) {
    TempDir dir;
    const fs::path key = dir.path() / "other_key";
    const RunResult gen = run_as_postgres(
        {"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.string()});
    ASSERT_TRUE(gen.ok()) << gen;
    const auto start = Clock::now();
    const RemoteResult r = executor_for(ssh_options(env_.port, key.string(), env_.known_hosts))
                               ->run("127.0.0.1", "echo hi", seconds(30));
    EXPECT_FALSE(r.connected) << r;
    EXPECT_NE(r.error.find("authentication as user"), std::string::npos) << r;
    EXPECT_NE(r.error.find(key.string() + " (rejected by the server)"), std::string::npos) << r;
    EXPECT_LT(seconds_since(start), 5.0);

    const RemoteResult missing =
        executor_for(ssh_options(env_.port, (dir.path() / "nope").string(), env_.known_hosts))
            ->run("127.0.0.1", "echo hi", seconds(30));
    EXPECT_FALSE(missing.connected);
    EXPECT_NE(missing.error.find("nope (no such file)"), std::string::npos) << missing;
}

TEST_F(SshExecutorTest, UnreachablePortFailsFast) {
    PortAllocator ports;
    const PortLease lease = ports.lease();  // leased and probed: nothing listens there
    const auto exec = executor_for(ssh_options(lease.port(), env_.key, env_.known_hosts));
    const auto start = Clock::now();
    const RemoteResult r = exec->run("127.0.0.1", "echo hi", seconds(30));
    EXPECT_FALSE(r.connected) << r;
    EXPECT_FALSE(r.timed_out);
    EXPECT_NE(r.error.find("could not connect to host \"127.0.0.1\" port " +
                           std::to_string(lease.port()) + ": Connection refused"),
              std::string::npos)
        << r;
    EXPECT_FALSE(exec->can_connect("127.0.0.1", seconds(30)));
    EXPECT_LT(seconds_since(start), 2.0);
}

TEST_F(SshExecutorTest, CommandLongerThanTimeoutIsReportedTimedOut) {
    const auto start = Clock::now();
    const RemoteResult r =
        executor()->run("127.0.0.1", "echo started; exec sleep 8", milliseconds(1500));
    const double elapsed = seconds_since(start);
    EXPECT_TRUE(r.connected) << r;
    EXPECT_TRUE(r.timed_out) << r;
    EXPECT_EQ(r.exit_status, -1);
    EXPECT_EQ(r.out, "started\n") << "output that arrived before the timeout is kept";
    EXPECT_NE(r.error.find("did not finish within 1500 ms"), std::string::npos) << r;
    EXPECT_GE(elapsed, 1.4);
    EXPECT_LT(elapsed, 3.5);
}

TEST_F(SshExecutorTest, UnresponsiveHostFailsWithinConnectTimeout) {
    SilentListener silent;
    const auto exec =
        executor_for(ssh_options(silent.port(), env_.key, env_.known_hosts, "-o ConnectTimeout=2"));
    const auto start = Clock::now();
    const RemoteResult r = exec->run("127.0.0.1", "echo hi", seconds(60));
    const double elapsed = seconds_since(start);
    EXPECT_FALSE(r.connected) << r;
    EXPECT_TRUE(r.timed_out) << r;
    EXPECT_NE(r.error.find("timed out after 2 seconds (ConnectTimeout) (SSH handshake)"),
              std::string::npos)
        << r;
    EXPECT_GE(elapsed, 1.9);
    EXPECT_LT(elapsed, 4.0);

    // A run timeout shorter than ConnectTimeout wins.
    const auto start2 = Clock::now();
    const RemoteResult short_run = exec->run("127.0.0.1", "echo hi", milliseconds(700));
    EXPECT_FALSE(short_run.connected);
    EXPECT_NE(short_run.error.find("timed out after 700 ms"), std::string::npos) << short_run;
    EXPECT_LT(seconds_since(start2), 1.8);
}

TEST_F(SshExecutorTest, ConcurrentRunsAgainstUnresponsiveHostTakeOneTimeout) {
    SilentListener silent;
    const auto exec =
        executor_for(ssh_options(silent.port(), env_.key, env_.known_hosts, "-o ConnectTimeout=2"));
    const std::vector<remote::RemoteTask> tasks(3, {"127.0.0.1", "echo hi"});
    const auto start = Clock::now();
    const std::vector<RemoteResult> results = remote::run_on_hosts(*exec, tasks, seconds(60));
    const double elapsed = seconds_since(start);
    ASSERT_EQ(results.size(), 3U);
    for (const RemoteResult& r : results) {
        EXPECT_FALSE(r.connected) << r;
        EXPECT_TRUE(r.timed_out) << r;
    }
    EXPECT_GE(elapsed, 1.9);
    EXPECT_LT(elapsed, 4.0) << "three silent hosts must cost one ConnectTimeout, not three";
}

TEST_F(SshExecutorTest, RunOnHostsKeepsTheOrderOfTasks) {
    const auto exec = executor();
    const std::vector<remote::RemoteTask> tasks = {{"127.0.0.1", "sleep 1; echo first"},
                                                   {"127.0.0.1", "echo second; exit 2"},
                                                   {"127.0.0.1", "echo third >&2"}};
    const auto start = Clock::now();
    const std::vector<RemoteResult> r = remote::run_on_hosts(*exec, tasks, seconds(30));
    ASSERT_EQ(r.size(), 3U);
    EXPECT_EQ(r[0].out, "first\n") << r[0];
    EXPECT_EQ(r[0].exit_status, 0);
    EXPECT_EQ(r[1].out, "second\n") << r[1];
    EXPECT_EQ(r[1].exit_status, 2);
    EXPECT_EQ(r[2].err, "third\n") << r[2];
    EXPECT_LT(seconds_since(start), 5.0);
}

// Sessions of one executor run side by side without sharing state. (Six: sshd's default
// MaxStartups starts refusing unauthenticated connections beyond ten.)
TEST_F(SshExecutorTest, ConcurrentSessionsAreIndependent) {
    const auto exec = executor();
    std::vector<remote::RemoteTask> tasks;
    for (int i = 0; i < 6; ++i) {
        tasks.push_back({"127.0.0.1", "echo " + std::to_string(i) + "; exit " + std::to_string(i)});
    }
    const std::vector<RemoteResult> r = remote::run_on_hosts(*exec, tasks, seconds(30));
    ASSERT_EQ(r.size(), tasks.size());
    for (int i = 0; i < 6; ++i) {
        const auto n = static_cast<std::size_t>(i);
        EXPECT_TRUE(r[n].connected) << r[n];
        EXPECT_EQ(r[n].exit_status, i) << r[n];
        EXPECT_EQ(r[n].out, std::to_string(i) + "\n");
    }
}

TEST_F(SshExecutorTest, DaemonThatRedirectsItsOutputReturns) {
    const auto start = Clock::now();
    const RemoteResult r = executor()->run(
        "127.0.0.1", "sleep 5 </dev/null >/dev/null 2>&1 & echo started", seconds(30));
    EXPECT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.out, "started\n");
    EXPECT_LT(seconds_since(start), 3.0) << "the run must not wait for the daemon";
}

TEST_F(SshExecutorTest, UnsupportedOptionsAreIgnored) {
    const RemoteResult r = executor("-o ServerAliveInterval=5 -v -o ConnectTimeout=10")
                               ->run("127.0.0.1", "echo ok", seconds(30));
    EXPECT_TRUE(r.ok()) << r;
}

// ---- a private sshd with an ECDSA and an ED25519 host key and an ECDSA user key ----------

class PrivateSshd {
  public:
    explicit PrivateSshd(const fs::path& dir) : dir_(dir), lease_(ports_.lease()) {
        for (const char* type : {"ed25519", "ecdsa"}) {
            keygen(type, dir_ / (std::string("host_") + type));
            keygen(type, dir_ / (std::string("user_") + type));
        }
        write_file(dir_ / "authorized_keys", read_file(dir_ / "user_ecdsa.pub"));
        write_file(dir_ / "sshd_config",
                   "Port " + std::to_string(lease_.port()) + "\nListenAddress 127.0.0.1\nHostKey " +
                       (dir_ / "host_ecdsa").string() + "\nHostKey " +
                       (dir_ / "host_ed25519").string() + "\nPidFile none\nAuthorizedKeysFile " +
                       (dir_ / "authorized_keys").string() +
                       "\nStrictModes no\nPasswordAuthentication no\n"
                       "KbdInteractiveAuthentication no\nUsePAM no\n");
        give_to_postgres(dir_, true);
        start();
    }
    PrivateSshd(const PrivateSshd&) = delete;
    PrivateSshd& operator=(const PrivateSshd&) = delete;
    ~PrivateSshd() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
    }

    int port() const { return lease_.port(); }
    std::string key(const char* type) const {
        return (dir_ / (std::string("user_") + type)).string();
    }
    // A known_hosts line for this server's host key of `type`.
    std::string known_hosts_line(const char* type) const {
        return "[127.0.0.1]:" + std::to_string(port()) + " " +
               read_file(dir_ / (std::string("host_") + type + ".pub"));
    }

  private:
    void keygen(const char* type, const fs::path& file) {
        const RunResult r = run_as_postgres(
            {"/usr/bin/ssh-keygen", "-q", "-t", type, "-N", "", "-f", file.string()});
        if (!r.ok()) throw HarnessError("ssh-keygen failed: " + r.err);
    }

    void start() {
        std::vector<std::string> args;
        if (running_as_root()) {
            args = {"/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups",
                    "--reset-env"};
        }
        args.insert(args.end(),
                    {"/usr/sbin/sshd", "-D", "-e", "-f", (dir_ / "sshd_config").string()});
        std::vector<char*> argv;
        for (std::string& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        const std::string log = (dir_ / "sshd.log").string();
        const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(log_fd, STDERR_FILENO);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(log_fd);
        if (pid_ < 0) throw HarnessError("fork failed");
        const auto deadline = Clock::now() + seconds(10);
        while (!accepts_connections()) {
            if (Clock::now() > deadline || ::waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                throw HarnessError("private sshd did not start: " + read_file(log));
            }
            std::this_thread::sleep_for(milliseconds(20));
        }
    }

    bool accepts_connections() const {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(port()));
        const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
        ::close(fd);
        return ok;
    }

    fs::path dir_;
    PortAllocator ports_;
    PortLease lease_;
    pid_t pid_ = -1;
};

// The server offers ECDSA and ED25519 host keys; whichever one known_hosts holds must be the
// one negotiated (libssh2's own order prefers ECDSA, ssh's prefers what it knows).
TEST(SshExecutorKeyTypes, HostKeyAlgorithmFollowsKnownHosts) {
    TempDir dir;
    PrivateSshd sshd(dir.path());
    for (const char* type : {"ed25519", "ecdsa"}) {
        const fs::path known_hosts = dir.path() / (std::string("known_hosts_") + type);
        write_file(known_hosts, sshd.known_hosts_line(type));
        const RemoteResult r =
            executor_for(ssh_options(sshd.port(), sshd.key("ecdsa"), known_hosts.string()))
                ->run("127.0.0.1", "echo " + std::string(type), seconds(30));
        EXPECT_TRUE(r.ok()) << type << ": " << r;
        EXPECT_EQ(r.out, std::string(type) + "\n");
    }
}

// ECDSA user keys work, and identity files are tried in order until one is accepted.
TEST(SshExecutorKeyTypes, EcdsaKeyAfterMissingAndRejectedKeys) {
    TempDir dir;
    PrivateSshd sshd(dir.path());
    const fs::path known_hosts = dir.path() / "known_hosts";
    write_file(known_hosts, sshd.known_hosts_line("ed25519"));
    remote::SshOptions options;
    options.port = sshd.port();
    if (running_as_root()) options.user = "postgres";
    options.identity_files = {(dir.path() / "missing").string(), sshd.key("ed25519"),
                              sshd.key("ecdsa")};
    options.user_known_hosts_files = std::vector<std::string>{known_hosts.string()};
    options.global_known_hosts_files = std::vector<std::string>{};
    const auto exec = remote::make_ssh_executor(
        remote::resolve_ssh_settings(options, "", remote::current_account()));
    const RemoteResult r = exec->run("127.0.0.1", "echo ok", seconds(30));
    EXPECT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.out, "ok\n");
}

// ---- the local executor ---------------------------------------------------------------

TEST(LocalExecutorTest, RunsThroughShWithStatusOutputAndTimeout) {
    const auto local = remote::make_local_executor();
    const RemoteResult r = local->run("ignored", "echo out; echo err >&2; exit 3", seconds(10));
    EXPECT_TRUE(r.connected);
    EXPECT_EQ(r.exit_status, 3);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");

    const auto start = Clock::now();
    const RemoteResult slow = local->run("ignored", "sleep 10", milliseconds(500));
    EXPECT_TRUE(slow.timed_out) << slow;
    EXPECT_FALSE(slow.ok());
    EXPECT_LT(seconds_since(start), 3.0);
    EXPECT_TRUE(local->can_connect("ignored", seconds(1)));
}

}  // namespace
}  // namespace repmgr::test
