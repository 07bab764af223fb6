// The parts of remote execution that need no network: the remote repmgr command line, running
// on several hosts at once (through a fake executor) and the small SSH text helpers.
#include "repmgr/remote/executor.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <csignal>
#include <mutex>

#include "remote/deadline.hpp"
#include "remote/ssh_text.hpp"

namespace repmgr::remote {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RemoteRepmgrCommandTest, UsesRepmgrBindirThenPgBindirThenPath) {
    config::Config cfg;
    EXPECT_EQ(remote_repmgr_command(cfg, "/etc/repmgr.conf", ""), "repmgr -f '/etc/repmgr.conf'");
    cfg.pg_bindir = "/usr/lib/postgresql/15/bin";
    EXPECT_EQ(remote_repmgr_command(cfg, "/etc/repmgr.conf", ""),
              "'/usr/lib/postgresql/15/bin/repmgr' -f '/etc/repmgr.conf'");
    cfg.repmgr_bindir = "/opt/repmgr/bin/";
    EXPECT_EQ(remote_repmgr_command(cfg, "/etc/repmgr.conf", "DEBUG"),
              "'/opt/repmgr/bin/repmgr' -f '/etc/repmgr.conf' -L 'DEBUG'");
}

TEST(RemoteRepmgrCommandTest, QuotesPathsSoNoValueRunsShellCode) {
    config::Config cfg;
    cfg.repmgr_bindir = "/opt/it's here";
    EXPECT_EQ(remote_repmgr_command(cfg, "/etc/$(reboot)/repmgr.conf", ""),
              "'/opt/it'\"'\"'s here/repmgr' -f '/etc/$(reboot)/repmgr.conf'");
    EXPECT_EQ(remote_repmgr_command(config::Config{}, "", "INFO"), "repmgr -L 'INFO'")
        << "no config file in the node record: let the remote repmgr search for one";
}

// Records calls; each run waits until `expected` runs have started, so the test passes only
// if run_on_hosts starts them all at once (no sleeps: the wait ends as soon as they have).
class RendezvousExecutor final : public Executor {
  public:
    explicit RendezvousExecutor(int expected) : expected_(expected) {}

    RemoteResult run(const std::string& host, const std::string& command,
                     milliseconds timeout) override {
        std::unique_lock lock(mutex_);
        ++started_;
        all_started_.notify_all();
        const bool together =
            all_started_.wait_for(lock, seconds(10), [&] { return started_ >= expected_; });
        RemoteResult r;
        r.connected = together;
        r.exit_status = 0;
        r.out = host + ":" + command + ":" + std::to_string(timeout.count());
        return r;
    }
    bool can_connect(const std::string&, milliseconds) override { return true; }

  private:
    std::mutex mutex_;
    std::condition_variable all_started_;
    int started_ = 0;
    const int expected_;
};

TEST(RunOnHostsTest, RunsAllAtOnceAndKeepsTheOrder) {
    RendezvousExecutor fake(3);
    const std::vector<RemoteResult> r =
        run_on_hosts(fake, {{"h1", "a"}, {"h2", "b"}, {"h3", "c"}}, milliseconds(1500));
    ASSERT_EQ(r.size(), 3U);
    EXPECT_EQ(r[0].out, "h1:a:1500");
    EXPECT_EQ(r[1].out, "h2:b:1500");
    EXPECT_EQ(r[2].out, "h3:c:1500");
    for (const RemoteResult& one : r) EXPECT_TRUE(one.connected) << "runs were not concurrent";
    EXPECT_TRUE(run_on_hosts(fake, {}, seconds(1)).empty());
}

TEST(SshTextTest, KnownHostsNameUsesBracketsForOtherPorts) {
    EXPECT_EQ(known_hosts_name("Node1.Example", 22), "node1.example");
    EXPECT_EQ(known_hosts_name("127.0.0.1", 30000), "[127.0.0.1]:30000");
}

TEST(SshTextTest, Base64AndFingerprint) {
    EXPECT_EQ(base64_encode("", true), "");
    EXPECT_EQ(base64_encode("f", true), "Zg==");
    EXPECT_EQ(base64_encode("fo", true), "Zm8=");
    EXPECT_EQ(base64_encode("foo", true), "Zm9v");
    EXPECT_EQ(base64_encode("foob", false), "Zm9vYg");
    EXPECT_EQ(base64_encode(std::string("\xff\xfe\x00", 3), true), "//4A");
    EXPECT_EQ(sha256_fingerprint("fooba"), "SHA256:Zm9vYmE");
}

TEST(SshTextTest, SignalNumbers) {
    EXPECT_EQ(signal_number("TERM"), SIGTERM);
    EXPECT_EQ(signal_number("KILL"), SIGKILL);
    EXPECT_FALSE(signal_number("SIGTERM").has_value());
}

TEST(DeadlineTest, LimitsAndDescriptions) {
    EXPECT_TRUE(Deadline::after(milliseconds(0)).is_never());
    EXPECT_EQ(Deadline::never().poll_timeout_ms(), -1);
    EXPECT_EQ(Deadline::never().poll_timeout_ms(1000), 1000);
    const Deadline soon = Deadline::after(seconds(5));
    EXPECT_FALSE(soon.expired());
    EXPECT_LE(soon.poll_timeout_ms(), 5000);
    EXPECT_EQ(soon.poll_timeout_ms(100), 100);
    EXPECT_EQ(soon.earlier(Deadline::never()), soon);
    EXPECT_EQ(describe_duration(seconds(10)), "10 seconds");
    EXPECT_EQ(describe_duration(seconds(1)), "1 second");
    EXPECT_EQ(describe_duration(milliseconds(1500)), "1500 ms");
}

}  // namespace
}  // namespace repmgr::remote
