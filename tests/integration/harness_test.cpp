// Proves tests/support works against real PostgreSQL 15: nodes, streaming standbys, ports,
// the process runner (output, stdin, environment, timeouts, running as postgres) and the
// copied repmgr binary.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "support/support.hpp"

namespace repmgr::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

class HarnessCluster : public Cluster {};

TEST_F(HarnessCluster, NodeStartsAndAnswersQueries) {
    PgTestNode& node = add_primary("node1");
    EXPECT_EQ(node.psql("SELECT 1"), "1");
    EXPECT_EQ(node.psql("SHOW port"), std::to_string(node.port()));
    EXPECT_EQ(node.psql("SHOW unix_socket_directories"), node.socket_dir().string());
    EXPECT_EQ(node.psql("SHOW wal_level"), "replica");
    ASSERT_TRUE(node.pid().has_value());
    EXPECT_TRUE(node.is_running());

    // connstr() reaches the server over TCP.
    const RunResult tcp = run_as_postgres(
        {pg_bin("psql").string(), "-X", "-A", "-t", "-d", node.connstr(), "-c", "SELECT 42"});
    ASSERT_TRUE(tcp.ok()) << tcp;
    EXPECT_EQ(tcp.out, "42\n");

    // psql() throws on SQL errors; safe_psql() reports them.
    EXPECT_THROW(node.psql("SELECT no_such_column"), HarnessError);
    const RunResult bad = node.safe_psql("SELECT no_such_column");
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.err.find("no_such_column"), std::string::npos) << bad;
}

TEST_F(HarnessCluster, UsersAndDatabases) {
    PgTestNode& node = add_primary("node1");
    node.create_user("repmgr");
    node.create_db("repmgr", "repmgr");
    node.create_user("plain", RoleKind::kPlain);
    EXPECT_EQ(node.psql("SELECT current_user || '/' || current_database()", "repmgr", "repmgr"),
              "repmgr/repmgr");
    EXPECT_EQ(node.psql("SELECT rolsuper FROM pg_roles WHERE rolname = 'repmgr'"), "t");
    EXPECT_EQ(node.psql("SELECT rolsuper FROM pg_roles WHERE rolname = 'plain'"), "f");
    EXPECT_EQ(node.psql("SELECT current_setting('is_superuser')", "postgres", "plain"), "off");
}

TEST_F(HarnessCluster, StandbyStreamsFromPrimary) {
    PgTestNode& primary = add_primary("node1");
    PgTestNode& standby = add_standby("node2", primary);
    ASSERT_TRUE(
        primary.poll_until("SELECT string_agg(application_name, ',') FROM pg_stat_replication "
                           "WHERE state = 'streaming'",
                           "node2", seconds(30)));
    EXPECT_EQ(standby.psql("SELECT pg_is_in_recovery()"), "t");
    EXPECT_EQ(standby.psql("SHOW port"), std::to_string(standby.port()));

    primary.psql("CREATE TABLE t (v int); INSERT INTO t VALUES (7)");
    ASSERT_TRUE(standby.poll_until("SELECT coalesce(sum(v), 0) FROM t", "7", seconds(30)));

    standby.promote();
    EXPECT_EQ(standby.psql("SELECT pg_is_in_recovery()"), "f");
}

TEST_F(HarnessCluster, Kill9ThenRestartAndStop) {
    PgTestNode& node = add_primary("node1");
    const auto first_pid = node.pid();
    ASSERT_TRUE(first_pid.has_value());
    node.kill9();
    EXPECT_FALSE(node.is_running());
    // A zombie or a surviving backend would make this start fail.
    node.start();
    EXPECT_EQ(node.psql("SELECT 1"), "1");
    EXPECT_NE(node.pid(), first_pid);

    node.append_conf("work_mem = '8MB'");
    node.reload();
    EXPECT_TRUE(node.poll_until("SHOW work_mem", "8MB", seconds(10)));
    node.restart();
    EXPECT_EQ(node.psql("SELECT 1"), "1");
    node.stop();
    EXPECT_FALSE(node.is_running());
    EXPECT_FALSE(node.pid().has_value());
}

TEST(HarnessPorts, LeasesAreDistinctAcrossAllocators) {
    PortAllocator a;
    PortAllocator b;
    std::vector<PortLease> leases;
    std::set<int> ports;
    for (int i = 0; i < 5; ++i) {
        leases.push_back(a.lease());
        leases.push_back(b.lease());
    }
    for (const auto& lease : leases) {
        EXPECT_GE(lease.port(), PortAllocator::kFirstPort);
        EXPECT_LE(lease.port(), PortAllocator::kLastPort);
        ports.insert(lease.port());
    }
    EXPECT_EQ(ports.size(), leases.size());
}

TEST(HarnessPorts, ReleasedPortCanBeLeasedAgain) {
    const fs::path dir = PortAllocator::default_lock_dir();
    int port = 0;
    {
        PortAllocator first;
        port = first.lease().port();  // the temporary lease is released at once
    }
    PortAllocator single(dir, port, port);
    const PortLease again = single.lease();
    EXPECT_EQ(again.port(), port);
    PortAllocator same_range(dir, port, port);
    EXPECT_THROW(same_range.lease(), HarnessError);
}

