// repmgrd running on every node, as under systemd in production, while the roles change under
// it: a switchover (every repmgrd paused, none starts a failover while the primary is down on
// purpose, each resumes in its node's new role) and a failover followed by `node rejoin` of the
// former primary. After each, a kill -9 of the current primary must be failed over by the
// daemons with exactly one node promoted: a node whose PostgreSQL was restarted must be known to
// the others as running repmgrd again, or it is left out of the election.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <memory>

#include "follow_fixture.hpp"
#include "repmgrd_fixture.hpp"

namespace repmgr::test {
namespace {

using namespace std::chrono_literals;

class RepmgrdRoleChangeTest : public FollowFixture<RepmgrTest> {
  protected:
    // Node `id`'s repmgr.conf with the repmgrd settings of the failover tests.
    std::string daemon_conf(int id) {
        const std::string conf = (node_[id]->basedir() / "repmgr.conf").string();
        const std::string repmgr = RepmgrBinary::repmgr().path().string();
        return write_conf(
            id, {"failover=automatic",
                 "promote_command='" + repmgr + " standby promote -f " + conf + " --log-to-file'",
                 "follow_command='" + repmgr + " standby follow -f " + conf +
                     " --log-to-file --upstream-node-id=%n'",
                 "monitor_interval_secs=1", "reconnect_attempts=2", "reconnect_interval=1",
                 "primary_notification_timeout=15",
                 "log_file='" + (node_[id]->basedir() / "repmgrd.log").string() + "'"});
    }

    void start_daemons(int nodes) {
        for (int id = 1; id <= nodes; ++id) {
            daemon_[id] = std::make_unique<RepmgrdProcess>();
            RunResult r = daemon_[id]->start(conf_[id], node_[id]->basedir());
            ASSERT_TRUE(r.ok()) << r;
        }
        ASSERT_TRUE(node_[1]->poll_until(
            "SELECT count(*) FROM repmgr.events WHERE event = 'repmgrd_start'",
            std::to_string(nodes), 30s, "repmgr"));
    }

    std::string log_of(int id) { return read_text(node_[id]->basedir() / "repmgrd.log"); }

    std::string all_logs(int nodes) {
        std::string text;
        for (int id = 1; id <= nodes; ++id) {
            text += "---- repmgrd log of node" + std::to_string(id) + ":\n" + log_of(id);
        }
        return text;
    }

    // kill -9 of the primary `victim`: exactly one of `candidates` is promoted by repmgrd and
    // the other follows it.
    void expect_one_failover(int victim, const std::vector<int>& candidates) {
        const auto pid = node_[victim]->pid();
        ASSERT_TRUE(pid.has_value());
        ASSERT_EQ(::kill(*pid, SIGKILL), 0);
        int promoted = 0;
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (promoted == 0 && std::chrono::steady_clock::now() < deadline) {
            for (int id : candidates) {
                if (node_[id]->safe_psql("SELECT pg_is_in_recovery()").out.find('f') !=
                    std::string::npos) {
                    promoted = id;
                }
            }
            std::this_thread::sleep_for(100ms);
        }
        ASSERT_NE(promoted, 0) << "no failover after node" << victim << " was killed\n"
                               << all_logs(3);
        for (int other : candidates) {
            if (other == promoted) continue;
            EXPECT_TRUE(streaming(*node_[promoted], node_[other]->name(), 60s)) << all_logs(3);
            // Never two: the other one follows, it does not promote itself.
            std::this_thread::sleep_for(2s);
            EXPECT_TRUE(in_recovery(*node_[other]))
                << "node" << other << " promoted too\n" << all_logs(3);
        }
    }

    void TearDown() override {
        for (auto& [id, d] : daemon_) {
            if (d) d->stop();
        }
        FollowFixture<RepmgrTest>::TearDown();
    }

