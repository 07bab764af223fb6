// Acting on an election: promote_self (repmgrd.md §6.6) and follow_new_primary (§6.7).
// Both run the user's promote_command / follow_command (normally `repmgr standby promote`
// / `repmgr standby follow`), which do the actual work and write their own events.
#include <fmt/format.h>
#include <unistd.h>

#include "daemon/checks.hpp"
#include "daemon/failover.hpp"
#include "daemon/monitor.hpp"
#include "daemon/siblings.hpp"
#include "daemon/signals.hpp"
#include "repmgr/common/process.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"

namespace repmgr::daemon {
namespace {

using metadata::NodeRecord;

// system(): the command shares repmgrd's stdout/stderr, so a `repmgr ... --log-to-file`
// writes into the same log.
int run_system(const std::string& command) {
    CommandOptions options;
    options.capture_stdout = false;
    options.capture_stderr = false;
    return run_shell(command, options).exit_status;
}

// The old primary answers again and is not in recovery.
bool primary_reappeared(const NodeRecord& failed) {
    auto conn = connect_logged(failed.conninfo);
    return conn && pg::get_recovery_type(*conn) == pg::RecoveryType::kPrimary;
}

bool reconnect_local_within(DaemonState& st, std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
        st.local = connect_silently(st.record.conninfo);
        if (st.local) return true;
        if (Clock::now() >= deadline || stop_requested() != StopSignal::kNone) return false;
        interruptible_sleep(std::chrono::seconds(1));
    }
}

void reregister_with_shared_memory(DaemonState& st) {
    try {
        metadata::set_local_node_id(*st.local, st.record.node_id);
        metadata::set_repmgrd_pid(*st.local, static_cast<int>(::getpid()), st.pid_file);
    } catch (const db::DbQueryError& e) {
        log::warning("unable to update shared memory: {}", e.what());
    }
}

}  // namespace

bool promote_self(DaemonState& st, const NodeRecord& failed, FailoverResult& result) {
    result = FailoverResult::kDegraded;
    if (st.cfg.promote_delay.count() > 0) interruptible_sleep(st.cfg.promote_delay);
    if (!st.record.upstream_node_id) {
        if (!st.cfg.always_promote) {
            log::error("this node (ID: {}) does not have its upstream_node_id set, not promoting", st.record.node_id);
            log::detail("the local node's metadata has not been updated since it was cloned or registered");
            log::hint("set \"always_promote\" to \"true\" to force promotion in this situation");
            return false;
        }
        log::warning("this node (ID: {}) does not have its upstream_node_id set, promoting anyway",
                     st.record.node_id);
    }
    log::info("promote_command is:\n  \"{}\"", st.cfg.promote_command);
    const int rc = run_system(st.cfg.promote_command);
    if (!st.local_ok()) {
        log::warning("local database connection not available");
        if (!reconnect_local_within(st, std::chrono::seconds(0))) {
            log::error("unable to reconnect to local node");
            return false;
        }
    }
    if (rc != 0) {
        log::error("promote command failed");
        log::detail("promote command exited with error code {}", rc);
        log::info("checking if original primary node has reappeared");
        if (primary_reappeared(failed)) {
            const std::string text = fmt::format("original primary \"{}\" (ID: {}) reappeared", failed.node_name,
                                                 failed.node_id);
            log::notice("original primary \"{}\" (ID: {}) reappeared before this standby was promoted - no action taken",
                        failed.node_name, failed.node_id);
            auto old = connect_silently(failed.conninfo);
            event(st, old ? &*old : nullptr, "repmgrd_failover_abort", true, text);
            result = FailoverResult::kPrimaryReappeared;
        } else {
            event(st, nullptr, "repmgrd_promote_error", true, "");
        }
        return false;
    }
    std::optional<db::Connection> original = std::move(st.local);
    st.local = try_reconnect(st, st.record, original);
    if (!st.local) return false;
    try {
        metadata::increment_voting_term(*st.local);
    } catch (const db::DbQueryError& e) {
        log::warning("unable to increment the electoral term: {}", e.what());
    }
    event(st, &*st.local, "repmgrd_failover_promote", true,
          fmt::format("node \"{}\" (ID: {}) promoted to primary; old primary \"{}\" (ID: {}) marked as failed",
                      st.record.node_name, st.record.node_id, failed.node_name, failed.node_id),
          {failed.node_id, "", ""});
    result = FailoverResult::kPromoted;
    return true;
}

