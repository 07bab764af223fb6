// node service, cluster matrix / crosscheck and cluster cleanup side by side with the real
// repmgr 5.3.3 (REPMGR_TEST_REFERENCE_REPMGR): same stdout, stderr and exit code. For matrix and
// crosscheck every node's repmgr.conf names the binary under test as repmgr_bindir, so each
// tool's remote invocations (over the test sshd; the reference uses the ssh binary with the
// same ssh_options) run its own binary.
#include <gtest/gtest.h>

#include <functional>
#include <tuple>

#include "cluster_ops_fixture.hpp"

namespace repmgr::test {
namespace {

namespace fs = std::filesystem;

class CompatClusterOpsTest : public ClusterOpsFixture<CompatTest> {
  protected:
    fs::path reference_bindir() const { return reference_.parent_path(); }

    // Every repmgr.conf (the registered ones and those added with extra_conf) runs `bindir`'s
    // repmgr on the other nodes.
    void switch_to(const fs::path& bindir) {
        use_bindir(bindir);
        for (const auto& [id, lines, file] : extra_confs_) write_conf(id, lines, file);
    }

    std::string extra_conf(int id, const std::vector<std::string>& lines, const std::string& file) {
        extra_confs_.emplace_back(id, lines, file);
        return write_conf(id, lines, file);
    }

    // Runs the reference and then ours with `conf`, each with its own remote binary and after
    // `prepare` (which may reset state both runs should start from); compares everything.
    void expect_same_ops(const std::string& conf, const std::vector<std::string>& args,
                         const std::function<std::string()>& prepare = {}) {
        switch_to(reference_bindir());
        if (prepare) prepare();
        RunResult ref = reference(conf, args);
        const std::string ref_state = prepare ? state_() : "";
        switch_to(our_bindir());
        if (prepare) prepare();
        RunResult our = ours(conf, args);
        const std::string our_state = prepare ? state_() : "";
        std::string what = "repmgr -f " + conf;
        for (const auto& a : args) what += " " + a;
        EXPECT_EQ(our.exit_code, ref.exit_code) << what << "\nreference:\n"
                                                << ref << "\nours:\n"
                                                << our;
        EXPECT_EQ(our.out, ref.out) << what;
        EXPECT_EQ(our.err, ref.err) << what;
        EXPECT_EQ(our_state, ref_state) << what;
    }

