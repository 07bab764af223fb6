// repmgr node status / node check against real servers (commands.md §12, §13).
#include <gtest/gtest.h>

#include "repmgr_fixture.hpp"

namespace repmgr::test {
namespace {

class NodeCheckTest : public RepmgrTest {
protected:
    void primary_and_standby(const std::vector<std::string>& extra = {}) {
        p_ = &repmgr_primary("node1");
        conf1_ = register_primary(*p_, 1, extra);
        s2_ = &repmgr_standby("node2", *p_);
        insert_standby_record(*p_, *s2_, 2, 1);
        conf2_ = conf(*s2_, 2, extra);
        ASSERT_TRUE(p_->poll_until("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", "1"));
        ASSERT_TRUE(s2_->poll_until("SELECT count(*) FROM repmgr.nodes", "2", std::chrono::seconds(30), "repmgr"));
    }
    PgTestNode* p_ = nullptr;
    PgTestNode* s2_ = nullptr;
    std::string conf1_, conf2_;
};

TEST_F(NodeCheckTest, NodeStatusOnPrimaryAndStandby) {
    primary_and_standby();
    RunResult r = repmgr(conf1_, {"node", "status"});
    ASSERT_TRUE(r.ok()) << r;
    std::string version = p_->psql("SHOW server_version");
    version = version.substr(0, version.find(' '));
    std::string size = p_->psql("SELECT pg_size_pretty(SUM(pg_database_size(oid))::bigint) FROM pg_database");
    EXPECT_EQ(r.out,
              "Node \"node1\":\n"
              "\tPostgreSQL version: " + version + "\n"
              "\tTotal data size: " + size + "\n"
              "\tConninfo: " + p_->connstr("repmgr", "repmgr") + "\n"
              "\tRole: primary\n"
              "\tWAL archiving: off\n"
              "\tArchive command: (none)\n"
              "\tReplication connections: 1 (of maximal 10)\n"
              "\tReplication slots: 0 physical (of maximal 10; 0 missing)\n"
              "\tReplication lag: n/a\n\n");
    EXPECT_EQ(r.err, "");

    RunResult csv = repmgr(conf1_, {"node", "status", "--csv"});
    ASSERT_TRUE(csv.ok()) << csv;
    EXPECT_NE(csv.out.find("\"Node name\",\"node1\"\n\"Node ID\",\"1\"\n"), std::string::npos);
    EXPECT_NE(csv.out.find("\"WALs pending archiving\",\"0\"\n"), std::string::npos);
    EXPECT_NE(csv.out.find("\"Upstream node\",\"(none)\"\n"), std::string::npos);
    EXPECT_NE(csv.out.find("\"max_wal_senders\",10\n\"occupied_wal_senders\",1\n\"max_replication_slots\",10\n"
                           "\"active_replication_slots\",0\n\"inactive_replication_slots\",0\n"
                           "\"missing_replication_slots\",0\n"),
              std::string::npos)
        << csv;

    RunResult s = repmgr(conf2_, {"node", "status"});
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_NE(s.out.find("\tRole: standby\n"), std::string::npos) << s;
    EXPECT_NE(s.out.find("\tUpstream node: node1 (ID: 1)\n\tReplication lag: 0 seconds\n\tLast received LSN: "),
              std::string::npos)
        << s;
}

TEST_F(NodeCheckTest, NodeStatusWarnsAboutInactiveSlot) {
    primary_and_standby();
    p_->psql("SELECT pg_create_physical_replication_slot('repmgr_slot_3')");
    RunResult r = repmgr(conf1_, {"node", "status"});
    EXPECT_EQ(r.exit_code, 25) << r;
    EXPECT_NE(r.out.find("\tReplication slots: 1 physical (of maximal 10; 0 missing); 1 inactive\n"), std::string::npos);
    EXPECT_EQ(r.err,
              "WARNING: following issue(s) were detected:\n"
              "  - node has 1 inactive physical replication slots\n"
              "    - repmgr_slot_3\n"
              "HINT: execute \"repmgr node check\" for more details\n");
    RunResult csv = repmgr(conf1_, {"node", "status", "--csv"});
    EXPECT_EQ(csv.exit_code, 25);
    EXPECT_NE(csv.out.find("\"inactive_replication_slots\",1,\"repmgr_slot_3\"\n"), std::string::npos) << csv;
}

TEST_F(NodeCheckTest, FullReportTextAndCsv) {
    primary_and_standby();
    RunResult r = repmgr(conf1_, {"node", "check"});
    ASSERT_TRUE(r.ok()) << r;
    const std::string dir = p_->data_dir().string();
    EXPECT_EQ(r.out,
              "Node \"node1\":\n"
              "\tServer role: OK (node is primary)\n"
              "\tReplication lag: OK (N/A - node is primary)\n"
              "\tWAL archiving: OK (0 pending archive ready files)\n"
              "\tUpstream connection: OK (N/A - node is primary)\n"
              "\tDownstream servers: OK (1 of 1 downstream nodes attached)\n"
              "\tReplication slots: OK (node has no physical replication slots)\n"
              "\tMissing physical replication slots: OK (node has no missing physical replication slots)\n"
              "\tConfigured data directory: OK (configured \"data_directory\" is \"" + dir + "\")\n");
    RunResult csv = repmgr(conf1_, {"node", "check", "--csv"});
    ASSERT_TRUE(csv.ok()) << csv;
    EXPECT_EQ(csv.out,
              "\"Node name\",\"node1\"\n"
              "\"Node ID\",\"1\"\n"
              "\"Server role\",\"OK\",\"node is primary\"\n"
              "\"Replication lag\",\"OK\"\n"
              "\"WAL archiving\",\"OK\"\n"
              "\"Downstream servers\",\"OK\",\"1 of 1 downstream nodes attached\"\n"
              "\"Replication slots\",\"OK\",\"node has no physical replication slots\"\n"
              "\"Missing physical replication slots\",\"OK\",\"node has no missing physical replication slots\"\n"
              "\"Configured data directory\",\"OK\",\"configured \"data_directory\" is \"" + dir + "\"\"\n");
}

TEST_F(NodeCheckTest, IndividualChecksNagiosAndExitCodes) {
    primary_and_standby();
    struct Case {
        std::vector<std::string> args;
        std::string conf;
        int exit;
        std::string out;
    };
    const std::string dir1 = p_->data_dir().string();
    std::vector<Case> cases{
        {{"--role"}, conf1_, 0, "OK (node is primary)\n"},
        {{"--role", "--nagios"}, conf1_, 0, "REPMGR_SERVER_ROLE OK: node is primary\n"},
        {{"--replication-lag", "--nagios"}, conf1_, 0, "REPMGR_REPLICATION_LAG OK: 0 seconds | lag=0;300;600\n"},
        {{"--replication-lag"}, conf2_, 0, "OK (0 seconds)\n"},
        {{"--archive-ready", "--nagios"}, conf1_, 0,
         "REPMGR_ARCHIVE_READY OK: 0 pending archive ready files | files=0;16;128\n"},
        {{"--archive-ready", "--optformat"}, conf1_, 0, "--status=OK --files=0\n"},
        {{"--downstream", "--nagios"}, conf1_, 0,
         "REPMGR_DOWNSTREAM_SERVERS OK: 1 of 1 downstream nodes attached | attached=1, missing=0\n"},
        {{"--downstream"}, conf2_, 0, "OK (this node has no downstream nodes)\n"},
        {{"--upstream", "--nagios"}, conf1_, 0, "REPMGR_UPSTREAM_SERVER OK: N/A - node is primary\n"},
        {{"--upstream"}, conf2_, 0,
         "OK (node \"node2\" (ID: 2) is attached to expected upstream node \"node1\" (ID: 1))\n"},
        {{"--slots", "--nagios"}, conf1_, 0,
         "REPMGR_INACTIVE_SLOTS OK: node has no physical replication slots | slots=0;0\n"},
        {{"--missing-slots", "--nagios"}, conf1_, 0,
         "REPMGR_MISSING_SLOTS OK: node has no missing physical replication slots | missing_slots=0\n"},
        {{"--data-directory-config", "--nagios"}, conf1_, 0, "REPMGR_DATA_DIRECTORY OK: " + dir1 + "\n"},
        {{"--repmgrd"}, conf1_, 2, "CRITICAL (repmgrd not running)\n"},
        {{"--repmgrd", "--nagios"}, conf1_, 2, "REPMGRD CRITICAL: repmgrd not running\n"},
        {{"--repmgrd", "--optformat"}, conf1_, 2, "--repmgrd=CRITICAL\n"},
        {{"--db-connection"}, conf1_, 0, "OK ()\n"},
        {{"--db-connection", "--optformat"}, conf1_, 0, "--db-connection=OK\n"},
        {{"--replication-config-owner", "--optformat"}, conf2_, 0, "--replication-config-owner=OK\n"},
    };
    for (const auto& c : cases) {
        std::vector<std::string> args{"node", "check"};
        args.insert(args.end(), c.args.begin(), c.args.end());
        RunResult r = repmgr(c.conf, args);
        EXPECT_EQ(r.exit_code, c.exit) << r;
        EXPECT_EQ(r.out, c.out) << r;
    }
}

TEST_F(NodeCheckTest, FailingChecks) {
    primary_and_standby({"use_replication_slots=true"});
    // node2's record wants repmgr_slot_2 on node1; an unused slot makes another one inactive.
    p_->psql("UPDATE repmgr.nodes SET slot_name = 'repmgr_slot_2' WHERE node_id = 2", "repmgr");
    p_->psql("SELECT pg_create_physical_replication_slot('repmgr_slot_9')");
    s2_->stop();

    RunResult missing = repmgr(conf1_, {"node", "check", "--missing-slots", "--nagios"});
    EXPECT_EQ(missing.exit_code, 2) << missing;
    EXPECT_EQ(missing.out,
              "REPMGR_MISSING_SLOTS CRITICAL: 1 physical replication slots are missing: repmgr_slot_2 | "
              "missing_slots=1;repmgr_slot_2\n");
    RunResult slots = repmgr(conf1_, {"node", "check", "--slots"});
    EXPECT_EQ(slots.exit_code, 2);
    EXPECT_EQ(slots.out, "CRITICAL (1 of 1 physical replication slots are inactive)\n");
    RunResult down = repmgr(conf1_, {"node", "check", "--downstream", "--nagios"});
    EXPECT_EQ(down.exit_code, 2);
    EXPECT_EQ(down.out,
              "REPMGR_DOWNSTREAM_SERVERS CRITICAL: 1 of 1 downstream nodes not attached (missing: node2 (ID: 2)) | "
              "attached=0, missing=1\n");
    RunResult text = repmgr(conf1_, {"node", "check", "--downstream"});
    EXPECT_EQ(text.out, "CRITICAL (1 of 1 downstream nodes not attached; missing: node2 (ID: 2))\n");

    RunResult full = repmgr(conf1_, {"node", "check"});
    EXPECT_EQ(full.exit_code, 25) << full;

    // Wrong data directory in the configuration.
    std::string wrong = conf(*p_, 1, {"data_directory='/nonexistent/data'"});
    RunResult dd = repmgr(wrong, {"node", "check", "--data-directory-config", "--nagios"});
    EXPECT_EQ(dd.exit_code, 2);
    EXPECT_EQ(dd.out, "REPMGR_DATA_DIRECTORY CRITICAL: /nonexistent/data | actual data directory is \"" +
                          p_->data_dir().string() + "\"\n");
}

TEST_F(NodeCheckTest, UsageErrors) {
    primary_and_standby();
    RunResult nagios = repmgr(conf1_, {"node", "check", "--nagios"});
    EXPECT_EQ(nagios.exit_code, 1);
    EXPECT_EQ(nagios.err,
              "ERROR: --nagios can only be used with a specific check\n"
              "HINT: execute \"repmgr node --help\" for details\n");
    RunResult csv = repmgr(conf1_, {"node", "check", "--role", "--csv"});
    EXPECT_EQ(csv.exit_code, 1);
    EXPECT_EQ(csv.err, "ERROR: --csv output not provided with --role option\n");
    RunResult owner = repmgr(conf1_, {"node", "check", "--replication-config-owner"});
    EXPECT_EQ(owner.exit_code, 1);
    EXPECT_EQ(owner.err, "ERROR: --replication-config-owner option can only be used with --optformat\n");
    RunResult passfile = run_repmgr({"node", "check", "--has-passfile"});
    EXPECT_EQ(passfile.exit_code, 0) << passfile;
    EXPECT_EQ(passfile.out, "");

    // Standby whose upstream is down: connect-or-die, exit 6, no report.
    p_->stop("immediate");
    RunResult up = repmgr(conf2_, {"node", "check", "--upstream", "--nagios"});
    EXPECT_EQ(up.exit_code, 6) << up;
    EXPECT_EQ(up.out, "");
    EXPECT_EQ(up.err.rfind("ERROR: connection to database failed\n", 0), 0u) << up;

    s2_->stop();
    RunResult dbconn = repmgr(conf2_, {"node", "check", "--db-connection"});
    EXPECT_EQ(dbconn.exit_code, 2) << dbconn;
    EXPECT_EQ(dbconn.out.rfind("CRITICAL (connection parameters used: user=repmgr dbname=repmgr host=127.0.0.1", 0), 0u)
        << dbconn;
    RunResult opt = repmgr(conf2_, {"node", "check", "--role", "--optformat"});
    EXPECT_EQ(opt.exit_code, 6);
    EXPECT_EQ(opt.out, "--error=DB_CONNECTION\n");
}

TEST_F(NodeCheckTest, ShutdownState) {
    primary_and_standby();
    RunResult up = repmgr(conf1_, {"node", "status", "--is-shutdown-cleanly"});
    ASSERT_TRUE(up.ok()) << up;
    EXPECT_EQ(up.out, "--state=UP\n");
    s2_->stop();
    RunResult clean = repmgr(conf2_, {"node", "status", "--is-shutdown-cleanly"});
    EXPECT_EQ(clean.out.rfind("--state=SHUTDOWN --last-checkpoint-lsn=", 0), 0u) << clean;
    p_->kill9();
    RunResult crashed = repmgr(conf1_, {"node", "status", "--is-shutdown-cleanly"});
    EXPECT_EQ(crashed.out, "--state=UNCLEAN_SHUTDOWN\n") << crashed;
}

}  // namespace
}  // namespace repmgr::test