TEST(HarnessProcess, CapturesOutputStatusInputAndEnvironment) {
    ::setenv("PGHOST", "/nonexistent", 1);
    RunOptions opts;
    opts.input = "from stdin\n";
    opts.env = {{"HARNESS_VALUE", "42"}};
    const RunResult r =
        run_process({"/bin/sh", "-c",
                     "cat; echo \"v=$HARNESS_VALUE pg=${PGHOST-unset}\"; echo oops >&2; "
                     "exit 3"},
                    opts);
    ::unsetenv("PGHOST");
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.out, "from stdin\nv=42 pg=unset\n");
    EXPECT_EQ(r.err, "oops\n");
}

TEST(HarnessProcess, TimeoutKillsTheProcessGroupAndIsReported) {
    RunOptions opts;
    opts.timeout = milliseconds(300);
    const auto started = std::chrono::steady_clock::now();
    const RunResult r =
        run_process({"/bin/sh", "-c", "sleep 30 & echo $!; sleep 30; echo never"}, opts);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_TRUE(r.timed_out);
    EXPECT_FALSE(r.ok());
    EXPECT_LT(elapsed, seconds(5));
    EXPECT_EQ(r.out.find("never"), std::string::npos);
    // The background sleep was in the child's process group, so it was killed too.
    const int grandchild = std::atoi(r.out.c_str());
    ASSERT_GT(grandchild, 0) << r;
    EXPECT_TRUE(wait_for_pid_exit(grandchild, seconds(5)));
}

TEST(HarnessProcess, UnknownProgramIsExitCode127AndRelativePathsAreRefused) {
    const RunResult r = run_process({"/nonexistent/program"});
    EXPECT_EQ(r.exit_code, 127);
    EXPECT_NE(r.err.find("/nonexistent/program"), std::string::npos) << r;
    EXPECT_THROW(run_process({"psql"}), HarnessError);
}

TEST(HarnessProcess, PgToolsRunAsPostgresWhenRoot) {
    const RunResult r = run_as_postgres({"/usr/bin/id", "-un"});
    ASSERT_TRUE(r.ok()) << r;
    const RunResult home = run_as_postgres({"/bin/sh", "-c", "echo $HOME:$USER:$(pwd)"});
    if (running_as_root()) {
        EXPECT_EQ(r.out, "postgres\n");
        EXPECT_EQ(home.out, postgres_account().home + ":postgres:/tmp\n");
    } else {
        EXPECT_NE(r.out, "root\n");
    }
}

TEST(HarnessPgBin, FoundOrTheTestFails) {
    EXPECT_TRUE(fs::exists(pg_bin("initdb")));
    // With a wrong REPMGR_TEST_PG_BINDIR a node test must fail (not be skipped) and say why.
    RunOptions opts;
    opts.env = {{"REPMGR_TEST_PG_BINDIR", "/nonexistent/bin"}};
    const RunResult r = run_process(
        {fs::read_symlink("/proc/self/exe").string(), "--gtest_filter=HarnessPgBin.Lookup"}, opts);
    EXPECT_NE(r.exit_code, 0) << r;
    EXPECT_NE(r.out.find("PostgreSQL binaries not found"), std::string::npos) << r;
}

// Run by FoundOrTheTestFails in a child process with a broken REPMGR_TEST_PG_BINDIR.
TEST(HarnessPgBin, Lookup) { EXPECT_FALSE(pg_bindir().empty()); }

TEST(HarnessTempDir, RemovedWhenPassedKeptOnRequest) {
    fs::path removed;
    fs::path kept;
    {
        TempDir dir("removed");
        removed = dir.path();
        EXPECT_TRUE(fs::is_directory(dir.make_subdir("sub")));
    }
    {
        TempDir dir("kept");
        kept = dir.path();
        dir.keep();
    }
    EXPECT_FALSE(fs::exists(removed));
    EXPECT_TRUE(fs::exists(kept));
    fs::remove_all(kept);
}

TEST_F(HarnessCluster, ConfigFileIsPrivateAndOwnedByPostgres) {
    PgTestNode& node = add_node("node1");
    const fs::path conf = write_repmgr_conf(node, 1, {"use_replication_slots=true"});
    struct stat st {};
    ASSERT_EQ(::stat(conf.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    if (running_as_root()) {
        EXPECT_EQ(st.st_uid, postgres_account().uid);
    }
    const RunResult cat = run_as_postgres({"/bin/cat", conf.string()});
    ASSERT_TRUE(cat.ok()) << cat;
    EXPECT_NE(cat.out.find("node_id=1\n"), std::string::npos);
    EXPECT_NE(cat.out.find("node_name='node1'\n"), std::string::npos);
    EXPECT_NE(cat.out.find("conninfo='" + node.connstr("repmgr", "repmgr") + "'\n"),
              std::string::npos);
    EXPECT_NE(cat.out.find("data_directory='" + node.data_dir().string() + "'\n"),
              std::string::npos);
    EXPECT_NE(cat.out.find("use_replication_slots=true\n"), std::string::npos);
}

TEST(HarnessRepmgrBinary, CopyRunsAsPostgres) {
    const RunResult r = run_repmgr({"--version"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.out, std::string("repmgr ") + REPMGR_VERSION + "\n");
    EXPECT_NE(RepmgrBinary::repmgr().path().string().find("/tmp/pgt/"), std::string::npos);
}

}  // namespace
}  // namespace repmgr::test
