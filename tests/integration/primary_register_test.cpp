// repmgr primary register / unregister against real servers (commands.md §2, §3).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <algorithm>
#include <filesystem>

#include "repmgr_fixture.hpp"

namespace repmgr::test {
namespace {

using PrimaryRegisterTest = RepmgrTest;

TEST_F(PrimaryRegisterTest, RegistersAndCreatesExtension) {
    PgTestNode& node = repmgr_primary();
    std::string path = conf(node, 1, {"use_replication_slots=true", "location='dc1'", "priority=90"});
    RunResult r = repmgr(path, {"primary", "register"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.err,
              "INFO: connecting to primary database...\n"
              "NOTICE: attempting to install extension \"repmgr\"\n"
              "NOTICE: \"repmgr\" extension successfully installed\n"
              "NOTICE: primary node record (ID: 1) registered\n");
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(node.psql("SELECT node_id, upstream_node_id IS NULL, active, node_name, type, location, "
                        "priority, conninfo = '" + node.connstr("repmgr", "repmgr") +
                            "', repluser, slot_name, config_file = '" + path + "' FROM repmgr.nodes",
                        "repmgr"),
              "1|t|t|node1|primary|dc1|90|t|repmgr|repmgr_slot_1|t");
    EXPECT_EQ(node.psql("SELECT string_agg(event || ':' || successful || ':' || COALESCE(details, '<null>'), ',' "
                        "ORDER BY event) FROM repmgr.events",
                        "repmgr"),
              "cluster_created:true:<null>,primary_register:true:");
    EXPECT_EQ(node.psql("SELECT term FROM repmgr.voting_term", "repmgr"), "1");
}

TEST_F(PrimaryRegisterTest, SecondRegisterNeedsForce) {
    PgTestNode& node = repmgr_primary();
    std::string path = register_primary(node, 1);
    std::string before = metadata_snapshot(node);
    RunResult again = repmgr(path, {"primary", "register"});
    EXPECT_EQ(again.exit_code, 1) << again;
    EXPECT_NE(again.err.find("INFO: \"repmgr\" extension is already installed\n"
                             "ERROR: this node is already registered\n"
                             "HINT: use -F/--force to overwrite the existing node record\n"),
              std::string::npos)
        << again;
    EXPECT_EQ(metadata_snapshot(node), before);

    std::string path2 = conf(node, 1, {"priority=5"});
    RunResult forced = repmgr(path2, {"primary", "register", "-F"});
    ASSERT_TRUE(forced.ok()) << forced;
    EXPECT_NE(forced.err.find("NOTICE: primary node record (ID: 1) updated"), std::string::npos);
    EXPECT_EQ(node.psql("SELECT priority FROM repmgr.nodes", "repmgr"), "5");
    EXPECT_EQ(node.psql("SELECT details FROM repmgr.events WHERE event = 'primary_register' "
                        "ORDER BY event_timestamp DESC LIMIT 1",
                        "repmgr"),
              "existing primary record updated");
}

TEST_F(PrimaryRegisterTest, DryRunChangesNothing) {
    PgTestNode& node = repmgr_primary();
    std::string path = conf(node, 1);
    RunResult r = repmgr(path, {"primary", "register", "--dry-run"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_NE(r.err.find("NOTICE: would now attempt to install extension \"repmgr\""), std::string::npos);
    EXPECT_EQ(metadata_snapshot(node), "no extension");
}

TEST_F(PrimaryRegisterTest, RefusedOnStandby) {
    PgTestNode& primary = repmgr_primary();
    register_primary(primary, 1);
    PgTestNode& standby = repmgr_standby("node2", primary);
    std::string before = metadata_snapshot(primary);
    RunResult r = repmgr(conf(standby, 2), {"primary", "register"});
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_NE(r.err.find("ERROR: server is in standby mode and cannot be registered as a primary"),
              std::string::npos)
        << r;
    EXPECT_EQ(metadata_snapshot(primary), before);
}

TEST_F(PrimaryRegisterTest, NonSuperuserNeedsSuperuserOption) {
    PgTestNode& node = repmgr_primary();
    node.create_user("plain", RoleKind::kPlain);
    node.psql("GRANT CREATE ON DATABASE repmgr TO plain");
    std::string path = ConfigFile::for_node(node, 1, "plain").write(node.basedir() / "plain.conf").string();

    RunResult refused = repmgr(path, {"primary", "register"});
    EXPECT_EQ(refused.exit_code, 1) << refused;
    EXPECT_NE(refused.err.find("ERROR: \"plain\" is not a superuser and no superuser name supplied\n"
                               "HINT: supply a valid superuser name with -S/--superuser"),
              std::string::npos)
        << refused;
    EXPECT_EQ(metadata_snapshot(node), "no extension");

    RunResult not_su = repmgr(path, {"primary", "register", "-S", "plain"});
    EXPECT_EQ(not_su.exit_code, 1) << not_su;
    EXPECT_NE(not_su.err.find("ERROR: \"plain\" is not a superuser"), std::string::npos) << not_su;

    RunResult ok = repmgr(path, {"primary", "register", "-S", "postgres"});
    ASSERT_TRUE(ok.ok()) << ok;
    EXPECT_NE(ok.err.find("WARNING: following problems with command line parameters detected:\n"
                          "  --superuser ignored when executing PRIMARY REGISTER"),
              std::string::npos)
        << ok;
    // The non-superuser repmgr user can use the metadata afterwards.
    EXPECT_EQ(node.psql("SELECT node_name FROM repmgr.nodes", "repmgr", "plain"), "node1");
}

TEST_F(PrimaryRegisterTest, UnreachableNodeExits6) {
    PgTestNode& node = add_node("node1");  // never started
    std::string path = ConfigFile::for_node(node, 1).write(node.basedir() / "repmgr.conf").string();
    RunResult r = repmgr(path, {"primary", "register"});
    EXPECT_EQ(r.exit_code, 6) << r;
    EXPECT_NE(r.err.find("ERROR: connection to database failed\nDETAIL: \n"), std::string::npos) << r;
    EXPECT_NE(r.err.find("DETAIL: attempted to connect using:\n  user=repmgr dbname=repmgr host=127.0.0.1 port=" +
                         std::to_string(node.port()) +
                         " connect_timeout=2 fallback_application_name=repmgr options=-csearch_path=\n"),
              std::string::npos)
        << r;
}

// Values with quotes, backslashes and semicolons go through parameters and quoting only.
TEST_F(PrimaryRegisterTest, HostileNamesAreStoredVerbatim) {
    PgTestNode& node = repmgr_primary();
    const std::string name = "n'1\\\"; DROP TABLE repmgr.nodes; --";
    // repmgr.conf quoting: '' for a quote, \\ for a backslash
    std::string quoted_name;
    for (char c : name) {
        if (c == '\'') quoted_name += "''";
        else if (c == '\\') quoted_name += "\\\\";
        else quoted_name += c;
    }
    const std::string conninfo = node.connstr("repmgr", "repmgr") + " application_name='a\\'b;c'";
    std::string escaped_conninfo;
    for (char c : conninfo) {
        if (c == '\'') escaped_conninfo += "''";
        else if (c == '\\') escaped_conninfo += "\\\\";
        else escaped_conninfo += c;
    }
    ConfigFile cf = ConfigFile::for_node(node, 1);
    cf.node_name = "placeholder";
    cf.conninfo = "placeholder";
    cf.extra_lines = {"node_name='" + quoted_name + "'", "conninfo='" + escaped_conninfo + "'"};
    std::string path = cf.write(node.basedir() / "hostile.conf").string();
    RunResult r = repmgr(path, {"primary", "register"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(node.psql("SELECT node_name FROM repmgr.nodes", "repmgr"), name);
    EXPECT_EQ(node.psql("SELECT conninfo FROM repmgr.nodes", "repmgr"), conninfo);
    RunResult show = repmgr(path, {"cluster", "show", "--csv"});
    EXPECT_EQ(show.out, "1,0,0\n") << show;

}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST_F(PrimaryRegisterTest, EventNotificationCommand) {
    PgTestNode& node = repmgr_primary();
    const auto out = node.basedir() / "events.log";
    std::string path = register_primary(
        node, 1,
        {"event_notification_command='/bin/sh -c \"echo %n %e %s [%t] [%d] [%p] %% %x >> " +
             out.string() + "\"'",
         "event_notifications='primary_register, primary_unregister'"});
    std::string log = read_file(out);
    // cluster_created is filtered out; %t is the timestamp the INSERT returned.
    ASSERT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
    std::string ts = node.psql("SELECT event_timestamp FROM repmgr.events WHERE event = 'primary_register'",
                               "repmgr");
    EXPECT_EQ(log, "1 primary_register 1 [" + ts + "] [] [] % %x\n");

    // Details carrying a hostile node name reach the command as data, not as shell code.
    node.psql("INSERT INTO repmgr.nodes (node_id, active, node_name, type, conninfo, repluser, config_file) "
              "VALUES (9, false, 'x$(touch /tmp/pwned-by-node-name)`id`\"', 'primary', "
              "'host=127.0.0.1 port=1 connect_timeout=1', 'repmgr', '/x')",
              "repmgr");
    std::string path2 = conf(node, 1, {"event_notification_command='printf \"%%s\" \"%d\" > " +
                                           (node.basedir() / "details.out").string() + "'"});
    RunResult r = repmgr(path2, {"primary", "unregister", "--node-id=9"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(read_file(node.basedir() / "details.out"),
              "node \"x$(touch /tmp/pwned-by-node-name)`id`\"\" (ID: 9) unregistered from node \"node1\" (ID: 1)");
    EXPECT_FALSE(std::filesystem::exists("/tmp/pwned-by-node-name"));
    (void)path;
}

TEST_F(PrimaryRegisterTest, UnregisterInactivePrimary) {
    PgTestNode& node = repmgr_primary();
    std::string path = register_primary(node, 1);
    // A stale primary record of a node that no longer exists.
    node.psql("INSERT INTO repmgr.nodes (node_id, active, node_name, type, conninfo, repluser, config_file) "
              "VALUES (9, false, 'old', 'primary', 'host=127.0.0.1 port=1 connect_timeout=1', 'repmgr', '/x')",
              "repmgr");
    RunResult active = repmgr(path, {"primary", "unregister"});
    EXPECT_EQ(active.exit_code, 1) << active;
    EXPECT_NE(active.err.find("ERROR: node \"node1\" (ID: 1) is the current primary node, unable to unregister"),
              std::string::npos)
        << active;

    RunResult dry = repmgr(path, {"primary", "unregister", "--node-id=9", "--dry-run"});
    ASSERT_TRUE(dry.ok()) << dry;
    EXPECT_NE(dry.err.find("NOTICE: node \"old\" (ID: 9) would now be unregistered"), std::string::npos) << dry;
    EXPECT_EQ(node.psql("SELECT count(*) FROM repmgr.nodes", "repmgr"), "2");

    RunResult r = repmgr(path, {"primary", "unregister", "--node-id=9"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_NE(r.err.find("INFO: node \"old\" (ID: 9) was successfully unregistered"), std::string::npos) << r;
    EXPECT_EQ(node.psql("SELECT count(*) FROM repmgr.nodes", "repmgr"), "1");
    EXPECT_EQ(node.psql("SELECT details FROM repmgr.events WHERE event = 'primary_unregister'", "repmgr"),
              "node \"old\" (ID: 9) unregistered from node \"node1\" (ID: 1)");

    RunResult missing = repmgr(path, {"primary", "unregister", "--node-id=9"});
    EXPECT_EQ(missing.exit_code, 1) << missing;
    EXPECT_NE(missing.err.find("ERROR: node 9 (specified with --node-id) not found"), std::string::npos) << missing;
}

TEST_F(PrimaryRegisterTest, SecondActivePrimaryIsRefused) {
    PgTestNode& node1 = repmgr_primary("node1");
    register_primary(node1, 1);
    // A second, independent primary pointed at node1's metadata: node1 is alive, so refuse.
    PgTestNode& node2 = repmgr_primary("node2");
    ConfigFile cf = ConfigFile::for_node(node2, 2);
    cf.conninfo = node1.connstr("repmgr", "repmgr");
    std::string path = cf.write(node2.basedir() / "other.conf").string();
    std::string before = metadata_snapshot(node1);
    RunResult r = repmgr(path, {"primary", "register"});
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_NE(r.err.find("ERROR: there is already an active registered primary (ID: 1) in this cluster\n"
                         "DETAIL: a streaming replication cluster can have only one primary node\n"
                         "HINT: ensure this node is shut down before registering a new primary"),
              std::string::npos)
        << r;
    EXPECT_EQ(metadata_snapshot(node1), before);
}

}  // namespace
}  // namespace repmgr::test
