// repmgr standby register / standby unregister against real servers (commands.md §5, §6):
// every option, cascading standbys, offline registration and the refusals, each with its
// messages, exit code and (for refusals) unchanged metadata.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "repmgr_fixture.hpp"

namespace repmgr::test {
namespace {

using std::chrono::seconds;

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

class StandbyRegisterTest : public RepmgrTest {
protected:
    // node1 registered as primary, node2 streaming from it (not registered).
    void primary_and_standby(const std::vector<std::string>& extra = {}) {
        p_ = &repmgr_primary("node1");
        c1_ = register_primary(*p_, 1, extra);
        s2_ = &repmgr_standby("node2", *p_);
        c2_ = conf(*s2_, 2, extra);
        ASSERT_TRUE(streaming(*p_, "node2"));
        ASSERT_TRUE(s2_->poll_until("SELECT count(*) FROM repmgr.nodes", "1", seconds(30), "repmgr"));
    }

    ::testing::AssertionResult streaming(PgTestNode& upstream, const std::string& name) {
        return upstream.poll_until("SELECT count(*) FROM pg_stat_replication WHERE application_name = '" + name +
                                   "' AND state = 'streaming'",
                                   "1");
    }

    // The standby keeps running in recovery but no longer streams from anywhere.
    void stop_streaming(PgTestNode& standby, PgTestNode& upstream) {
        standby.psql("ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=1 application_name=" +
                     standby.name() + "'");
        standby.psql("SELECT pg_reload_conf()");
        ASSERT_TRUE(upstream.poll_until(
            "SELECT count(*) FROM pg_stat_replication WHERE application_name = '" + standby.name() + "'", "0"));
    }

    std::string record(PgTestNode& node, int node_id) {
        return node.psql("SELECT n::text FROM repmgr.nodes n WHERE node_id = " + std::to_string(node_id), "repmgr");
    }

    std::string last_event(PgTestNode& node) {
        return node.psql("SELECT node_id || '|' || event || '|' || successful || '|' || COALESCE(details, '<null>') "
                         "FROM repmgr.events ORDER BY event_timestamp DESC LIMIT 1",
                         "repmgr");
    }

