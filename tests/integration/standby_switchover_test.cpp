// repmgr standby switchover against real servers (commands.md §9), every remote step through
// the private sshd that scripts/test starts: round trips with --siblings-follow, pg_rewind of a
// former primary that has WAL the new primary lacks, the dry run, repmgrd pausing, and the
// refusals and failures, each followed by a check that the cluster still has one writable
// primary with its standbys attached.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "follow_fixture.hpp"

namespace repmgr::test {
namespace {

namespace fs = std::filesystem;

// The lag is 0 while everything received is replayed, else the seconds since the last replayed
// transaction: WAL without a transaction (hint-bit images with wal_log_hints, autovacuum) that
// arrives just before the check makes it 1 or more on an idle cluster.
std::string any_lag(const std::string& text) {
    static const std::regex kLag("replication lag on this standby is [0-9]+ seconds");
    return std::regex_replace(text, kLag, "replication lag on this standby is N seconds");
}

std::string without_lsns(const std::string& text) {
    static const std::regex kLsn("[0-9A-F]+/[0-9A-F]+");
    return std::regex_replace(text, kLsn, "X/X");
}

class SwitchoverTest : public FollowFixture<RepmgrTest> {
  protected:
    // node1 primary, node2..node<standbys+1> standbys, all reachable over the test sshd.
    void make_ssh_cluster(int standbys = 2, std::vector<std::string> extra = {}) {
        std::vector<std::string> lines = ssh_conf_lines();
        ASSERT_FALSE(lines.empty());
        lines.insert(lines.end(), extra.begin(), extra.end());
        make_cluster(standbys, lines);
    }

