// repmgr cluster show / cluster event against real servers (commands.md §17, §19).
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "repmgr_fixture.hpp"

namespace repmgr::test {
namespace {

class ClusterShowTest : public RepmgrTest {
protected:
    // node1 primary, node2 and node3 streaming standbys with records.
    void three_nodes() {
        p_ = &repmgr_primary("node1");
        conf1_ = register_primary(*p_, 1);
        s2_ = &repmgr_standby("node2", *p_);
        s3_ = &repmgr_standby("node3", *p_);
        insert_standby_record(*p_, *s2_, 2, 1);
        insert_standby_record(*p_, *s3_, 3, 1);
        ASSERT_TRUE(p_->poll_until("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", "2"));
        ASSERT_TRUE(s3_->poll_until("SELECT count(*) FROM repmgr.nodes", "3", std::chrono::seconds(30), "repmgr"));
    }
    PgTestNode* p_ = nullptr;
    PgTestNode* s2_ = nullptr;
    PgTestNode* s3_ = nullptr;
    std::string conf1_;
};

std::string pad(std::string s, size_t w) { return s + std::string(w > s.size() ? w - s.size() : 0, ' '); }

TEST_F(ClusterShowTest, HealthyClusterTableCsvCompact) {
    three_nodes();
    RunResult r = repmgr(conf1_, {"cluster", "show"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.err, "");
    const std::string c1 = p_->connstr("repmgr", "repmgr");
    const std::string c2 = s2_->connstr("repmgr", "repmgr");
    const std::string c3 = s3_->connstr("repmgr", "repmgr");
    const size_t w = c1.size();
    std::string expected =
        " ID | Name  | Role    | Status    | Upstream | Location | Priority | Timeline | " + pad("Connection string", w) + "\n" +
        "----+-------+---------+-----------+----------+----------+----------+----------+-" + std::string(w, '-') + "-\n" +
        " 1  | node1 | primary | * running |          | default  | 100      | 1        | " + pad(c1, w) + "\n" +
        " 2  | node2 | standby |   running | node1    | default  | 100      | 1        | " + pad(c2, w) + "\n" +
        " 3  | node3 | standby |   running | node1    | default  | 100      | 1        | " + pad(c3, w) + "\n";
    EXPECT_EQ(r.out, expected);

    RunResult csv = repmgr(conf1_, {"cluster", "show", "--csv"});
    ASSERT_TRUE(csv.ok()) << csv;
    EXPECT_EQ(csv.out, "1,0,0\n2,0,1\n3,0,1\n");

    RunResult compact = repmgr(conf1_, {"cluster", "show", "--compact"});
    ASSERT_TRUE(compact.ok()) << compact;
    EXPECT_EQ(compact.out,
              " ID | Name  | Role    | Status    | Upstream | Location | Prio. | TLI\n"
              "----+-------+---------+-----------+----------+----------+-------+-----\n"
              " 1  | node1 | primary | * running |          | default  | 100   | 1   \n"
              " 2  | node2 | standby |   running | node1    | default  | 100   | 1   \n"
              " 3  | node3 | standby |   running | node1    | default  | 100   | 1   \n");

    // From a standby's metadata, and without a config file from -h/-p/-U/-d.
    RunResult from_params = run_repmgr({"-h", "127.0.0.1", "-p", std::to_string(s3_->port()), "-U", "repmgr",
                                        "-d", "repmgr", "cluster", "show", "--csv"});
    ASSERT_TRUE(from_params.ok()) << from_params;
    EXPECT_EQ(from_params.out, "1,0,0\n2,0,1\n3,0,1\n");
}

TEST_F(ClusterShowTest, FailedPrimaryAndPromotedStandby) {
    three_nodes();
    p_->stop("immediate");
    s2_->promote();
    std::string conf2 = conf(*s2_, 2);
    RunResult r = repmgr(conf2, {"cluster", "show"});
    EXPECT_EQ(r.exit_code, 25) << r;
    EXPECT_NE(r.out.find(" 1  | node1 | primary | ? unreachable        | ?        |"), std::string::npos) << r;
    EXPECT_NE(r.out.find(" 2  | node2 | standby | ! running as primary | ? node1  |"), std::string::npos) << r;
    EXPECT_NE(r.out.find(" 3  | node3 | standby |   running            | ? node1  |"), std::string::npos) << r;
    EXPECT_EQ(r.out.back(), '\n');
    EXPECT_NE(r.out.find("\n\n"), std::string::npos);  // blank line before the warnings
    EXPECT_NE(r.err.find("WARNING: following issues were detected\n"
                         "  - unable to connect to node \"node1\" (ID: 1)\n"
                         "  - node \"node1\" (ID: 1) is registered as an active primary but is unreachable\n"
                         "  - node \"node2\" (ID: 2) is registered as standby but running as primary\n"),
              std::string::npos)
        << r;
    EXPECT_NE(r.err.find("HINT: execute with --verbose option to see connection error messages"),
              std::string::npos);

    RunResult csv = repmgr(conf2, {"cluster", "show", "--csv"});
    EXPECT_EQ(csv.exit_code, 25);
    EXPECT_EQ(csv.out, "1,-1,-1\n2,0,0\n3,0,1\n");
    EXPECT_EQ(csv.err, "");

    RunResult verbose = repmgr(conf2, {"cluster", "show", "-v"});
    EXPECT_NE(verbose.err.find("when attempting to connect to node \"node1\" (ID: 1), following error encountered :\n\""),
              std::string::npos)
        << verbose;
    RunResult terse = repmgr(conf2, {"cluster", "show", "--terse"});
    EXPECT_EQ(terse.exit_code, 25);
    EXPECT_EQ(terse.err, "");
}

TEST_F(ClusterShowTest, StoppedStandbyAndInactiveRecord) {
    three_nodes();
    s3_->stop();
    p_->psql("UPDATE repmgr.nodes SET active = false WHERE node_id = 3", "repmgr");
    RunResult r = repmgr(conf1_, {"cluster", "show", "--compact"});
    EXPECT_EQ(r.exit_code, 25) << r;
    EXPECT_NE(r.out.find(" 3  | node3 | standby | - failed  | ? node1  |"), std::string::npos) << r;
}

TEST_F(ClusterShowTest, NoRecordsAndUnreachableLocalNode) {
    PgTestNode& node = repmgr_primary();
    std::string path = register_primary(node, 1);
    node.psql("DELETE FROM repmgr.nodes", "repmgr");
    RunResult none = repmgr(path, {"cluster", "show"});
    EXPECT_EQ(none.exit_code, 1) << none;
    EXPECT_EQ(none.err, "ERROR: no node records were found\nHINT: ensure at least one node is registered\n");
    node.stop();
    RunResult down = repmgr(path, {"cluster", "show"});
    EXPECT_EQ(down.exit_code, 6) << down;
    EXPECT_EQ(down.err.rfind("ERROR: connection to database failed\n", 0), 0u) << down;
}

// A node that accepts TCP connections and never answers must not block the others.
TEST_F(ClusterShowTest, SilentNodeIsReportedUnreachable) {
    PgTestNode& node = repmgr_primary();
    std::string path = register_primary(node, 1);
    PortLease lease = ports().lease();
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(lease.port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(fd, 16), 0);
    node.psql("INSERT INTO repmgr.nodes (node_id, upstream_node_id, node_name, type, conninfo, repluser, config_file) "
              "VALUES (2, 1, 'silent', 'standby', 'host=127.0.0.1 port=" + std::to_string(lease.port()) +
                  " connect_timeout=1 dbname=repmgr user=repmgr', 'repmgr', '/x')",
              "repmgr");
    RunResult r = repmgr(path, {"cluster", "show", "--csv"});
    ::close(fd);
    EXPECT_EQ(r.exit_code, 25) << r;
    EXPECT_EQ(r.out, "1,0,0\n2,-1,-1\n");
}

TEST_F(ClusterShowTest, ClusterEventListing) {
    three_nodes();
    RunResult r = repmgr(conf1_, {"cluster", "event"});
    ASSERT_TRUE(r.ok()) << r;
    std::string ts = p_->psql("SELECT to_char(event_timestamp, 'YYYY-MM-DD HH24:MI:SS') FROM repmgr.events "
                              "WHERE event = 'primary_register'",
                              "repmgr");
    std::string ts0 = p_->psql("SELECT to_char(event_timestamp, 'YYYY-MM-DD HH24:MI:SS') FROM repmgr.events "
                               "WHERE event = 'cluster_created'",
                               "repmgr");
    EXPECT_EQ(r.out,
              " Node ID | Name  | Event            | OK | Timestamp           | Details\n"
              "---------+-------+------------------+----+---------------------+---------\n"
              " 1       | node1 | primary_register | t  | " + ts + " |        \n"
              " 1       | node1 | cluster_created  | t  | " + ts0 + " |        \n\n");

    RunResult csv = repmgr(conf1_, {"cluster", "event", "--csv", "--limit=1"});
    ASSERT_TRUE(csv.ok()) << csv;
    EXPECT_EQ(csv.out, "1,node1,primary_register,t," + ts + "\n");

    RunResult compact = repmgr(conf1_, {"cluster", "event", "--compact", "--event=cluster_created"});
    ASSERT_TRUE(compact.ok()) << compact;
    EXPECT_EQ(compact.out,
              " Node ID | Name  | Event           | OK | Timestamp          \n"
              "---------+-------+-----------------+----+---------------------\n"
              " 1       | node1 | cluster_created | t  | " + ts0 + "\n\n");

    RunResult none = repmgr(conf1_, {"cluster", "event", "--node-id=2"});
    ASSERT_TRUE(none.ok()) << none;
    EXPECT_EQ(none.out, "no matching events found\n");

    RunResult by_name = repmgr(conf1_, {"cluster", "event", "--node-name=node1", "--all", "--csv"});
    ASSERT_TRUE(by_name.ok()) << by_name;
    EXPECT_EQ(std::count(by_name.out.begin(), by_name.out.end(), '\n'), 2);

    RunResult unknown = repmgr(conf1_, {"cluster", "event", "--node-id=77"});
    EXPECT_EQ(unknown.exit_code, 1) << unknown;
    EXPECT_EQ(unknown.err, "ERROR: node 77 (specified with --node-id) not found\n");
}

}  // namespace
}  // namespace repmgr::test