    std::map<int, std::unique_ptr<RepmgrdProcess>> daemon_;
};

TEST_F(RepmgrdRoleChangeTest, DaemonsFollowTheNewRolesAndFailOverLater) {
    std::vector<std::string> lines = ssh_conf_lines();
    ASSERT_FALSE(lines.empty());
    lines.push_back("use_replication_slots=true");
    make_cluster(2, lines);
    for (int id = 1; id <= 3; ++id) conf_[id] = daemon_conf(id);
    ASSERT_NO_FATAL_FAILURE(start_daemons(3));

    RunResult r = run(2, {"standby", "switchover", "--siblings-follow"});
    ASSERT_TRUE(r.ok()) << r << all_logs(3);
    EXPECT_NE(r.err.find("NOTICE: attempting to pause repmgrd on 3 nodes\n"), std::string::npos)
        << r;
    EXPECT_EQ(r.err.find("unable to pause"), std::string::npos) << r;
    EXPECT_EQ(r.err.find("WARNING"), std::string::npos) << r;

    // Several monitoring intervals in the new roles: nothing moves.
    std::this_thread::sleep_for(6s);
    EXPECT_FALSE(in_recovery(*node_[2]));
    for (int id : {1, 3}) {
        EXPECT_TRUE(in_recovery(*node_[id])) << "node" << id;
        EXPECT_TRUE(streaming(*node_[2], node_[id]->name())) << "node" << id;
        EXPECT_EQ(record(*node_[2], id), "standby|2|true");
    }
    EXPECT_EQ(record(*node_[2], 2), "primary||true");
    // Only the switchover's own promotion; no repmgrd failover of any kind.
    EXPECT_EQ(node_[2]->psql("SELECT string_agg(DISTINCT event, ',' ORDER BY event) FROM "
                             "repmgr.events WHERE event LIKE 'repmgrd_failover%' OR event = "
                             "'standby_promote'",
                             "repmgr"),
              "standby_promote")
        << all_logs(3);
    EXPECT_EQ(node_[2]->psql("SELECT count(*) FROM repmgr.events WHERE event = 'standby_promote'",
                             "repmgr"),
              "1");
    for (int id = 1; id <= 3; ++id) {
        EXPECT_TRUE(daemon_[id]->running()) << "repmgrd on node" << id << "\n" << all_logs(3);
        EXPECT_EQ(node_[id]->psql("SELECT repmgr.repmgrd_is_paused()", "repmgr"), "f")
            << "node" << id;
        // Registered in shared memory again after node1's restart: otherwise the others see
        // "repmgrd not running" there and leave node1 out of the next election (two nodes
        // then promote themselves).
        EXPECT_EQ(node_[id]->psql("SELECT repmgr.repmgrd_is_running()", "repmgr"), "t")
            << "node" << id << "\n" << all_logs(3);
    }

    // The daemons watch the new primary: kill -9 it and they fail over to node1 or node3.
    expect_one_failover(2, {1, 3});
}

// A clean stop of the primary is failed over; the former primary, whose repmgrd keeps
// running, is rejoined as a standby of the new one, and takes part in the next failover.
TEST_F(RepmgrdRoleChangeTest, RejoinedFormerPrimaryTakesPartInTheNextFailover) {
    make_cluster(2, {"use_replication_slots=true"});
    for (int id = 1; id <= 3; ++id) conf_[id] = daemon_conf(id);
    ASSERT_NO_FATAL_FAILURE(start_daemons(3));

    node_[1]->stop("fast");
    int promoted = 0;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (promoted == 0 && std::chrono::steady_clock::now() < deadline) {
        for (int id : {2, 3}) {
            if (node_[id]->safe_psql("SELECT pg_is_in_recovery()").out.find('f') != std::string::npos) {
                promoted = id;
            }
        }
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_NE(promoted, 0) << all_logs(3);
    const int other = promoted == 2 ? 3 : 2;
    ASSERT_TRUE(streaming(*node_[promoted], node_[other]->name(), 60s)) << all_logs(3);

    RunResult rejoin = run(1, {"node", "rejoin", "-d", node_[promoted]->connstr("repmgr", "repmgr"),
                               "--force-rewind"});
    ASSERT_TRUE(rejoin.ok()) << rejoin;
    ASSERT_TRUE(streaming(*node_[promoted], "node1", 60s));
    // node1's repmgrd notices it is a standby now and registers with the restarted server.
    EXPECT_TRUE(node_[1]->poll_until("SELECT repmgr.repmgrd_is_running()", "t", 30s, "repmgr"))
        << all_logs(3);
    EXPECT_TRUE(node_[promoted]->poll_until(
        "SELECT count(*) FROM repmgr.events WHERE node_id = 1 AND event = "
        "'repmgrd_standby_reconnect'",
        "1", 30s, "repmgr"))
        << all_logs(3);
    std::this_thread::sleep_for(3s);

    expect_one_failover(promoted, {1, other});
}

}  // namespace
}  // namespace repmgr::test