    PgTestNode* p_ = nullptr;
    PgTestNode* s2_ = nullptr;
    std::string c1_, c2_;
};

TEST_F(StandbyRegisterTest, RegistersAStreamingStandby) {
    primary_and_standby({"use_replication_slots=true", "location='dc2'", "priority=70"});
    RunResult r = repmgr(c2_, {"standby", "register"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.err,
              "INFO: connecting to local node \"node2\" (ID: 2)\n"
              "INFO: connecting to primary database\n"
              "WARNING: --upstream-node-id not supplied, assuming upstream node is primary (node ID: 1)\n"
              "INFO: standby registration complete\n"
              "NOTICE: standby node \"node2\" (ID: 2) successfully registered\n");
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(record(*p_, 2), "(2,1,t,node2,standby,dc2,70,\"" + s2_->connstr("repmgr", "repmgr") +
                                  "\",repmgr,repmgr_slot_2," + c2_ + ")");
    EXPECT_EQ(last_event(*p_), "2|standby_register|true|standby registration succeeded; upstream node ID is 1");

    RunResult show = repmgr(c1_, {"cluster", "show", "--compact"});
    ASSERT_TRUE(show.ok()) << show;
    EXPECT_TRUE(contains(show.out, " 2  | node2 | standby |   running | node1    | dc2      | 70    | 1   ")) << show;
}

TEST_F(StandbyRegisterTest, DryRunChangesNothing) {
    primary_and_standby();
    const std::string before = metadata_snapshot(*p_);
    RunResult r = repmgr(c2_, {"standby", "register", "--dry-run"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.err,
              "INFO: connecting to local node \"node2\" (ID: 2)\n"
              "INFO: connecting to primary database\n"
              "WARNING: --upstream-node-id not supplied, assuming upstream node is primary (node ID: 1)\n"
              "INFO: all prerequisites for \"standby register\" are met\n");
    EXPECT_EQ(metadata_snapshot(*p_), before);
}

TEST_F(StandbyRegisterTest, SecondRegisterNeedsForce) {
    primary_and_standby();
    ASSERT_TRUE(repmgr(c2_, {"standby", "register"}).ok());
    const std::string before = metadata_snapshot(*p_);
    RunResult again = repmgr(c2_, {"standby", "register"});
    EXPECT_EQ(again.exit_code, 1) << again;
    EXPECT_EQ(again.err,
              "INFO: connecting to local node \"node2\" (ID: 2)\n"
              "INFO: connecting to primary database\n"
              "ERROR: node 2 is already registered\n"
              "HINT: use option -F/--force to overwrite an existing node record\n");
    EXPECT_EQ(metadata_snapshot(*p_), before);

    const std::string c2b = conf(*s2_, 2, {"priority=5"});
    RunResult forced = repmgr(c2b, {"standby", "register", "-F"});
    ASSERT_TRUE(forced.ok()) << forced;
    EXPECT_EQ(forced.err,
              "INFO: connecting to local node \"node2\" (ID: 2)\n"
              "INFO: connecting to primary database\n"
              "INFO: standby registration complete\n"
              "NOTICE: standby node \"node2\" (ID: 2) successfully registered\n");
    EXPECT_EQ(p_->psql("SELECT priority FROM repmgr.nodes WHERE node_id = 2", "repmgr"), "5");
    EXPECT_EQ(last_event(*p_),
              "2|standby_register|true|standby registration succeeded; upstream node ID is 1 (-F/--force option was used)");
}

TEST_F(StandbyRegisterTest, ForceKeepsTheSlotNameOfTheExistingRecord) {
    // repmgr only sets slot_name when use_replication_slots is on; otherwise the value of the
    // record it read for this node survives a forced re-registration.
    primary_and_standby();
    ASSERT_TRUE(repmgr(c2_, {"standby", "register"}).ok());
    p_->psql("UPDATE repmgr.nodes SET slot_name = 'kept' WHERE node_id = 2", "repmgr");
    RunResult forced = repmgr(c2_, {"standby", "register", "-F"});
    ASSERT_TRUE(forced.ok()) << forced;
    EXPECT_EQ(p_->psql("SELECT slot_name FROM repmgr.nodes WHERE node_id = 2", "repmgr"), "kept");
}

TEST_F(StandbyRegisterTest, CascadedStandbyNeedsItsUpstreamNodeId) {
    primary_and_standby();
    ASSERT_TRUE(repmgr(c2_, {"standby", "register"}).ok());
    PgTestNode& s3 = repmgr_standby("node3", *s2_);
    const std::string c3 = conf(s3, 3);
    ASSERT_TRUE(streaming(*s2_, "node3"));
    ASSERT_TRUE(s3.poll_until("SELECT count(*) FROM repmgr.nodes", "2", seconds(30), "repmgr"));

    const std::string before = metadata_snapshot(*p_);
    RunResult refused = repmgr(c3, {"standby", "register"});
    EXPECT_EQ(refused.exit_code, 1) << refused;
    EXPECT_EQ(refused.err,
              "INFO: connecting to local node \"node3\" (ID: 3)\n"
              "INFO: connecting to primary database\n"
              "WARNING: --upstream-node-id not supplied, assuming upstream node is primary (node ID: 1)\n"
              "WARNING: node \"node3\" not found in \"pg_stat_replication\"\n"
              "ERROR: local node not attached to primary node 1\n"
              "HINT: specify the actual upstream node id with --upstream-node-id, or use -F/--force to continue "
              "anyway\n");
    EXPECT_EQ(metadata_snapshot(*p_), before);

    RunResult r = repmgr(c3, {"standby", "register", "--upstream-node-id=2", "-v"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.err,
              "NOTICE: using provided configuration file \"" + c3 + "\"\n"
              "INFO: connecting to local node \"node3\" (ID: 3)\n"
              "INFO: connecting to primary database\n"
              "INFO: searching for primary node\n"
              "INFO: checking if node 1 is primary\n"
              "INFO: current primary node is 1\n"
              "INFO: local node is attached to specified upstream node 2\n"
              "INFO: standby registration complete\n"
              "NOTICE: standby node \"node3\" (ID: 3) successfully registered\n");
    EXPECT_EQ(p_->psql("SELECT upstream_node_id FROM repmgr.nodes WHERE node_id = 3", "repmgr"), "2");
    EXPECT_EQ(last_event(*p_), "3|standby_register|true|standby registration succeeded; upstream node ID is 2");

    RunResult show = repmgr(c3, {"cluster", "show", "--compact"});
    ASSERT_TRUE(show.ok()) << show;
    EXPECT_TRUE(contains(show.out, " 3  | node3 | standby |   running | node2    | default  | 100   | 1   ")) << show;
}

TEST_F(StandbyRegisterTest, StandbyThatIsNotStreamingIsRefused) {
    primary_and_standby();
    stop_streaming(*s2_, *p_);
    const std::string before = metadata_snapshot(*p_);
    RunResult r = repmgr(c2_, {"standby", "register"});
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_TRUE(contains(r.err, "WARNING: node \"node2\" not found in \"pg_stat_replication\"\n"
                                "ERROR: local node not attached to primary node 1\n"))
        << r;
    EXPECT_EQ(metadata_snapshot(*p_), before);

    RunResult dry = repmgr(c2_, {"standby", "register", "--dry-run"});
    EXPECT_EQ(dry.exit_code, 1) << dry;
    EXPECT_TRUE(contains(dry.err, "ERROR: local node not attached to primary node 1\n"
                                  "HINT: specify the actual upstream node id with --upstream-node-id, or use "
                                  "-F/--force to continue anyway\n"
                                  "WARNING: issue(s) encountered; see preceding log messages\n"))
        << dry;
    EXPECT_EQ(metadata_snapshot(*p_), before);

    RunResult given = repmgr(c2_, {"standby", "register", "--upstream-node-id=1"});
    EXPECT_EQ(given.exit_code, 1) << given;
    EXPECT_EQ(given.err,
              "INFO: connecting to local node \"node2\" (ID: 2)\n"
              "INFO: connecting to primary database\n"
              "WARNING: node \"node2\" not found in \"pg_stat_replication\"\n"
              "ERROR: this node does not appear to be attached to upstream node \"node1\" (ID: 1)\n"
              "DETAIL: no record for application name \"node2\" found in \"pg_stat_replication\"\n"
              "HINT: use -F/--force to continue anyway\n");
    EXPECT_EQ(metadata_snapshot(*p_), before);

    RunResult forced = repmgr(c2_, {"standby", "register", "-F"});
    ASSERT_TRUE(forced.ok()) << forced;
    EXPECT_TRUE(contains(forced.err, "WARNING: local node not attached to primary node 1\n"
                                     "NOTICE: -F/--force supplied, continuing anyway\n"))
        << forced;
    EXPECT_EQ(p_->psql("SELECT upstream_node_id FROM repmgr.nodes WHERE node_id = 2", "repmgr"), "1");
}

TEST_F(StandbyRegisterTest, UpstreamNodeIdChecks) {
    primary_and_standby();
    const std::string before = metadata_snapshot(*p_);
    RunResult self = repmgr(c2_, {"standby", "register", "--upstream-node-id=2"});
    EXPECT_EQ(self.exit_code, 1) << self;
    EXPECT_TRUE(contains(self.err, "ERROR: provided node ID for --upstream-node-id (2) is the same as the configured "
                                   "local node ID (2)\n"))
        << self;
    RunResult missing = repmgr(c2_, {"standby", "register", "--upstream-node-id=9"});
    EXPECT_EQ(missing.exit_code, 1) << missing;
    EXPECT_TRUE(contains(missing.err, "ERROR: no record found for upstream node 9\n"
                                      "HINT: use option -F/--force to create a dummy upstream record\n"))
        << missing;
    RunResult dry = repmgr(c2_, {"standby", "register", "--upstream-node-id=9", "-F", "--dry-run"});
    ASSERT_TRUE(dry.ok()) << dry;
    EXPECT_TRUE(contains(dry.err, "NOTICE: creating placeholder record for upstream node 9\n"
                                  "INFO: all prerequisites for \"standby register\" are met\n"))
        << dry;
    EXPECT_EQ(metadata_snapshot(*p_), before);

    RunResult forced = repmgr(c2_, {"standby", "register", "--upstream-node-id=9", "-F",
                                    "--upstream-conninfo=host=127.0.0.1 port=1"});
    ASSERT_TRUE(forced.ok()) << forced;
    EXPECT_EQ(forced.err,
              "INFO: connecting to local node \"node2\" (ID: 2)\n"
              "INFO: connecting to primary database\n"
              "NOTICE: creating placeholder record for upstream node 9\n"
              "INFO: standby registration complete\n"
              "NOTICE: standby node \"node2\" (ID: 2) successfully registered\n");
    EXPECT_EQ(record(*p_, 9), "(9,1,f,\"\",standby,default,100,\"host=127.0.0.1 port=1\",\"\",,\"\")");
    EXPECT_EQ(p_->psql("SELECT upstream_node_id FROM repmgr.nodes WHERE node_id = 2", "repmgr"), "9");
}

TEST_F(StandbyRegisterTest, UnreachableUpstreamNeedsForce) {
    primary_and_standby();
    p_->psql("INSERT INTO repmgr.nodes (node_id, upstream_node_id, node_name, type, conninfo, repluser, config_file) "
             "VALUES (5, 1, 'node5', 'standby', 'host=127.0.0.1 port=1', 'repmgr', '/x')",
             "repmgr");
    const std::string before = metadata_snapshot(*p_);
    RunResult r = repmgr(c2_, {"standby", "register", "--upstream-node-id=5"});
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_TRUE(contains(r.err, "ERROR: connection to database failed\nDETAIL: \n")) << r;
    EXPECT_TRUE(contains(r.err, "DETAIL: attempted to connect using:\n  host=127.0.0.1 port=1 connect_timeout=2 "
                                "fallback_application_name=repmgr options=-csearch_path=\n"
                                "ERROR: unable to connect to upstream node \"node5\" (ID: 5)\n"
                                "HINT: use -F/--force to continue anyway\n"))
        << r;
    EXPECT_EQ(metadata_snapshot(*p_), before);
    RunResult forced = repmgr(c2_, {"standby", "register", "--upstream-node-id=5", "-F"});
    ASSERT_TRUE(forced.ok()) << forced;
    EXPECT_TRUE(contains(forced.err, "WARNING: unable to connect to upstream node \"node5\" (ID: 5) but continuing "
                                     "anyway\n"))
        << forced;
}

TEST_F(StandbyRegisterTest, NodeNameClashAndPrimaryRefused) {
    primary_and_standby();
    p_->psql("INSERT INTO repmgr.nodes (node_id, upstream_node_id, node_name, type, conninfo, repluser, config_file) "
             "VALUES (7, 1, 'node2', 'standby', 'host=127.0.0.1 port=1', 'repmgr', '/x')",
             "repmgr");
    const std::string before = metadata_snapshot(*p_);
    RunResult clash = repmgr(c2_, {"standby", "register", "-F"});
    EXPECT_EQ(clash.exit_code, 1) << clash;
    EXPECT_TRUE(contains(clash.err, "ERROR: node 7 exists already with node_name \"node2\"\n")) << clash;
    RunResult on_primary = repmgr(c1_, {"standby", "register"});
    EXPECT_EQ(on_primary.exit_code, 1) << on_primary;
    EXPECT_EQ(on_primary.err, "INFO: connecting to local node \"node1\" (ID: 1)\n"
                              "ERROR: this node should be a standby (" + p_->connstr("repmgr", "repmgr") + ")\n");
    EXPECT_EQ(metadata_snapshot(*p_), before);
}

TEST_F(StandbyRegisterTest, StoppedStandbyNeedsForceAndPrimaryParameters) {
    primary_and_standby();
    s2_->stop();
    const std::string before = metadata_snapshot(*p_);
    RunResult r = repmgr(c2_, {"standby", "register", "--wait-start=0"});
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_EQ(r.err, "INFO: connecting to local node \"node2\" (ID: 2)\n"
                     "ERROR: unable to connect to local node \"node2\" (ID: 2)\n"
                     "DETAIL: \n"
                     "connection to server at \"127.0.0.1\", port " + std::to_string(s2_->port()) +
                         " failed: Connection refused\n"
                         "\tIs the server running on that host and accepting TCP/IP connections?\n\n"
                         "HINT: to register a standby which is not running, provide primary connection parameters "
                         "and use option -F/--force\n");
    RunResult no_params = repmgr(c2_, {"standby", "register", "-F"});
    EXPECT_EQ(no_params.exit_code, 1) << no_params;
    EXPECT_EQ(no_params.err, "INFO: connecting to local node \"node2\" (ID: 2)\n"
                             "ERROR: unable to connect to local node \"node2\" (ID: 2)\n"
                             "HINT: to register a standby which is not running, additionally provide the primary "
                             "connection parameters\n");
    EXPECT_EQ(metadata_snapshot(*p_), before);

    const std::string port = std::to_string(p_->port());
    RunResult ok = repmgr(c2_, {"standby", "register", "-F", "-h", "127.0.0.1", "-p", port, "-U", "repmgr", "-d",
                                "repmgr", "--wait-sync=5"});
    ASSERT_TRUE(ok.ok()) << ok;
    EXPECT_EQ(ok.err, "INFO: connecting to local node \"node2\" (ID: 2)\n"
                      "INFO: connecting to primary database\n"
                      "INFO: standby registration complete\n"
                      "NOTICE: standby node \"node2\" (ID: 2) successfully registered\n");
    EXPECT_EQ(p_->psql("SELECT upstream_node_id FROM repmgr.nodes WHERE node_id = 2", "repmgr"), "1");
    // repmgr does not know the primary's id here and says so.
    EXPECT_EQ(last_event(*p_),
              "2|standby_register|true|standby registration succeeded; upstream node ID is -1 (-F/--force option was "
              "used)");
}

TEST_F(StandbyRegisterTest, WaitStartRetriesOncePerSecond) {
    primary_and_standby();
    s2_->stop();
    auto start = std::chrono::steady_clock::now();
    RunResult r = repmgr(c2_, {"standby", "register", "--wait-start=2", "-v"});
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_GE(elapsed, seconds(2));
    EXPECT_TRUE(contains(r.err, "INFO: 1 of 2 connection attempts\n")) << r;
    EXPECT_TRUE(contains(r.err, "INFO: 2 of 2 connection attempts\n")) << r;
    EXPECT_FALSE(contains(r.err, "3 of 2")) << r;

    std::thread starter([this] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        s2_->start();
    });
    RunResult waited = repmgr(c2_, {"standby", "register", "--wait-start=30"});
    starter.join();
    ASSERT_TRUE(waited.ok()) << waited;
    EXPECT_TRUE(contains(waited.err, "INFO: connecting to local node \"node2\" (ID: 2)\n"
                                     "INFO: connected to local node \"node2\" (ID: 2) after "))
        << waited;
    EXPECT_TRUE(contains(waited.err, "NOTICE: standby node \"node2\" (ID: 2) successfully registered\n")) << waited;
}

TEST_F(StandbyRegisterTest, WaitSyncWaitsForTheStandbysCopy) {
    primary_and_standby();
    RunResult r = repmgr(c2_, {"standby", "register", "--wait-sync=30"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_TRUE(contains(r.err, "INFO: node record on standby synchronised from primary\n"
                                "DETAIL: node record synchronised after "))
        << r;
    EXPECT_EQ(s2_->psql("SELECT count(*) FROM repmgr.nodes WHERE node_id = 2", "repmgr"), "1");
    EXPECT_TRUE(contains(last_event(*p_), "2|standby_register_sync|true|node record synchronised after ")) << r;

    // Replay paused: the standby's copy cannot catch up with the new priority.
    s2_->psql("SELECT pg_wal_replay_pause()");
    const std::string c2b = conf(*s2_, 2, {"priority=5"});
    auto start = std::chrono::steady_clock::now();
    RunResult timeout = repmgr(c2b, {"standby", "register", "-F", "--wait-sync=2"});
    EXPECT_GE(std::chrono::steady_clock::now() - start, seconds(2));
    EXPECT_EQ(timeout.exit_code, 20) << timeout;
    EXPECT_EQ(timeout.err, "INFO: connecting to local node \"node2\" (ID: 2)\n"
                           "INFO: connecting to primary database\n"
                           "ERROR: node record was not synchronised after 2 seconds\n");
    EXPECT_EQ(last_event(*p_), "2|standby_register_sync|false|node record was not synchronised after 2 seconds");
    s2_->psql("SELECT pg_wal_replay_resume()");

    // --wait-sync=0 does not wait at all.
    RunResult zero = repmgr(c2_, {"standby", "register", "-F", "--wait-sync=0"});
    ASSERT_TRUE(zero.ok()) << zero;
    EXPECT_FALSE(contains(zero.err, "synchronised")) << zero;
}

TEST_F(StandbyRegisterTest, UnregisterRemovesTheRecord) {
    primary_and_standby();
    ASSERT_TRUE(repmgr(c2_, {"standby", "register"}).ok());
    PgTestNode& s3 = repmgr_standby("node3", *p_);
    const std::string c3 = conf(s3, 3);
    ASSERT_TRUE(streaming(*p_, "node3"));
    ASSERT_TRUE(repmgr(c3, {"standby", "register"}).ok());
    ASSERT_TRUE(s3.poll_until("SELECT count(*) FROM repmgr.nodes", "3", seconds(30), "repmgr"));

    RunResult r = repmgr(c3, {"standby", "unregister"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.err, "INFO: connecting to local standby\n"
                     "INFO: connecting to primary database\n"
                     "NOTICE: unregistering node 3\n"
                     "INFO: standby unregistration complete\n");
    EXPECT_EQ(p_->psql("SELECT count(*) FROM repmgr.nodes WHERE node_id = 3", "repmgr"), "0");
    EXPECT_EQ(last_event(*p_), "3|standby_unregister|true|<null>");

    ASSERT_TRUE(s3.poll_until("SELECT count(*) FROM repmgr.nodes", "2", seconds(30), "repmgr"));
    const std::string before = metadata_snapshot(*p_);
    RunResult again = repmgr(c3, {"standby", "unregister"});
    EXPECT_EQ(again.exit_code, 1) << again;
    EXPECT_TRUE(contains(again.err, "ERROR: no record found for node 3\n")) << again;
    RunResult primary = repmgr(c3, {"standby", "unregister", "--node-id=1"});
    EXPECT_EQ(primary.exit_code, 1) << primary;
    EXPECT_TRUE(contains(primary.err, "ERROR: node 1 is not a standby server\n")) << primary;
    RunResult unknown = repmgr(c3, {"standby", "unregister", "--node-id=9"});
    EXPECT_EQ(unknown.exit_code, 1) << unknown;
    EXPECT_EQ(unknown.err, "ERROR: node 9 (specified with --node-id) not found\n");
    EXPECT_EQ(metadata_snapshot(*p_), before);

    // Another (stopped) standby's record, from the primary; --dry-run does not stop it (repmgr).
    s2_->stop();
    RunResult other = repmgr(c1_, {"standby", "unregister", "--node-id=2", "--dry-run"});
    ASSERT_TRUE(other.ok()) << other;
    EXPECT_EQ(other.err, "WARNING: following problems with command line parameters detected:\n"
                         "  --dry-run is not effective when executing STANDBY UNREGISTER\n"
                         "INFO: connecting to local standby\n"
                         "INFO: connecting to primary database\n"
                         "NOTICE: unregistering node 2\n"
                         "INFO: standby unregistration complete\n");
    EXPECT_EQ(p_->psql("SELECT count(*) FROM repmgr.nodes", "repmgr"), "1");
    EXPECT_EQ(last_event(*p_), "2|standby_unregister|true|<null>");

    RunResult down = repmgr(c2_, {"standby", "unregister"});
    EXPECT_EQ(down.exit_code, 6) << down;
    EXPECT_TRUE(contains(down.err, "INFO: connecting to local standby\nERROR: connection to database failed\n")) << down;
}

TEST_F(StandbyRegisterTest, UnregisterWithoutPrimary) {
    primary_and_standby();
    ASSERT_TRUE(repmgr(c2_, {"standby", "register"}).ok());
    ASSERT_TRUE(s2_->poll_until("SELECT count(*) FROM repmgr.nodes", "2", seconds(30), "repmgr"));
    p_->stop();
    RunResult r = repmgr(c2_, {"standby", "unregister"});
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_TRUE(contains(r.err, "INFO: connecting to local standby\n"
                                "INFO: connecting to primary database\n"
                                "ERROR: connection to database failed\n"))
        << r;
    EXPECT_TRUE(contains(r.err, "ERROR: unable to connect to primary server\nDETAIL: \n\n")) << r;
    p_->start();
    EXPECT_EQ(p_->psql("SELECT count(*) FROM repmgr.nodes", "repmgr"), "2");
}

}  // namespace
}  // namespace repmgr::test