    RunResult switchover(int id, std::vector<std::string> extra = {}, const std::string& conf = "") {
        std::vector<std::string> args{"standby", "switchover"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run(id, args, conf);
    }

    // One writable primary, every other listed node a standby streaming from it, and the
    // metadata saying so.
    void expect_cluster(int primary, const std::vector<int>& standbys) {
        EXPECT_FALSE(in_recovery(*node_[primary])) << "node" << primary << " should be primary";
        EXPECT_EQ(record(*node_[primary], primary), "primary||true");
        for (int id : standbys) {
            EXPECT_TRUE(in_recovery(*node_[id])) << "node" << id << " should be a standby";
            EXPECT_TRUE(streaming(*node_[primary], node_[id]->name()))
                << "node" << id << " should stream from node" << primary;
            EXPECT_EQ(record(*node_[primary], id), "standby|" + std::to_string(primary) + "|true");
        }
    }

    // An executable script in node `id`'s base directory.
    std::string write_script(int id, const std::string& name, const std::string& body) {
        const fs::path path = node_[id]->basedir() / name;
        std::ofstream(path) << "#!/bin/sh\n" << body;
        ::chmod(path.c_str(), 0755);
        return path.string();
    }

    // A stop command for node1 that first cuts off replication (pg_hba rejects it until the
    // next start) and writes WAL no standby receives, then stops the server cleanly: the
    // standbys end up behind the shutdown checkpoint.
    std::string stop_leaving_standbys_behind() {
        const PgTestNode& n = *node_[1];
        const std::string psql = "\"" + pg_bin("psql").string() + "\" -X -h '" +
                                 n.socket_dir().string() + "' -p " + port(1) +
                                 " -U postgres -Atq postgres -c ";
        const std::string d = "'" + n.data_dir().string() + "'";
        return write_script(
            1, "stop_behind.sh",
            "cp " + d + "/pg_hba.conf " + d + "/pg_hba.conf.keep\n"
            "{ echo 'host replication all 127.0.0.1/32 reject'; cat " + d + "/pg_hba.conf.keep; } > " +
                d + "/pg_hba.conf\n" +
                psql + "'SELECT pg_reload_conf()' >/dev/null\n"
                "sleep 0.3\n" +
                psql + "'SELECT pg_terminate_backend(pid) FROM pg_stat_replication' >/dev/null\n" +
                psql + "'CREATE TABLE behind AS SELECT generate_series(1, 1000) AS x' >/dev/null\n"
                "mv " + d + "/pg_hba.conf.keep " + d + "/pg_hba.conf\n"
                "exec \"" + pg_bin("pg_ctl").string() + "\" -D " + d + " -W -m fast stop\n");
    }

    // The command of the HINT that says how to attach node `id`, as the user would run it.
    std::string hinted_command(const std::string& err, int id) {
        const std::string head = "HINT: to attach node \"node" + std::to_string(id) + "\"";
        for (const auto& line : lines_of(err)) {
            if (line.rfind(head, 0) != 0) continue;
            const size_t start = line.find("run \"");
            const size_t end = line.find('"', start + 5);
            if (start == std::string::npos || end == std::string::npos) break;
            return line.substr(start + 5, end - start - 5);
        }
        return "";
    }

    // Runs a "repmgr ..." command line from a HINT with our binary, as postgres.
    RunResult run_hint(const std::string& command) {
        const std::string line =
            RepmgrBinary::repmgr().path().string() + command.substr(std::string("repmgr").size());
        RunOptions opts;
        opts.timeout = std::chrono::seconds(120);
        return run_as_postgres({"/bin/sh", "-c", line}, opts);
    }
};

const std::string kDryRunHead =
    "NOTICE: checking switchover on node \"node2\" (ID: 2) in --dry-run mode\n"
    "INFO: SSH connection to host \"127.0.0.1\" succeeded\n"
    "INFO: able to execute \"repmgr\" on remote host \"127.0.0.1\"\n";

TEST_F(SwitchoverTest, DryRunReportsEveryCheckAndChangesNothing) {
    make_ssh_cluster(2, {"use_replication_slots=true"});
    const std::string before = metadata_snapshot(*node_[1]);
    const std::string stop = "\"" + pg_bin("pg_ctl").string() + " -l " +
                             node_[1]->log_file().string() + " -D '" +
                             node_[1]->data_dir().string() + "' -W -m fast stop\"";
    const std::string tail =
        "INFO: demotion candidate is able to make replication connection to promotion candidate\n"
        "INFO: archive mode is \"off\"\n"
        "INFO: replication lag on this standby is N seconds\n";
    const std::string end =
        "NOTICE: attempting to pause repmgrd on 3 nodes\n"
        "NOTICE: local node \"node2\" (ID: 2) would be promoted to primary; current primary "
        "\"node1\" (ID: 1) would be demoted to standby\n"
        "INFO: following shutdown command would be run on node \"node1\":\n  " + stop + "\n"
        "INFO: parameter \"shutdown_check_timeout\" is set to 60 seconds\n"
        "INFO: prerequisites for executing STANDBY SWITCHOVER are met\n";
    RunResult dry = switchover(2, {"--dry-run"});
    ASSERT_TRUE(dry.ok()) << dry;
    EXPECT_EQ(any_lag(dry.err), kDryRunHead +
                           "WARNING: 1 sibling nodes found, but option \"--siblings-follow\" not "
                           "specified\n"
                           "DETAIL: these nodes will remain attached to the current primary:\n"
                           "  node3 (node ID: 3)\n"
                           "INFO: 1 walsenders required, 10 available\n" +
                           tail + "INFO: 1 replication slots required, 10 available\n" + end);
    RunResult siblings = switchover(2, {"--dry-run", "--siblings-follow"});
    ASSERT_TRUE(siblings.ok()) << siblings;
    EXPECT_EQ(any_lag(siblings.err), kDryRunHead +
                                "INFO: all sibling nodes are reachable via SSH\n"
                                "INFO: 2 walsenders required, 10 available\n" +
                                tail + "INFO: 2 replication slots required, 10 available\n" + end);
    EXPECT_EQ(metadata_snapshot(*node_[1]), before);
    expect_cluster(1, {2, 3});

    // On the primary itself: refused, also in dry run.
    RunResult on_primary = switchover(1, {"--dry-run"});
    EXPECT_EQ(on_primary.exit_code, 18) << on_primary;
    EXPECT_EQ(on_primary.err,
              "NOTICE: checking switchover on node \"node1\" (ID: 1) in --dry-run mode\n"
              "ERROR: switchover must be executed from the standby node to be promoted\n"
              "DETAIL: this node (ID: 1) is the primary\n");
}

TEST_F(SwitchoverTest, BackAndForthWithSiblingsFollow) {
    make_ssh_cluster(2, {"use_replication_slots=true"});
    int primary = 1;
    int candidate = 2;
    for (int round = 1; round <= 4; ++round) {
        const std::string p = "node" + std::to_string(primary);
        const std::string c = "node" + std::to_string(candidate);
        const std::string pid = std::to_string(primary);
        const std::string cid = std::to_string(candidate);
        RunResult r = switchover(candidate, {"--siblings-follow"});
        ASSERT_TRUE(r.ok()) << "round " << round << "\n" << r;
        const std::string stop = pg_bin("pg_ctl").string() + " -l " +
                                 node_[primary]->log_file().string() + " -D '" +
                                 node_[primary]->data_dir().string() + "' -W -m fast stop";
        std::string expected =
            "NOTICE: executing switchover on node \"" + c + "\" (ID: " + cid + ")\n"
            "NOTICE: attempting to pause repmgrd on 3 nodes\n"
            "NOTICE: local node \"" + c + "\" (ID: " + cid + ") will be promoted to primary; "
            "current primary \"" + p + "\" (ID: " + pid + ") will be demoted to standby\n"
            "NOTICE: stopping current primary node \"" + p + "\" (ID: " + pid + ")\n"
            "NOTICE: issuing CHECKPOINT on node \"" + p + "\" (ID: " + pid + ") \n"
            "DETAIL: executing server command \"" + stop + "\"\n"
            "NOTICE: current primary has been cleanly shut down at location X/X\n"
            "NOTICE: promoting standby to primary\n"
            "DETAIL: promoting server \"" + c + "\" (ID: " + cid + ") using pg_promote()\n"
            "NOTICE: waiting up to 60 seconds (parameter \"promote_check_timeout\") for "
            "promotion to complete\n"
            "NOTICE: STANDBY PROMOTE successful\n"
            "DETAIL: server \"" + c + "\" (ID: " + cid + ") was successfully promoted to primary\n"
            "NOTICE: node \"" + c + "\" (ID: " + cid + ") promoted to primary, node \"" + p +
            "\" (ID: " + pid + ") demoted to standby\n"
            "NOTICE: executing STANDBY FOLLOW on 1 of 1 siblings\n"
            "INFO: STANDBY FOLLOW successfully executed on all reachable sibling nodes\n"
            "NOTICE: switchover was successful\n"
            "DETAIL: node \"" + c + "\" is now primary and node \"" + p + "\" is attached as "
            "standby\n"
            "NOTICE: STANDBY SWITCHOVER has completed successfully\n";
        // How many shutdown checks it takes depends on timing.
        std::string err;
        for (const auto& line : lines_of(without_lsns(r.err))) {
            if (line.rfind("INFO: checking for primary shutdown; ", 0) != 0) err += line + "\n";
        }
        EXPECT_EQ(err, expected) << "round " << round;
        EXPECT_TRUE(contains(r.err, "INFO: checking for primary shutdown; 1 of 60 attempts "
                                    "(\"shutdown_check_timeout\")\n"));
        expect_cluster(candidate, {primary, 3});
        // Every slot on the new primary is in use; the demoted node kept neither ours nor the
        // sibling's.
        EXPECT_TRUE(node_[candidate]->poll_until(
            "SELECT count(*) FROM pg_replication_slots WHERE NOT active", "0"));
        EXPECT_EQ(node_[primary]->psql("SELECT count(*) FROM pg_replication_slots WHERE "
                                       "slot_name IN ('repmgr_slot_" + cid + "', 'repmgr_slot_3')"),
                  "0");
        std::swap(primary, candidate);
    }
    EXPECT_EQ(node_[1]->psql("SELECT string_agg(event || ':' || successful, ',' ORDER BY "
                             "event_timestamp, event) FROM repmgr.events WHERE event IN "
                             "('standby_promote', 'standby_switchover', 'node_rejoin')",
                             "repmgr"),
              "standby_promote:true,standby_switchover:true,standby_promote:true,standby_switchover:true,"
              "standby_promote:true,standby_switchover:true,standby_promote:true,standby_switchover:true");
}

TEST_F(SwitchoverTest, ForceRewindOfAFormerPrimaryThatIsAhead) {
    make_ssh_cluster(1, {"wal_receive_check_timeout=1"});
    conf_[1] = write_conf(1, {"service_stop_command='" + stop_leaving_standbys_behind() + "'"});
    const std::string rewind = "--force-rewind=" + pg_bin("pg_rewind").string();
    RunResult r = switchover(2, {"--always-promote", rewind});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_TRUE(contains(without_lsns(r.err),
                         "WARNING: local node \"node2\" is behind shutdown primary \"node1\"\n"
                         "DETAIL: local node last receive LSN is X/X, primary shutdown checkpoint "
                         "LSN is X/X\n"
                         "NOTICE: promoting standby to primary\n"))
        << r;
    EXPECT_TRUE(contains(r.err, "NOTICE: issuing CHECKPOINT on node \"node2\" (ID: 2) \n"
                                "NOTICE: node \"node2\" (ID: 2) promoted to primary, node \"node1\" "
                                "(ID: 1) demoted to standby\n"))
        << r;
    EXPECT_TRUE(contains(r.err, "NOTICE: STANDBY SWITCHOVER has completed successfully\n")) << r;
    expect_cluster(2, {1});
    // pg_rewind took node1 back to where node2 forked: the table only node1 had is gone.
    EXPECT_EQ(node_[1]->psql("SELECT to_regclass('behind') IS NULL"), "t");
    EXPECT_EQ(node_[2]->psql("SELECT to_regclass('behind') IS NULL"), "t");
}

TEST_F(SwitchoverTest, StandbyBehindWithoutAlwaysPromoteKeepsThePrimary) {
    make_ssh_cluster(2, {"wal_receive_check_timeout=1"});
    conf_[1] = write_conf(1, {"service_stop_command='" + stop_leaving_standbys_behind() + "'"});
    const std::string before = metadata_snapshot(*node_[1]);
    RunResult r = switchover(2, {"--siblings-follow"});
    EXPECT_EQ(r.exit_code, 18) << r;
    EXPECT_TRUE(contains(without_lsns(r.err),
                         "NOTICE: current primary has been cleanly shut down at location X/X\n"
                         "NOTICE: waiting up to 1 seconds (parameter \"wal_receive_check_timeout\") "
                         "for received WAL to flush to disk\n"
                         "INFO: sleeping 1 of maximum 1 seconds waiting for standby to flush "
                         "received WAL to disk\n"
                         "WARNING: local node \"node2\" is behind shutdown primary \"node1\"\n"
                         "DETAIL: local node last receive LSN is X/X, primary shutdown checkpoint "
                         "LSN is X/X\n"
                         "NOTICE: aborting switchover\n"
                         "HINT: use --always-promote to force promotion of standby\n"
                         "NOTICE: starting node \"node1\" (ID: 1) again, as it was not demoted\n"
                         "NOTICE: node \"node1\" (ID: 1) is the primary of the replication cluster\n"
                         "DETAIL: current state of the replication cluster:\n"
                         "  node \"node1\" (ID: 1): primary, running\n"
                         "  node \"node2\" (ID: 2): standby, attached to node \"node1\" (ID: 1)\n"
                         "  node \"node3\" (ID: 3): standby, attached to node \"node1\" (ID: 1)\n"))
        << r;
    EXPECT_FALSE(contains(r.err, "promoting standby")) << r;
    expect_cluster(1, {2, 3});
    EXPECT_EQ(metadata_snapshot(*node_[1]), before);
    // The WAL the standbys had not received reaches them now.
    EXPECT_TRUE(node_[2]->poll_until("SELECT to_regclass('behind') IS NOT NULL"));
}

TEST_F(SwitchoverTest, DivergenceWithoutForceRewindSaysHowToRejoin) {
    make_ssh_cluster(1, {"wal_receive_check_timeout=1"});
    conf_[1] = write_conf(1, {"service_stop_command='" + stop_leaving_standbys_behind() + "'"});
    RunResult r = switchover(2, {"--always-promote"});
    EXPECT_EQ(r.exit_code, 18) << r;
    EXPECT_TRUE(contains(r.err,
                         "ERROR: new primary diverges from former primary and --force-rewind not "
                         "provided\n"
                         "HINT: the former primary will need to be restored manually, or use "
                         "\"repmgr node rejoin\"\n"
                         "NOTICE: node \"node2\" (ID: 2) is the primary of the replication cluster\n"
                         "DETAIL: current state of the replication cluster:\n"
                         "  node \"node1\" (ID: 1): not running or not reachable\n"
                         "  node \"node2\" (ID: 2): primary, running\n"))
        << r;
    EXPECT_FALSE(in_recovery(*node_[2]));
    EXPECT_FALSE(node_[1]->is_running());
    // What the HINT says to run works.
    const std::string next = hinted_command(r.err, 1);
    ASSERT_TRUE(contains(next, " node rejoin -d ") && contains(next, "--force-rewind")) << r;
    conf_[1] = write_conf(1);
    RunResult rejoin = run_hint(next);
    ASSERT_TRUE(rejoin.ok()) << next << "\n" << rejoin;
    expect_cluster(2, {1});
}

TEST_F(SwitchoverTest, FailedRejoinSaysWhatStateItLeft) {
    make_ssh_cluster(2, {"standby_reconnect_timeout=2", "node_rejoin_timeout=2"});
    conf_[1] = write_conf(1, {"service_start_command='/bin/false'"});
    RunResult r = switchover(2, {"--siblings-follow"});
    EXPECT_EQ(r.exit_code, 22) << r;
    const std::string err = r.err;
    EXPECT_TRUE(contains(err, "ERROR: execution of \"repmgr node rejoin\" on demotion candidate "
                              "\"node1\" (ID: 1) failed\n"
                              "DETAIL: check log file \"/tmp/node-rejoin."))
        << r;
    EXPECT_TRUE(contains(err, "INFO: sleeping 1 second; 2 of 2 attempts (\"standby_reconnect_timeout\") "
                              "to reconnect to demoted primary\n"
                              "WARNING: switchover did not fully complete\n"
                              "DETAIL: node \"node2\" (ID: 2) is now primary but node \"node1\" "
                              "(ID: 1) is not reachable\n"
                              "NOTICE: node \"node2\" (ID: 2) is the primary of the replication "
                              "cluster\n"
                              "DETAIL: current state of the replication cluster:\n"
                              "  node \"node1\" (ID: 1): not running or not reachable\n"
                              "  node \"node2\" (ID: 2): primary, running\n"
                              "  node \"node3\" (ID: 3): standby, attached to node \"node2\" (ID: 2)\n"))
        << r;
    EXPECT_TRUE(contains(err, "NOTICE: STANDBY SWITCHOVER has completed with issues\n"
                              "HINT: see preceding log message(s) for details\n"))
        << r;
    EXPECT_EQ(node_[2]->psql("SELECT successful || '|' || split_part(details, E'\\n', 1) FROM "
                             "repmgr.events WHERE event = 'standby_switchover'",
                             "repmgr"),
              "false|execution of \"repmgr node rejoin\" on demotion candidate \"node1\" (ID: 1) "
              "failed");
    const std::string next = hinted_command(err, 1);
    ASSERT_TRUE(contains(next, " node rejoin -d ")) << r;
    conf_[1] = write_conf(1);
    RunResult rejoin = run_hint(next);
    ASSERT_TRUE(rejoin.ok()) << next << "\n" << rejoin;
    expect_cluster(2, {1, 3});
}

TEST_F(SwitchoverTest, DemotionCandidateThatDoesNotStopInTime) {
    make_ssh_cluster(2, {"shutdown_check_timeout=2"});
    conf_[1] = write_conf(1, {"service_stop_command='/bin/true'"});
    const std::string before = metadata_snapshot(*node_[1]);
    RunResult r = switchover(2);
    EXPECT_EQ(r.exit_code, 18) << r;
    EXPECT_TRUE(contains(r.err,
                         "DETAIL: executing server command \"/bin/true\"\n"
                         "INFO: checking for primary shutdown; 1 of 2 attempts (\"shutdown_check_timeout\")\n"
                         "INFO: checking for primary shutdown; 2 of 2 attempts (\"shutdown_check_timeout\")\n"
                         "ERROR: shutdown of the primary server could not be confirmed\n"
                         "HINT: check the primary server status before performing any further actions\n"
                         "NOTICE: node \"node1\" (ID: 1) is the primary of the replication cluster\n"))
        << r;
    expect_cluster(1, {2, 3});
    EXPECT_EQ(metadata_snapshot(*node_[1]), before);

    // A stop command that fails: no need to wait for a shutdown that will not come.
    conf_[1] = write_conf(1, {"service_stop_command='/bin/false'"});
    RunResult failed = switchover(2);
    EXPECT_EQ(failed.exit_code, 18) << failed;
    EXPECT_TRUE(contains(failed.err,
                         "WARNING: the stop command on node \"node1\" (ID: 1) failed\n"
                         "DETAIL: remote command exited with status 5\n"))
        << failed;
    EXPECT_TRUE(contains(failed.err, "INFO: checking for primary shutdown; 1 of 2 attempts "
                                     "(\"shutdown_check_timeout\")\n"
                                     "ERROR: shutdown of the primary server could not be "
                                     "confirmed\n"))
        << failed;
    expect_cluster(1, {2, 3});
    EXPECT_EQ(metadata_snapshot(*node_[1]), before);
}

TEST_F(SwitchoverTest, SshProblemsAreRefusedBeforeAnythingChanges) {
    make_ssh_cluster(2);
    const std::string before = metadata_snapshot(*node_[1]);
    const std::vector<std::string> ssh = ssh_conf_lines();
    ASSERT_EQ(ssh.size(), 2u);
    const char* key = std::getenv("REPMGR_TEST_SSH_KEY");
    const char* known = std::getenv("REPMGR_TEST_SSH_KNOWN_HOSTS");
    const std::string ssh_port = std::getenv("REPMGR_TEST_SSH_PORT");
    // A key the server does not know, and an empty known_hosts file.
    const fs::path dir = node_[2]->basedir();
    ASSERT_TRUE(run_as_postgres({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                                 (dir / "wrong_key").string()})
                    .ok());
    write_script(2, "empty_known_hosts", "");
    struct Case {
        std::string name;
        std::string ssh_options;
        std::string detail;
    };
    const std::vector<Case> cases{
        {"unreachable", "ssh_options='-p 1 -o ConnectTimeout=2'",
         "DETAIL: could not connect to host \"127.0.0.1\" port 1: Connection refused\n"},
        {"wrong key",
         "ssh_options='-p " + ssh_port + " -i " + (dir / "wrong_key").string() +
             " -o UserKnownHostsFile=" + known + "'",
         "DETAIL: authentication as user \"postgres\" on host \"127.0.0.1\" port " + ssh_port +
             " failed"},
        {"unknown host key",
         "ssh_options='-p " + ssh_port + " -i " + key +
             " -o UserKnownHostsFile=" + (dir / "empty_known_hosts").string() + "'",
         "DETAIL: host key verification failed: no host key is known for \"[127.0.0.1]:" +
             ssh_port + "\""},
    };
    for (const auto& c : cases) {
        ConfigFile f = ConfigFile::for_node(*node_[2], 2);
        f.extra_lines = {"pg_ctl_options='-l " + node_[2]->log_file().string() + "'", c.ssh_options,
                         ssh[1]};
        const std::string conf = f.write(dir / "ssh_case.conf").string();
        for (bool dry : {true, false}) {
            RunResult r = switchover(2, dry ? std::vector<std::string>{"--dry-run"}
                                            : std::vector<std::string>{},
                                     conf);
            EXPECT_EQ(r.exit_code, 1) << c.name << "\n" << r;
            EXPECT_TRUE(contains(r.err, "WARNING: unable to connect to remote host \"127.0.0.1\" "
                                        "via SSH\n"
                                        "ERROR: unable to connect via SSH to host \"127.0.0.1\", "
                                        "user \"\"\n" +
                                            c.detail))
                << c.name << "\n" << r;
        }
    }
    // The remote repmgr cannot be found.
    const std::string nobin = write_conf(2, {"repmgr_bindir='/nonexistent'"}, "nobin.conf");
    RunResult r = switchover(2, {}, nobin);
    EXPECT_EQ(r.exit_code, 1) << r;
    EXPECT_TRUE(contains(r.err, "ERROR: unable to execute \"repmgr\" on \"127.0.0.1\"\n"
                                "DETAIL: remote command exited with status 127:\n"))
        << r;
    EXPECT_TRUE(contains(r.err, "/nonexistent/repmgr: not found\n"
                                "HINT: check \"pg_bindir\" is set to the correct path in "
                                "\"repmgr.conf\"; current value: \"" +
                                    pg_bindir().string() + "\"\n"))
        << r;
    expect_cluster(1, {2, 3});
    EXPECT_EQ(metadata_snapshot(*node_[1]), before);
}

TEST_F(SwitchoverTest, ArchiveBacklogNeedsForce) {
    make_ssh_cluster(1);
    node_[1]->append_conf("archive_mode = on\narchive_command = 'false'");
    node_[1]->restart();
    ASSERT_TRUE(streaming(*node_[1], "node2"));
    conf_[1] = write_conf(1, {"archive_ready_warning=1", "archive_ready_critical=2"});
    for (int i = 0; i < 3; ++i) {
        node_[1]->psql("CREATE TABLE wal_" + std::to_string(i) + " (x int)");
        node_[1]->psql("SELECT pg_switch_wal()");
    }
    ASSERT_TRUE(node_[1]->poll_until(
        "SELECT count(*) >= 3 FROM pg_ls_dir('pg_wal/archive_status') f WHERE f LIKE '%.ready'"));
    ASSERT_TRUE(node_[2]->poll_until("SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"));
    const std::string before = metadata_snapshot(*node_[1]);
    RunResult r = switchover(2);
    EXPECT_EQ(r.exit_code, 18) << r;
    static const std::regex kFiles("DETAIL: [0-9]+ pending archive files");
    EXPECT_TRUE(contains(std::regex_replace(r.err, kFiles, "DETAIL: N pending archive files"),
                         "ERROR: number of pending archive files on demotion candidate \"node1\" "
                         "is critical\n"
                         "DETAIL: N pending archive files (critical threshold: 2)\n"
                         "HINT: PostgreSQL will not shut down until all files are archived; use "
                         "-F/--force to continue anyway\n"))
        << r;
    RunResult forced = switchover(2, {"--dry-run", "-F"});
    EXPECT_TRUE(forced.ok()) << forced;
    EXPECT_TRUE(contains(std::regex_replace(forced.err, kFiles, "DETAIL: N pending archive files"),
                         "WARNING: number of pending archive files on demotion candidate \"node1\" "
                         "exceeds the critical threshold\n"
                         "DETAIL: N pending archive files (critical threshold: 2)\n"
                         "NOTICE: -F/--force set, continuing with switchover\n"))
        << forced;
    expect_cluster(1, {2});
    EXPECT_EQ(metadata_snapshot(*node_[1]), before);
}

TEST_F(SwitchoverTest, UnreachableNodeStopsThePauseOfRepmgrd) {
    make_ssh_cluster(2);
    node_[3]->stop();
    RunResult r = switchover(2, {"--dry-run"});
    EXPECT_EQ(r.exit_code, 18) << r;
    EXPECT_TRUE(contains(r.err,
                         "NOTICE: attempting to pause repmgrd on 3 nodes\n"
                         "ERROR: unable to connect to 1 of 3 node(s), unable to pause all repmgrd "
                         "instances\n"
                         "DETAIL: following node(s) unreachable:\n"
                         "  unable to connect to node \"node3\" (ID: 3):\n"
                         "connection to server at \"127.0.0.1\", port " + port(3) +
                             " failed: Connection refused\n"))
        << r;
    EXPECT_TRUE(contains(r.err, "\n\n\nHINT: use -F/--force to continue anyway\n")) << r;
    // With -F the switchover goes ahead without node3.
    RunResult forced = switchover(2, {"-F"});
    ASSERT_TRUE(forced.ok()) << forced;
    EXPECT_TRUE(contains(forced.err, "WARNING: unable to connect to 1 of 3 node(s), unable to "
                                     "pause all repmgrd instances\n"))
        << forced;
    expect_cluster(2, {1});
}

TEST_F(SwitchoverTest, RepmgrdIsPausedDuringTheSwitchoverAndUnpausedAfter) {
    make_ssh_cluster(2);
    // A "running repmgrd" on node3: the extension only checks that the registered PID is
    // alive, and node3's postmaster stays up throughout.
    node_[3]->psql("SELECT repmgr.set_repmgrd_pid(" + std::to_string(*node_[3]->pid()) + ", NULL)",
                   "repmgr");
    const std::string paused = "SELECT repmgr.repmgrd_is_paused()";
    // At the standby_promote event, while node1 is down, record whether node3's repmgrd is
    // paused.
    const fs::path seen = node_[2]->basedir() / "paused_at_promote";
    const std::string probe = write_script(
        2, "probe.sh",
        "[ \"$1\" = standby_promote ] || exit 0\n\"" + pg_bin("psql").string() + "\" -X -h '" +
            node_[3]->socket_dir().string() + "' -p " + port(3) + " -U repmgr -Atq repmgr -c '" +
            paused + "' > '" + seen.string() + "'\n");
    const std::string conf =
        write_conf(2, {"event_notification_command='" + probe + " %e'"}, "notify.conf");
    RunResult dry = switchover(2, {"--dry-run"}, conf);
    ASSERT_TRUE(dry.ok()) << dry;
    EXPECT_TRUE(contains(dry.err, "NOTICE: attempting to pause repmgrd on 3 nodes\n"
                                  "NOTICE: repmgrd not running on node \"node1\" (ID: 1), not pausing\n"
                                  "NOTICE: repmgrd not running on node \"node2\" (ID: 2), not pausing\n"
                                  "INFO: would pause repmgrd on node \"node3\" (ID: 3)\n"))
        << dry;
    EXPECT_EQ(node_[3]->psql(paused, "repmgr"), "f");
    RunResult r = switchover(2, {}, conf);
    ASSERT_TRUE(r.ok()) << r;
    std::ifstream in(seen);
    std::string at_promote;
    std::getline(in, at_promote);
    EXPECT_EQ(at_promote, "t");
    EXPECT_EQ(node_[3]->psql(paused, "repmgr"), "f");

    // Paused before: stays paused, unless --repmgrd-force-unpause.
    node_[3]->psql("SELECT repmgr.repmgrd_pause(true)", "repmgr");
    RunResult back = switchover(1);
    ASSERT_TRUE(back.ok()) << back;
    EXPECT_EQ(node_[3]->psql(paused, "repmgr"), "t");
    RunResult forced = switchover(2, {"--repmgrd-force-unpause"});
    ASSERT_TRUE(forced.ok()) << forced;
    EXPECT_EQ(node_[3]->psql(paused, "repmgr"), "f");
    // --repmgrd-no-pause: not even asked.
    RunResult no_pause = switchover(1, {"--repmgrd-no-pause"});
    ASSERT_TRUE(no_pause.ok()) << no_pause;
    EXPECT_FALSE(contains(no_pause.err, "attempting to pause repmgrd")) << no_pause;
    expect_cluster(1, {2});
}

}  // namespace
}  // namespace repmgr::test
