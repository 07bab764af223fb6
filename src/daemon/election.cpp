#include "daemon/election.hpp"

#include <fmt/format.h>

#include "repmgr/pg/replication.hpp"

namespace repmgr::daemon {
namespace {

using metadata::NodeRecord;
using metadata::NodeType;

std::string nl(const NodeRecord& r) { return fmt::format("node \"{}\" (ID: {})", r.node_name, r.node_id); }

struct Candidate {
    const NodeRecord* record;
    std::uint64_t lsn;
};

// Candidate comparison for one sibling; returns true if it becomes the candidate.
bool compare(const SiblingState& s, Candidate& cand, std::vector<LogLine>& out) {
    const NodeRecord& r = s.record;
    auto info = [&](std::string t) { out.push_back({log::Level::kInfo, false, std::move(t)}); };
    info(fmt::format("last receive LSN for sibling {} is: {}", nl(r), pg::lsn_to_string(s.last_receive_lsn)));
    const std::string current = fmt::format("current candidate \"{}\" (ID: {})", cand.record->node_name,
                                            cand.record->node_id);
    if (s.last_receive_lsn > cand.lsn) {
        info(fmt::format("{} is ahead of {}", nl(r), current));
        cand = {&r, s.last_receive_lsn};
        return true;
    }
    if (s.last_receive_lsn < cand.lsn) return false;
    info(fmt::format("{} has same LSN as {}", nl(r), current));
    if (r.priority > cand.record->priority) {
        info(fmt::format("{} has higher priority ({}) than {} ({})", nl(r), r.priority, current,
                         cand.record->priority));
        cand = {&r, s.last_receive_lsn};
        return true;
    }
    if (r.priority == cand.record->priority) {
        if (r.node_id < cand.record->node_id) {
            info(fmt::format("{} has same priority but lower node_id than {}", nl(r), current));
            cand = {&r, s.last_receive_lsn};
            return true;
        }
        return false;
    }
    info(fmt::format("{} has lower priority ({}) than {} ({})", nl(r), r.priority, current,
                     cand.record->priority));
    return false;
}

}  // namespace

ElectionOutcome decide_election(const ElectionInput& in) {
    ElectionOutcome o;
    auto head = [&](log::Level l, std::string t, bool detail = false) { o.head.push_back({l, detail, std::move(t)}); };
    auto tail = [&](log::Level l, std::string t, bool detail = false) { o.tail.push_back({l, detail, std::move(t)}); };
    const NodeRecord& self = in.self;
    const NodeRecord& primary = in.failed_primary;
    o.per_sibling.resize(in.siblings.size());

    if (!in.automatic_failover) {
        head(log::Level::kNotice, "this node is not configured for automatic failover so will not be considered "
                                  "as promotion candidate, and will not follow the new primary");
        head(log::Level::kInfo, "\"failover\" is set to \"manual\" in repmgr.conf", true);
        o.result = ElectionResult::kNotCandidate;
        return o;
    }
    if (self.priority <= 0) {
        head(log::Level::kNotice, fmt::format("this node's priority is {} so will not be considered as an "
                                              "automatic promotion candidate", self.priority));
        o.result = ElectionResult::kLost;
        return o;
    }
    head(log::Level::kInfo, fmt::format("{} active sibling nodes registered", in.siblings.size()));
    head(log::Level::kInfo, fmt::format("{} total nodes registered", in.total_nodes));
    const bool same_location = primary.location == self.location;
    if (same_location) {
        head(log::Level::kInfo, fmt::format("primary node  \"{}\" (ID: {}) and this node have the same location (\"{}\")",
                                            primary.node_name, primary.node_id, self.location));
    } else {
        head(log::Level::kInfo, fmt::format("primary node \"{}\" (ID: {}) has location \"{}\", this node's location is \"{}\"",
                                            primary.node_name, primary.node_id, primary.location, self.location));
    }
    o.visible_nodes = 1;
    o.shared_upstream_nodes = static_cast<int>(in.siblings.size()) + 1;
    if (in.siblings.empty()) {
        if (!same_location) {
            o.location_mismatch = true;
            o.result = ElectionResult::kNotCandidate;
            return o;
        }
        tail(log::Level::kInfo, "no other sibling nodes - we win by default");
        o.result = ElectionResult::kWon;
        o.candidate_id = self.node_id;
        o.needs_validation = true;
        return o;
    }
    head(log::Level::kInfo, fmt::format("local node's last receive lsn: {}", pg::lsn_to_string(in.self_lsn)));

    bool location_seen = same_location;
    Candidate cand{&self, in.self_lsn};
    std::vector<std::string> still_seen;
    const int window = 2 * in.monitor_interval_secs;
    for (size_t i = 0; i < in.siblings.size(); ++i) {
        const SiblingState& s = in.siblings[i];
        const NodeRecord& r = s.record;
        auto& out = o.per_sibling[i];
        auto line = [&](log::Level l, std::string t) { out.push_back({l, false, std::move(t)}); };
        if (!s.reachable) continue;
        ++o.visible_nodes;
        if (r.location == primary.location) location_seen = true;
        if (!s.repmgrd_running) {
            line(log::Level::kWarning, fmt::format("repmgrd not running on {}, skipping", nl(r)));
            continue;
        }
        if (!s.replication_info) {
            line(log::Level::kWarning, fmt::format("unable to retrieve replication information for {}, skipping", nl(r)));
            continue;
        }
        if (!s.in_recovery && r.type != NodeType::kWitness) {
            line(log::Level::kWarning, fmt::format("{} is not in recovery", nl(r)));
            if (s.upstream_node_id && *s.upstream_node_id >= 0) {
                line(log::Level::kWarning, fmt::format("{} still reports its upstream is node {}, last seen {} second(s) ago",
                                                       nl(r), *s.upstream_node_id, s.upstream_last_seen.value_or(-1)));
            }
            if (s.can_be_followed) {
                o.result = ElectionResult::kCancelled;
                o.follow_primary = r.node_id;
                return o;
            }
            line(log::Level::kWarning, fmt::format("not possible to attach to {}, ignoring", nl(r)));
            continue;
        }
        line(log::Level::kInfo, fmt::format("{} reports its upstream is node {}, last seen {} second(s) ago", nl(r),
                                            s.upstream_node_id.value_or(-1), s.upstream_last_seen.value_or(-1)));
        if (s.replay_paused_with_pending_wal) {
            line(log::Level::kWarning, fmt::format("WAL replay on {} is paused and WAL is pending replay", nl(r)));
        }
        const std::string kind = r.type == NodeType::kWitness ? "witness" : "standby";
        const int seen = s.upstream_last_seen.value_or(-1);
        if (seen >= 0 && seen < window) {
            if (s.upstream_node_id && *s.upstream_node_id != primary.node_id) {
                line(log::Level::kWarning, fmt::format("assumed sibling {} monitoring different upstream node {}",
                                                       nl(r), *s.upstream_node_id));
            } else {
                still_seen.push_back(fmt::format(" - node \"{}\" (ID: {}): {} second(s) ago\n", r.node_name, r.node_id, seen));
                line(log::Level::kNotice, fmt::format("{} node \"{}\" (ID: {}) last saw primary node {} second(s) ago, "
                                                      "considering primary still visible",
                                                      kind, r.node_name, r.node_id, seen));
            }
        } else {
            line(log::Level::kInfo, fmt::format("{} node \"{}\" (ID: {}) last saw primary node {} second(s) ago", kind,
                                                r.node_name, r.node_id, seen));
        }
        if (r.type == NodeType::kWitness) continue;
        if (r.priority <= 0) {
            line(log::Level::kInfo, fmt::format("{} has priority of {}, skipping", nl(r), r.priority));
            continue;
        }
        compare(s, cand, out);
    }

    if (!location_seen) {
        tail(log::Level::kNotice, fmt::format("no nodes from the primary location \"{}\" visible - assuming network split",
                                              primary.location));
        tail(log::Level::kInfo, "node will enter degraded monitoring state waiting for reconnect", true);
        o.result = ElectionResult::kCancelled;
        return o;
    }
    if (!still_seen.empty()) {
        tail(log::Level::kInfo, fmt::format("{} nodes can see the primary", still_seen.size()));
        std::string detail = "following nodes can see the primary:\n";
        for (const auto& s : still_seen) detail += s;
        tail(log::Level::kInfo, detail, true);
        if (in.primary_visibility_consensus) {
            tail(log::Level::kNotice, "cancelling failover as some nodes can still see the primary");
            o.result = ElectionResult::kCancelled;
            return o;
        }
    }
    tail(log::Level::kInfo, fmt::format("visible nodes: {}; total nodes: {}; no nodes have seen the primary within the "
                                        "last {} seconds",
                                        o.visible_nodes, o.shared_upstream_nodes, window));
    if (o.visible_nodes <= o.shared_upstream_nodes / 2.0) {
        tail(log::Level::kNotice, "unable to reach a qualified majority of nodes");
        tail(log::Level::kInfo, "node will enter degraded monitoring state waiting for reconnect", true);
        o.result = ElectionResult::kCancelled;
        return o;
    }
    tail(log::Level::kNotice, fmt::format("promotion candidate is \"{}\" (ID: {})", cand.record->node_name,
                                          cand.record->node_id));
    o.candidate_id = cand.record->node_id;
    if (cand.record->node_id == self.node_id) {
        o.result = ElectionResult::kWon;
        o.needs_validation = true;
    } else {
        o.result = ElectionResult::kLost;
    }
    return o;
}

}  // namespace repmgr::daemon