FailoverResult follow_new_primary(DaemonState& st, int new_primary_id, const NodeRecord& failed) {
    std::optional<NodeRecord> target;
    if (st.local_ok()) target = metadata::get_node_record(*st.local, new_primary_id);
    if (!target) {
        log::error("unable to retrieve metadata record for new primary node (ID: {})", new_primary_id);
        return FailoverResult::kDegraded;
    }
    log::notice("attempting to follow new primary \"{}\" (node ID: {})", target->node_name, new_primary_id);
    auto primary = connect_logged(target->conninfo);
    if (!primary || pg::get_recovery_type(*primary) != pg::RecoveryType::kPrimary) {
        log::warning("new primary \"{}\" (node ID: {}) is in recovery", target->node_name, new_primary_id);
        return FailoverResult::kDegraded;
    }
    st.local.reset();
    const std::string cmd = expand_follow_command(st.cfg.follow_command, new_primary_id);
    const int rc = run_system(cmd);
    if (rc != 0) {
        if (primary_reappeared(failed)) {
            log::notice("original primary reappeared - no action taken");
            auto old = connect_silently(failed.conninfo);
            event(st, old ? &*old : nullptr, "repmgrd_failover_aborted", true,
                  "original primary reappeared - no action taken");
            return FailoverResult::kPrimaryReappeared;
        }
        return FailoverResult::kDegraded;
    }
    if (auto rec = metadata::get_node_record(*primary, st.record.node_id)) st.record = *rec;
    if (!reconnect_local_within(st, st.cfg.repmgrd_standby_startup_timeout)) {
        log::error("unable to reconnect to local node \"{}\" (ID: {})", st.record.node_name, st.record.node_id);
        return FailoverResult::kDegraded;
    }
    reregister_with_shared_memory(st);
    const std::string text = fmt::format("node \"{}\" (ID: {}) now following new upstream node \"{}\" (ID: {})",
                                         st.record.node_name, st.record.node_id, target->node_name, new_primary_id);
    log::notice("{}", text);
    event(st, &*primary, "repmgrd_failover_follow", true, text);
    return FailoverResult::kFollowed;
}

bool follow_cascaded_upstream_failure(DaemonState& st, const NodeRecord& failed_upstream) {
    (void)failed_upstream;
    if (st.cfg.failover != config::FailoverMode::kAutomatic) {
        log::notice("this node is not configured for automatic failover");
        log::detail("\"failover\" is set to \"manual\"");
        return false;
    }
    std::optional<NodeRecord> primary_rec;
    std::optional<workflow::PrimaryConnection> primary;
    if (st.local_ok()) {
        if (auto id = metadata::get_active_primary_node_id(*st.local)) primary_rec = metadata::get_node_record(*st.local, *id);
    }
    if (primary_rec) {
        auto c = connect_logged(primary_rec->conninfo);
        if (c && pg::get_recovery_type(*c) == pg::RecoveryType::kPrimary) {
            primary = workflow::PrimaryConnection{std::move(*c), primary_rec->node_id};
        }
    }
    if (!primary) {
        log::error("unable to connect to last known primary \"{}\" (ID: {})", primary_rec ? primary_rec->node_name : "",
                   primary_rec ? primary_rec->node_id : -1);
        return false;
    }
    const std::string cmd = expand_follow_command(st.cfg.follow_command, primary->node_id);
    st.local.reset();
    if (run_system(cmd) != 0) {
        event(st, &primary->conn, "repmgrd_failover_follow", false,
              fmt::format("unable to execute follow command:\n {}", cmd));
        return true;
    }
    reconnect_local_within(st, st.cfg.repmgrd_standby_startup_timeout);
    if (auto rec = metadata::get_node_record(primary->conn, st.record.node_id)) st.record = *rec;
    event(st, &primary->conn, "repmgrd_failover_follow", true,
          fmt::format("node \"{}\" (ID: {}) is now following primary node \"{}\" (ID: {})", st.record.node_name,
                      st.record.node_id, primary_rec->node_name, primary_rec->node_id));
    return true;
}

}  // namespace repmgr::daemon
