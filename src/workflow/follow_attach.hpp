// Whether a node can attach to a follow or rejoin target (repmgr's check_node_can_attach), as a
// pure decision over timelines and WAL positions, with the messages repmgr prints for each
// outcome. Gathering the facts (replication connections, pg_control) is follow_check.cpp's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "repmgr/common/error.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/pg/replication.hpp"

namespace repmgr::workflow {

enum class AttachMode { kFollow, kRejoin };

struct AttachFacts {
    AttachMode mode = AttachMode::kFollow;
    bool force_rewind = false;  // node rejoin --force-rewind
    int local_node_id = -1;
    int target_node_id = -1;
    int local_timeline = 0;
    // The position compared on the same timeline ("local node lsn is ..."): for a running
    // standby the greater of received and replayed, as repmgr; for a stopped node from pg_control.
    std::uint64_t local_lsn = 0;
    // The position compared against the target's fork point ("recovery point"): where the
    // node's recovery will stop with the WAL it has, which is what PostgreSQL's startup process
    // checks when it switches to the new timeline. WAL received beyond it but not replayable
    // (a partial last record from a crashed primary) does not prevent the switch; repmgr 5.3.3
    // compares the received position and refuses such a standby.
    std::uint64_t recovery_point = 0;
    int target_timeline = 0;
    std::uint64_t target_lsn = 0;
    // TIMELINE_HISTORY of target_timeline; used only when target_timeline > local_timeline.
    std::vector<pg::TimelineHistoryEntry> target_history;
};

enum class AttachVerdict {
    kAttach,  // may attach (node rejoin --force-rewind still runs pg_rewind)
    kRefuse,  // stop with exit code 23 (follow) / 24 (rejoin)
};

struct AttachMessage {
    log::Level level = log::Level::kInfo;
    std::string text;
    std::vector<ErrorNote> notes;
};

struct AttachDecision {
    AttachVerdict verdict = AttachVerdict::kAttach;
    // The line repmgr prints for this outcome, if any. For kRefuse it is an ERROR (or, for a
    // rejoin that needs --force-rewind, a NOTICE) that the caller turns into the exit.
    std::optional<AttachMessage> message;
};

// Where `local_timeline` ended in the target's history: the switchpoint and the timeline that
// forked off there. nullopt if the history does not contain `local_timeline`.
struct ForkPoint {
    int child_timeline = 0;
    std::uint64_t lsn = 0;
};
std::optional<ForkPoint> find_fork_point(const std::vector<pg::TimelineHistoryEntry>& history,
                                         int local_timeline, int target_timeline);

// The decision and its message (commands.md §8 step 8, §14 step 8). Pure.
AttachDecision decide_attach(const AttachFacts& facts);

}  // namespace repmgr::workflow
