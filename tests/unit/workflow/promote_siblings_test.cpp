// standby promote's sibling handling through the Executor seam: which nodes are siblings, the
// SSH reachability check, and the remote `standby follow` commands (commands.md §7 steps 6, 13).
#include <gtest/gtest.h>

#include <set>

#include "workflow/standby_promote_steps.hpp"

namespace repmgr::workflow {
namespace {

using metadata::NodeRecord;
using metadata::NodeType;

NodeRecord node(int id, NodeType type, std::optional<int> upstream, bool active = true) {
    NodeRecord r;
    r.node_id = id;
    r.node_name = "node" + std::to_string(id);
    r.type = type;
    r.upstream_node_id = upstream;
    r.active = active;
    r.conninfo = "host=10.0.0." + std::to_string(id) + " port=5432 user=repmgr dbname=repmgr";
    r.config_file = "/etc/repmgr/node " + std::to_string(id) + ".conf";
    return r;
}

// Records what would run where; hosts in `down` are unreachable, commands on hosts in
// `failing` exit 1.
class FakeExecutor final : public remote::Executor {
  public:
    remote::RemoteResult run(const std::string& host, const std::string& command,
                             std::chrono::milliseconds) override {
        runs.push_back(host + ": " + command);
        remote::RemoteResult r;
        r.connected = !down.count(host);
        r.exit_status = failing.count(host) ? 1 : 0;
        if (!r.connected) r.error = "connection refused";
        return r;
    }
    bool can_connect(const std::string& host, std::chrono::milliseconds) override {
        return !down.count(host);
    }
    std::vector<std::string> runs;
    std::set<std::string> down;
    std::set<std::string> failing;
};

TEST(SiblingNodes, SameUpstreamActiveAndNotSelf) {
    std::vector<NodeRecord> all{node(1, NodeType::kPrimary, std::nullopt),
                                node(2, NodeType::kStandby, 1),
                                node(3, NodeType::kStandby, 1),
                                node(4, NodeType::kWitness, 1),
                                node(5, NodeType::kStandby, 1, false),
                                node(6, NodeType::kStandby, 3)};
    std::vector<int> ids;
    for (const auto& s : sibling_nodes(all, all[1])) ids.push_back(s.node_id);
    EXPECT_EQ(ids, (std::vector<int>{3, 4}));
    EXPECT_TRUE(sibling_nodes(all, all[0]).empty()) << "no upstream, no siblings";
}

TEST(CheckSiblings, UnreachableRefusedWithoutForce) {
    FakeExecutor ssh;
    ssh.down = {"10.0.0.3"};
    std::vector<NodeRecord> siblings{node(3, NodeType::kStandby, 1),
                                     node(4, NodeType::kStandby, 1)};
    StandbyPromoteOptions options;
    options.siblings_follow = true;
    try {
        check_siblings(options, &ssh, siblings);
        FAIL() << "expected an Error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ExitCode::kBadConfig);
        EXPECT_STREQ(e.what(), "1 of 2 sibling nodes unreachable via SSH:");
        ASSERT_EQ(e.notes().size(), 2u);
        EXPECT_EQ(e.notes()[0].text, "  node3 (ID: 3)");
        EXPECT_EQ(e.notes()[1].text, "use -F/--force to proceed in any case");
    }
    options.force = true;
    auto reachable = check_siblings(options, &ssh, siblings);
    ASSERT_EQ(reachable.size(), 1u);
    EXPECT_EQ(reachable[0].node_id, 4);
    EXPECT_TRUE(ssh.runs.empty()) << "the check runs nothing";
}

TEST(CheckSiblings, WithoutSiblingsFollowNothingIsFollowed) {
    FakeExecutor ssh;
    StandbyPromoteOptions options;
    EXPECT_TRUE(check_siblings(options, &ssh, {node(3, NodeType::kStandby, 1)}).empty());
}

TEST(FollowSiblings, RunsStandbyFollowWithTheSiblingsConfigFile) {
    FakeExecutor ssh;
    ssh.failing = {"10.0.0.4"};
    config::Config cfg;
    cfg.pg_bindir = "/usr/lib/postgresql/15/bin";
    std::vector<NodeRecord> reachable{node(3, NodeType::kStandby, 1),
                                      node(4, NodeType::kStandby, 1)};
    const int failures =
        follow_siblings(cfg, ssh, reachable, 3, node(2, NodeType::kPrimary, std::nullopt), "DEBUG");
    EXPECT_EQ(failures, 1);
    EXPECT_EQ(
        ssh.runs,
        (std::vector<std::string>{
            "10.0.0.3: '/usr/lib/postgresql/15/bin/repmgr' -f '/etc/repmgr/node 3.conf' -L 'DEBUG' "
            "standby follow 2>/dev/null",
            "10.0.0.4: '/usr/lib/postgresql/15/bin/repmgr' -f '/etc/repmgr/node 4.conf' -L 'DEBUG' "
            "standby follow 2>/dev/null"}));
}

}  // namespace
}  // namespace repmgr::workflow
