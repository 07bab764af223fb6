// Monitoring of a primary (repmgrd.md §5.3): the local server, its children, and the
// switch to standby monitoring when the node has been demoted.
#include <fmt/format.h>

#include "daemon/checks.hpp"
#include "daemon/child_nodes.hpp"
#include "daemon/monitor.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"

namespace repmgr::daemon {
namespace {

enum class PrimaryState { kNormal, kDegraded };

// The former primary now runs as a standby: make its record say so and go on as standby.
void switch_to_standby(DaemonState& st, std::optional<Clock::time_point> degraded_since) {
    if (degraded_since) {
        log::notice("reconnected to node after {} seconds, node is now a standby, switching to standby monitoring",
                    seconds_since(*degraded_since));
    } else {
        log::notice("node is now a standby, switching to standby monitoring");
    }
    auto primary = workflow::get_primary_connection(*st.local);
    if (!primary) {
        log::warning("unable to find the current primary");
        return;
    }
    auto own = metadata::get_node_record(primary->conn, st.record.node_id);
    if (!own) {
        const std::string text = fmt::format("no metadata record found for this node on current primary {}",
                                             primary->node_id);
        log::error("{}", text);
        event(st, &primary->conn, "repmgrd_shutdown", false, text);
        throw DaemonExit{ExitCode::kBadConfig};
    }
    if (own->type == metadata::NodeType::kPrimary) {
        log::notice("node \"{}\" (ID: {}) still registered as primary, setting to standby", own->node_name,
                    own->node_id);
        own->type = metadata::NodeType::kStandby;
        own->upstream_node_id = primary->node_id;
        own->active = true;
        metadata::update_node_record(primary->conn, *own);
        if (degraded_since) {
            log::notice("former primary has been restored as standby after {} seconds, updating node record "
                        "and resuming monitoring",
                        seconds_since(*degraded_since));
        }
    }
    std::string text = degraded_since
                           ? fmt::format("node restored as standby after {} seconds, monitoring connection to "
                                         "upstream node {}",
                                         seconds_since(*degraded_since), primary->node_id)
                           : fmt::format("node has become a standby, monitoring connection to upstream node {}",
                                         primary->node_id);
    event(st, &primary->conn, "repmgrd_standby_reconnect", true, text);
    st.record = *own;
}

}  // namespace

void monitor_primary(DaemonState& st) {
    try {
        metadata::reset_voting_status(*st.local);
        metadata::set_upstream_node_id(*st.local, -1);
    } catch (const db::DbQueryError&) {
    }
    const std::string text =
        fmt::format("monitoring cluster primary \"{}\" (ID: {})", st.record.node_name, st.record.node_id);
    event(st, &*st.local, st.started ? "repmgrd_reload" : "repmgrd_start", true, text);
    log::notice("{}", text);
    st.started = true;

    ChildNodeMonitor children;
    children.start(st);
    PrimaryState state = PrimaryState::kNormal;
    Clock::time_point degraded_since = Clock::now();

    while (true) {
        handle_signals(st, st.local_ok() ? &*st.local : nullptr);
        const bool local_up = check_local_connection(st);
        if (!local_up && state == PrimaryState::kNormal) {
            log::warning("unable to connect to local node");
            event(st, nullptr, "repmgrd_local_disconnect", true, "unable to connect to local node");
            const auto lost_at = Clock::now();
            std::optional<db::Connection> none;
            st.local = try_reconnect(st, st.record, none);
            if (st.local) {
                reregister_if_restarted(st);
                const std::string back = fmt::format("reconnected to local node after {} seconds", seconds_since(lost_at));
                log::notice("{}", back);
                event(st, &*st.local, "repmgrd_local_reconnect", true, back);
            } else {
                log::notice("unable to connect to local node, falling back to degraded monitoring");
                state = PrimaryState::kDegraded;
                degraded_since = lost_at;
            }
        }
        if (state == PrimaryState::kDegraded) {
            check_degraded_timeout(st, degraded_since);
        } else if (st.local_ok()) {
            children.check(st);
        }
        // Role check.
        const auto recovery = st.local_ok() ? pg::get_recovery_type(*st.local) : pg::RecoveryType::kUnknown;
        if (recovery == pg::RecoveryType::kUnknown) {
            log::warning("unable to determine node recovery status");
        } else if (recovery == pg::RecoveryType::kPrimary && state == PrimaryState::kDegraded) {
            const std::string back = fmt::format("reconnected to primary node after {} seconds, resuming monitoring",
                                                 seconds_since(degraded_since));
            event(st, &*st.local, "repmgrd_local_reconnect", true, back);
            log::notice("{}", back);
            state = PrimaryState::kNormal;
        } else if (recovery == pg::RecoveryType::kStandby) {
            switch_to_standby(st, state == PrimaryState::kDegraded ? std::optional(degraded_since) : std::nullopt);
            if (st.record.type == metadata::NodeType::kStandby) return;
        }
        if (status_line_due(st)) {
            log::info("monitoring primary node \"{}\" (ID: {}) in {} state", st.record.node_name, st.record.node_id,
                      state == PrimaryState::kNormal ? "normal" : "degraded");
            if (state == PrimaryState::kDegraded) log::detail("waiting for the node to become available");
        }
        handle_signals(st, st.local_ok() ? &*st.local : nullptr);
        sleep_interval(st);
    }
}

}  // namespace repmgr::daemon
