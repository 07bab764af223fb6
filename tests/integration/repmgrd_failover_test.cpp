// Automatic failover by repmgrd against real servers (repmgrd.md §5.4, §6): kill -9 of the
// primary, candidate choice, priority 0, location rule, the witness in the majority, pause,
// manual mode, and a primary stalled for less than the reconnection window.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <memory>
#include <unistd.h>

#include "partial_record.hpp"
#include "repmgrd_fixture.hpp"

namespace repmgr::test {
namespace {

using namespace std::chrono_literals;

struct Member {
    PgTestNode* pg = nullptr;
    int id = 0;
    std::string conf;
    std::unique_ptr<RepmgrdProcess> daemon;
};

class RepmgrdFailoverTest : public RepmgrTest {
protected:
    std::map<int, Member> nodes_;

    // repmgr.conf lines every node gets: fast detection, our repmgr as promote/follow.
    std::vector<std::string> daemon_lines(const PgTestNode& node, const std::string& conf_path,
                                          const std::vector<std::string>& extra) {
        const std::string repmgr = RepmgrBinary::repmgr().path().string();
        std::vector<std::string> lines{
            "failover=automatic",
            "promote_command='" + repmgr + " standby promote -f " + conf_path + " --log-to-file'",
            "follow_command='" + repmgr + " standby follow -f " + conf_path + " --log-to-file --upstream-node-id=%n'",
            "monitor_interval_secs=1",
            "reconnect_attempts=2",
            "reconnect_interval=1",
            "primary_notification_timeout=15",
            "log_file='" + (node.basedir() / "repmgrd.log").string() + "'",
            "pg_ctl_options='-l " + (node.basedir() / "server.log").string() + "'",
        };
        lines.insert(lines.end(), extra.begin(), extra.end());
        return lines;
    }

    std::string conf_for(PgTestNode& node, int id, const std::vector<std::string>& extra) {
        const std::string path = (node.basedir() / "repmgr.conf").string();
        return write_repmgr_conf(node, id, daemon_lines(node, path, extra));
    }

    // Primary node1 plus `standbys` streaming standbys (ids 2..), each with `extra[id]` lines.
    void build(int standbys, std::map<int, std::vector<std::string>> extra = {}) {
        PgTestNode& p = repmgr_primary("node1");
        nodes_[1] = {&p, 1, conf_for(p, 1, extra[1]), nullptr};
        RunResult r = run_repmgr({"-f", nodes_[1].conf, "primary", "register"});
        ASSERT_TRUE(r.ok()) << r;
        for (int id = 2; id < 2 + standbys; ++id) {
            PgTestNode& s = repmgr_standby("node" + std::to_string(id), p);
            nodes_[id] = {&s, id, conf_for(s, id, extra[id]), nullptr};
            std::string columns = ", priority, location";
            std::string values = ", " + priority_of(extra[id]) + ", '" + location_of(extra[id]) + "'";
            insert_standby_record(p, s, id, 1, columns, values);
        }
        ASSERT_TRUE(p.poll_until("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'",
                                 std::to_string(standbys)));
        for (int id = 2; id < 2 + standbys; ++id) {
            ASSERT_TRUE(nodes_[id].pg->poll_until("SELECT count(*) FROM repmgr.nodes", std::to_string(standbys + 1),
                                                  30s, "repmgr"));
        }
    }

    static std::string value_of(const std::vector<std::string>& lines, const std::string& key, std::string dflt) {
        for (const auto& l : lines) {
            if (l.rfind(key + "=", 0) == 0) {
                std::string v = l.substr(key.size() + 1);
                if (!v.empty() && v.front() == '\'') v = v.substr(1, v.size() - 2);
                return v;
            }
        }
        return dflt;
    }
    static std::string priority_of(const std::vector<std::string>& l) { return value_of(l, "priority", "100"); }
    static std::string location_of(const std::vector<std::string>& l) { return value_of(l, "location", "default"); }

    void start_daemons() {
        for (auto& [id, m] : nodes_) {
            m.daemon = std::make_unique<RepmgrdProcess>();
            RunResult r = m.daemon->start(m.conf, m.pg->basedir());
            ASSERT_TRUE(r.ok()) << r;
        }
        // Every repmgrd has announced itself.
        ASSERT_TRUE(nodes_[1].pg->poll_until("SELECT count(*) FROM repmgr.events WHERE event = 'repmgrd_start'",
                                             std::to_string(nodes_.size()), 30s, "repmgr"));
    }

