// check_node_can_attach's decision (commands.md §8 step 8, §14 step 8). The message texts are
// repmgr's; only the position compared with the fork point differs (see AttachFacts).
#include "workflow/follow_attach.hpp"

#include <fmt/format.h>

namespace repmgr::workflow {
namespace {

using Kind = ErrorNote::Kind;

std::string_view word(AttachMode mode) { return mode == AttachMode::kFollow ? "follow" : "rejoin"; }

AttachDecision decision(AttachVerdict verdict, log::Level level, std::string text,
                        std::vector<ErrorNote> notes = {}) {
    return AttachDecision{verdict, AttachMessage{level, std::move(text), std::move(notes)}};
}

AttachDecision attach_silently() { return AttachDecision{AttachVerdict::kAttach, std::nullopt}; }

// node rejoin where only pg_rewind can help: a NOTICE, then exit 24 without --force-rewind.
AttachDecision rewind_required(const AttachFacts& f, std::vector<ErrorNote> notes) {
    return decision(f.force_rewind ? AttachVerdict::kAttach : AttachVerdict::kRefuse,
                    log::Level::kNotice,
                    fmt::format("pg_rewind execution required for this node to attach to rejoin "
                                "target node {}",
                                f.target_node_id),
                    std::move(notes));
}

AttachDecision local_timeline_ahead(const AttachFacts& f) {
    if (f.mode == AttachMode::kRejoin) {
        if (f.force_rewind) return attach_silently();
        return rewind_required(f, {{Kind::kHint, "provide --force-rewind"}});
    }
    return decision(
        AttachVerdict::kRefuse, log::Level::kError,
        "this node's timeline is ahead of the follow target node's timeline",
        {{Kind::kDetail, fmt::format("this node's timeline is {}, follow target node's "
                                     "timeline is {}",
                                     f.local_timeline, f.target_timeline)},
         {Kind::kHint, "use \"repmgr node rejoin --force-rewind\" to reattach this node"}});
}

AttachDecision same_timeline(const AttachFacts& f) {
    std::string detail =
        fmt::format("local node lsn is {}, {} target lsn is {}", pg::lsn_to_string(f.local_lsn),
                    word(f.mode), pg::lsn_to_string(f.target_lsn));
    if (f.local_lsn <= f.target_lsn) {
        return decision(AttachVerdict::kAttach, log::Level::kInfo,
                        "timelines are same, this server is not ahead",
                        {{Kind::kDetail, std::move(detail)}});
    }
    std::vector<ErrorNote> notes{{Kind::kDetail, std::move(detail)}};
    if (f.mode == AttachMode::kRejoin) {
        notes.push_back({Kind::kHint, "the --force-rewind option is ineffective in this case"});
    }
    return decision(AttachVerdict::kRefuse, log::Level::kError,
                    fmt::format("this node ahead of the {} target on the same timeline ({})",
                                word(f.mode), f.local_timeline),
                    std::move(notes));
}

// The target's timeline does not descend from ours at a point we have not passed.
AttachDecision diverged(const AttachFacts& f, std::string detail) {
    if (f.mode == AttachMode::kRejoin && f.force_rewind) {
        return rewind_required(f, {{Kind::kDetail, std::move(detail)}});
    }
    std::vector<ErrorNote> notes{{Kind::kDetail, std::move(detail)}};
    if (f.mode == AttachMode::kRejoin) {
        notes.push_back({Kind::kHint, "use --force-rewind to execute pg_rewind"});
    }
    return decision(
        AttachVerdict::kRefuse, log::Level::kError,
        fmt::format("this node cannot attach to {} target node {}", word(f.mode), f.target_node_id),
        std::move(notes));
}

AttachDecision target_timeline_ahead(const AttachFacts& f) {
    auto fork = find_fork_point(f.target_history, f.local_timeline, f.target_timeline);
    if (!fork) {
        // Not a case repmgr distinguishes (it reads the history of <local timeline + 1>); the
        // wording follows PostgreSQL's own "is not a child of" message.
        return diverged(f, fmt::format("{} target server's timeline {} is not a child of current "
                                       "database system timeline {}",
                                       word(f.mode), f.target_timeline, f.local_timeline));
    }
    if (f.recovery_point > fork->lsn) {
        return diverged(f, fmt::format("{} target server's timeline {} forked off current database "
                                       "system timeline {} before current recovery point {}",
                                       word(f.mode), fork->child_timeline, f.local_timeline,
                                       pg::lsn_to_string(f.recovery_point)));
    }
    if (f.mode == AttachMode::kRejoin && f.force_rewind) return attach_silently();
    return decision(
        AttachVerdict::kAttach, log::Level::kInfo,
        fmt::format("local node {} can attach to {} target node {}", f.local_node_id, word(f.mode),
                    f.target_node_id),
        {{Kind::kDetail,
          fmt::format("local node's recovery point: {}; {} target node's fork point: {}",
                      pg::lsn_to_string(f.recovery_point), word(f.mode),
                      pg::lsn_to_string(fork->lsn))}});
}

}  // namespace

std::optional<ForkPoint> find_fork_point(const std::vector<pg::TimelineHistoryEntry>& history,
                                         int local_timeline, int target_timeline) {
    for (size_t i = 0; i < history.size(); ++i) {
        if (history[i].timeline != local_timeline) continue;
        const int child = i + 1 < history.size() ? history[i + 1].timeline : target_timeline;
        return ForkPoint{child, history[i].switchpoint};
    }
    return std::nullopt;
}

AttachDecision decide_attach(const AttachFacts& facts) {
    if (facts.local_timeline > facts.target_timeline) return local_timeline_ahead(facts);
    if (facts.local_timeline == facts.target_timeline) return same_timeline(facts);
    return target_timeline_ahead(facts);
}

}  // namespace repmgr::workflow
