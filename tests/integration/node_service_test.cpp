// repmgr node service against real servers (commands.md §15, output-formats.md §8): the
// commands it shows and runs, the CHECKPOINT before stop/restart, exit codes, and that a
// `node service --action=start` run over SSH returns although the server it starts keeps
// pg_ctl's output open.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "cluster_ops_fixture.hpp"
#include "repmgr/remote/executor.hpp"

namespace repmgr::test {
namespace {

using Clock = std::chrono::steady_clock;

class NodeServiceTest : public ClusterOpsFixture<RepmgrTest> {
  protected:
    // node1, a primary with the repmgr role and database; no metadata is needed.
    void one_node() { node_[1] = &repmgr_primary("node1"); }

    // repmgr.conf of node 1 whose pg_ctl logs to server.log, plus `more`.
    std::string node1_conf(const std::vector<std::string>& more = {},
                           const std::string& file = "repmgr.conf",
                           const std::string& user = "repmgr") {
        ConfigFile c = ConfigFile::for_node(*node_[1], 1, user);
        c.extra_lines = {"pg_ctl_options='-l " + node_[1]->log_file().string() + "'"};
        c.extra_lines.insert(c.extra_lines.end(), more.begin(), more.end());
        return c.write(node_[1]->basedir() / file).string();
    }

