// repmgr cluster cleanup against real servers (commands.md §20): which monitoring_history rows
// go with -k/--keep-history and --node-id, the cluster_cleanup event, running on a standby,
// and the failure paths (primary down, no primary record, a failing delete).
#include <gtest/gtest.h>

#include "cluster_ops_fixture.hpp"

namespace repmgr::test {
namespace {

class ClusterCleanupTest : public RepmgrTest {
  protected:
    // node1 primary (registered), node2 a standby with a record.
    void two_nodes() {
        p_ = &repmgr_primary("node1");
        c1_ = register_primary(*p_, 1);
        s2_ = &repmgr_standby("node2", *p_);
        c2_ = conf(*s2_, 2);
        RunResult r = repmgr(c2_, {"standby", "register"});
        ASSERT_TRUE(r.ok()) << r;
    }

    // Six rows per standby (2 and 3), 0..5 days (and a minute) old.
    void fill_history() {
        p_->psql("TRUNCATE repmgr.monitoring_history", "repmgr");
        p_->psql(
            "INSERT INTO repmgr.monitoring_history (primary_node_id, standby_node_id, "
            "last_monitor_time, last_wal_primary_location, replication_lag, apply_lag) "
            "SELECT 1, s, now() - make_interval(days => d, mins => 1), '0/0', 0, 0 "
            "FROM generate_series(2, 3) s, generate_series(0, 5) d",
            "repmgr");
    }

    // "standby:count ..." of what is left.
    std::string left() {
        return p_->psql(
            "SELECT COALESCE(string_agg(standby_node_id || ':' || n, ' ' ORDER BY "
            "standby_node_id), '') FROM (SELECT standby_node_id, count(*) AS n FROM "
            "repmgr.monitoring_history GROUP BY 1) s",
            "repmgr");
    }

    std::string last_cleanup_event() {
        return p_->psql(
            "SELECT node_id || '|' || successful || '|' || details FROM repmgr.events "
            "WHERE event = 'cluster_cleanup' ORDER BY event_timestamp DESC LIMIT 1",
            "repmgr");
    }

