// standby promote / standby follow / node rejoin side by side with the real repmgr 5.3.3 on
// the deterministic paths (dry runs and refusals): same stdout, stderr and exit code. And the
// one place where we deliberately differ: a standby holding the partial last record of a
// crashed primary can follow the standby promoted in its place.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "follow_fixture.hpp"
#include "partial_record.hpp"
#include "repmgr/db/connection.hpp"

namespace repmgr::test {
namespace {

using CompatFollowTest = FollowFixture<CompatTest>;

TEST_F(CompatFollowTest, PromoteRefusalsAndDryRuns) {
    make_cluster(2, ssh_conf_lines());
    expect_same(conf_[1], {"standby", "promote"});
    expect_same(conf_[1], {"standby", "promote", "--dry-run"});
    expect_same(conf_[2], {"standby", "promote"});
    expect_same(conf_[2], {"standby", "promote", "--dry-run"});
    node_[1]->stop();
    const std::string before = this->metadata_snapshot(*node_[2]);
    expect_same(conf_[2], {"standby", "promote", "--dry-run"});
    expect_same(conf_[2], {"standby", "promote", "--dry-run", "--siblings-follow"});
    const std::string unreachable =
        write_conf(2, {"ssh_options='-p 1 -o ConnectTimeout=2'"}, "nossh.conf");
    expect_same(unreachable, {"standby", "promote", "--dry-run", "--siblings-follow"});
    expect_same(unreachable, {"standby", "promote", "--dry-run", "--siblings-follow", "-F"});
    expect_same(unreachable, {"standby", "promote", "--siblings-follow"});
    EXPECT_TRUE(in_recovery(*node_[2]));
    EXPECT_EQ(this->metadata_snapshot(*node_[2]), before);
}

TEST_F(CompatFollowTest, FollowRefusalsAndDryRuns) {
    make_cluster(2, {"use_replication_slots=true"});
    expect_same(conf_[3], {"standby", "follow", "--dry-run"});
    expect_same(conf_[3], {"standby", "follow", "--dry-run", "--upstream-node-id=2"});
    expect_same(conf_[3], {"standby", "follow", "--upstream-node-id=3"});
    expect_same(conf_[3], {"standby", "follow", "--upstream-node-id=9"});
    expect_same(conf_[1], {"standby", "follow"});
    expect_same(conf_[1], {"standby", "follow", "--dry-run"});

    node_[1]->stop();
    expect_same(conf_[3], {"standby", "follow"});
    expect_same(conf_[3], {"standby", "follow", "--dry-run"});
    expect_same(conf_[3], {"standby", "follow", "--upstream-node-id=1"});
    // A standby can be followed only while there is a primary.
    expect_same(conf_[3], {"standby", "follow", "--upstream-node-id=2"});
    expect_same(conf_[3], {"standby", "follow", "--upstream-node-id=2", "--dry-run"});
    const std::string wait = write_conf(3, {"primary_follow_timeout=1"}, "wait.conf");
    expect_same(wait, {"standby", "follow", "-w"});
    expect_same(wait, {"standby", "follow", "-w", "--upstream-node-id=1"});

    RunResult promote = run(2, {"standby", "promote"});
    ASSERT_TRUE(promote.ok()) << promote;
    expect_same(conf_[3], {"standby", "follow", "--dry-run"});
    expect_same(conf_[3], {"standby", "follow", "--dry-run", "--upstream-node-id=2"});
}

TEST_F(CompatFollowTest, FollowTargetThatForkedBeforeThePosition) {
    make_cluster(2);
    node_[2]->promote();
    node_[1]->psql("CREATE TABLE diverge AS SELECT generate_series(1, 1000) AS x");
    ASSERT_TRUE(
        node_[3]->poll_until("SELECT count(*) FROM pg_class WHERE relname = 'diverge'", "1"));
    ASSERT_TRUE(
        node_[3]->poll_until("SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"));
    expect_same(conf_[3], {"standby", "follow", "--upstream-node-id=2", "--dry-run"});
    expect_same(conf_[3], {"standby", "follow", "--upstream-node-id=2"});
    EXPECT_TRUE(streaming(*node_[1], "node3"));
}

TEST_F(CompatFollowTest, FollowTargetBehindOnTheSameTimeline) {
    make_cluster(2);
    node_[2]->psql("ALTER SYSTEM SET primary_conninfo = ''");
    node_[2]->reload();
    ASSERT_TRUE(node_[1]->poll_until(
        "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'node2'", "0"));
    node_[1]->psql("CREATE TABLE ahead AS SELECT 1 AS x");
    ASSERT_TRUE(node_[3]->poll_until("SELECT count(*) FROM pg_class WHERE relname = 'ahead'", "1"));
    ASSERT_TRUE(
        node_[3]->poll_until("SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"));
    expect_same(conf_[3], {"standby", "follow", "--upstream-node-id=2", "--dry-run"});
    expect_same(conf_[3], {"standby", "follow", "--upstream-node-id=2"});
}

TEST_F(CompatFollowTest, RejoinRefusalsAndDryRuns) {
    make_cluster(1, {"use_replication_slots=true"});
    const std::string via2 = "host=127.0.0.1 port=" + port(2) + " user=repmgr dbname=repmgr";
    expect_same(conf_[2], {"node", "rejoin", "-d", via2});
    expect_same(conf_[1], {"node", "rejoin", "-d", via2, "--dry-run"});
    expect_same(conf_[1], {"node", "rejoin"});

    node_[1]->stop();
    RunResult promote = run(2, {"standby", "promote"});
    ASSERT_TRUE(promote.ok()) << promote;
    const std::string archive = this->temp_dir().make_subdir("archive").string();
    expect_same(conf_[1], {"node", "rejoin", "-d", via2, "--dry-run"});
    expect_same(conf_[1], {"node", "rejoin", "-d", via2, "--dry-run", "--force-rewind",
                           "--config-files=postgresql.conf,missing.conf,pg_hba.conf",
                           "--config-archive-dir=" + archive});
    expect_same(conf_[1], {"node", "rejoin", "-d", via2, "--dry-run", "--force-rewind",
                           "--config-archive-dir=" + archive + "/nope"});
    expect_same(conf_[1],
                {"node", "rejoin", "-d", "host=127.0.0.1 port=1 user=repmgr dbname=repmgr"});

    // Diverged: the old primary wrote on timeline 1 after node2 was promoted.
    node_[1]->start();
    node_[1]->psql("CREATE TABLE diverge AS SELECT generate_series(1, 1000) AS x");
    node_[1]->stop();
    expect_same(conf_[1], {"node", "rejoin", "-d", via2});
    expect_same(conf_[1], {"node", "rejoin", "-d", via2, "--dry-run"});
    expect_same(conf_[1], {"node", "rejoin", "-d", via2, "--dry-run", "--force-rewind",
                           "--config-archive-dir=" + archive});

    node_[1]->start();
    node_[1]->kill9();
    expect_same(conf_[1], {"node", "rejoin", "-d", via2});
    expect_same(conf_[1], {"node", "rejoin", "-d", via2, "--dry-run"});
}

// The partial-record case (commands.md §8 step 8 "Known refusal"). The primary dies after its
// WAL writer flushed up to a page boundary in the middle of a record: full-page images of
// hint-bit changes (wal_log_hints = on) from a scan whose transaction never ended, so nothing
// asked for the rest to be flushed. Both standbys received WAL up to that page boundary but
// could replay only up to the end of the last complete record, which is where the promoted
// standby's timeline 2 begins. repmgr 5.3.3 compares the received position with that fork
// point and refuses; PostgreSQL only needs the replayed one, and so do we.
class PartialRecordTest : public CompatFollowTest {
  protected:
    bool crash_primary_mid_record() {
        return repmgr::test::crash_primary_mid_record(*node_[1], {node_[2], node_[3]});
    }
};

TEST_F(PartialRecordTest, SiblingFollowsThePromotedStandby) {
    make_cluster(2);
    ASSERT_EQ(node_[1]->psql("SHOW wal_log_hints"), "on");
    ASSERT_TRUE(crash_primary_mid_record())
        << "could not stop the primary in the middle of a record";
    // node3 holds WAL it cannot replay: the start of a record that will never be completed.
    ASSERT_TRUE(
        node_[3]->poll_until("SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()"));
    const std::string received = node_[3]->psql("SELECT pg_last_wal_receive_lsn()");
    const std::string replayed = node_[3]->psql("SELECT pg_last_wal_replay_lsn()");

    RunResult promote = run(2, {"standby", "promote"});
    ASSERT_TRUE(promote.ok()) << promote;
    const std::string fork =
        node_[2]->psql("SELECT split_part(pg_read_file('pg_wal/00000002.history'), E'\\t', 2)");
    EXPECT_EQ(fork, replayed) << "timeline 2 starts at the end of the last complete record";

    // repmgr 5.3.3 refuses (exit 23, no event) ...
    RunResult ref = this->reference(conf_[3], {"standby", "follow"});
    EXPECT_EQ(ref.exit_code, 23) << ref;
    EXPECT_EQ(ref.err,
              "NOTICE: attempting to find and follow current primary\n"
              "ERROR: this node cannot attach to follow target node 2\n"
              "DETAIL: follow target server's timeline 2 forked off current database system "
              "timeline 1 before current recovery point " +
                  received + "\n");
    // ... we follow, reporting the replayed position against the fork point.
    RunResult r = run(3, {"standby", "follow"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_TRUE(contains(r.err,
                         "NOTICE: attempting to find and follow current primary\n"
                         "INFO: local node 3 can attach to follow target node 2\n"
                         "DETAIL: local node's recovery point: " +
                             replayed + "; follow target node's fork point: " + fork +
                             "\n"
                             "NOTICE: setting node 3's upstream to node 2\n"))
        << r;
    EXPECT_TRUE(contains(r.err, "NOTICE: STANDBY FOLLOW successful\n")) << r;
    ASSERT_TRUE(streaming(*node_[2], "node3"));
    node_[2]->psql("CREATE TABLE after_failover AS SELECT 1 AS x");
    EXPECT_TRUE(node_[3]->poll_until(
        "SELECT count(*) FROM pg_class WHERE relname = 'after_failover'", "1"));
    EXPECT_EQ(node_[3]->psql("SELECT received_tli FROM pg_stat_wal_receiver"), "2");
    EXPECT_EQ(record(*node_[2], 3), "standby|2|true");
}

}  // namespace
}  // namespace repmgr::test
