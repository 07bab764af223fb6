// repmgr cluster matrix / cluster crosscheck against real servers, over the test sshd
// (commands.md §18, output-formats.md §3, exit-codes.md §2.4): all nodes up, a node whose
// PostgreSQL is down, nodes whose SSH cannot be reached, unparsable remote output, and that
// several silent SSH hosts cost one ConnectTimeout, not one each.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "cluster_ops_fixture.hpp"

namespace repmgr::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::string kAllUp =
    " Name  | ID | 1 | 2 | 3\n"
    "-------+----+---+---+---\n"
    " node1 | 1  | * | * | * \n"
    " node2 | 2  | * | * | * \n"
    " node3 | 3  | * | * | * \n";

const std::string kAllUpCsv = "1,1,0\n1,2,0\n1,3,0\n2,1,0\n2,2,0\n2,3,0\n3,1,0\n3,2,0\n3,3,0\n";

const std::string kNode3Down =
    " Name  | ID | 1 | 2 | 3\n"
    "-------+----+---+---+---\n"
    " node1 | 1  | * | * | x \n"
    " node2 | 2  | * | * | x \n"
    " node3 | 3  | ? | ? | ? \n";

class ClusterMatrixTest : public ClusterOpsFixture<RepmgrTest> {
  protected:
    // A repmgr.conf for node 1 beside the registered one (the node record keeps naming the
    // registered file, which the crosscheck runs locally).
    std::string node1_conf_with_ssh(const std::string& ssh_options, const std::string& file) {
        return write_conf(1, {"ssh_options='" + ssh_options + "'"}, file);
    }

