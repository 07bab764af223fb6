// The pure part of check_node_can_attach: every outcome and its message (commands.md §8 step 8,
// §14 step 8), and the partial-record case where we deliberately differ from repmgr 5.3.3.
#include <gtest/gtest.h>

#include "workflow/follow_attach.hpp"

namespace repmgr::workflow {
namespace {

using pg::TimelineHistoryEntry;

constexpr std::uint64_t lsn(std::uint32_t hi, std::uint32_t lo) {
    return (static_cast<std::uint64_t>(hi) << 32) | lo;
}

AttachFacts facts(AttachMode mode, int local_tli, std::uint64_t local, int target_tli,
                  std::uint64_t target, std::vector<TimelineHistoryEntry> history = {}) {
    AttachFacts f;
    f.mode = mode;
    f.local_node_id = 3;
    f.target_node_id = 2;
    f.local_timeline = local_tli;
    f.local_lsn = local;
    f.recovery_point = local;
    f.target_timeline = target_tli;
    f.target_lsn = target;
    f.target_history = std::move(history);
    return f;
}

std::string notes_text(const AttachDecision& d) {
    std::string out;
    for (const auto& n : d.message->notes) {
        out += (n.kind == ErrorNote::Kind::kDetail ? "DETAIL: " : "HINT: ") + n.text + "\n";
    }
    return out;
}

TEST(FindForkPoint, FindsTheLocalTimelineAndItsChild) {
    std::vector<TimelineHistoryEntry> h{{1, lsn(0, 0x5000100)}, {2, lsn(0, 0x6000000)}};
    auto f1 = find_fork_point(h, 1, 3);
    ASSERT_TRUE(f1);
    EXPECT_EQ(f1->child_timeline, 2);
    EXPECT_EQ(f1->lsn, lsn(0, 0x5000100));
    auto f2 = find_fork_point(h, 2, 3);
    ASSERT_TRUE(f2);
    EXPECT_EQ(f2->child_timeline, 3);
    EXPECT_EQ(f2->lsn, lsn(0, 0x6000000));
    EXPECT_FALSE(find_fork_point(h, 4, 5));
    EXPECT_FALSE(find_fork_point({}, 1, 2));
}

TEST(DecideAttach, FollowSameTimelineNotAhead) {
    auto d = decide_attach(facts(AttachMode::kFollow, 1, lsn(0, 0x5000F30), 1, lsn(0, 0x5000F30)));
    EXPECT_EQ(d.verdict, AttachVerdict::kAttach);
    ASSERT_TRUE(d.message);
    EXPECT_EQ(d.message->level, log::Level::kInfo);
    EXPECT_EQ(d.message->text, "timelines are same, this server is not ahead");
    EXPECT_EQ(notes_text(d),
              "DETAIL: local node lsn is 0/5000F30, follow target lsn is 0/5000F30\n");
}

TEST(DecideAttach, FollowSameTimelineAhead) {
    auto d = decide_attach(facts(AttachMode::kFollow, 1, lsn(0, 0x5018588), 1, lsn(0, 0x5000548)));
    EXPECT_EQ(d.verdict, AttachVerdict::kRefuse);
    EXPECT_EQ(d.message->level, log::Level::kError);
    EXPECT_EQ(d.message->text, "this node ahead of the follow target on the same timeline (1)");
    EXPECT_EQ(notes_text(d),
              "DETAIL: local node lsn is 0/5018588, follow target lsn is 0/5000548\n");
}

TEST(DecideAttach, RejoinSameTimelineAheadHintsThatRewindCannotHelp) {
    for (bool force : {false, true}) {
        auto f = facts(AttachMode::kRejoin, 1, lsn(0, 0x5018588), 1, lsn(0, 0x5000548));
        f.force_rewind = force;
        auto d = decide_attach(f);
        EXPECT_EQ(d.verdict, AttachVerdict::kRefuse);
        EXPECT_EQ(d.message->text, "this node ahead of the rejoin target on the same timeline (1)");
        EXPECT_EQ(notes_text(d),
                  "DETAIL: local node lsn is 0/5018588, rejoin target lsn is 0/5000548\n"
                  "HINT: the --force-rewind option is ineffective in this case\n");
    }
}

TEST(DecideAttach, RejoinSameTimelineNotAheadAlsoWithForceRewind) {
    auto f = facts(AttachMode::kRejoin, 1, lsn(0, 0x50011E8), 1, lsn(0, 0x5001298));
    f.force_rewind = true;
    auto d = decide_attach(f);
    EXPECT_EQ(d.verdict, AttachVerdict::kAttach);
    EXPECT_EQ(d.message->text, "timelines are same, this server is not ahead");
    EXPECT_EQ(notes_text(d),
              "DETAIL: local node lsn is 0/50011E8, rejoin target lsn is 0/5001298\n");
}

TEST(DecideAttach, FollowLocalTimelineAhead) {
    auto d = decide_attach(facts(AttachMode::kFollow, 2, lsn(0, 0x6000000), 1, lsn(0, 0x7000000)));
    EXPECT_EQ(d.verdict, AttachVerdict::kRefuse);
    EXPECT_EQ(d.message->level, log::Level::kError);
    EXPECT_EQ(d.message->text,
              "this node's timeline is ahead of the follow target node's timeline");
    EXPECT_EQ(notes_text(d),
              "DETAIL: this node's timeline is 2, follow target node's timeline is 1\n"
              "HINT: use \"repmgr node rejoin --force-rewind\" to reattach this node\n");
}

TEST(DecideAttach, RejoinLocalTimelineAheadNeedsForceRewind) {
    auto f = facts(AttachMode::kRejoin, 2, lsn(0, 0x6000000), 1, lsn(0, 0x7000000));
    auto d = decide_attach(f);
    EXPECT_EQ(d.verdict, AttachVerdict::kRefuse);
    EXPECT_EQ(d.message->level, log::Level::kNotice);
    EXPECT_EQ(d.message->text,
              "pg_rewind execution required for this node to attach to rejoin target node 2");
    EXPECT_EQ(notes_text(d), "HINT: provide --force-rewind\n");

    f.force_rewind = true;
    d = decide_attach(f);
    EXPECT_EQ(d.verdict, AttachVerdict::kAttach);
    EXPECT_FALSE(d.message);
}

TEST(DecideAttach, FollowCanAttachAtTheForkPoint) {
    auto d = decide_attach(facts(AttachMode::kFollow, 1, lsn(0, 0x50005D8), 2, lsn(0, 0x5000700),
                                 {{1, lsn(0, 0x50005D8)}}));
    EXPECT_EQ(d.verdict, AttachVerdict::kAttach);
    EXPECT_EQ(d.message->level, log::Level::kInfo);
    EXPECT_EQ(d.message->text, "local node 3 can attach to follow target node 2");
    EXPECT_EQ(notes_text(d),
              "DETAIL: local node's recovery point: 0/50005D8; follow target node's fork point: "
              "0/50005D8\n");
}

TEST(DecideAttach, FollowRefusedPastTheForkPoint) {
    auto d = decide_attach(facts(AttachMode::kFollow, 1, lsn(0, 0x50185F0), 2, lsn(0, 0x5020000),
                                 {{1, lsn(0, 0x5018588)}}));
    EXPECT_EQ(d.verdict, AttachVerdict::kRefuse);
    EXPECT_EQ(d.message->level, log::Level::kError);
    EXPECT_EQ(d.message->text, "this node cannot attach to follow target node 2");
    EXPECT_EQ(notes_text(d),
              "DETAIL: follow target server's timeline 2 forked off current database system "
              "timeline 1 before current recovery point 0/50185F0\n");
}

// A standby that received the first part of a record the crashed primary never completed:
// received 0/55EC000 (a page boundary), replayed 0/55EBAB8, the promoted sibling's timeline 2
// forks at 0/55EBAB8. repmgr 5.3.3 compares the received position and refuses; PostgreSQL
// only needs the replayed one, so we attach and print the replayed position.
TEST(DecideAttach, FollowPartialLastRecordUsesTheRecoveryPoint) {
    auto f = facts(AttachMode::kFollow, 1, lsn(0, 0x55EC000), 2, lsn(0, 0x55EC100),
                   {{1, lsn(0, 0x55EBAB8)}});
    f.recovery_point = lsn(0, 0x55EBAB8);
    auto d = decide_attach(f);
    EXPECT_EQ(d.verdict, AttachVerdict::kAttach);
    EXPECT_EQ(d.message->text, "local node 3 can attach to follow target node 2");
    EXPECT_EQ(notes_text(d),
              "DETAIL: local node's recovery point: 0/55EBAB8; follow target node's fork point: "
              "0/55EBAB8\n");

    f.recovery_point = lsn(0, 0x55EC000);  // what repmgr 5.3.3 compares
    EXPECT_EQ(decide_attach(f).verdict, AttachVerdict::kRefuse);
}

TEST(DecideAttach, RejoinPastTheForkPoint) {
    auto f = facts(AttachMode::kRejoin, 1, lsn(0, 0x502D168), 2, lsn(0, 0x5030000),
                   {{1, lsn(0, 0x50005C0)}});
    auto d = decide_attach(f);
    EXPECT_EQ(d.verdict, AttachVerdict::kRefuse);
    EXPECT_EQ(d.message->level, log::Level::kError);
    EXPECT_EQ(d.message->text, "this node cannot attach to rejoin target node 2");
    EXPECT_EQ(notes_text(d),
              "DETAIL: rejoin target server's timeline 2 forked off current database system "
              "timeline 1 before current recovery point 0/502D168\n"
              "HINT: use --force-rewind to execute pg_rewind\n");

    f.force_rewind = true;
    d = decide_attach(f);
    EXPECT_EQ(d.verdict, AttachVerdict::kAttach);
    EXPECT_EQ(d.message->level, log::Level::kNotice);
    EXPECT_EQ(d.message->text,
              "pg_rewind execution required for this node to attach to rejoin target node 2");
    EXPECT_EQ(notes_text(d),
              "DETAIL: rejoin target server's timeline 2 forked off current database system "
              "timeline 1 before current recovery point 0/502D168\n");
}

TEST(DecideAttach, RejoinCanAttachIsSilentWithForceRewind) {
    auto f = facts(AttachMode::kRejoin, 1, lsn(0, 0x5000548), 2, lsn(0, 0x5000700),
                   {{1, lsn(0, 0x50005C0)}});
    auto d = decide_attach(f);
    EXPECT_EQ(d.verdict, AttachVerdict::kAttach);
    EXPECT_EQ(d.message->text, "local node 3 can attach to rejoin target node 2");
    EXPECT_EQ(notes_text(d),
              "DETAIL: local node's recovery point: 0/5000548; rejoin target node's fork point: "
              "0/50005C0\n");
    f.force_rewind = true;
    d = decide_attach(f);
    EXPECT_EQ(d.verdict, AttachVerdict::kAttach);
    EXPECT_FALSE(d.message);
}

TEST(DecideAttach, TwoTimelinesAheadUsesTheRightForkPoint) {
    // Target on timeline 3 whose history is 1 → 2 at 0/5000100, 2 → 3 at 0/6000000.
    std::vector<TimelineHistoryEntry> h{{1, lsn(0, 0x5000100)}, {2, lsn(0, 0x6000000)}};
    auto ok =
        decide_attach(facts(AttachMode::kFollow, 2, lsn(0, 0x5FFFF00), 3, lsn(0, 0x6000100), h));
    EXPECT_EQ(ok.verdict, AttachVerdict::kAttach);
    auto refused =
        decide_attach(facts(AttachMode::kFollow, 1, lsn(0, 0x5000200), 3, lsn(0, 0x6000100), h));
    EXPECT_EQ(refused.verdict, AttachVerdict::kRefuse);
    EXPECT_EQ(notes_text(refused),
              "DETAIL: follow target server's timeline 2 forked off current database system "
              "timeline 1 before current recovery point 0/5000200\n");
}

TEST(DecideAttach, TargetTimelineNotDescendedFromOurs) {
    auto d = decide_attach(facts(AttachMode::kFollow, 2, lsn(0, 0x5000000), 3, lsn(0, 0x6000000),
                                 {{1, lsn(0, 0x4000000)}}));
    EXPECT_EQ(d.verdict, AttachVerdict::kRefuse);
    EXPECT_EQ(d.message->text, "this node cannot attach to follow target node 2");
    EXPECT_EQ(notes_text(d),
              "DETAIL: follow target server's timeline 3 is not a child of current database "
              "system timeline 2\n");
}

}  // namespace
}  // namespace repmgr::workflow
