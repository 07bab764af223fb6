// repmgr standby promote against real servers (commands.md §7).
#include <gtest/gtest.h>

#include <chrono>

#include "follow_fixture.hpp"
#include "repmgr/pg/replication.hpp"

namespace repmgr::test {
namespace {

using StandbyPromoteTest = FollowFixture<RepmgrTest>;
using Clock = std::chrono::steady_clock;

constexpr const char* kSiblingWarning =
    "WARNING: 1 sibling nodes found, but option \"--siblings-follow\" not specified\n"
    "DETAIL: these nodes will remain attached to the current primary:\n"
    "  node3 (node ID: 3)\n";

TEST_F(StandbyPromoteTest, PromotesAndUpdatesTheMetadata) {
    make_cluster();
    node_[1]->stop();
    const auto start = Clock::now();
    RunResult r = run(2, {"standby", "promote"});
    const auto took = Clock::now() - start;
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.err,
              std::string(kSiblingWarning) +
                  "NOTICE: promoting standby to primary\n"
                  "DETAIL: promoting server \"node2\" (ID: 2) using pg_promote()\n"
                  "NOTICE: waiting up to 60 seconds (parameter \"promote_check_timeout\") for "
                  "promotion to complete\n"
                  "NOTICE: STANDBY PROMOTE successful\n"
                  "DETAIL: server \"node2\" (ID: 2) was successfully promoted to primary\n");
    EXPECT_EQ(r.out, "");
    // pg_promote(wait := false), then one check per promote_check_interval (1 s).
    EXPECT_LT(took, std::chrono::seconds(5));
    EXPECT_FALSE(in_recovery(*node_[2]));
    EXPECT_EQ(record(*node_[2], 2), "primary||true");
    EXPECT_EQ(record(*node_[2], 1), "primary||false");
    EXPECT_EQ(record(*node_[2], 3), "standby|1|true");
    EXPECT_EQ(
        events(*node_[2]),
        "2|standby_promote|true|server \"node2\" (ID: 2) was successfully promoted to primary");
}

TEST_F(StandbyPromoteTest, VerboseReportsTheWait) {
    make_cluster(1);
    node_[1]->stop();
    RunResult r = run(2, {"standby", "promote", "-v"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_TRUE(contains(r.err, "INFO: connected to standby, checking its state\n")) << r;
    EXPECT_TRUE(contains(r.err, "INFO: standby promoted to primary after 1 second(s)\n")) << r;
}

TEST_F(StandbyPromoteTest, DryRunChangesNothing) {
    make_cluster();
    node_[1]->stop();
    const std::string before = this->metadata_snapshot(*node_[2]);
    RunResult r = run(2, {"standby", "promote", "--dry-run"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.err,
              std::string("INFO: node is a standby\n"
                          "INFO: no active primary server found in this replication cluster\n") +
                  kSiblingWarning +
                  "INFO: 0 walsenders required, 10 available\n"
                  "INFO: node will be promoted using the \"pg_promote()\" function\n"
                  "INFO: prerequisites for executing STANDBY PROMOTE are met\n");
    EXPECT_TRUE(in_recovery(*node_[2]));
    EXPECT_EQ(this->metadata_snapshot(*node_[2]), before);
}

TEST_F(StandbyPromoteTest, RefusedOnThePrimary) {
    make_cluster(1);
    const std::string before = this->metadata_snapshot(*node_[1]);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"standby", "promote"}, {"standby", "promote", "--dry-run"}}) {
        RunResult r = run(1, args);
        EXPECT_EQ(r.exit_code, 8) << r;
        EXPECT_EQ(r.err, "ERROR: STANDBY PROMOTE can only be executed on a standby node\n");
    }
    EXPECT_EQ(this->metadata_snapshot(*node_[1]), before);
}

TEST_F(StandbyPromoteTest, RefusedWhileThePrimaryRuns) {
    make_cluster(1);
    const std::string before = this->metadata_snapshot(*node_[1]);
    RunResult r = run(2, {"standby", "promote"});
    EXPECT_EQ(r.exit_code, 8) << r;
    EXPECT_EQ(r.err,
              "ERROR: this replication cluster already has an active primary server\n"
              "DETAIL: current primary is \"node1\" (ID: 1)\n");
    EXPECT_TRUE(in_recovery(*node_[2]));
    EXPECT_EQ(this->metadata_snapshot(*node_[1]), before);
}

TEST_F(StandbyPromoteTest, StillAStandbyAfterPromoteCheckTimeout) {
    make_cluster(1);
    node_[1]->stop();
    // A promote command that does nothing: the server never leaves recovery.
    const std::string conf = write_conf(2,
                                        {"service_promote_command='/bin/true'",
                                         "promote_check_timeout=2", "promote_check_interval=1"},
                                        "noop.conf");
    const std::string before = this->metadata_snapshot(*node_[2]);
    RunResult dry = run(2, {"standby", "promote", "--dry-run"}, conf);
    ASSERT_TRUE(dry.ok()) << dry;
    EXPECT_TRUE(contains(
        dry.err,
        "INFO: node will be promoted using command defined in \"service_promote_command\"\n"
        "DETAIL: \"service_promote_command\" is \"/bin/true\"\n"))
        << dry;
    const auto start = Clock::now();
    RunResult r = run(2, {"standby", "promote"}, conf);
    const auto took = Clock::now() - start;
    EXPECT_EQ(r.exit_code, 8) << r;
    EXPECT_EQ(
        r.err,
        "NOTICE: promoting standby to primary\n"
        "DETAIL: promoting server \"node2\" (ID: 2) using \"/bin/true\"\n"
        "NOTICE: waiting up to 2 seconds (parameter \"promote_check_timeout\") for promotion to "
        "complete\n"
        "ERROR: STANDBY PROMOTE failed, node is still a standby\n"
        "DETAIL: node still in recovery after 2 seconds\n"
        "HINT: the node may need more time to promote itself, check the PostgreSQL log for "
        "details\n");
    EXPECT_GE(took, std::chrono::seconds(2));
    EXPECT_TRUE(in_recovery(*node_[2]));
    EXPECT_EQ(this->metadata_snapshot(*node_[2]), before);
}

TEST_F(StandbyPromoteTest, FailingPromoteCommand) {
    make_cluster(1);
    node_[1]->stop();
    const std::string conf = write_conf(2, {"service_promote_command='/bin/false'"}, "false.conf");
    const std::string before = this->metadata_snapshot(*node_[2]);
    RunResult r = run(2, {"standby", "promote"}, conf);
    EXPECT_EQ(r.exit_code, 8) << r;
    EXPECT_EQ(r.err,
              "NOTICE: promoting standby to primary\n"
              "DETAIL: promoting server \"node2\" (ID: 2) using \"/bin/false\"\n"
              "ERROR: unable to promote server from standby to primary\n");
    EXPECT_TRUE(in_recovery(*node_[2]));
    EXPECT_EQ(this->metadata_snapshot(*node_[2]), before);
}

TEST_F(StandbyPromoteTest, PgCtlPromoteWithoutPgPromotePrivilege) {
    make_cluster(1);
    node_[1]->create_user("plain", RoleKind::kPlain);
    node_[1]->psql(
        "GRANT ALL ON SCHEMA repmgr TO plain; GRANT ALL ON ALL TABLES IN SCHEMA repmgr TO plain",
        "repmgr");
    ASSERT_TRUE(node_[2]->poll_until("SELECT count(*) FROM pg_roles WHERE rolname = 'plain'", "1"));
    node_[1]->stop();
    ConfigFile c = ConfigFile::for_node(*node_[2], 2, "plain");
    c.extra_lines = {"pg_ctl_options='-l " + node_[2]->log_file().string() + "'"};
    const std::string conf = c.write(node_[2]->basedir() / "plain.conf").string();
    RunResult dry = run(2, {"standby", "promote", "--dry-run"}, conf);
    ASSERT_TRUE(dry.ok()) << dry;
    EXPECT_TRUE(contains(dry.err,
                         "INFO: node will be promoted using \"pg_ctl promote\"\n"
                         "DETAIL: user \"plain\" does not have permission to execute "
                         "\"pg_promote()\"\n"))
        << dry;
    RunResult r = run(2, {"standby", "promote"}, conf);
    ASSERT_TRUE(r.ok()) << r;
    const std::string pg_ctl = pg_bindir().string() + "/pg_ctl -l " +
                               node_[2]->log_file().string() + " -w -D '" +
                               node_[2]->data_dir().string() + "' promote";
    EXPECT_TRUE(
        contains(r.err,
                 "INFO: user \"plain\" does not have permission to execute \"pg_promote()\", "
                 "falling back to \"pg_ctl promote\"\n"
                 "NOTICE: promoting standby to primary\n"
                 "DETAIL: promoting server \"node2\" (ID: 2) using \"" +
                     pg_ctl + "\"\n"))
        << r;
    EXPECT_FALSE(in_recovery(*node_[2]));
    EXPECT_EQ(record(*node_[2], 2), "primary||true");
}

TEST_F(StandbyPromoteTest, SiblingsFollowOverSsh) {
    make_cluster(2, ssh_conf_lines());
    node_[1]->stop();
    RunResult dry = run(2, {"standby", "promote", "--siblings-follow", "--dry-run"});
    ASSERT_TRUE(dry.ok()) << dry;
    EXPECT_EQ(dry.err,
              "INFO: node is a standby\n"
              "INFO: no active primary server found in this replication cluster\n"
              "INFO: all sibling nodes are reachable via SSH\n"
              "INFO: 1 walsenders required, 10 available\n"
              "INFO: node will be promoted using the \"pg_promote()\" function\n"
              "INFO: prerequisites for executing STANDBY PROMOTE are met\n");
    RunResult r = run(2, {"standby", "promote", "--siblings-follow"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(
        r.err,
        "NOTICE: promoting standby to primary\n"
        "DETAIL: promoting server \"node2\" (ID: 2) using pg_promote()\n"
        "NOTICE: waiting up to 60 seconds (parameter \"promote_check_timeout\") for promotion to "
        "complete\n"
        "NOTICE: STANDBY PROMOTE successful\n"
        "DETAIL: server \"node2\" (ID: 2) was successfully promoted to primary\n"
        "NOTICE: executing STANDBY FOLLOW on 1 of 1 siblings\n"
        "INFO: STANDBY FOLLOW successfully executed on all reachable sibling nodes\n");
    ASSERT_TRUE(streaming(*node_[2], "node3"));
    EXPECT_EQ(record(*node_[2], 3), "standby|2|true");
    EXPECT_EQ(
        events(*node_[2]),
        "2|standby_promote|true|server \"node2\" (ID: 2) was successfully promoted to primary\n"
        "3|standby_follow|true|standby attached to upstream node \"node2\" (ID: 2)");
}

TEST_F(StandbyPromoteTest, InsufficientWalsendersForTheSiblings) {
    make_cluster(2, ssh_conf_lines());
    node_[1]->stop();
    // Every walsender of node2 taken (a walsender holds its slot from connection start).
    std::vector<db::Connection> taken;
    for (int i = 0; i < 10; ++i) {
        auto conn = pg::connect_replication(node_[2]->connstr("repmgr", "repmgr"), "");
        ASSERT_TRUE(conn.ok()) << conn.error().what();
        taken.push_back(std::move(conn).take());
    }
    ASSERT_EQ(node_[2]->psql("SELECT count(*) FROM pg_stat_replication"), "10");
    const std::string before = this->metadata_snapshot(*node_[2]);
    const std::string shortfall =
        "ERROR: insufficient free walsenders on promotion candidate\n"
        "DETAIL: at least 1 walsenders required but only 0 free walsenders on promotion candidate\n"
        "HINT: increase parameter \"max_wal_senders\" or use -F/--force to proceed in any case\n";
    RunResult dry = run(2, {"standby", "promote", "--siblings-follow", "--dry-run"});
    EXPECT_EQ(dry.exit_code, 1) << dry;
    EXPECT_EQ(dry.err,
              "INFO: node is a standby\n"
              "INFO: no active primary server found in this replication cluster\n"
              "INFO: all sibling nodes are reachable via SSH\n" +
                  shortfall +
                  "INFO: node will be promoted using the \"pg_promote()\" function\n"
                  "ERROR: prerequisites for executing STANDBY PROMOTE are *not* met\n"
                  "HINT: see preceding error messages\n");
    // -F does not help (commands.md §24 quirk 8).
    RunResult r = run(2, {"standby", "promote", "--siblings-follow", "-F"});
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_EQ(r.err, shortfall);
    EXPECT_TRUE(in_recovery(*node_[2]));
    EXPECT_EQ(this->metadata_snapshot(*node_[2]), before);
}

TEST_F(StandbyPromoteTest, UnreachableSiblingsNeedForce) {
    std::vector<std::string> extra = ssh_conf_lines();
    ASSERT_FALSE(extra.empty());
    // Nothing listens on port 1: the SSH test fails at once.
    extra[0] = "ssh_options='-p 1 -o ConnectTimeout=2'";
    make_cluster(2, extra);
    node_[1]->stop();
    const std::string before = this->metadata_snapshot(*node_[2]);
    const std::string refusal =
        "WARNING: unable to connect to remote host \"127.0.0.1\" via SSH\n"
        "ERROR: 1 of 1 sibling nodes unreachable via SSH:\n"
        "DETAIL:   node3 (ID: 3)\n"
        "HINT: use -F/--force to proceed in any case\n";
    RunResult dry = run(2, {"standby", "promote", "--siblings-follow", "--dry-run"});
    EXPECT_EQ(dry.exit_code, 1) << dry;
    EXPECT_EQ(dry.err,
              "INFO: node is a standby\n"
              "INFO: no active primary server found in this replication cluster\n" +
                  refusal);
    RunResult r = run(2, {"standby", "promote", "--siblings-follow"});
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_EQ(r.err, refusal);
    EXPECT_TRUE(in_recovery(*node_[2]));
    EXPECT_EQ(this->metadata_snapshot(*node_[2]), before);

    RunResult forced = run(2, {"standby", "promote", "--siblings-follow", "-F"});
    ASSERT_TRUE(forced.ok()) << forced;
    EXPECT_TRUE(contains(forced.err,
                         "WARNING: 1 of 1 sibling nodes unreachable via SSH:\n"
                         "DETAIL:   node3 (ID: 3)\n"
                         "DETAIL: F/--force specified, proceeding anyway\n"))
        << forced;
    EXPECT_TRUE(contains(forced.err, "NOTICE: executing STANDBY FOLLOW on 0 of 1 siblings\n"))
        << forced;
    EXPECT_FALSE(in_recovery(*node_[2]));
}

}  // namespace
}  // namespace repmgr::test