    std::vector<std::tuple<int, std::vector<std::string>, std::string>> extra_confs_;
    std::function<std::string()> state_ = [] { return std::string(); };
};

TEST_F(CompatClusterOpsTest, NodeServiceListActionsAndDryRun) {
    make_cluster();
    node_[1]->create_user("plain", RoleKind::kPlain);
    ConfigFile plain = ConfigFile::for_node(*node_[2], 2, "plain");
    plain.extra_lines = {"pg_ctl_options='-l " + node_[2]->log_file().string() + "'"};
    const std::string plain_conf = plain.write(node_[2]->basedir() / "plain.conf").string();
    const std::string services =
        extra_conf(1,
                   {"service_start_command='/usr/bin/sudo systemctl start postgresql@15-main'",
                    "service_reload_command='pg_ctlcluster 15 main reload'"},
                   "services.conf");

    const std::vector<std::vector<std::string>> commands{
        {"node", "service", "--list-actions"},
        {"node", "service", "--list-actions", "--action=STOP"},
        {"node", "service", "--list-actions", "--action=reload"},
        {"node", "service", "--list-actions", "--checkpoint", "-S", "nosuch"},
        {"node", "service", "--action=bogus"},
        {"node", "service", "--action=bogus", "--list-actions"},
        {"node", "service", "--dry-run"},
        {"node", "service", "--action=start", "--dry-run"},
        {"node", "service", "--action=Promote", "--dry-run"},
        {"node", "service", "--action=reload", "--checkpoint", "--dry-run"},
        {"node", "service", "--action=stop", "--checkpoint", "--dry-run"},
        {"node", "service", "--action=restart", "--checkpoint", "--dry-run"},
        {"node", "service", "--action=restart", "--checkpoint", "--dry-run", "-S", "postgres"},
        {"node", "service", "--action=restart", "--checkpoint", "--dry-run", "-S", "nosuch"},
        {"node", "service", "--action=stop", "--checkpoint", "--dry-run", "-t"},
        {"node", "service", "--action=stop", "--dry-run", "--node-id=2"},
    };
    expect_same_everywhere({conf_[1], conf_[2], plain_conf, services}, commands);

    // With the server down, only a CHECKPOINT needs a connection.
    node_[2]->stop();
    expect_same_everywhere(
        {conf_[2], plain_conf},
        {{"node", "service", "--action=start", "--checkpoint", "--dry-run"},
         {"node", "service", "--action=stop", "--checkpoint", "--dry-run"},
         {"node", "service", "--action=restart", "--checkpoint", "--dry-run", "-S", "postgres"}});
}

TEST_F(CompatClusterOpsTest, MatrixAndCrosscheckAllUp) {
    make_cluster();
    for (int id : {1, 2, 3}) {
        for (const char* verb : {"matrix", "crosscheck"}) {
            expect_same_ops(conf_[id], {"cluster", verb});
            expect_same_ops(conf_[id], {"cluster", verb, "--csv"});
        }
    }
    expect_same_ops(conf_[2], {"cluster", "matrix", "-L", "INFO"});
    expect_same_ops(conf_[3], {"cluster", "crosscheck", "--terse", "-L", "info"});
}

TEST_F(CompatClusterOpsTest, MatrixAndCrosscheckWithPostgresDown) {
    make_cluster();
    node_[3]->stop();
    for (int id : {1, 2, 3}) {
        for (const char* verb : {"matrix", "crosscheck"}) {
            expect_same_ops(conf_[id], {"cluster", verb});
            expect_same_ops(conf_[id], {"cluster", verb, "--csv"});
            expect_same_ops(conf_[id], {"cluster", verb, "-t"});
        }
    }
    expect_same_ops(conf_[1], {"cluster", "matrix", "-v"});
    expect_same_ops(conf_[2], {"cluster", "crosscheck", "-L", "INFO"});
}

TEST_F(CompatClusterOpsTest, MatrixAndCrosscheckWithSshUnreachable) {
    make_cluster();
    const std::string closed = extra_conf(
        1, {"ssh_options='" + ssh_options(std::to_string(closed_port())) + "'"}, "closed.conf");
    for (const char* verb : {"matrix", "crosscheck"}) {
        expect_same_ops(closed, {"cluster", verb});
        expect_same_ops(closed, {"cluster", verb, "--csv"});
        expect_same_ops(closed, {"cluster", verb, "-t"});
    }
    expect_same_ops(closed, {"cluster", "matrix", "--node-id=2"});
}

TEST_F(CompatClusterOpsTest, Cleanup) {
    make_cluster();
    PgTestNode& primary = *node_[1];
    auto fill = [&primary] {
        primary.psql("TRUNCATE repmgr.monitoring_history", "repmgr");
        primary.psql("DELETE FROM repmgr.events WHERE event = 'cluster_cleanup'", "repmgr");
        primary.psql(
            "INSERT INTO repmgr.monitoring_history (primary_node_id, standby_node_id, "
            "last_monitor_time, last_wal_primary_location, replication_lag, apply_lag) "
            "SELECT 1, s, now() - make_interval(days => d, mins => 1), '0/0', 0, 0 "
            "FROM generate_series(2, 3) s, generate_series(0, 5) d",
            "repmgr");
        return std::string();
    };
    state_ = [&primary] {
        return primary.psql(
                   "SELECT string_agg(standby_node_id || ':' || n, ' ' ORDER BY 1) FROM "
                   "(SELECT standby_node_id, count(*) AS n FROM "
                   "repmgr.monitoring_history GROUP BY 1) s",
                   "repmgr") +
               "\n" +
               primary.psql(
                   "SELECT string_agg(node_id || '|' || successful || '|' || details, "
                   "E'\\n') FROM repmgr.events WHERE event = 'cluster_cleanup'",
                   "repmgr");
    };
    const std::vector<std::vector<std::string>> commands{
        {"cluster", "cleanup"},
        {"cluster", "cleanup", "-k", "3"},
        {"cluster", "cleanup", "--keep-history=1", "--node-id=2"},
        {"cluster", "cleanup", "--node-id", "3"},
        {"cluster", "cleanup", "-k", "10"},
        {"cluster", "cleanup", "--node-id=9"},
        {"cluster", "cleanup", "-k", "-1"},
        {"cluster", "cleanup", "--dry-run", "-k", "2"},
        {"cluster", "cleanup", "-t", "--csv", "-k", "2"},
    };
    for (int id : {1, 2}) {
        for (const auto& args : commands) expect_same_ops(conf_[id], args, fill);
    }
    // Nothing to delete.
    auto empty = [&primary] {
        primary.psql("TRUNCATE repmgr.monitoring_history", "repmgr");
        return std::string();
    };
    expect_same_ops(conf_[3], {"cluster", "cleanup"}, empty);

    // The primary is down: connect-or-die to it.
    node_[1]->stop();
    expect_same_ops(conf_[2], {"cluster", "cleanup"});
}

}  // namespace
}  // namespace repmgr::test
