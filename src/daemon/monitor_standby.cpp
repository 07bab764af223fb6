// Monitoring of a standby (repmgrd.md §5.4): its upstream, failover when the primary is
// gone (failover.cpp), degraded monitoring, the local server, monitoring history.
#include <fmt/format.h>

#include "daemon/checks.hpp"
#include "daemon/failover.hpp"
#include "daemon/history.hpp"
#include "daemon/monitor.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"

namespace repmgr::daemon {
namespace {

using metadata::NodeRecord;
using metadata::NodeType;

struct StandbyWatch {
    NodeRecord upstream;
    std::optional<db::Connection> upstream_conn;
    std::optional<db::Connection> primary_conn;
    bool degraded = false;
    Clock::time_point degraded_since = Clock::now();
    bool local_lost = false;
    Clock::time_point local_lost_at = Clock::now();
};

std::string node_label(const NodeRecord& r) { return fmt::format("node \"{}\" (ID: {})", r.node_name, r.node_id); }

// §5.4 step 1: the upstream and (for a cascaded standby) the primary must be reachable.
StandbyWatch start_watch(DaemonState& st) {
    StandbyWatch w;
    int upstream_id = -1;
    if (st.record.upstream_node_id) {
        upstream_id = *st.record.upstream_node_id;
    } else if (auto primary = workflow::get_primary_connection(*st.local)) {
        upstream_id = primary->node_id;
    } else {
        fail(Error(ExitCode::kBadConfig, "unable to determine an active primary for this cluster, terminating"));
    }
    auto rec = metadata::get_node_record(*st.local, upstream_id);
    if (!rec) {
        fail(Error(ExitCode::kDbConn, fmt::format("no record found for upstream node (ID: {}), terminating", upstream_id))
                 .hint("ensure the upstream node is registered correctly"));
    }
    w.upstream = *rec;
    w.upstream_conn = connect_silently(w.upstream.conninfo);
    if (!w.upstream_conn) {
        fail(Error(ExitCode::kDbConn, fmt::format("unable connect to upstream node (ID: {}), terminating", upstream_id))
                 .hint("upstream node must be running before repmgrd can start"));
    }
    // This node's copy of the upstream's record may predate the upstream's promotion: right
    // after a restart (a switchover's rejoin) repmgrd is back before the server has replayed
    // it. Watched as a cascaded upstream, its failure would not start a failover. What the
    // server says wins.
    if (w.upstream.type != NodeType::kPrimary &&
        pg::get_recovery_type(*w.upstream_conn) == pg::RecoveryType::kPrimary) {
        log::debug("upstream node \"{}\" (ID: {}) is a primary; its record here is not up to date",
                   w.upstream.node_name, w.upstream.node_id);
        w.upstream.type = NodeType::kPrimary;
        w.upstream.upstream_node_id.reset();
    }
    if (w.upstream.type == NodeType::kPrimary) {
        w.primary_conn = connect_silently(w.upstream.conninfo);
    } else if (auto primary = workflow::get_primary_connection(*st.local)) {
        w.primary_conn = std::move(primary->conn);
    } else {
        fail(Error(ExitCode::kDbConn, "unable to connect to primary node")
                 .hint("ensure the primary node is running"));
    }
    return w;
}

bool is_paused(DaemonState& st) {
    if (!st.local_ok()) return false;
    try {
        return metadata::repmgrd_is_paused(*st.local).value_or(false);
    } catch (const db::DbQueryError&) {
        return false;
    }
}

db::Connection* primary_handle(StandbyWatch& w) {
    return w.primary_conn && w.primary_conn->is_ok() ? &*w.primary_conn : nullptr;
}

// The upstream stopped answering. Returns true when monitoring must restart.
bool handle_upstream_loss(DaemonState& st, StandbyWatch& w) {
    const std::string text = fmt::format("unable to connect to upstream node \"{}\" (ID: {})", w.upstream.node_name,
                                         w.upstream.node_id);
    // The record may have been updated since monitoring started (see start_watch).
    if (w.upstream.type != NodeType::kPrimary && st.local_ok()) {
        try {
            auto rec = metadata::get_node_record(*st.local, w.upstream.node_id);
            if (rec && rec->type == NodeType::kPrimary) w.upstream = *rec;
        } catch (const db::DbQueryError&) {
        }
    }
    const bool upstream_is_primary = w.upstream.type == NodeType::kPrimary;
    event(st, upstream_is_primary ? nullptr : primary_handle(w), "repmgrd_upstream_disconnect", true, text);
    log::warning("{}", text);
    if (!st.local_ok()) check_local_connection(st);
    const auto lost_at = Clock::now();
    FailoverResult result = FailoverResult::kDegraded;
    if (upstream_is_primary) {
        PrimaryReconnect r = try_primary_reconnect(st, w.upstream, w.upstream_conn);
        if (r.conn) {
            w.upstream_conn = std::move(r.conn);
            log::notice("reconnected to upstream node after {} seconds", seconds_since(lost_at));
            if (pg::get_recovery_type(*w.upstream_conn) == pg::RecoveryType::kStandby) {
                log::notice("current upstream node \"{}\" (ID: {}) is not primary, restarting monitoring",
                            w.upstream.node_name, w.upstream.node_id);
                return true;
            }
            event(st, &*w.upstream_conn, "repmgrd_upstream_reconnect", true,
                  fmt::format("reconnected to upstream node after {} seconds", seconds_since(lost_at)));
            return false;
        }
        if (r.new_primary) {
            result = follow_notified_primary(st, w.upstream, *r.new_primary);
        } else if (!r.rerun && is_paused(st)) {
            log::notice("repmgrd on this node is paused");
            log::detail("no failover will be carried out");
            log::hint("execute \"repmgr service unpause\" to resume normal failover mode");
        } else {
            result = do_primary_failover(st, w.upstream);
        }
    } else if (auto c = try_reconnect(st, w.upstream, w.upstream_conn)) {
        w.upstream_conn = std::move(c);
        log::notice("reconnected to upstream node after {} seconds", seconds_since(lost_at));
        return false;
    } else {
        result = follow_cascaded_upstream_failure(st, w.upstream) ? FailoverResult::kFollowed
                                                                   : FailoverResult::kDegraded;
    }
    if (result != FailoverResult::kDegraded) return true;
    w.degraded = true;
    w.degraded_since = lost_at;
    return false;
}

// Degraded: the upstream may be back, or another node may have become primary.
bool degraded_iteration(DaemonState& st, StandbyWatch& w) {
    check_degraded_timeout(st, w.degraded_since);
    if (check_node(st, w.upstream, w.upstream_conn) && w.upstream_conn) {
        const std::string text = fmt::format("reconnected to upstream node \"{}\" (ID: {}) after {} seconds, resuming monitoring",
                                             w.upstream.node_name, w.upstream.node_id, seconds_since(w.degraded_since));
        event(st, primary_handle(w) ? primary_handle(w) : &*w.upstream_conn, "repmgrd_upstream_reconnect", true, text);
        log::notice("{}", text);
        w.degraded = false;
        return false;
    }
    if (st.local_ok() && pg::get_recovery_type(*st.local) == pg::RecoveryType::kPrimary) {
        log::notice("local node is primary, checking local node state");
        st.record.type = NodeType::kPrimary;
        return true;
    }
    if (st.cfg.failover != config::FailoverMode::kAutomatic || is_paused(st) || !st.local_ok()) return false;
    for (const auto& r : metadata::get_all_node_records(*st.local)) {
        if (!r.active || r.node_id == st.record.node_id || r.type == NodeType::kWitness ||
            r.upstream_node_id != w.upstream.node_id) {
            continue;
        }
        auto c = connect_silently(r.conninfo);
        if (!c || pg::get_recovery_type(*c) != pg::RecoveryType::kPrimary) continue;
        log::info("node \"{}\" (node ID: {}) detected as primary", r.node_name, r.node_id);
        return follow_new_primary(st, r.node_id, w.upstream) == FailoverResult::kFollowed;
    }
    return false;
}

// The local PostgreSQL: mark the node failed while it is down, recovered when it is back.
void local_iteration(DaemonState& st, StandbyWatch& w) {
    const bool up = check_local_connection(st);
    if (!up && !w.local_lost) {
        w.local_lost = true;
        w.local_lost_at = Clock::now();
        const std::string text = fmt::format("unable to connect to local node \"{}\" (ID: {}), marking inactive",
                                             st.record.node_name, st.record.node_id);
        log::notice("{}", text);
        bool updated = false;
        if (db::Connection* p = primary_handle(w)) {
            try {
                metadata::set_node_active(*p, st.record.node_id, false);
                updated = true;
            } catch (const db::DbQueryError& e) {
                log::warning("unable to mark node inactive: {}", e.what());
            }
        }
        event(st, primary_handle(w), "standby_failure", updated, text);
        log::info("entering degraded monitoring for the local node");
    } else if (up && w.local_lost) {
        w.local_lost = false;
        log::info("connection to local node recovered after {} seconds", seconds_since(w.local_lost_at));
        if (db::Connection* p = primary_handle(w)) {
            try {
                metadata::set_node_active(*p, st.record.node_id, true);
            } catch (const db::DbQueryError& e) {
                log::warning("unable to mark node active: {}", e.what());
            }
            event(st, p, "standby_recovery", true,
                  fmt::format("reconnected to local node \"{}\" (ID: {}), marking active", st.record.node_name,
                              st.record.node_id));
        }
    }
}

// The upstream recorded for this node changed (e.g. after a manual follow).
bool upstream_changed(DaemonState& st, const StandbyWatch& w) {
    if (!st.local_ok()) return false;
    refresh_record(st);
    if (st.record.type != NodeType::kStandby) {
        log::notice("local node \"{}\" (ID: {}) is no longer a standby, restarting monitoring", st.record.node_name,
                    st.record.node_id);
        return true;
    }
    if (st.record.upstream_node_id && *st.record.upstream_node_id != w.upstream.node_id) {
        log::notice("local node \"{}\" (ID: {})'s upstream appears to have changed, restarting monitoring",
                    st.record.node_name, st.record.node_id);
        return true;
    }
    return false;
}

}  // namespace

void monitor_standby(DaemonState& st) {
    try {
        metadata::reset_voting_status(*st.local);
    } catch (const db::DbQueryError&) {
    }
    StandbyWatch w = start_watch(st);
    if (!st.record.active && primary_handle(w) != nullptr) activate_record(st);
    if (!st.started) {
        const std::string text = fmt::format("monitoring connection to upstream node \"{}\" (ID: {})",
                                             w.upstream.node_name, w.upstream.node_id);
        event(st, primary_handle(w), "repmgrd_start", true, text);
        log::info("{}", text);
        st.started = true;
    }
    MonitoringHistory history;
    while (true) {
        handle_signals(st, primary_handle(w));
        if (!w.degraded) {
            if (check_node(st, w.upstream, w.upstream_conn)) {
                if (st.local_ok()) {
                    try {
                        metadata::set_upstream_last_seen(*st.local, w.upstream.node_id);
                    } catch (const db::DbQueryError&) {
                    }
                }
            } else if (handle_upstream_loss(st, w)) {
                return;
            }
        } else if (degraded_iteration(st, w)) {
            return;
        }
        if (status_line_due(st)) {
            log::info("{} monitoring upstream node \"{}\" (ID: {}) in {} state{}", node_label(st.record),
                      w.upstream.node_name, w.upstream.node_id, w.degraded ? "degraded" : "normal",
                      st.cfg.failover == config::FailoverMode::kManual ? " (automatic failover disabled)" : "");
            if (w.degraded && st.cfg.failover == config::FailoverMode::kAutomatic) {
                if (is_paused(st)) {
                    log::detail("repmgrd paused by administrator");
                    log::hint("execute \"repmgr service unpause\" to resume normal failover mode");
                } else {
                    log::detail("waiting for upstream or another primary to reappear");
                }
            }
            if (st.cfg.monitoring_history) history.log_status(st);
        }
        if (st.cfg.monitoring_history && !w.degraded) history.record(st, primary_handle(w), w.upstream);
        local_iteration(st, w);
        handle_signals(st, primary_handle(w));
        if (!w.degraded && upstream_changed(st, w)) return;
        if (w.degraded) {
            sleep_interval(st);
        } else {
            sleep_interval_watching(st, w.upstream_conn);
        }
    }
}

}  // namespace repmgr::daemon
