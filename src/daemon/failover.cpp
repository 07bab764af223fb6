#include "daemon/failover.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "daemon/checks.hpp"
#include "daemon/disconnect.hpp"
#include "daemon/election.hpp"
#include "daemon/monitor.hpp"
#include "daemon/promotion_guard.hpp"
#include "daemon/signals.hpp"
#include "daemon/siblings.hpp"
#include "repmgr/common/process.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"

namespace repmgr::daemon {
namespace {

using metadata::NodeRecord;

enum class Step { kElect, kPromote, kAwait, kFollow, kDone };

struct Run {
    DaemonState& st;
    const NodeRecord& failed;
    std::vector<Sibling> siblings;
    std::optional<int> new_primary;
    FailoverResult result = FailoverResult::kDegraded;
};

void notify_siblings(Run& run, int target) {
    log::info("{} followers to notify", run.siblings.size());
    for (auto& s : run.siblings) {
        if (!s.conn || !s.conn->is_ok()) {
            log::info("reconnecting to node \"{}\" (ID: {})...", s.record.node_name, s.record.node_id);
            auto c = db::Connection::try_connect(db::ConnInfo::parse(s.record.conninfo));
            if (!c.ok()) {
                log::warning("unable to reconnect to \"{}\" (ID: {})", s.record.node_name, s.record.node_id);
                log::detail("\n{}", c.error().libpq_message());
                continue;
            }
            s.conn = std::move(c).take();
        }
        if (target == -2) {
            log::notice("notifying node \"{}\" (ID: {}) to rerun promotion candidate selection", s.record.node_name,
                        s.record.node_id);
        } else {
            log::notice("notifying node \"{}\" (ID: {}) to follow node {}", s.record.node_name, s.record.node_id, target);
        }
        try {
            metadata::notify_follow_primary(*s.conn, target);
        } catch (const db::DbQueryError& e) {
            log::warning("unable to notify node {}: {}", s.record.node_id, e.what());
        }
    }
}

Step elect(Run& run) {
    DaemonState& st = run.st;
    if (st.cfg.failover_delay.count() > 0) interruptible_sleep(st.cfg.failover_delay);
    ElectionInput in;
    in.self = st.record;
    in.failed_primary = run.failed;
    in.automatic_failover = st.cfg.failover == config::FailoverMode::kAutomatic;
    in.monitor_interval_secs = static_cast<int>(st.cfg.monitor_interval_secs.count());
    in.primary_visibility_consensus = st.cfg.primary_visibility_consensus;
    try {
        metadata::get_voting_term(*st.local);
    } catch (const db::DbQueryError&) {
        log::error("unable to determine electoral term");
        return Step::kAwait;
    }
    ElectionOutcome outcome;
    gather_and_elect(st, run.failed, in, run.siblings, outcome);
    if (outcome.result == ElectionResult::kCancelled) {
        if (outcome.follow_primary) {
            log::info("follower node intending to follow new primary {}", *outcome.follow_primary);
            run.new_primary = outcome.follow_primary;
            return Step::kFollow;
        }
        log::notice("election cancelled");
        run.result = FailoverResult::kDegraded;
        return Step::kDone;
    }
    if (outcome.result == ElectionResult::kWon) {
        if (outcome.needs_validation && !validate_failover(st, outcome, in)) {
            log::notice("promotion candidate election will be rerun");
            notify_siblings(run, -2);
            run.result = FailoverResult::kRerun;
            return Step::kDone;
        }
        if (run.siblings.empty()) {
            log::notice("this node is the only available candidate and will now promote itself");
        } else {
            log::notice("this node is the winner, will now promote itself and inform other nodes");
        }
        return Step::kPromote;
    }
    if (outcome.location_mismatch) {
        log::notice("this node's location (\"{}\") is not the primary node location (\"{}\"), so node cannot be promoted",
                    st.record.location, run.failed.location);
    }
    log::info("follower node awaiting notification from a candidate node");
    return Step::kAwait;
}

Step promote(Run& run) {
    DaemonState& st = run.st;
    if (auto other = find_running_primary(st, run.failed)) {
        // Ours: repmgr would promote this node as well and leave two primaries.
        log::notice("node \"{}\" (ID: {}) is already running as primary, not promoting this node",
                    other->node_name, other->node_id);
        log::detail("this node will follow node \"{}\" (ID: {}) instead", other->node_name, other->node_id);
        run.new_primary = other->node_id;
        return Step::kFollow;
    }
    if (promote_self(st, run.failed, run.result)) {
        notify_siblings(run, st.record.node_id);
        log::info("switching to primary monitoring mode");
        st.record.type = metadata::NodeType::kPrimary;
        st.record.upstream_node_id.reset();
    } else if (run.result == FailoverResult::kPrimaryReappeared) {
        notify_siblings(run, run.failed.node_id);
        log::info("resuming standby monitoring mode");
        log::detail("original primary \"{}\" (ID: {}) reappeared", run.failed.node_name, run.failed.node_id);
    }
    return Step::kDone;
}

Step await_notification(Run& run) {
    DaemonState& st = run.st;
    const auto deadline = Clock::now() + st.cfg.primary_notification_timeout;
    while (true) {
        std::optional<int> np;
        if (st.local_ok()) {
            try {
                np = metadata::get_new_primary(*st.local);
            } catch (const db::DbQueryError&) {
            }
        }
        if (np && *np != -1) {
            if (*np == -2) {
                log::notice("received notification from promotion candidate to rerun election");
                run.result = FailoverResult::kRerun;
                return Step::kDone;
            }
            if (*np == run.failed.node_id) {
                log::info("following original primary");
                run.result = FailoverResult::kPrimaryReappeared;
                return Step::kDone;
            }
            if (*np == st.record.node_id) {
                log::notice("this node is promotion candidate, promoting");
                return Step::kPromote;
            }
            run.new_primary = *np;
            return Step::kFollow;
        }
        if (Clock::now() >= deadline || stop_requested() != StopSignal::kNone) break;
        // repmgr polls once per second; polling more often only shortens the failover.
        interruptible_sleep(std::chrono::milliseconds(100));
    }
    log::warning("no notification received from new primary after {} seconds",
                 st.cfg.primary_notification_timeout.count());
    run.result = FailoverResult::kDegraded;
    return Step::kDone;
}

Step follow(Run& run) {
    DaemonState& st = run.st;
    if (st.cfg.failover == config::FailoverMode::kManual) {
        manual_disconnect_event(st, *run.new_primary);
        log::info("automatic failover disabled for this node, manual intervention required");
        run.result = FailoverResult::kDegraded;
        return Step::kDone;
    }
    run.result = follow_new_primary(st, *run.new_primary, run.failed);
    if (run.result == FailoverResult::kFollowed) {
        log::info("resuming standby monitoring mode");
        log::detail("following new primary \"{}\" (ID: {})", new_primary_name(st, *run.new_primary), *run.new_primary);
    }
    return Step::kDone;
}

FailoverResult run_machine(Run& run, Step step) {
    while (step != Step::kDone) {
        switch (step) {
            case Step::kElect: step = elect(run); break;
            case Step::kPromote: step = promote(run); break;
            case Step::kAwait: step = await_notification(run); break;
            case Step::kFollow: step = follow(run); break;
            case Step::kDone: break;
        }
    }
    return run.result;
}

}  // namespace

std::string expand_follow_command(const std::string& command, int new_primary_id) {
    std::string out;
    for (size_t i = 0; i < command.size(); ++i) {
        if (command[i] == '%' && i + 1 < command.size()) {
            if (command[i + 1] == 'n') {
                out += std::to_string(new_primary_id);
                ++i;
                continue;
            }
            if (command[i + 1] == '%') {
                out += '%';
                ++i;
                continue;
            }
        }
        out += command[i];
    }
    return out;
}

FailoverResult do_primary_failover(DaemonState& st, const NodeRecord& failed_primary) {
    Run run{st, failed_primary, {}, std::nullopt, FailoverResult::kDegraded};
    WalReceiverPause receivers;
    if (st.cfg.standby_disconnect_on_failover && st.local_ok()) {
        std::vector<NodeRecord> siblings;
        for (const auto& r : metadata::get_all_node_records(*st.local)) {
            if (r.active && r.node_id != st.record.node_id && r.upstream_node_id == failed_primary.node_id) {
                siblings.push_back(r);
            }
        }
        receivers.disconnect(st, siblings);
    }
    FailoverResult r = run_machine(run, Step::kElect);
    // A node that promoted itself has no receiver any more; one that follows gets the
    // setting back with the new upstream.
    receivers.restore(st);
    if (r == FailoverResult::kRerun) {
        log::notice("rerunning election after {} seconds (\"election_rerun_interval\")",
                    st.cfg.election_rerun_interval.count());
        interruptible_sleep(st.cfg.election_rerun_interval);
        log::info("election rerun will now commence");
    }
    return r;
}

FailoverResult follow_notified_primary(DaemonState& st, const NodeRecord& failed_primary, int new_primary) {
    Run run{st, failed_primary, {}, new_primary, FailoverResult::kDegraded};
    if (new_primary == failed_primary.node_id) return FailoverResult::kPrimaryReappeared;
    if (new_primary == st.record.node_id) return run_machine(run, Step::kPromote);
    return run_machine(run, Step::kFollow);
}

}  // namespace repmgr::daemon