    // A directory whose "repmgr" prints `stdout_text` and a line on stderr.
    fs::path fake_bindir(const std::string& stdout_text) {
        fs::path dir = temp_dir().make_subdir(
            "fakebin", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
        fs::path script = dir / "repmgr";
        std::ofstream(script) << "#!/bin/sh\nprintf '" << stdout_text
                              << "'\necho 'fake stderr' >&2\n";
        fs::permissions(script, fs::perms::owner_all | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read |
                                    fs::perms::others_exec);
        return dir;
    }
};

TEST_F(ClusterMatrixTest, AllNodesUp) {
    make_cluster();
    for (int id : {1, 2, 3}) {
        RunResult m = run(id, {"cluster", "matrix"});
        EXPECT_EQ(m.exit_code, 0) << m;
        EXPECT_EQ(m.out, kAllUp) << m;
        EXPECT_EQ(m.err, "INFO: connecting to database\n") << m;
        RunResult csv = run(id, {"cluster", "matrix", "--csv"});
        EXPECT_EQ(csv.exit_code, 0) << csv;
        EXPECT_EQ(csv.out, kAllUpCsv);
    }
    RunResult c = run(2, {"cluster", "crosscheck"});
    EXPECT_EQ(c.exit_code, 0) << c;
    EXPECT_EQ(c.out, kAllUp);
    EXPECT_EQ(c.err, "INFO: connecting to database\n");
    RunResult csv = run(1, {"cluster", "crosscheck", "--csv"});
    EXPECT_EQ(csv.exit_code, 0) << csv;
    EXPECT_EQ(csv.out, kAllUpCsv);

    // Without a configuration file: no row is this node's, so every node is asked over SSH
    // with the default ssh_options (port 22, where nothing answers here). --node-id names the
    // local row.
    const std::string port = std::to_string(node_[1]->port());
    RunResult params = run_repmgr({"-h", "127.0.0.1", "-p", port, "-U", "repmgr", "-d", "repmgr",
                                   "cluster", "matrix", "--node-id=2"});
    EXPECT_EQ(params.exit_code, 12) << params;
    EXPECT_EQ(params.out,
              " Name  | ID | 1 | 2 | 3\n"
              "-------+----+---+---+---\n"
              " node1 | 1  | ? | ? | ? \n"
              " node2 | 2  | * | * | * \n"
              " node3 | 3  | ? | ? | ? \n");
    EXPECT_EQ(params.err,
              "INFO: connecting to database\n"
              "WARNING: following problems detected:\n"
              "  node 1 inaccessible via SSH\n"
              "  node 3 inaccessible via SSH\n");
}

TEST_F(ClusterMatrixTest, NodeWithPostgresDown) {
    make_cluster();
    node_[3]->stop();
    RunResult m = run(1, {"cluster", "matrix"});
    EXPECT_EQ(m.exit_code, 25) << m;
    EXPECT_EQ(m.out, kNode3Down);
    // Node 3 is not asked over SSH: its database could not be reached.
    EXPECT_EQ(m.err, "INFO: connecting to database\n");
    RunResult csv = run(2, {"cluster", "matrix", "--csv"});
    EXPECT_EQ(csv.exit_code, 25) << csv;
    EXPECT_EQ(csv.out, "1,1,0\n1,2,0\n1,3,-1\n2,1,0\n2,2,0\n2,3,-1\n3,1,-2\n3,2,-2\n3,3,-2\n");

    // The crosscheck asks node 3 anyway: its repmgr fails to connect (its stderr comes
    // through) and prints nothing.
    RunResult c = run(1, {"cluster", "crosscheck"});
    EXPECT_EQ(c.exit_code, 25) << c;
    EXPECT_EQ(c.out, kNode3Down);
    EXPECT_EQ(c.err,
              "INFO: connecting to database\n"
              "ERROR: connection to database failed\n"
              "WARNING: following problems detected:\n"
              "  node 3 inaccessible via SSH\n");
    RunResult terse = run(1, {"cluster", "crosscheck", "-t", "--csv"});
    EXPECT_EQ(terse.exit_code, 25) << terse;
    EXPECT_EQ(terse.err, "INFO: connecting to database\nERROR: connection to database failed\n");

    // On node 3 itself the first connection fails: connect-or-die.
    RunResult own = run(3, {"cluster", "matrix"});
    EXPECT_EQ(own.exit_code, 6) << own;
    EXPECT_EQ(own.out, "");
    EXPECT_NE(own.err.find("ERROR: connection to database failed"), std::string::npos) << own;
}

TEST_F(ClusterMatrixTest, SshUnreachable) {
    make_cluster();
    const std::string conf =
        node1_conf_with_ssh(ssh_options(std::to_string(closed_port())), "closed.conf");
    RunResult m = run(1, {"cluster", "matrix"}, conf);
    EXPECT_EQ(m.exit_code, 12) << m;
    EXPECT_EQ(m.out,
              " Name  | ID | 1 | 2 | 3\n"
              "-------+----+---+---+---\n"
              " node1 | 1  | * | * | * \n"
              " node2 | 2  | ? | ? | ? \n"
              " node3 | 3  | ? | ? | ? \n");
    EXPECT_EQ(m.err,
              "INFO: connecting to database\n"
              "WARNING: following problems detected:\n"
              "  node 2 inaccessible via SSH\n"
              "  node 3 inaccessible via SSH\n");
    // -v says why.
    RunResult verbose = run(1, {"cluster", "matrix", "-v"}, conf);
    EXPECT_NE(verbose.err.find("INFO: unable to run repmgr on node 2 via SSH: could not connect "
                               "to host \"127.0.0.1\""),
              std::string::npos)
        << verbose;
    // CSV counts the unknown cells; -t drops the warnings.
    RunResult csv = run(1, {"cluster", "matrix", "--csv", "-t"}, conf);
    EXPECT_EQ(csv.exit_code, 25) << csv;
    EXPECT_EQ(csv.err, "INFO: connecting to database\n");

    // The crosscheck runs node 1's own matrix locally (with the registered repmgr.conf, which
    // reaches every node), so every cell is known; nodes 2 and 3 are not reachable via SSH.
    RunResult c = run(1, {"cluster", "crosscheck"}, conf);
    EXPECT_EQ(c.exit_code, 12) << c;
    EXPECT_EQ(c.out, kAllUp);
    EXPECT_EQ(c.err,
              "INFO: connecting to database\n"
              "WARNING: following problems detected:\n"
              "  node 2 inaccessible via SSH\n"
              "  node 3 inaccessible via SSH\n");
    RunResult ccsv = run(1, {"cluster", "crosscheck", "--csv"}, conf);
    EXPECT_EQ(ccsv.exit_code, 12) << ccsv;
    EXPECT_EQ(ccsv.out, kAllUpCsv);
}

TEST_F(ClusterMatrixTest, SilentSshHostsCostOneTimeoutTogether) {
    make_cluster();
    // A fourth record, reachable through node 1's server, so that three nodes are asked.
    node_[1]->psql(
        "INSERT INTO repmgr.nodes (node_id, upstream_node_id, active, node_name, "
        "type, conninfo, repluser, config_file) VALUES (4, 1, true, 'node4', "
        "'standby', '" +
            node_[1]->connstr("repmgr", "repmgr") + "', 'repmgr', '" + conf_[1] + "')",
        "repmgr");
    SilentSshListener silent;
    constexpr int kTimeout = 3;
    const std::string conf =
        node1_conf_with_ssh(ssh_options(std::to_string(silent.port()), kTimeout), "silent.conf");

    for (const char* verb : {"matrix", "crosscheck"}) {
        const auto start = Clock::now();
        RunResult r = run(1, {"cluster", verb}, conf);
        const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        EXPECT_EQ(r.exit_code, 12) << r;
        EXPECT_NE(r.err.find("  node 2 inaccessible via SSH\n"
                             "  node 3 inaccessible via SSH\n"
                             "  node 4 inaccessible via SSH\n"),
                  std::string::npos)
            << r;
        // One ConnectTimeout for all three hosts, not three in a row.
        EXPECT_GE(elapsed, kTimeout - 0.5) << verb;
        EXPECT_LT(elapsed, 2 * kTimeout) << verb;
    }
}

TEST_F(ClusterMatrixTest, UnparsableRemoteOutput) {
    make_cluster();
    use_bindir(fake_bindir("garbage\\n"));
    RunResult m = run(1, {"cluster", "matrix"});
    EXPECT_EQ(m.exit_code, 15) << m;
    EXPECT_EQ(m.out,
              " Name  | ID | 1 | 2 | 3\n"
              "-------+----+---+---+---\n"
              " node1 | 1  | * | * | * \n"
              " node2 | 2  | ? | ? | ? \n"
              " node3 | 3  | ? | ? | ? \n");
    std::string expected_err =
        "INFO: connecting to database\nfake stderr\nfake stderr\n"
        "WARNING: following problems detected:\n";
    for (int id : {2, 3}) {
        const std::string head = "  unable to parse --csv output for node " + std::to_string(id) +
                                 "; output returned was:\n";
        expected_err += head + "\"garbage\n\"\n" + head + "\"\"\n" + head + "\"\"\n";
    }
    EXPECT_EQ(m.err, expected_err);

    // The crosscheck's local run (here the fake too) keeps its stderr to itself, and parse
    // failures give no warning.
    RunResult c = run(1, {"cluster", "crosscheck"});
    EXPECT_EQ(c.exit_code, 15) << c;
    EXPECT_EQ(c.err, "INFO: connecting to database\nfake stderr\nfake stderr\n");
    EXPECT_NE(c.out.find(" node1 | 1  | ? | ? | ? \n"), std::string::npos) << c;
}

TEST_F(ClusterMatrixTest, UnexpectedStatusValueStopsTheTable) {
    make_cluster();
    use_bindir(
        fake_bindir("1,1,0\\n1,2,0\\n1,3,5\\n2,1,0\\n2,2,0\\n2,3,0\\n3,1,0\\n3,2,0\\n3,3,0\\n"));
    RunResult c = run(2, {"cluster", "crosscheck"});
    EXPECT_EQ(c.exit_code, 15) << c;
    EXPECT_EQ(c.out,
              " Name  | ID | 1 | 2 | 3\n"
              "-------+----+---+---+---\n"
              " node1 | 1  | * | * ");
    EXPECT_NE(c.err.find("ERROR: unexpected node status value 5\n"), std::string::npos) << c;
    RunResult csv = run(2, {"cluster", "crosscheck", "--csv"});
    EXPECT_EQ(csv.exit_code, 0) << csv;
    EXPECT_NE(csv.out.find("1,3,5\n"), std::string::npos) << csv;
}

}  // namespace
}  // namespace repmgr::test
