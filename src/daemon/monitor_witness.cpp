// Monitoring by a witness (repmgrd.md §5.5, §6.10): keep a copy of the node records,
// watch the primary, follow the new primary after a failover. Never promotes.
#include <fmt/format.h>

#include "daemon/checks.hpp"
#include "daemon/failover.hpp"
#include "daemon/monitor.hpp"
#include "daemon/signals.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/node_sync.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"
#include "repmgr/pg/server.hpp"

namespace repmgr::daemon {
namespace {

using metadata::NodeRecord;

struct WitnessWatch {
    NodeRecord primary;
    std::optional<db::Connection> primary_conn;
    bool degraded = false;
    Clock::time_point degraded_since = Clock::now();
    Clock::time_point last_sync = Clock::now();
};

std::string watch_text(const DaemonState&, const NodeRecord& p) {
    return fmt::format("witness monitoring connection to primary node \"{}\" (ID: {})", p.node_name, p.node_id);
}

// Copies the primary's node records into the witness (TRUNCATE + insert).
void sync_records(DaemonState& st, WitnessWatch& w) {
    if (!st.local_ok() || !w.primary_conn) return;
    try {
        metadata::replace_node_records(*st.local, metadata::get_all_node_records(*w.primary_conn));
    } catch (const db::DbQueryError& e) {
        log::warning("unable to copy node records from the primary: {}", e.what());
    }
    w.last_sync = Clock::now();
}

WitnessWatch start_watch(DaemonState& st) {
    WitnessWatch w;
    std::optional<int> primary_id;
    if (st.local_ok()) primary_id = metadata::get_active_primary_node_id(*st.local);
    std::optional<NodeRecord> rec = primary_id ? metadata::get_node_record(*st.local, *primary_id) : std::nullopt;
    if (rec) w.primary_conn = connect_silently(rec->conninfo);
    if (w.primary_conn && rec) {
        w.primary = *rec;
        if (!metadata::get_node_record(*w.primary_conn, st.record.node_id)) {
            fail(Error(ExitCode::kBadConfig,
                       "no metadata record found for this node on the current primary - terminating")
                     .hint("check that 'repmgr witness register' was executed for this node"));
        }
        sync_records(st, w);
        const std::string text = watch_text(st, w.primary);
        log::info("{}", text);
        event(st, &*w.primary_conn, st.started ? "repmgrd_upstream_reconnect" : "repmgrd_start", true, text);
        st.started = true;
        return w;
    }
    log::warning("unable to connect to primary");
    if (!rec) {
        fail(Error(ExitCode::kBadConfig, fmt::format("unable to retrieve node record for last known primary {}",
                                                     primary_id.value_or(-1)))
                 .hint("execute \"repmgr witness register --force\" to sync the local node records"));
    }
    log::notice("setting primary_node_id to last known ID {}", rec->node_id);
    w.primary = *rec;
    w.degraded = true;
    st.started = true;
    return w;
}

bool witness_follow(DaemonState& st, WitnessWatch& w, int new_primary_id) {
    std::optional<NodeRecord> rec;
    if (st.local_ok()) rec = metadata::get_node_record(*st.local, new_primary_id);
    std::optional<db::Connection> conn = rec ? connect_logged(rec->conninfo) : std::nullopt;
    if (!rec || !conn) {
        log::warning("unable to determine status of new primary");
        return false;
    }
    if (pg::get_recovery_type(*conn) != pg::RecoveryType::kPrimary) {
        log::warning("new primary \"{}\" (node ID: {}) is in recovery", rec->node_name, new_primary_id);
        return false;
    }
    try {
        auto own = metadata::get_node_record(*conn, st.record.node_id);
        if (own) {
            own->upstream_node_id = new_primary_id;
            metadata::update_node_record(*conn, *own);
        }
        metadata::replace_node_records(*st.local, metadata::get_all_node_records(*conn));
    } catch (const db::DbQueryError& e) {
        log::warning("unable to update the witness records: {}", e.what());
        return false;
    }
    const std::string text = fmt::format("witness node \"{}\" (ID: {}) now following new primary node \"{}\" (ID: {})",
                                         st.record.node_name, st.record.node_id, rec->node_name, new_primary_id);
    log::notice("{}", text);
    event(st, &*conn, "repmgrd_failover_follow", true, text);
    log::info("resuming witness monitoring mode");
    log::detail("following new primary \"{}\" (ID: {})", rec->node_name, new_primary_id);
    (void)w;
    return true;
}

// Waits for a winner's notification and follows it (§6.10). True when monitoring restarts.
bool witness_failover(DaemonState& st, WitnessWatch& w) {
    const auto deadline = Clock::now() + st.cfg.primary_notification_timeout;
    while (Clock::now() < deadline && stop_requested() == StopSignal::kNone) {
        std::optional<int> np;
        try {
            if (st.local_ok()) np = metadata::get_new_primary(*st.local);
        } catch (const db::DbQueryError&) {
        }
        if (np && *np >= 0) {
            if (*np == w.primary.node_id) return false;
            return witness_follow(st, w, *np);
        }
        interruptible_sleep(std::chrono::milliseconds(100));  // repmgr: once per second
    }
    return false;
}

}  // namespace

void monitor_witness(DaemonState& st) {
    WitnessWatch w = start_watch(st);
    while (true) {
        handle_signals(st, w.primary_conn && w.primary_conn->is_ok() ? &*w.primary_conn : nullptr);
        if (!w.degraded) {
            if (check_node(st, w.primary, w.primary_conn)) {
                try {
                    if (st.local_ok()) metadata::set_upstream_last_seen(*st.local, w.primary.node_id);
                } catch (const db::DbQueryError&) {
                }
            } else {
                event(st, nullptr, "repmgrd_upstream_disconnect", true,
                      fmt::format("unable to connect to primary node \"{}\" (ID: {})", w.primary.node_name,
                                  w.primary.node_id));
                const auto lost_at = Clock::now();
                if (auto c = try_reconnect(st, w.primary, w.primary_conn)) {
                    w.primary_conn = std::move(c);
                    log::notice("reconnected to upstream node after {} seconds", seconds_since(lost_at));
                } else if (witness_failover(st, w)) {
                    return;
                } else {
                    w.degraded = true;
                    w.degraded_since = lost_at;
                }
            }
        } else {
            check_degraded_timeout(st, w.degraded_since);
            if (check_node(st, w.primary, w.primary_conn) && w.primary_conn) {
                w.degraded = false;
                event(st, &*w.primary_conn, "repmgrd_upstream_reconnect", true, watch_text(st, w.primary));
            } else if (st.local_ok()) {
                for (const auto& r : metadata::get_all_node_records(*st.local)) {
                    if (!r.active || r.type == metadata::NodeType::kWitness || r.node_id == w.primary.node_id) continue;
                    auto c = connect_silently(r.conninfo);
                    if (c && pg::get_recovery_type(*c) == pg::RecoveryType::kPrimary && witness_follow(st, w, r.node_id)) {
                        return;
                    }
                }
            }
        }
        if (!w.degraded && seconds_since(w.last_sync) >= static_cast<long>(st.cfg.witness_sync_interval.count())) {
            if (w.primary_conn && pg::get_recovery_type(*w.primary_conn) != pg::RecoveryType::kPrimary) return;
            sync_records(st, w);
        }
        if (status_line_due(st)) {
            log::info("witness node \"{}\" (ID: {}) monitoring primary node \"{}\" (ID: {}) in {} state",
                      st.record.node_name, st.record.node_id, w.primary.node_name, w.primary.node_id,
                      w.degraded ? "degraded" : "normal");
            if (w.degraded && st.cfg.failover == config::FailoverMode::kAutomatic) {
                log::detail("waiting for current or new primary to reappear");
            }
        }
        check_local_connection(st);
        if (w.degraded) {
            sleep_interval(st);
        } else {
            sleep_interval_watching(st, w.primary_conn);
        }
    }
}

}  // namespace repmgr::daemon
