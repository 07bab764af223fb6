// repmgr standby follow against real servers (commands.md §8).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "follow_fixture.hpp"

namespace repmgr::test {
namespace {

using StandbyFollowTest = FollowFixture<RepmgrTest>;
using Clock = std::chrono::steady_clock;

// LSNs differ from run to run: "0/5000F30" → "X/X".
std::string without_lsns(const std::string& text) {
    static const std::regex kLsn("[0-9A-F]+/[0-9A-F]+");
    return std::regex_replace(text, kLsn, "X/X");
}

// The attach wait logs a WARNING for each check that does not yet see the standby; how many
// depends on timing.
std::string without_attach_warnings(const std::string& text) {
    std::string out;
    for (const auto& line : lines_of(text)) {
        if (line.rfind("WARNING: node \"", 0) == 0 && contains(line, "pg_stat_replication"))
            continue;
        if (line.rfind("WARNING: node \"", 0) == 0 && contains(line, "attached in state")) continue;
        out += line + "\n";
    }
    return out;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class FollowTest : public StandbyFollowTest {
  protected:
    std::string auto_conf(int id) {
        return read_file(node_[id]->data_dir() / "postgresql.auto.conf");
    }

    // Everything `standby follow` may change on node `id`, with the metadata as node
    // `meta` sees it.
    std::string state(int id, int meta = 1) {
        return auto_conf(id) + "\n--\n" + this->metadata_snapshot(*node_[meta]) + "\n--\n" +
               std::to_string(postmaster_pid(*node_[id]));
    }

    // node1 stopped, node2 promoted with our repmgr, node3 still pointing at node1.
    void fail_over() {
        node_[1]->stop();
        RunResult promote = run(2, {"standby", "promote"});
        ASSERT_TRUE(promote.ok()) << promote;
    }
};

TEST_F(FollowTest, FollowsThePromotedStandbyWithAReload) {
    make_cluster();
    fail_over();
    const pid_t pid = postmaster_pid(*node_[3]);
    RunResult r = run(3, {"standby", "follow"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(without_attach_warnings(without_lsns(r.err)),
              "NOTICE: attempting to find and follow current primary\n"
              "INFO: local node 3 can attach to follow target node 2\n"
              "DETAIL: local node's recovery point: X/X; follow target node's fork point: X/X\n"
              "NOTICE: setting node 3's upstream to node 2\n"
              "NOTICE: STANDBY FOLLOW successful\n"
              "DETAIL: standby attached to upstream node \"node2\" (ID: 2)\n");
    ASSERT_TRUE(streaming(*node_[2], "node3"));
    EXPECT_EQ(postmaster_pid(*node_[3]), pid) << "PostgreSQL >= 13 follows with a reload";
    EXPECT_TRUE(contains(auto_conf(3), "primary_conninfo = 'user=repmgr host=127.0.0.1 port=" +
                                           port(2) + " application_name=node3'"))
        << auto_conf(3);
    EXPECT_EQ(record(*node_[2], 3), "standby|2|true");
    EXPECT_TRUE(
        contains(events(*node_[2]),
                 "3|standby_follow|true|standby attached to upstream node \"node2\" (ID: 2)"));
    node_[2]->psql("CREATE TABLE after_follow AS SELECT 1 AS x");
    EXPECT_TRUE(
        node_[3]->poll_until("SELECT count(*) FROM pg_class WHERE relname = 'after_follow'", "1"));

    // The old primary comes back on timeline 1: node3, now on timeline 2, cannot follow it.
    node_[1]->start();
    const std::string before = state(3);
    RunResult ahead = run(3, {"standby", "follow", "--upstream-node-id=1"});
    EXPECT_EQ(ahead.exit_code, 23) << ahead;
    EXPECT_EQ(ahead.err,
              "ERROR: this node's timeline is ahead of the follow target node's timeline\n"
              "DETAIL: this node's timeline is 2, follow target node's timeline is 1\n"
              "HINT: use \"repmgr node rejoin --force-rewind\" to reattach this node\n");
    EXPECT_EQ(state(3), before);
}

TEST_F(FollowTest, RestartsWhenStandbyFollowRestartIsSet) {
    make_cluster();
    fail_over();
    const std::string conf = write_conf(3, {"standby_follow_restart=true"}, "restart.conf");
    const pid_t pid = postmaster_pid(*node_[3]);
    RunResult r = run(3, {"standby", "follow", "--upstream-node-id=2"}, conf);
    ASSERT_TRUE(r.ok()) << r;
    const std::string opts = "-l " + node_[3]->log_file().string();
    const std::string dir = "'" + node_[3]->data_dir().string() + "'";
    const std::string bin = pg_bindir().string() + "/pg_ctl " + opts;
    EXPECT_TRUE(contains(r.err,
                         "NOTICE: setting node 3's upstream to node 2\n"
                         "NOTICE: stopping server using \"" +
                             bin + " -D " + dir +
                             " -w -m fast stop\"\n"
                             "NOTICE: starting server using \"" +
                             bin + " -w -D " + dir + " start\"\n"))
        << r;
    ASSERT_TRUE(streaming(*node_[2], "node3"));
    EXPECT_NE(postmaster_pid(*node_[3]), pid);
    EXPECT_EQ(record(*node_[2], 3), "standby|2|true");
}

TEST_F(FollowTest, CascadesWithReplicationSlots) {
    make_cluster(2, {"use_replication_slots=true", "standby_follow_restart=true"});
    RunResult dry = run(3, {"standby", "follow", "--upstream-node-id=2", "--dry-run"});
    ASSERT_TRUE(dry.ok()) << dry;
    EXPECT_EQ(without_lsns(dry.err),
              "INFO: follow target is standby node \"node2\" (ID: 2)\n"
              "INFO: replication slots in use, 2 free slots on node 10\n"
              "INFO: replication connection to the local node was successful\n"
              "INFO: replication connection to the follow target node was successful\n"
              "INFO: local and follow target system identifiers match\n"
              "DETAIL: system identifier is " +
                  node_[1]->psql("SELECT system_identifier FROM pg_control_system()") +
                  "\n"
                  "INFO: timelines are same, this server is not ahead\n"
                  "DETAIL: local node lsn is X/X, follow target lsn is X/X\n"
                  "INFO: prerequisites for executing STANDBY FOLLOW are met\n");

    RunResult to_standby = run(3, {"standby", "follow", "--upstream-node-id=2"});
    ASSERT_TRUE(to_standby.ok()) << to_standby;
    ASSERT_TRUE(streaming(*node_[2], "node3"));
    EXPECT_EQ(node_[2]->psql("SELECT slot_name || '|' || active FROM pg_replication_slots"),
              "repmgr_slot_3|true");
    EXPECT_EQ(record(*node_[1], 3), "standby|2|true");

    RunResult back = run(3, {"standby", "follow", "--upstream-node-id=1"});
    ASSERT_TRUE(back.ok()) << back;
    EXPECT_TRUE(
        contains(back.err, "NOTICE: replication slot \"repmgr_slot_3\" deleted on node 2\n"))
        << back;
    ASSERT_TRUE(streaming(*node_[1], "node3"));
    EXPECT_EQ(node_[2]->psql("SELECT count(*) FROM pg_replication_slots"), "0");
    EXPECT_TRUE(node_[1]->poll_until(
        "SELECT active FROM pg_replication_slots WHERE slot_name = 'repmgr_slot_3'"));
    EXPECT_EQ(record(*node_[1], 3), "standby|1|true");

    // Following the upstream it already streams from: its slot is in use.
    RunResult again = run(3, {"standby", "follow", "--upstream-node-id=1"});
    EXPECT_EQ(again.exit_code, 23) << again;
    EXPECT_TRUE(contains(without_lsns(again.err),
                         "ERROR: slot \"repmgr_slot_3\" already exists as an active slot\n"))
        << again;
    EXPECT_TRUE(contains(again.err, "NOTICE: STANDBY FOLLOW failed\n")) << again;
    EXPECT_TRUE(contains(events(*node_[1]),
                         "3|standby_follow|false|slot \"repmgr_slot_3\" already exists"));
}

TEST_F(FollowTest, DryRunChangesNothing) {
    make_cluster();
    fail_over();
    const std::string before = state(3, 2);
    RunResult r = run(3, {"standby", "follow", "--dry-run"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(without_lsns(r.err),
              "NOTICE: attempting to find and follow current primary\n"
              "INFO: connected to node 2, checking for current primary\n"
              "INFO: follow target is primary node \"node2\" (ID: 2)\n"
              "INFO: replication connection to the local node was successful\n"
              "INFO: replication connection to the follow target node was successful\n"
              "INFO: local and follow target system identifiers match\n"
              "DETAIL: system identifier is " +
                  node_[2]->psql("SELECT system_identifier FROM pg_control_system()") +
                  "\n"
                  "INFO: local node 3 can attach to follow target node 2\n"
                  "DETAIL: local node's recovery point: X/X; follow target node's fork point: X/X\n"
                  "INFO: prerequisites for executing STANDBY FOLLOW are met\n");
    EXPECT_EQ(state(3, 2), before);
}

TEST_F(FollowTest, RefusesABadUpstreamNodeId) {
    make_cluster(1);
    const std::string before = state(2);
    RunResult self = run(2, {"standby", "follow", "--upstream-node-id=2"});
    EXPECT_EQ(self.exit_code, 23) << self;
    EXPECT_EQ(self.err, "ERROR: provided --upstream-node-id 2 is the current node\n");
    RunResult unknown = run(2, {"standby", "follow", "--upstream-node-id=9"});
    EXPECT_EQ(unknown.exit_code, 23) << unknown;
    EXPECT_EQ(unknown.err, "ERROR: unable to find record for intended upstream node 9\n");
    RunResult bad = run(2, {"standby", "follow", "--upstream-node-id=x"});
    EXPECT_EQ(bad.exit_code, 1) << bad;
    EXPECT_EQ(state(2), before);
}

TEST_F(FollowTest, RefusedOnThePrimary) {
    make_cluster(1);
    const std::string before = this->metadata_snapshot(*node_[1]);
    RunResult r = run(1, {"standby", "follow"});
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_EQ(r.err, "ERROR: this node should be a standby (host=127.0.0.1 port=" + port(1) +
                         " dbname=repmgr user=repmgr)\n");
    EXPECT_EQ(this->metadata_snapshot(*node_[1]), before);
}

TEST_F(FollowTest, NoPrimaryReachable) {
    make_cluster(1);
    node_[1]->stop();
    const std::string before = read_file(node_[2]->data_dir() / "postgresql.auto.conf");
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"standby", "follow"}, {"standby", "follow", "--dry-run"}}) {
        RunResult r = run(2, args);
        EXPECT_EQ(r.exit_code, 23) << r;
        EXPECT_EQ(r.err,
                  "NOTICE: attempting to find and follow current primary\n"
                  "ERROR: unable to find a primary node\n");
    }
    RunResult target = run(2, {"standby", "follow", "--upstream-node-id=1"});
    EXPECT_EQ(target.exit_code, 23) << target;
    EXPECT_EQ(target.err, "ERROR: unable to connect to target node 1\n");

    const std::string conf = write_conf(2, {"primary_follow_timeout=2"}, "wait.conf");
    const auto start = Clock::now();
    RunResult waited = run(2, {"standby", "follow", "-w"}, conf);
    EXPECT_GE(Clock::now() - start, std::chrono::seconds(2));
    EXPECT_EQ(waited.exit_code, 23) << waited;
    EXPECT_EQ(waited.err,
              "NOTICE: attempting to find and follow current primary\n"
              "ERROR: unable to find a primary node\n"
              "DETAIL: no primary appeared after 2 seconds\n"
              "HINT: alter \"primary_follow_timeout\" in \"repmgr.conf\" to change this value\n");
    RunResult waited_target = run(2, {"standby", "follow", "--wait", "--upstream-node-id=1"}, conf);
    EXPECT_EQ(waited_target.exit_code, 23) << waited_target;
    EXPECT_EQ(waited_target.err,
              "ERROR: unable to connect to target node 1\n"
              "DETAIL: unable to connect to target node 1 after 2 seconds\n"
              "HINT: alter \"primary_follow_timeout\" in \"repmgr.conf\" to change this value\n");
    EXPECT_EQ(read_file(node_[2]->data_dir() / "postgresql.auto.conf"), before);
}

TEST_F(FollowTest, WaitsForAPrimaryToAppear) {
    make_cluster(1);
    node_[1]->stop();
    const std::string conf = write_conf(2, {"primary_follow_timeout=30"}, "wait.conf");
    std::thread restart([this] {
        std::this_thread::sleep_for(std::chrono::seconds(2));
        node_[1]->start();
    });
    RunResult r = run(2, {"standby", "follow", "-w"}, conf);
    restart.join();
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_TRUE(contains(r.err, "NOTICE: STANDBY FOLLOW successful\n")) << r;
    ASSERT_TRUE(streaming(*node_[1], "node2"));
}

TEST_F(FollowTest, RefusesATargetThatForkedBeforeItsPosition) {
    make_cluster();
    node_[2]->promote();
    // node3 keeps streaming from node1, past the point where node2's timeline 2 began.
    node_[1]->psql("CREATE TABLE diverge AS SELECT generate_series(1, 1000) AS x");
    ASSERT_TRUE(
        node_[3]->poll_until("SELECT count(*) FROM pg_class WHERE relname = 'diverge'", "1"));
    const std::string before = state(3);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"standby", "follow", "--upstream-node-id=2"},
          {"standby", "follow", "--upstream-node-id=2", "--dry-run"}}) {
        RunResult r = run(3, args);
        EXPECT_EQ(r.exit_code, 23) << r;
        const std::string err = without_lsns(r.err);
        EXPECT_TRUE(
            contains(err,
                     "ERROR: this node cannot attach to follow target node 2\n"
                     "DETAIL: follow target server's timeline 2 forked off current database "
                     "system timeline 1 before current recovery point X/X\n"))
            << r;
        EXPECT_FALSE(contains(err, "can attach")) << r;
    }
    EXPECT_EQ(state(3), before);
    ASSERT_TRUE(streaming(*node_[1], "node3"));
}

TEST_F(FollowTest, RefusesATargetBehindOnTheSameTimeline) {
    make_cluster();
    // node2 stops receiving; node3 gets WAL that node2 does not have.
    node_[2]->psql("ALTER SYSTEM SET primary_conninfo = ''");
    node_[2]->reload();
    ASSERT_TRUE(node_[1]->poll_until(
        "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'node2'", "0"));
    node_[1]->psql("CREATE TABLE ahead AS SELECT 1 AS x");
    ASSERT_TRUE(node_[3]->poll_until("SELECT count(*) FROM pg_class WHERE relname = 'ahead'", "1"));
    const std::string before = state(3);
    RunResult r = run(3, {"standby", "follow", "--upstream-node-id=2"});
    EXPECT_EQ(r.exit_code, 23) << r;
    EXPECT_EQ(without_lsns(r.err),
              "ERROR: this node ahead of the follow target on the same timeline (1)\n"
              "DETAIL: local node lsn is X/X, follow target lsn is X/X\n");
    EXPECT_EQ(state(3), before);
}

TEST_F(FollowTest, LocalServerDown) {
    make_cluster(1);
    node_[2]->stop();
    RunResult r = run(2, {"standby", "follow"});
    EXPECT_EQ(r.exit_code, 6) << r;
    EXPECT_TRUE(contains(r.err, "ERROR: connection to database failed\n")) << r;
    EXPECT_TRUE(contains(r.err,
                         "HINT: use \"repmgr node rejoin\" to re-add an inactive node to the "
                         "replication cluster\n"))
        << r;
}

// repmgr reports success even when the standby never shows up in pg_stat_replication
// (commands.md §24 quirk 1); each check logs a WARNING.
TEST_F(FollowTest, ReportsSuccessAfterTheAttachWaitRunsOut) {
    make_cluster(1);
    // The server comes back with another application_name, so node2 never appears as "node2".
    const std::string start = pg_bindir().string() + "/pg_ctl -w -D " +
                              node_[2]->data_dir().string() + " -l " +
                              node_[2]->log_file().string() +
                              " -o \"-c primary_conninfo=''host=127.0.0.1 port=" + port(1) +
                              " user=repmgr application_name=other''\" start";
    const std::string conf = write_conf(2,
                                        {"standby_follow_restart=true", "standby_follow_timeout=2",
                                         "service_start_command='" + start + "'"},
                                        "other.conf");
    RunResult r = run(2, {"standby", "follow", "--upstream-node-id=1"}, conf);
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_TRUE(contains(r.err,
                         "WARNING: node \"node2\" not found in \"pg_stat_replication\"\n"
                         "WARNING: node \"node2\" not found in \"pg_stat_replication\"\n"
                         "NOTICE: STANDBY FOLLOW successful\n"))
        << r;
    EXPECT_TRUE(streaming(*node_[1], "other"));
}

}  // namespace
}  // namespace repmgr::test
