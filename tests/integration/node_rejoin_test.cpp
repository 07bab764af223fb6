// repmgr node rejoin against real servers (commands.md §14).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "follow_fixture.hpp"

namespace repmgr::test {
namespace {

namespace fs = std::filesystem;

std::string without_lsns(const std::string& text) {
    static const std::regex kLsn("[0-9A-F]+/[0-9A-F]+");
    return std::regex_replace(text, kLsn, "X/X");
}

// check_standby_join's progress lines depend on timing.
std::string without_join_progress(const std::string& text) {
    std::string out;
    for (const auto& line : lines_of(text)) {
        if (line.rfind("WARNING: node \"", 0) == 0 && contains(line, "pg_stat_replication"))
            continue;
        if (line.rfind("INFO: waiting for node \"", 0) == 0) continue;
        if (line.rfind("DETAIL: checking for record in node", 0) == 0) continue;
        if (line.rfind("DETAIL: node \"", 0) == 0 && contains(line, "currently attached")) continue;
        out += line + "\n";
    }
    return out;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class NodeRejoinTest : public FollowFixture<RepmgrTest> {
  protected:
    std::string target(int id) {
        return "host=127.0.0.1 port=" + port(id) + " user=repmgr dbname=repmgr";
    }

    RunResult rejoin(int id, int via, std::vector<std::string> extra = {},
                     const std::string& conf = "") {
        std::vector<std::string> args{"node", "rejoin", "-d", target(via)};
        args.insert(args.end(), extra.begin(), extra.end());
        return run(id, args, conf);
    }

    // node1 stopped cleanly, node2 promoted by our repmgr.
    void fail_over() {
        node_[1]->stop();
        RunResult promote = run(2, {"standby", "promote"});
        ASSERT_TRUE(promote.ok()) << promote;
    }

    // The old primary comes back on timeline 1, writes what node2 never sees, and stops.
    void diverge_old_primary() {
        node_[1]->start();
        node_[1]->psql("CREATE TABLE diverge AS SELECT generate_series(1, 1000) AS x");
        node_[1]->stop();
    }

    // What a refused rejoin must leave alone: node1's configuration and control file, and
    // the metadata on node2.
    std::string state() {
        const fs::path dir = node_[1]->data_dir();
        return read_file(dir / "postgresql.conf") + read_file(dir / "postgresql.auto.conf") +
               (fs::exists(dir / "standby.signal") ? "standby.signal\n" : "") +
               read_file(dir / "global" / "pg_control") + this->metadata_snapshot(*node_[2]);
    }

    std::string start_command(int id) {
        return pg_bindir().string() + "/pg_ctl -l " + node_[id]->log_file().string() + " -w -D '" +
               node_[id]->data_dir().string() + "' start";
    }

    std::string ping_warning(int id) {
        return "WARNING: unable to ping \"host=127.0.0.1 port=" + port(id) +
               " dbname=repmgr user=repmgr\"\n"
               "DETAIL: PQping() returned \"PQPING_NO_RESPONSE\"\n";
    }
};

TEST_F(NodeRejoinTest, RejoinsACleanlyStoppedOldPrimary) {
    make_cluster(2, {"use_replication_slots=true"});
    // Slots the old primary kept: node2's is dropped by the rejoin, node3's is reported.
    node_[1]->psql("SELECT pg_create_physical_replication_slot('repmgr_slot_2')");
    node_[1]->psql("SELECT pg_create_physical_replication_slot('repmgr_slot_3')");
    fail_over();
    RunResult follow = run(3, {"standby", "follow"});
    ASSERT_TRUE(follow.ok()) << follow;

    RunResult dry = rejoin(1, 3, {"--dry-run"});
    ASSERT_TRUE(dry.ok()) << dry;
    EXPECT_EQ(without_lsns(dry.err),
              "NOTICE: rejoin target is node \"node2\" (ID: 2)\n"
              "INFO: replication slots in use, 2 free slots on node 9\n"
              "INFO: replication connection to the rejoin target node was successful\n"
              "INFO: local and rejoin target system identifiers match\n"
              "DETAIL: system identifier is " +
                  node_[2]->psql("SELECT system_identifier FROM pg_control_system()") +
                  "\n"
                  "INFO: local node 1 can attach to rejoin target node 2\n"
                  "DETAIL: local node's recovery point: X/X; rejoin target node's fork point: X/X\n"
                  "INFO: prerequisites for executing NODE REJOIN are met\n");

    RunResult r = rejoin(1, 3);
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(without_join_progress(without_lsns(r.err)),
              "NOTICE: rejoin target is node \"node2\" (ID: 2)\n"
              "INFO: local node 1 can attach to rejoin target node 2\n"
              "DETAIL: local node's recovery point: X/X; rejoin target node's fork point: X/X\n"
              "NOTICE: setting node 1's upstream to node 2\n" +
                  ping_warning(1) + "NOTICE: starting server using \"" + start_command(1) +
                  "\"\n"
                  "NOTICE: replication slot \"repmgr_slot_2\" deleted on node 1\n"
                  "WARNING: 1 inactive replication slots detected\n"
                  "DETAIL: inactive replication slots:\n"
                  "  - repmgr_slot_3 (physical)\n"
                  "HINT: these replication slots may need to be removed manually\n"
                  "NOTICE: NODE REJOIN successful\n"
                  "DETAIL: node 1 is now attached to node 2\n");
    ASSERT_TRUE(streaming(*node_[2], "node1"));
    EXPECT_EQ(
        node_[2]->psql("SELECT active FROM pg_replication_slots WHERE slot_name = 'repmgr_slot_1'"),
        "t");
    EXPECT_EQ(record(*node_[2], 1), "standby|2|true");
    EXPECT_TRUE(contains(events(*node_[2]), "1|node_rejoin|true|node 1 is now attached to node 2"));
}

TEST_F(NodeRejoinTest, NoWaitWritesNoEvent) {
    make_cluster(1);
    fail_over();
    RunResult r = rejoin(1, 2, {"--no-wait"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_TRUE(contains(
        r.err, "NOTICE: NODE REJOIN successful\nDETAIL: node 1 is now attached to node 2\n"))
        << r;
    ASSERT_TRUE(streaming(*node_[2], "node1"));
    EXPECT_FALSE(contains(events(*node_[2]), "node_rejoin"));
    EXPECT_EQ(record(*node_[2], 1), "standby|2|true");
}

TEST_F(NodeRejoinTest, RefusedOnARunningNode) {
    make_cluster(1);
    const std::string before = this->metadata_snapshot(*node_[1]);
    RunResult standby = rejoin(2, 1);
    EXPECT_EQ(standby.exit_code, 24) << standby;
    EXPECT_EQ(standby.err,
              "ERROR: database is still running in state \"in archive recovery\"\n"
              "HINT: \"repmgr node rejoin\" cannot be executed on a running node\n");
    RunResult primary = rejoin(1, 2, {"--dry-run"});
    EXPECT_EQ(primary.exit_code, 24) << primary;
    EXPECT_EQ(primary.err,
              "ERROR: database is still running in state \"in production\"\n"
              "HINT: \"repmgr node rejoin\" cannot be executed on a running node\n");
    EXPECT_EQ(this->metadata_snapshot(*node_[1]), before);
    EXPECT_TRUE(streaming(*node_[1], "node2"));
}

TEST_F(NodeRejoinTest, BadConnectionParameters) {
    make_cluster(1);
    fail_over();
    RunResult none = run(1, {"node", "rejoin"});
    EXPECT_EQ(none.exit_code, 1) << none;
    EXPECT_TRUE(contains(none.err,
                         "database connection parameters for an available node must be provided "
                         "when executing NODE REJOIN"))
        << none;
    RunResult dead =
        run(1, {"node", "rejoin", "-d", "host=127.0.0.1 port=1 user=repmgr dbname=repmgr"});
    EXPECT_EQ(dead.exit_code, 6) << dead;
    EXPECT_TRUE(contains(dead.err, "ERROR: connection to database failed\nDETAIL: \n")) << dead;
    RunResult no_repmgr =
        run(1, {"node", "rejoin", "-d",
                "host=127.0.0.1 port=" + port(2) + " user=repmgr dbname=postgres"});
    EXPECT_EQ(no_repmgr.exit_code, 1) << no_repmgr;
    EXPECT_TRUE(contains(
        no_repmgr.err,
        "ERROR: unable to retrieve primary node record\n"
        "HINT: check the provided database connection string is for a \"repmgr\" database\n"))
        << no_repmgr;
    EXPECT_FALSE(node_[1]->is_running());
}

TEST_F(NodeRejoinTest, DivergedNodeNeedsForceRewind) {
    make_cluster(1);
    fail_over();
    diverge_old_primary();
    const std::string before = state();
    const std::string refusal =
        "ERROR: this node cannot attach to rejoin target node 2\n"
        "DETAIL: rejoin target server's timeline 2 forked off current database system timeline 1 "
        "before "
        "current recovery point X/X\n"
        "HINT: use --force-rewind to execute pg_rewind\n";
    RunResult r = rejoin(1, 2);
    EXPECT_EQ(r.exit_code, 24) << r;
    EXPECT_EQ(without_lsns(r.err), "NOTICE: rejoin target is node \"node2\" (ID: 2)\n" + refusal);
    RunResult dry = rejoin(1, 2, {"--dry-run"});
    EXPECT_EQ(dry.exit_code, 24) << dry;
    EXPECT_TRUE(contains(without_lsns(dry.err), refusal)) << dry;
    EXPECT_EQ(state(), before);
    EXPECT_FALSE(node_[1]->is_running());
}

TEST_F(NodeRejoinTest, ForceRewindKeepsTheNodesConfigFiles) {
    make_cluster(1);
    fail_over();
    diverge_old_primary();
    const std::string archive = this->temp_dir().make_subdir("archive").string();
    const std::string kept = archive + "/repmgr-config-archive-node1";
    const std::string before = state();

    // Dry run: archive checked and removed again, nothing else touched.
    RunResult dry =
        rejoin(1, 2,
               {"--force-rewind", "--dry-run", "--config-files=postgresql.conf,missing.conf",
                "--config-archive-dir=" + archive});
    ASSERT_TRUE(dry.ok()) << dry;
    const std::string dir = node_[1]->data_dir().string();
    EXPECT_TRUE(contains(
        without_lsns(dry.err),
        "NOTICE: pg_rewind execution required for this node to attach to rejoin target node 2\n"
        "DETAIL: rejoin target server's timeline 2 forked off current database system "
        "timeline 1 before current recovery point X/X\n"
        "INFO: prerequisites for using pg_rewind are met\n"
        "INFO: file \"postgresql.conf\" would be copied to \"" +
            kept +
            "/postgresql.conf\"\n"
            "WARNING: specified file \"" +
            dir +
            "/missing.conf\" not found, skipping\n"
            "INFO: pg_rewind would now be executed\n"
            "DETAIL: pg_rewind command is:\n"
            "  " +
            pg_bindir().string() + "/pg_rewind -D '" + dir + "' --source-server='" +
            node_[2]->connstr("repmgr", "repmgr") +
            "'\n"
            "INFO: prerequisites for executing NODE REJOIN are met\n"))
        << dry;
    EXPECT_FALSE(fs::exists(kept));
    EXPECT_EQ(state(), before);

    // A missing archive directory is refused, also in dry run; so is a failing pg_rewind.
    for (bool dry_run : {true, false}) {
        std::vector<std::string> args{"--force-rewind",
                                      "--config-archive-dir=" + archive + "/nope"};
        if (dry_run) args.push_back("--dry-run");
        RunResult missing = rejoin(1, 2, args);
        EXPECT_EQ(missing.exit_code, 1) << missing;
        EXPECT_TRUE(contains(missing.err, "ERROR: unable to create temporary archive directory \"" +
                                              archive +
                                              "/nope/repmgr-config-archive-node1\"\n"
                                              "DETAIL: No such file or directory\n"))
            << missing;
    }
    RunResult failing =
        rejoin(1, 2, {"--force-rewind=/bin/false", "--config-archive-dir=" + archive});
    EXPECT_EQ(failing.exit_code, 24) << failing;
    EXPECT_TRUE(contains(failing.err,
                         "NOTICE: executing pg_rewind\n"
                         "DETAIL: pg_rewind command is \"/bin/false -D '" +
                             dir + "'"))
        << failing;
    EXPECT_TRUE(contains(failing.err, "ERROR: pg_rewind execution failed\n")) << failing;
    EXPECT_EQ(state(), before);

    // The real thing, right after the promotion (pg_rewind needs a checkpoint on timeline 2).
    const bool needs_checkpoint =
        node_[2]->psql("SELECT timeline_id FROM pg_control_checkpoint()") == "1";
    RunResult r = rejoin(1, 2,
                         {"--force-rewind", "--config-files=postgresql.conf,pg_hba.conf",
                          "--config-archive-dir=" + archive});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_TRUE(contains(r.err, "NOTICE: executing pg_rewind\n")) << r;
    EXPECT_TRUE(contains(r.err, "NOTICE: 2 files copied to " + dir + "\n")) << r;
    if (needs_checkpoint) {
        EXPECT_TRUE(contains(r.err, "NOTICE: issuing CHECKPOINT on node \"node2\" (ID: 2)\n")) << r;
    }
    EXPECT_TRUE(contains(
        r.err, "NOTICE: NODE REJOIN successful\nDETAIL: node 1 is now attached to node 2\n"))
        << r;
    EXPECT_FALSE(contains(r.err, "inactive replication slots")) << r;
    ASSERT_TRUE(streaming(*node_[2], "node1"));
    EXPECT_EQ(node_[1]->psql("SELECT count(*) FROM pg_class WHERE relname = 'diverge'"), "0");
    EXPECT_EQ(node_[1]->psql("SHOW port"), port(1));
    EXPECT_FALSE(fs::exists(kept));
    EXPECT_EQ(record(*node_[2], 1), "standby|2|true");
    EXPECT_TRUE(contains(events(*node_[2]), "1|node_rejoin|true|node 1 is now attached to node 2"));
}

TEST_F(NodeRejoinTest, UncleanShutdown) {
    make_cluster(1);
    fail_over();
    node_[1]->start();
    node_[1]->kill9();
    const std::string before = state();
    RunResult r = rejoin(1, 2);
    EXPECT_EQ(r.exit_code, 24) << r;
    EXPECT_EQ(r.err,
              "ERROR: database is not shut down cleanly\n"
              "HINT: provide --force-rewind to run recovery\n");
    EXPECT_EQ(state(), before);

    const std::string archive = this->temp_dir().make_subdir("archive").string();
    RunResult forced = rejoin(
        1, 2,
        {"--force-rewind", "--config-files=postgresql.conf", "--config-archive-dir=" + archive});
    ASSERT_TRUE(forced.ok()) << forced;
    EXPECT_TRUE(contains(forced.err,
                         "WARNING: database is not shut down cleanly\n"
                         "DETAIL: --force-rewind provided, pg_rewind will automatically perform "
                         "recovery\n"
                         "NOTICE: rejoin target is node \"node2\" (ID: 2)\n"))
        << forced;
    ASSERT_TRUE(streaming(*node_[2], "node1"));
    EXPECT_EQ(record(*node_[2], 1), "standby|2|true");
}

TEST_F(NodeRejoinTest, ServerDoesNotStart) {
    make_cluster(1);
    fail_over();
    const std::string conf = write_conf(1, {"service_start_command='/bin/false'"}, "false.conf");
    RunResult r = rejoin(1, 2, {}, conf);
    EXPECT_EQ(r.exit_code, 4) << r;
    EXPECT_TRUE(contains(r.err,
                         "NOTICE: starting server using \"/bin/false\"\n"
                         "ERROR: unable to start server\n"
                         "ERROR: NODE REJOIN failed\n"))
        << r;
    EXPECT_TRUE(contains(events(*node_[2]), "1|node_rejoin|false|"));
    EXPECT_EQ(record(*node_[2], 1), "primary||false");
}

TEST_F(NodeRejoinTest, NodeDoesNotAttach) {
    make_cluster(1);
    fail_over();
    // The server starts with another application_name, so node1 never appears as "node1".
    const std::string start = pg_bindir().string() + "/pg_ctl -w -D " +
                              node_[1]->data_dir().string() + " -l " +
                              node_[1]->log_file().string() +
                              " -o \"-c primary_conninfo=''host=127.0.0.1 port=" + port(2) +
                              " user=repmgr application_name=other''\" start";
    const std::string conf = write_conf(1,
                                        {"node_rejoin_timeout=2", "standby_reconnect_timeout=2",
                                         "service_start_command='" + start + "'"},
                                        "other.conf");
    RunResult r = rejoin(1, 2, {}, conf);
    EXPECT_EQ(r.exit_code, 24) << r;
    EXPECT_TRUE(
        contains(r.err,
                 "WARNING: node \"node1\" not found in \"pg_stat_replication\"\n"
                 "INFO: waiting for node \"node1\" (ID: 1) to connect to new primary; 1 of max 2 "
                 "attempts (parameter \"node_rejoin_timeout\")\n"
                 "DETAIL: checking for record in node \"node2\"'s \"pg_stat_replication\" table "
                 "where \"application_name\" is \"node1\"\n"
                 "WARNING: node \"node1\" not found in \"pg_stat_replication\"\n"))
        << r;
    EXPECT_TRUE(
        contains(r.err,
                 "ERROR: NODE REJOIN failed\n"
                 "DETAIL: no active record for local node \"node1\" found in node \"node2\"'s "
                 "\"pg_stat_replication\" table\n"
                 "HINT: check the PostgreSQL log on the local node\n"))
        << r;
    EXPECT_TRUE(
        contains(events(*node_[2]), "1|node_rejoin|false|node 1 is now attached to node 2"));
}

}  // namespace
}  // namespace repmgr::test