    bool in_recovery(int id) { return nodes_[id].pg->safe_psql("SELECT pg_is_in_recovery()").out.find('t') != std::string::npos; }

    // Waits until `id` is a primary with every id in `followers` streaming from it.
    ::testing::AssertionResult new_primary_with_followers(int id, const std::vector<int>& followers,
                                                          std::chrono::seconds timeout = 40s) {
        auto ok = nodes_[id].pg->poll_until("SELECT NOT pg_is_in_recovery()", "t", timeout);
        if (!ok) return ok;
        for (int f : followers) {
            auto streaming = nodes_[id].pg->poll_until(
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND application_name = 'node" +
                    std::to_string(f) + "'",
                "1", timeout);
            if (!streaming) return streaming;
        }
        return ::testing::AssertionSuccess();
    }

    std::string log_of(int id) { return read_text(nodes_[id].pg->basedir() / "repmgrd.log"); }

    void stop_daemons() {
        for (auto& [id, m] : nodes_) {
            if (m.daemon) m.daemon->stop();
        }
    }
    void TearDown() override { stop_daemons(); }
};

TEST_F(RepmgrdFailoverTest, KillPrimaryPromotesOneStandbyAndTheOtherFollows) {
    build(2);
    start_daemons();
    nodes_[1].pg->kill9();
    // Same LSN and priority: the lower node id wins.
    ASSERT_TRUE(new_primary_with_followers(2, {3}));
    EXPECT_TRUE(in_recovery(3));
    PgTestNode& np = *nodes_[2].pg;
    EXPECT_TRUE(np.poll_until("SELECT count(*) FROM repmgr.events WHERE event = 'repmgrd_failover_follow' AND node_id = 3",
                              "1", 30s, "repmgr"));
    EXPECT_EQ(np.psql("SELECT count(*) FROM repmgr.events WHERE event = 'repmgrd_failover_promote'", "repmgr"), "1");
    EXPECT_EQ(np.psql("SELECT type || ',' || active FROM repmgr.nodes WHERE node_id = 1", "repmgr"), "primary,false");
    EXPECT_EQ(np.psql("SELECT type || ',' || upstream_node_id FROM repmgr.nodes WHERE node_id = 3", "repmgr"), "standby,2");
    EXPECT_NE(log_of(2).find("[NOTICE] this node is the winner, will now promote itself and inform other nodes"),
              std::string::npos);
    EXPECT_NE(log_of(3).find("[NOTICE] promotion candidate is \"node2\" (ID: 2)"), std::string::npos);
}

TEST_F(RepmgrdFailoverTest, HighestPriorityCandidateIsChosen) {
    build(2, {{2, {"priority=50"}}, {3, {"priority=150"}}});
    start_daemons();
    nodes_[1].pg->kill9();
    ASSERT_TRUE(new_primary_with_followers(3, {2}));
    EXPECT_TRUE(in_recovery(2));
    EXPECT_NE(log_of(2).find("has higher priority (150) than current candidate \"node2\" (ID: 2) (50)"),
              std::string::npos)
        << log_of(2);
}

TEST_F(RepmgrdFailoverTest, PriorityZeroIsNeverPromoted) {
    build(1, {{2, {"priority=0"}}});
    start_daemons();
    nodes_[1].pg->kill9();
    for (int i = 0; i < 50 && log_of(2).find("so will not be considered") == std::string::npos; ++i) {
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_NE(log_of(2).find("[NOTICE] this node's priority is 0 so will not be considered as an automatic promotion candidate"),
              std::string::npos)
        << log_of(2);
    std::this_thread::sleep_for(3s);
    EXPECT_TRUE(in_recovery(2));
}

TEST_F(RepmgrdFailoverTest, LocationRuleBlocksPromotionWhenPrimaryLocationUnseen) {
    build(2, {{1, {"location='dc1'"}}, {2, {"location='dc2'"}}, {3, {"location='dc2'"}}});
    start_daemons();
    nodes_[1].pg->kill9();
    for (int i = 0; i < 60 && log_of(2).find("assuming network split") == std::string::npos; ++i) {
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_NE(log_of(2).find("[NOTICE] no nodes from the primary location \"dc1\" visible - assuming network split"),
              std::string::npos)
        << log_of(2);
    std::this_thread::sleep_for(2s);
    EXPECT_TRUE(in_recovery(2));
    EXPECT_TRUE(in_recovery(3));
}

TEST_F(RepmgrdFailoverTest, PausedDaemonDoesNotFailOver) {
    build(1);
    start_daemons();
    RunResult pause = run_repmgr({"-f", nodes_[1].conf, "service", "pause"});
    ASSERT_TRUE(pause.ok()) << pause;
    nodes_[1].pg->kill9();
    for (int i = 0; i < 60 && log_of(2).find("repmgrd on this node is paused") == std::string::npos; ++i) {
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_NE(log_of(2).find("[NOTICE] repmgrd on this node is paused"), std::string::npos) << log_of(2);
    std::this_thread::sleep_for(3s);
    EXPECT_TRUE(in_recovery(2));
}

// node3 was promoted by hand and runs no repmgrd, so node2's election skips it and node2 wins;
// the last look before promoting finds node3 already primary: node2 is not promoted (repmgr
// 5.3.3 would promote it and leave two primaries) and tries to follow node3 instead.
TEST_F(RepmgrdFailoverTest, WinnerDoesNotPromoteWhenAnotherNodeIsAlreadyPrimary) {
    build(2);
    for (int id : {1, 2}) {
        nodes_[id].daemon = std::make_unique<RepmgrdProcess>();
        RunResult r = nodes_[id].daemon->start(nodes_[id].conf, nodes_[id].pg->basedir());
        ASSERT_TRUE(r.ok()) << r;
    }
    ASSERT_TRUE(nodes_[1].pg->poll_until("SELECT count(*) FROM repmgr.events WHERE event = 'repmgrd_start'", "2",
                                         30s, "repmgr"));
    nodes_[3].pg->psql("SELECT pg_promote()");
    ASSERT_TRUE(nodes_[3].pg->poll_until("SELECT pg_is_in_recovery()", "f"));
    nodes_[1].pg->kill9();
    const std::string guard = "[NOTICE] node \"node3\" (ID: 3) is already running as primary, not promoting this node";
    for (int i = 0; i < 100 && log_of(2).find(guard) == std::string::npos; ++i) {
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_NE(log_of(2).find(guard), std::string::npos) << log_of(2);
    EXPECT_NE(log_of(2).find("[WARNING] repmgrd not running on node \"node3\" (ID: 3), skipping"), std::string::npos)
        << log_of(2);
    std::this_thread::sleep_for(3s);
    EXPECT_TRUE(in_recovery(2)) << log_of(2);
    EXPECT_FALSE(in_recovery(3));
    EXPECT_EQ(log_of(2).find("STANDBY PROMOTE successful"), std::string::npos) << log_of(2);
}

// The standbys' copy of the primary's record says "standby" (as it does for a moment after a
// switchover, before the restarted standby has replayed the promotion). The server says it is
// the primary, so its failure is a primary failure: a failover, not a wait for a cascaded
// upstream's primary.
TEST_F(RepmgrdFailoverTest, UpstreamRecordThatPredatesThePromotionStillFailsOver) {
    build(2);
    nodes_[1].pg->psql("UPDATE repmgr.nodes SET type = 'standby' WHERE node_id = 1", "repmgr");
    for (int id : {2, 3}) {
        ASSERT_TRUE(nodes_[id].pg->poll_until("SELECT type FROM repmgr.nodes WHERE node_id = 1", "standby", 30s,
                                              "repmgr"));
        nodes_[id].daemon = std::make_unique<RepmgrdProcess>();
        RunResult r = nodes_[id].daemon->start(nodes_[id].conf, nodes_[id].pg->basedir());
        ASSERT_TRUE(r.ok()) << r;
    }
    ASSERT_TRUE(nodes_[1].pg->poll_until("SELECT count(*) FROM repmgr.events WHERE event = 'repmgrd_start'", "2",
                                         30s, "repmgr"));
    nodes_[1].pg->kill9();
    const bool two = new_primary_with_followers(2, {3}, 30s);
    const bool three = !two && new_primary_with_followers(3, {2}, 30s);
    EXPECT_TRUE(two || three) << log_of(2) << log_of(3);
    EXPECT_EQ(log_of(2).find("unable to connect to last known primary"), std::string::npos) << log_of(2);
}

TEST_F(RepmgrdFailoverTest, ManualFailoverOnlyRecords) {
    build(1, {{2, {"failover=manual"}}});
    start_daemons();
    nodes_[1].pg->kill9();
    for (int i = 0; i < 60 && log_of(2).find("not configured for automatic failover") == std::string::npos; ++i) {
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_NE(log_of(2).find("[NOTICE] this node is not configured for automatic failover"), std::string::npos)
        << log_of(2);
    std::this_thread::sleep_for(2s);
    EXPECT_TRUE(in_recovery(2));
}

TEST_F(RepmgrdFailoverTest, StalledPrimaryShorterThanHoldDownCausesNoFailover) {
    build(1);
    start_daemons();
    const pid_t postmaster = *nodes_[1].pg->pid();
    ::kill(postmaster, SIGSTOP);
    std::this_thread::sleep_for(1500ms);
    ::kill(postmaster, SIGCONT);
    std::this_thread::sleep_for(6s);
    EXPECT_TRUE(in_recovery(2));
    EXPECT_EQ(log_of(2).find("promotion candidate"), std::string::npos) << log_of(2);
    EXPECT_TRUE(nodes_[1].pg->poll_until("SELECT count(*) FROM pg_stat_replication", "1"));
}

// Two standbys and a witness; when the primary dies and node3 is unreachable too, node2
// still sees a majority (itself and the witness: 2 of 3) and promotes. Without the witness
// the same loss leaves node2 alone (1 of 2) and it must not promote.
TEST_F(RepmgrdFailoverTest, WitnessBreaksTheTie) {
    build(2);
    PgTestNode& w = add_node("node4");
    w.init(false);
    w.append_conf("shared_preload_libraries = 'repmgr'");
    w.start();
    w.create_user("repmgr");
    w.create_db("repmgr", "repmgr");
    nodes_[4] = {&w, 4, conf_for(w, 4, {}), nullptr};
    RunResult reg = run_repmgr({"-f", nodes_[4].conf, "witness", "register", "-h", "127.0.0.1", "-p",
                                std::to_string(nodes_[1].pg->port()), "-U", "repmgr", "-d", "repmgr"});
    ASSERT_TRUE(reg.ok()) << reg;
    ASSERT_TRUE(nodes_[2].pg->poll_until("SELECT count(*) FROM repmgr.nodes", "4", 30s, "repmgr"));
    start_daemons();
    nodes_[3].daemon->stop();
    nodes_[3].pg->stop("immediate");
    nodes_[1].pg->kill9();
    ASSERT_TRUE(new_primary_with_followers(2, {}));
    EXPECT_NE(log_of(2).find("[INFO] visible nodes: 2; total nodes: 3; no nodes have seen the primary"),
              std::string::npos)
        << log_of(2);
    EXPECT_TRUE(nodes_[2].pg->poll_until(
        "SELECT count(*) FROM repmgr.events WHERE event = 'repmgrd_failover_follow' AND node_id = 4", "1", 30s,
        "repmgr"));
}

TEST_F(RepmgrdFailoverTest, WithoutWitnessALoneStandbyDoesNotPromote) {
    build(2);
    start_daemons();
    nodes_[3].daemon->stop();
    nodes_[3].pg->stop("immediate");
    nodes_[1].pg->kill9();
    for (int i = 0; i < 60 && log_of(2).find("unable to reach a qualified majority") == std::string::npos; ++i) {
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_NE(log_of(2).find("[NOTICE] unable to reach a qualified majority of nodes"), std::string::npos)
        << log_of(2);
    std::this_thread::sleep_for(2s);
    EXPECT_TRUE(in_recovery(2));
}

// Events reach event_notification_command with repmgrd's texts and %p.
TEST_F(RepmgrdFailoverTest, EventNotificationsDuringFailover) {
    std::map<int, std::vector<std::string>> extra;
    for (int id : {1, 2, 3}) {
        extra[id] = {"event_notification_command='/bin/sh -c \"echo %n %e %s [%p] >> /tmp/pgt-events-" +
                     std::to_string(::getpid()) + "-" + std::to_string(id) + "\"'"};
    }
    build(2, extra);
    start_daemons();
    nodes_[1].pg->kill9();
    ASSERT_TRUE(new_primary_with_followers(2, {3}));
    ASSERT_TRUE(nodes_[2].pg->poll_until(
        "SELECT count(*) FROM repmgr.events WHERE event = 'repmgrd_failover_follow'", "1", 30s, "repmgr"));
    const std::string prefix = "/tmp/pgt-events-" + std::to_string(::getpid()) + "-";
    // The command runs just after the row is written: wait for its line too.
    std::string three;
    for (int i = 0; i < 100; ++i) {
        three = read_text(prefix + "3");
        if (three.find("repmgrd_failover_follow") != std::string::npos) break;
        std::this_thread::sleep_for(100ms);
    }
    std::string two = read_text(prefix + "2");
    std::filesystem::remove(prefix + "1");
    std::filesystem::remove(prefix + "2");
    std::filesystem::remove(prefix + "3");
    EXPECT_NE(two.find("2 repmgrd_failover_promote 1 [1]\n"), std::string::npos) << two;
    EXPECT_NE(two.find("2 standby_promote 1 []\n"), std::string::npos) << two;
    EXPECT_NE(three.find("3 repmgrd_upstream_disconnect 1 []\n"), std::string::npos) << three;
    EXPECT_NE(three.find("3 standby_follow 1 [2]\n"), std::string::npos) << three;
    EXPECT_NE(three.find("3 repmgrd_failover_follow 1 []\n"), std::string::npos) << three;
}

TEST_F(RepmgrdFailoverTest, ChildNodeDisconnectAndReconnectEvents) {
    build(1, {{1, {"child_nodes_check_interval=1"}}});
    start_daemons();
    nodes_[2].daemon->stop();
    nodes_[2].pg->stop();
    PgTestNode& p = *nodes_[1].pg;
    ASSERT_TRUE(p.poll_until("SELECT count(*) FROM repmgr.events WHERE event = 'child_node_disconnect'", "1", 20s,
                             "repmgr"));
    EXPECT_EQ(p.psql("SELECT details FROM repmgr.events WHERE event = 'child_node_disconnect'", "repmgr"),
              "standby node \"node2\" (ID: 2) has disconnected");
    nodes_[2].pg->start();
    ASSERT_TRUE(p.poll_until("SELECT count(*) FROM repmgr.events WHERE event = 'child_node_reconnect'", "1", 30s,
                             "repmgr"));
    EXPECT_NE(p.psql("SELECT details FROM repmgr.events WHERE event = 'child_node_reconnect'", "repmgr")
                  .find("standby node \"node2\" (ID: 2) has reconnected after "),
              std::string::npos);
}

// repmgrd.md §12 quirk 12: the primary dies in the middle of a WAL record (hint-bit
// full-page images, wal_log_hints=on), the standbys hold a partial last record past the
// promoted node's fork point. repmgr 5.3.3's follow refuses and retries for ever; ours must
// leave every standby streaming from the new primary.
TEST_F(RepmgrdFailoverTest, StandbyWithPartialLastRecordFollowsTheNewPrimary) {
    build(2);
    start_daemons();
    ASSERT_TRUE(crash_primary_mid_record(*nodes_[1].pg, {nodes_[2].pg, nodes_[3].pg}))
        << "could not stop the primary in the middle of a record";
    ASSERT_TRUE(new_primary_with_followers(2, {3}));
    nodes_[2].pg->psql("CREATE TABLE after_failover AS SELECT 1 AS x");
    EXPECT_TRUE(nodes_[3].pg->poll_until("SELECT count(*) FROM pg_class WHERE relname = 'after_failover'", "1"));
    EXPECT_EQ(log_of(3).find("cannot attach to follow target"), std::string::npos) << log_of(3);
}

TEST_F(RepmgrdFailoverTest, RestartedDaemonResumesMonitoring) {
    build(1);
    start_daemons();
    nodes_[2].daemon->stop();
    RunResult r = nodes_[2].daemon->start(nodes_[2].conf, nodes_[2].pg->basedir());
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_TRUE(nodes_[1].pg->poll_until("SELECT count(*) FROM repmgr.events WHERE event = 'repmgrd_start' AND node_id = 2",
                                         "2", 20s, "repmgr"));
    nodes_[1].pg->kill9();
    ASSERT_TRUE(new_primary_with_followers(2, {}));
}

}  // namespace
}  // namespace repmgr::test
