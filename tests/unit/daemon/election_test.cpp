#include "daemon/election.hpp"

#include <gtest/gtest.h>

namespace repmgr::daemon {
namespace {

using metadata::NodeRecord;
using metadata::NodeType;

NodeRecord node(int id, NodeType type = NodeType::kStandby, int priority = 100, std::string location = "default") {
    NodeRecord r;
    r.node_id = id;
    r.node_name = "node" + std::to_string(id);
    r.type = type;
    r.priority = priority;
    r.location = std::move(location);
    r.upstream_node_id = 1;
    return r;
}

SiblingState sibling(int id, std::uint64_t lsn, int priority = 100, int last_seen = 10) {
    SiblingState s;
    s.record = node(id, NodeType::kStandby, priority);
    s.reachable = true;
    s.upstream_node_id = 1;
    s.upstream_last_seen = last_seen;
    s.last_receive_lsn = lsn;
    return s;
}

ElectionInput base(int self_id = 2, std::uint64_t lsn = 100) {
    ElectionInput in;
    in.self = node(self_id);
    in.failed_primary = node(1, NodeType::kPrimary);
    in.self_lsn = lsn;
    in.total_nodes = 3;
    in.monitor_interval_secs = 1;
    return in;
}

bool has_line(const std::vector<LogLine>& lines, const std::string& text) {
    for (const auto& l : lines) {
        if (l.text == text) return true;
    }
    return false;
}

TEST(ElectionTest, MostAdvancedLsnWins) {
    ElectionInput in = base(2, 100);
    in.siblings = {sibling(3, 200)};
    auto o = decide_election(in);
    EXPECT_EQ(o.result, ElectionResult::kLost);
    EXPECT_EQ(o.candidate_id, 3);
    EXPECT_TRUE(has_line(o.per_sibling[0], "node \"node3\" (ID: 3) is ahead of current candidate \"node2\" (ID: 2)"));
}

TEST(ElectionTest, SameLsnHigherPriorityThenLowerNodeId) {
    ElectionInput in = base(3, 100);
    in.siblings = {sibling(2, 100)};
    auto tie = decide_election(in);
    EXPECT_EQ(tie.candidate_id, 2);  // same priority: lower node id
    EXPECT_TRUE(has_line(tie.per_sibling[0],
                         "node \"node2\" (ID: 2) has same priority but lower node_id than current candidate \"node3\" (ID: 3)"));
    in.self.priority = 150;
    auto prio = decide_election(in);
    EXPECT_EQ(prio.result, ElectionResult::kWon);
    EXPECT_EQ(prio.candidate_id, 3);
    EXPECT_TRUE(has_line(prio.per_sibling[0],
                         "node \"node2\" (ID: 2) has lower priority (100) than current candidate \"node3\" (ID: 3) (150)"));
}

TEST(ElectionTest, PriorityZeroNeverPromotes) {
    ElectionInput in = base(2, 500);
    in.self.priority = 0;
    EXPECT_EQ(decide_election(in).result, ElectionResult::kLost);
    ElectionInput other = base(2, 100);
    other.siblings = {sibling(3, 500, 0)};
    auto o = decide_election(other);
    EXPECT_EQ(o.result, ElectionResult::kWon);  // the more advanced node has priority 0
    EXPECT_TRUE(has_line(o.per_sibling[0], "node \"node3\" (ID: 3) has priority of 0, skipping"));
}

TEST(ElectionTest, LocationRuleAndNoSiblings) {
    ElectionInput in = base();
    EXPECT_EQ(decide_election(in).result, ElectionResult::kWon);
    in.self.location = "dc2";
    auto o = decide_election(in);
    EXPECT_EQ(o.result, ElectionResult::kNotCandidate);
    EXPECT_TRUE(o.location_mismatch);
    // With siblings, none of them in the primary's location visible: network split.
    in.siblings = {sibling(3, 100)};
    in.siblings[0].record.location = "dc2";
    auto split = decide_election(in);
    EXPECT_EQ(split.result, ElectionResult::kCancelled);
    EXPECT_TRUE(has_line(split.tail, "no nodes from the primary location \"default\" visible - assuming network split"));
}

TEST(ElectionTest, MajorityCountsTheWitness) {
    ElectionInput in = base();
    in.total_nodes = 4;
    SiblingState witness = sibling(4, 0);
    witness.record.type = NodeType::kWitness;
    witness.in_recovery = false;
    SiblingState unreachable = sibling(3, 0);
    unreachable.reachable = false;
    in.siblings = {unreachable, witness};
    auto o = decide_election(in);  // visible: self + witness = 2 of 3 > 1.5
    EXPECT_EQ(o.result, ElectionResult::kWon);
    EXPECT_EQ(o.visible_nodes, 2);
    EXPECT_EQ(o.shared_upstream_nodes, 3);
    in.siblings[1].reachable = false;  // alone: 1 of 3
    auto alone = decide_election(in);
    EXPECT_EQ(alone.result, ElectionResult::kCancelled);
    EXPECT_TRUE(has_line(alone.tail, "unable to reach a qualified majority of nodes"));
}

TEST(ElectionTest, PrimaryVisibilityConsensus) {
    ElectionInput in = base();
    in.siblings = {sibling(3, 100, 100, 1)};  // saw the primary 1 s ago (< 2 x 1 s)
    auto o = decide_election(in);
    EXPECT_EQ(o.result, ElectionResult::kWon);
    EXPECT_TRUE(has_line(o.tail, "1 nodes can see the primary"));
    in.primary_visibility_consensus = true;
    auto cancelled = decide_election(in);
    EXPECT_EQ(cancelled.result, ElectionResult::kCancelled);
    EXPECT_TRUE(has_line(cancelled.tail, "cancelling failover as some nodes can still see the primary"));
    in.siblings[0].upstream_last_seen = 2;  // outside the window
    EXPECT_EQ(decide_election(in).result, ElectionResult::kWon);
}

TEST(ElectionTest, RunningPrimaryAmongSiblingsIsFollowed) {
    ElectionInput in = base();
    SiblingState promoted = sibling(3, 100);
    promoted.in_recovery = false;
    promoted.can_be_followed = true;
    in.siblings = {promoted};
    auto o = decide_election(in);
    EXPECT_EQ(o.result, ElectionResult::kCancelled);
    EXPECT_EQ(o.follow_primary, 3);
}

TEST(ElectionTest, ManualFailoverIsNotACandidate) {
    ElectionInput in = base();
    in.automatic_failover = false;
    EXPECT_EQ(decide_election(in).result, ElectionResult::kNotCandidate);
}

}  // namespace
}  // namespace repmgr::daemon
