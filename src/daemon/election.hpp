// The promotion-candidate election (repmgrd.md §6.3) as a pure function over what the
// node learned about itself and its siblings. Gathering that data (connections, queries)
// is failover.cpp's job; the rules live here so they can be unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/node_record.hpp"

namespace repmgr::daemon {

enum class ElectionResult { kWon, kLost, kNotCandidate, kCancelled, kRerun };

struct LogLine {
    log::Level level = log::Level::kInfo;
    bool detail = false;  // a DETAIL line after the previous message
    std::string text;
};

// What one sibling told us (only meaningful fields are read; see `reachable`).
struct SiblingState {
    metadata::NodeRecord record;
    bool reachable = false;
    bool repmgrd_running = true;
    bool replication_info = true;
    bool in_recovery = true;            // a witness reports false
    bool can_be_followed = false;       // not in recovery and our timeline can attach
    std::optional<int> upstream_node_id;    // from its shared memory
    std::optional<int> upstream_last_seen;  // seconds, from its shared memory
    bool replay_paused_with_pending_wal = false;
    std::uint64_t last_receive_lsn = 0;
};

struct ElectionInput {
    metadata::NodeRecord self;
    metadata::NodeRecord failed_primary;
    bool automatic_failover = true;
    std::uint64_t self_lsn = 0;
    int total_nodes = 0;  // every record
    int monitor_interval_secs = 2;
    bool primary_visibility_consensus = false;
    std::vector<SiblingState> siblings;  // active, same upstream, self excluded, by node_id
};

struct ElectionOutcome {
    ElectionResult result = ElectionResult::kNotCandidate;
    int candidate_id = -1;                // promotion candidate (kWon: self)
    std::optional<int> follow_primary;    // kCancelled because a sibling is already primary
    bool location_mismatch = false;       // not a candidate because of the location rule
    int visible_nodes = 0;
    int shared_upstream_nodes = 0;
    // Lines before the sibling checks, per sibling (after its "checking state" line) and after.
    std::vector<LogLine> head;
    std::vector<std::vector<LogLine>> per_sibling;
    std::vector<LogLine> tail;
    // true: the winner must still pass failover_validation_command (if configured).
    bool needs_validation = false;
};

// Steps 3-12 of do_election (the term and failover_delay are handled by the caller).
// `self.priority`, locations, LSNs, priorities and node ids decide as in repmgr 5.3:
// most advanced receive LSN, then highest priority, then lowest node id; priority <= 0
// never wins; the primary's location must be visible; more than half of the nodes sharing
// the upstream must be visible.
ElectionOutcome decide_election(const ElectionInput& in);

}  // namespace repmgr::daemon
