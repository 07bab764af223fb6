// Shared set-up for the node service / cluster matrix / crosscheck / cleanup tests: a primary
// and two streaming standbys registered with our repmgr, repmgr.conf files that reach the other
// nodes over the test sshd (scripts/test starts it and exports REPMGR_TEST_SSH_*) and run a
// chosen repmgr binary there (repmgr_bindir), and a TCP listener that never speaks SSH.
// ClusterOpsFixture<RepmgrTest> for our binary alone, ClusterOpsFixture<CompatTest> to run the
// real repmgr 5.3.3 side by side.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "compat_fixture.hpp"
#include "repmgr_fixture.hpp"

namespace repmgr::test {

// A TCP listener on 127.0.0.1 that accepts nothing and never speaks: the kernel completes the
// TCP handshake, then an SSH client waits for a banner that never comes (ConnectTimeout).
class SilentSshListener {
  public:
    SilentSshListener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(addr);
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
            ::listen(fd_, 64) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            throw HarnessError("cannot create a listening socket");
        }
        port_ = ntohs(addr.sin_port);
    }
    SilentSshListener(const SilentSshListener&) = delete;
    SilentSshListener& operator=(const SilentSshListener&) = delete;
    ~SilentSshListener() { ::close(fd_); }
    int port() const { return port_; }

  private:
    int fd_;
    int port_ = 0;
};

// A TCP port on 127.0.0.1 where nothing listens (bound, never listened on, then released).
inline int closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        throw HarnessError("cannot find a free port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

template <typename Base>
class ClusterOpsFixture : public Base {
  protected:
    // node1 primary, node2 and node3 streaming standbys of node1, all registered with our
    // repmgr; their repmgr.conf files run `bindir`'s repmgr on the other nodes.
    void make_cluster(const std::filesystem::path& bindir = our_bindir()) {
        ssh_ = ssh_env();
        ASSERT_FALSE(ssh_.port.empty());
        bindir_ = bindir;
        node_[1] = &this->repmgr_primary("node1");
        conf_[1] = write_conf(1);
        RunResult reg = run(1, {"primary", "register"});
        ASSERT_TRUE(reg.ok()) << reg;
        for (int id = 2; id <= 3; ++id) {
            node_[id] = &this->repmgr_standby("node" + std::to_string(id), *node_[1]);
            conf_[id] = write_conf(id);
        }
        ASSERT_TRUE(node_[1]->poll_until(
            "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", "2"));
        for (int id = 2; id <= 3; ++id) {
            RunResult r = run(id, {"standby", "register"});
            ASSERT_TRUE(r.ok()) << r;
        }
        ASSERT_TRUE(node_[3]->poll_until("SELECT count(*) FROM repmgr.nodes", "3",
                                         std::chrono::seconds(30), "repmgr"));
    }

    // The directory of our built repmgr (the copy postgres can run).
    static std::filesystem::path our_bindir() {
        return RepmgrBinary::repmgr().path().parent_path();
    }

    // ssh_options reaching the test sshd on `port` (default: the sshd's own port).
    std::string ssh_options(const std::string& port = "", int connect_timeout = 10) const {
        return "-q -p " + (port.empty() ? ssh_.port : port) + " -i " + ssh_.key +
               " -o UserKnownHostsFile=" + ssh_.known_hosts +
               " -o ConnectTimeout=" + std::to_string(connect_timeout);
    }

    // repmgr.conf of node `id` at <basedir>/<file>: pg_ctl logs to the node's server.log, SSH
    // goes to the test sshd, the remote repmgr is bindir_'s. `more` lines come last, so an
    // ssh_options given there wins.
    std::string write_conf(int id, const std::vector<std::string>& more = {},
                           const std::string& file = "repmgr.conf") {
        ConfigFile c = ConfigFile::for_node(*node_[id], id);
        c.extra_lines = {"pg_ctl_options='-l " + node_[id]->log_file().string() + "'",
                         "repmgr_bindir='" + bindir_.string() + "'"};
        bool own_ssh = false;
        for (const auto& line : more) own_ssh = own_ssh || line.rfind("ssh_options", 0) == 0;
        if (!own_ssh) c.extra_lines.push_back("ssh_options='" + ssh_options() + "'");
        c.extra_lines.insert(c.extra_lines.end(), more.begin(), more.end());
        return c.write(node_[id]->basedir() / file).string();
    }

    // Rewrites every node's repmgr.conf so that remote commands run `bindir`'s repmgr.
    void use_bindir(const std::filesystem::path& bindir) {
        bindir_ = bindir;
        for (int id = 1; id <= 3; ++id) write_conf(id);
    }

    // Our repmgr with node `id`'s repmgr.conf (or `conf` when given).
    RunResult run(int id, std::vector<std::string> args, const std::string& conf = "") {
        args.insert(args.begin(), {"-f", conf.empty() ? conf_[id] : conf});
        RunOptions opts;
        opts.timeout = std::chrono::seconds(120);
        return run_repmgr(args, opts);
    }

    struct SshEnv {
        std::string port;
        std::string key;
        std::string known_hosts;
    };

    // The test sshd from the environment; a missing variable fails the test.
    static SshEnv ssh_env() {
        const char* port = std::getenv("REPMGR_TEST_SSH_PORT");
        const char* key = std::getenv("REPMGR_TEST_SSH_KEY");
        const char* known = std::getenv("REPMGR_TEST_SSH_KNOWN_HOSTS");
        if (port == nullptr || key == nullptr || known == nullptr) {
            ADD_FAILURE() << "REPMGR_TEST_SSH_PORT, REPMGR_TEST_SSH_KEY and "
                             "REPMGR_TEST_SSH_KNOWN_HOSTS must name a private sshd on 127.0.0.1: "
                             "run the tests with scripts/test, or start sshd as TESTING.md "
                             "(\"sshd for switchover/rejoin tests\") shows";
            return {};
        }
        return {port, key, known};
    }

    PgTestNode* node_[4] = {};
    std::string conf_[4];
    std::filesystem::path bindir_;
    SshEnv ssh_;
};

}  // namespace repmgr::test