    // The pg_ctl line repmgr builds for node 1.
    std::string pg_ctl(const std::string& middle) const {
        return (pg_bindir() / "pg_ctl").string() + " -l " + node_[1]->log_file().string() + " " +
               middle;
    }
    std::string dir() const { return "'" + node_[1]->data_dir().string() + "'"; }
};

TEST_F(NodeServiceTest, ListActions) {
    one_node();
    const std::string conf = node1_conf({"service_reload_command='sudo systemctl reload pg'"});
    RunResult all = repmgr(conf, {"node", "service", "--list-actions"});
    EXPECT_EQ(all.exit_code, 0) << all;
    EXPECT_EQ(all.out,
              "Following commands would be executed for each action:\n\n"
              "    start: \"" +
                  pg_ctl("-w -D " + dir() + " start") +
                  "\"\n"
                  "     stop: \"" +
                  pg_ctl("-D " + dir() + " -W -m fast stop") +
                  "\"\n"
                  "  restart: \"" +
                  pg_ctl("-w -D " + dir() + " restart") +
                  "\"\n"
                  "   reload: \"sudo systemctl reload pg\"\n"
                  "  promote: \"" +
                  pg_ctl("-w -D " + dir() + " promote") + "\"\n\n");
    EXPECT_EQ(all.err, "");

    RunResult one = repmgr(conf, {"node", "service", "--list-actions", "--action=STOP"});
    EXPECT_EQ(one.exit_code, 0) << one;
    EXPECT_EQ(one.out, pg_ctl("-D " + dir() + " -W -m fast stop") + "\n");

    for (auto args :
         {std::vector<std::string>{"node", "service", "--action=bogus"},
          std::vector<std::string>{"node", "service", "--action=halt", "--list-actions"}}) {
        RunResult bad = repmgr(conf, args);
        EXPECT_EQ(bad.exit_code, 1) << bad;
        EXPECT_EQ(bad.out, "");
        EXPECT_EQ(bad.err.substr(bad.err.find("ERROR")),
                  "ERROR: unknown value \"" + args[2].substr(9) +
                      "\" provided for parameter --action\n"
                      "HINT: valid values are \"start\", \"stop\", \"restart\", \"reload\" and "
                      "\"promote\"\n");
    }
    EXPECT_TRUE(node_[1]->is_running());
}

TEST_F(NodeServiceTest, DryRunAndTheCheckpointConnection) {
    one_node();
    node_[1]->create_user("plain", RoleKind::kPlain);
    const std::string conf = node1_conf();
    const std::string plain = node1_conf({}, "plain.conf", "plain");
    const pid_t pid = node_[1]->pid().value_or(-1);
    const std::string would_restart =
        "INFO: would execute server command \"" + pg_ctl("-w -D " + dir() + " restart") + "\"\n";

    RunResult su =
        repmgr(conf, {"node", "service", "--action=restart", "--checkpoint", "--dry-run"});
    EXPECT_EQ(su.exit_code, 0) << su;
    EXPECT_EQ(su.err, "INFO: a CHECKPOINT would be issued here\n" + would_restart);

    RunResult not_su =
        repmgr(plain, {"node", "service", "--action=restart", "--checkpoint", "--dry-run"});
    EXPECT_EQ(not_su.exit_code, 0) << not_su;
    EXPECT_EQ(
        not_su.err,
        "WARNING: a CHECKPOINT would be issued here but no superuser connection is available\n"
        "HINT: provide a superuser with -S/--superuser\n" +
            would_restart);

    RunResult with_s = repmgr(plain, {"node", "service", "--action=restart", "--checkpoint",
                                      "--dry-run", "-S", "postgres"});
    EXPECT_EQ(with_s.exit_code, 0) << with_s;
    EXPECT_EQ(with_s.err, "INFO: a CHECKPOINT would be issued here\n" + would_restart);

    RunResult no_role = repmgr(
        plain, {"node", "service", "--action=stop", "--checkpoint", "--dry-run", "-S", "nosuch"});
    EXPECT_EQ(no_role.exit_code, 6) << no_role;
    EXPECT_EQ(no_role.err,
              "ERROR: connection to database failed\nDETAIL: \nconnection to server at "
              "\"127.0.0.1\", port " +
                  std::to_string(node_[1]->port()) +
                  " failed: FATAL:  role \"nosuch\" does not exist\n\n");

    // Without --action the command is empty (repmgr's quirk); start, reload and promote take
    // no CHECKPOINT, so they need no connection.
    RunResult none = repmgr(conf, {"node", "service", "--dry-run"});
    EXPECT_EQ(none.exit_code, 0) << none;
    EXPECT_EQ(none.err, "INFO: would execute server command \"\"\n");
    EXPECT_EQ(node_[1]->pid().value_or(-2), pid);

    node_[1]->stop();
    RunResult reload =
        repmgr(conf, {"node", "service", "--action=reload", "--checkpoint", "--dry-run"});
    EXPECT_EQ(reload.exit_code, 0) << reload;
    EXPECT_EQ(reload.err, "INFO: would execute server command \"" +
                              pg_ctl("-w -D " + dir() + " reload") + "\"\n");
    RunResult stop =
        repmgr(conf, {"node", "service", "--action=stop", "--checkpoint", "--dry-run"});
    EXPECT_EQ(stop.exit_code, 6) << stop;
    EXPECT_NE(stop.err.find("ERROR: connection to database failed\n"), std::string::npos) << stop;
    EXPECT_FALSE(node_[1]->is_running());
}

TEST_F(NodeServiceTest, StopStartRestartReload) {
    one_node();
    const std::string conf = node1_conf();
    RunResult stop = repmgr(conf, {"node", "service", "--action=stop", "--checkpoint"});
    EXPECT_EQ(stop.exit_code, 0) << stop;
    EXPECT_EQ(stop.out, "");
    EXPECT_EQ(stop.err,
              "NOTICE: issuing CHECKPOINT on node \"node1\" (ID: 1) \n"
              "DETAIL: executing server command \"" +
                  pg_ctl("-D " + dir() + " -W -m fast stop") + "\"\n");
    // -W: pg_ctl does not wait for the shutdown.
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (node_[1]->is_running() && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_FALSE(node_[1]->is_running());

    RunResult start = repmgr(conf, {"node", "service", "--action=start"});
    EXPECT_EQ(start.exit_code, 0) << start;
    EXPECT_EQ(start.out, "");
    ASSERT_TRUE(node_[1]->is_running());

    const pid_t before = node_[1]->pid().value_or(-1);
    RunResult restart = repmgr(conf, {"node", "service", "--action=RESTART"});
    EXPECT_EQ(restart.exit_code, 0) << restart;
    ASSERT_TRUE(node_[1]->is_running());
    EXPECT_NE(node_[1]->pid().value_or(-1), before);
    EXPECT_EQ(node_[1]->psql("SELECT 1"), "1");

    node_[1]->append_conf("work_mem = '7MB'");
    RunResult reload = repmgr(conf, {"node", "service", "--action=reload"});
    EXPECT_EQ(reload.exit_code, 0) << reload;
    EXPECT_TRUE(node_[1]->poll_until("SHOW work_mem", "7MB"));

    // No --action: an empty command, nothing happens.
    RunResult none = repmgr(conf, {"node", "service"});
    EXPECT_EQ(none.exit_code, 0) << none;
    EXPECT_EQ(none.out, "");
    EXPECT_TRUE(node_[1]->is_running());
}

TEST_F(NodeServiceTest, PromoteAStandby) {
    one_node();
    node_[2] = &repmgr_standby("node2", *node_[1]);
    ConfigFile c = ConfigFile::for_node(*node_[2], 2);
    c.extra_lines = {"pg_ctl_options='-l " + node_[2]->log_file().string() + "'"};
    const std::string conf = c.write(node_[2]->basedir() / "repmgr.conf").string();
    RunResult r = repmgr(conf, {"node", "service", "--action=promote"});
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_TRUE(node_[2]->poll_until("SELECT pg_is_in_recovery()", "f"));
}

TEST_F(NodeServiceTest, FailingCommandExits5) {
    one_node();
    const std::string conf =
        node1_conf({"service_stop_command='printf %s%s ab cd; printf %s%s ef gh >&2; exit 3'",
                    "service_start_command='true'"});
    RunResult r = repmgr(conf, {"node", "service", "--action=stop"});
    EXPECT_EQ(r.exit_code, 5) << r;
    // The command's own output is captured, not shown (as repmgr does).
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.find("efgh"), std::string::npos) << r;
    EXPECT_TRUE(node_[1]->is_running());

    RunResult ok = repmgr(conf, {"node", "service", "--action=start"});
    EXPECT_EQ(ok.exit_code, 0) << ok;
}

// Over SSH, `node service --action=start` must come back once pg_ctl has started the server,
// even without -l: the postmaster then inherits pg_ctl's stdout/stderr, which must not be the
// SSH session's (run_shell hands the command temporary files and waits for its exit).
TEST_F(NodeServiceTest, RemoteStartReturns) {
    const SshEnv ssh = ssh_env();
    ASSERT_FALSE(ssh.port.empty());
    one_node();
    ConfigFile c = ConfigFile::for_node(*node_[1], 1);
    const std::string conf = c.write(node_[1]->basedir() / "nolog.conf").string();
    node_[1]->stop();

    config::Config cfg;
    cfg.ssh_options = "-q -p " + ssh.port + " -i " + ssh.key +
                      " -o UserKnownHostsFile=" + ssh.known_hosts +
                      (running_as_root() ? " -l postgres" : "");
    auto executor = remote::make_ssh_executor(cfg, "");
    const std::string command =
        RepmgrBinary::repmgr().path().string() + " -f " + conf + " node service --action=start";
    const auto start = Clock::now();
    remote::RemoteResult r = executor->run("127.0.0.1", command, std::chrono::seconds(60));
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    EXPECT_TRUE(r.connected) << r.error;
    EXPECT_FALSE(r.timed_out) << r.out << r.err;
    EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
    EXPECT_LT(elapsed, 30.0);
    EXPECT_TRUE(node_[1]->is_running());
    EXPECT_EQ(node_[1]->psql("SELECT 1"), "1");
}

}  // namespace
}  // namespace repmgr::test
