#include <gtest/gtest.h>

#include "repmgr/workflow/cluster_show.hpp"

namespace repmgr::workflow {
namespace {

using metadata::NodeRecord;
using metadata::NodeType;

NodeRecord rec(int id, NodeType type, std::optional<int> upstream = std::nullopt,
               bool active = true) {
    NodeRecord r;
    r.node_id = id;
    r.node_name = "node" + std::to_string(id);
    r.type = type;
    r.upstream_node_id = upstream;
    if (upstream) r.upstream_node_name = "node" + std::to_string(*upstream);
    r.active = active;
    return r;
}

NodeProbe up(pg::RecoveryType recovery, const NodeRecord& own,
             std::vector<pg::ReplicationClient> clients = {}) {
    NodeProbe p;
    p.reach = NodeReach::kUp;
    p.recovery = recovery;
    p.timeline = 1;
    p.own_record = own;
    p.clients = std::move(clients);
    return p;
}

NodeProbe down() { return NodeProbe{}; }

class FormatNodeStatusTest : public ::testing::Test {
protected:
    std::vector<NodeRecord> records{rec(1, NodeType::kPrimary), rec(2, NodeType::kStandby, 1),
                                    rec(3, NodeType::kStandby, 1)};
};

TEST_F(FormatNodeStatusTest, HealthyCluster) {
    std::vector<NodeProbe> probes{
        up(pg::RecoveryType::kPrimary, records[0], {{"node2", "streaming"}, {"node3", "streaming"}}),
        up(pg::RecoveryType::kStandby, records[1]), up(pg::RecoveryType::kStandby, records[2])};
    auto p = format_node_status(records, probes, 0);
    EXPECT_EQ(p.status, "* running");
    EXPECT_EQ(p.upstream, "");
    auto s = format_node_status(records, probes, 1);
    EXPECT_EQ(s.status, "  running");
    EXPECT_EQ(s.upstream, "node1");
    EXPECT_TRUE(s.warnings.empty());
    EXPECT_FALSE(s.error);
}

TEST_F(FormatNodeStatusTest, FailedPrimaryPromotedStandby) {
    std::vector<NodeProbe> probes{down(), up(pg::RecoveryType::kPrimary, records[1]),
                                  up(pg::RecoveryType::kStandby, records[2])};
    auto p = format_node_status(records, probes, 0);
    EXPECT_EQ(p.status, "? unreachable");
    EXPECT_EQ(p.upstream, "? ");
    EXPECT_EQ(p.warnings, std::vector<std::string>{
                              "node \"node1\" (ID: 1) is registered as an active primary but is unreachable"});
    auto s2 = format_node_status(records, probes, 1);
    EXPECT_EQ(s2.status, "! running as primary");
    EXPECT_EQ(s2.upstream, "? node1");
    EXPECT_EQ(s2.warnings.front(),
              "node \"node2\" (ID: 2) is registered as standby but running as primary");
    auto s3 = format_node_status(records, probes, 2);
    EXPECT_EQ(s3.status, "  running");
    EXPECT_EQ(s3.upstream, "? node1");
}

TEST_F(FormatNodeStatusTest, DetachedAndNotStreamingStandbys) {
    std::vector<NodeProbe> probes{up(pg::RecoveryType::kPrimary, records[0], {{"node3", "catchup"}}),
                                  up(pg::RecoveryType::kStandby, records[1]),
                                  up(pg::RecoveryType::kStandby, records[2])};
    auto s2 = format_node_status(records, probes, 1);
    EXPECT_EQ(s2.upstream, "! node1");
    EXPECT_EQ(s2.warnings, std::vector<std::string>{
                               "node \"node2\" (ID: 2) is not attached to its upstream node \"node1\" (ID: 1)"});
    auto s3 = format_node_status(records, probes, 2);
    EXPECT_EQ(s3.upstream, "? node1");
    EXPECT_EQ(s3.warnings, std::vector<std::string>{
                               "node \"node3\" (ID: 3) attached to its upstream node \"node1\" (ID: 1) in state \"catchup\""});
}

TEST_F(FormatNodeStatusTest, InactiveRecords) {
    records[0].active = false;
    records[1].active = false;
    std::vector<NodeProbe> probes{down(), up(pg::RecoveryType::kStandby, records[1]), down()};
    auto p = format_node_status(records, probes, 0);
    EXPECT_EQ(p.status, "- failed");
    EXPECT_TRUE(p.error);
    EXPECT_TRUE(p.warnings.empty());
    auto s = format_node_status(records, probes, 1);
    EXPECT_EQ(s.status, "! running");
    EXPECT_EQ(s.warnings.front(), "node \"node2\" (ID: 2) is running but the repmgr node record is inactive");
}

TEST_F(FormatNodeStatusTest, RejectedAndUnknownType) {
    NodeProbe rejected;
    rejected.reach = NodeReach::kRejected;
    std::vector<NodeProbe> probes{rejected, down(), down()};
    EXPECT_EQ(format_node_status(records, probes, 0).status, "? running");
    records[2].type = NodeType::kUnknown;
    auto s = format_node_status(records, probes, 2);
    EXPECT_EQ(s.status, "? unknown node type");
    EXPECT_TRUE(s.error);
}

TEST_F(FormatNodeStatusTest, StandbyReportingDifferentOrNoUpstream) {
    NodeRecord own2 = records[1];
    own2.upstream_node_id = 3;
    NodeRecord own3 = records[2];
    own3.upstream_node_id.reset();
    std::vector<NodeProbe> probes{up(pg::RecoveryType::kPrimary, records[0]),
                                  up(pg::RecoveryType::kStandby, own2),
                                  up(pg::RecoveryType::kStandby, own3)};
    auto s2 = format_node_status(records, probes, 1);
    EXPECT_EQ(s2.upstream, "! node3");
    EXPECT_EQ(s2.warnings.front(),
              "node \"node2\" (ID: 2) reports a different upstream (reported: \"node3\", expected \"node1\")");
    auto s3 = format_node_status(records, probes, 2);
    EXPECT_EQ(s3.upstream, "!");
    EXPECT_EQ(s3.warnings.front(), "node \"node3\" (ID: 3) reports it has no upstream (expected: \"node1\")");
}

TEST_F(FormatNodeStatusTest, WitnessCells) {
    records.push_back(rec(4, NodeType::kWitness, 1));
    std::vector<NodeProbe> probes{up(pg::RecoveryType::kPrimary, records[0]), down(), down(),
                                  up(pg::RecoveryType::kPrimary, records[3])};
    auto w = format_node_status(records, probes, 3);
    EXPECT_EQ(w.status, "* running");
    EXPECT_EQ(w.upstream, "node1");
    probes[0] = down();
    EXPECT_EQ(format_node_status(records, probes, 3).upstream, "? node1");
}

TEST_F(FormatNodeStatusTest, PausedReplayWarning) {
    std::vector<NodeProbe> probes{up(pg::RecoveryType::kPrimary, records[0], {{"node2", "streaming"}}),
                                  up(pg::RecoveryType::kStandby, records[1]), down()};
    probes[1].replay_paused_with_wal_pending = true;
    auto s = format_node_status(records, probes, 1);
    ASSERT_EQ(s.warnings.size(), 1u);
    EXPECT_NE(s.warnings[0].find("WAL replay is paused on node \"node2\" (ID: 2)"), std::string::npos);
}

}  // namespace
}  // namespace repmgr::workflow