    PgTestNode* p_ = nullptr;
    PgTestNode* s2_ = nullptr;
    std::string c1_, c2_;
};

TEST_F(ClusterCleanupTest, KeepHistoryAndNodeId) {
    two_nodes();
    RunResult none = repmgr(c1_, {"cluster", "cleanup"});
    EXPECT_EQ(none.exit_code, 0) << none;
    EXPECT_EQ(none.err,
              "INFO: connecting to primary server\nINFO: no monitoring records to delete\n");
    EXPECT_EQ(last_cleanup_event(), "");

    fill_history();
    RunResult keep3 = repmgr(c1_, {"cluster", "cleanup", "-k", "3"});
    EXPECT_EQ(keep3.exit_code, 0) << keep3;
    EXPECT_EQ(keep3.out, "");
    EXPECT_EQ(keep3.err,
              "INFO: connecting to primary server\n"
              "INFO: vacuum of table \"repmgr.monitoring_history\" completed\n"
              "NOTICE: monitoring records deleted; records newer than 3 day(s) retained\n");
    EXPECT_EQ(left(), "2:3 3:3");
    EXPECT_EQ(last_cleanup_event(),
              "1|true|monitoring records deleted; records newer than 3 day(s) retained");

    // From the standby: the rows are deleted on the primary; the event names the standby.
    RunResult node = repmgr(c2_, {"cluster", "cleanup", "--keep-history=1", "--node-id=2"});
    EXPECT_EQ(node.exit_code, 0) << node;
    EXPECT_NE(node.err.find("NOTICE: monitoring records deleted for node 2; records newer than 1 "
                            "day(s) retained\n"),
              std::string::npos)
        << node;
    EXPECT_EQ(left(), "2:1 3:3");
    EXPECT_EQ(last_cleanup_event(),
              "2|true|monitoring records deleted for node 2; records newer than 1 day(s) retained");

    RunResult again = repmgr(c2_, {"cluster", "cleanup", "-k", "1", "--node-id=2"});
    EXPECT_EQ(again.exit_code, 0) << again;
    EXPECT_EQ(again.err,
              "INFO: connecting to primary server\nINFO: no monitoring records to delete\n");

    RunResult node3 = repmgr(c1_, {"cluster", "cleanup", "--node-id", "2"});
    EXPECT_EQ(node3.exit_code, 0) << node3;
    EXPECT_EQ(left(), "3:3");
    EXPECT_EQ(last_cleanup_event(), "1|true|all monitoring records deleted for node 2");

    fill_history();
    RunResult all = repmgr(c1_, {"cluster", "cleanup"});
    EXPECT_EQ(all.exit_code, 0) << all;
    EXPECT_NE(all.err.find("NOTICE: all monitoring records deleted\n"), std::string::npos) << all;
    EXPECT_EQ(left(), "");

    RunResult unknown = repmgr(c1_, {"cluster", "cleanup", "--node-id=9"});
    EXPECT_EQ(unknown.exit_code, 1) << unknown;
    EXPECT_EQ(unknown.err, "ERROR: node 9 (specified with --node-id) not found\n");
}

TEST_F(ClusterCleanupTest, PrimaryDownOrNotRecorded) {
    two_nodes();
    fill_history();
    p_->psql("UPDATE repmgr.nodes SET active = false WHERE node_id = 1", "repmgr");
    ASSERT_TRUE(s2_->poll_until("SELECT active FROM repmgr.nodes WHERE node_id = 1", "f",
                                std::chrono::seconds(30), "repmgr"));
    RunResult no_record = repmgr(c2_, {"cluster", "cleanup"});
    EXPECT_EQ(no_record.exit_code, 7) << no_record;
    EXPECT_NE(
        no_record.err.find("ERROR: unable to query number of monitoring records to clean up\n"),
        std::string::npos)
        << no_record;
    p_->psql("UPDATE repmgr.nodes SET active = true WHERE node_id = 1", "repmgr");
    ASSERT_TRUE(s2_->poll_until("SELECT active FROM repmgr.nodes WHERE node_id = 1", "t",
                                std::chrono::seconds(30), "repmgr"));

    p_->stop();
    RunResult down = repmgr(c2_, {"cluster", "cleanup"});
    EXPECT_EQ(down.exit_code, 6) << down;
    EXPECT_EQ(down.err.rfind(
                  "INFO: connecting to primary server\nERROR: connection to database failed\n", 0),
              0u)
        << down;
}

TEST_F(ClusterCleanupTest, FailingDeleteIsRecorded) {
    two_nodes();
    fill_history();
    p_->psql(
        "CREATE FUNCTION public.no_delete() RETURNS trigger LANGUAGE plpgsql AS "
        "$$BEGIN RAISE EXCEPTION 'no deleting here'; END$$",
        "repmgr");
    p_->psql(
        "CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON repmgr.monitoring_history "
        "FOR EACH STATEMENT EXECUTE FUNCTION public.no_delete()",
        "repmgr");
    for (auto args : {std::vector<std::string>{"cluster", "cleanup"},
                      std::vector<std::string>{"cluster", "cleanup", "-k", "2", "--node-id=2"}}) {
        RunResult r = repmgr(c1_, args);
        EXPECT_EQ(r.exit_code, 7) << r;
        EXPECT_EQ(r.err,
                  "INFO: connecting to primary server\n"
                  "ERROR: unable to delete monitoring records\n"
                  "DETAIL: ERROR:  no deleting here\n"
                  "CONTEXT:  PL/pgSQL function public.no_delete() line 1 at RAISE\n\n");
        EXPECT_EQ(last_cleanup_event(), "1|false|unable to delete monitoring records");
    }
    EXPECT_EQ(left(), "2:6 3:6");
}

}  // namespace
}  // namespace repmgr::test
