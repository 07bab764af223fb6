// standby switchover: stopping the primary and making sure we have all of its WAL (commands.md
// §9 steps 26-28), and undoing the stop when the switchover gives up before any promotion.
//
// repmgr checks once per second; we look every 50 ms in between (a PQping, or the received
// LSN) and make the next logged check as soon as something changed, so the lines printed are
// repmgr's and the wait ends as soon as the primary is down.
#include <fmt/format.h>

#include <ctime>

#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/pg/replication.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/pg/standby_state.hpp"
#include "repmgr/workflow/connections.hpp"
#include "workflow/follow_steps.hpp"
#include "workflow/standby_switchover_steps.hpp"

namespace repmgr::workflow {
namespace {

using Clock = std::chrono::steady_clock;
// pg_ctl -W returns at once, but --checkpoint runs a CHECKPOINT first, which may take long on a
// busy server. Not unlimited: a hung session must not hang the switchover for ever.
constexpr std::chrono::minutes kStopTimeout{30};
constexpr std::chrono::minutes kStartTimeout{10};
constexpr std::chrono::seconds kStatusTimeout{60};
constexpr std::chrono::seconds kReattachWait{15};

enum class RemoteState { kUp, kShutdown, kShuttingDown, kUncleanShutdown, kUnknown };

struct ShutdownStatus {
    RemoteState state = RemoteState::kUnknown;
    std::uint64_t checkpoint = 0;
};

db::PingStatus ping(const metadata::NodeRecord& node) { return db::ping_conninfo(node.conninfo); }

bool no_response(db::PingStatus p) {
    return p == db::PingStatus::kNoResponse || p == db::PingStatus::kNoAttempt;
}

// `node status --is-shutdown-cleanly` on the demotion candidate (commands.md §12.1).
ShutdownStatus remote_shutdown_status(SwitchoverState& s) {
    remote::RemoteResult r = s.executor.run(
        s.remote_host, s.remote_repmgr + " node status --is-shutdown-cleanly", kStatusTimeout);
    print_remote_stderr(r.err);
    ShutdownStatus status;
    if (!r.connected || r.timed_out) {
        log::verbose(log::Level::kWarning, "unable to check the state of node \"{}\": {}",
                     s.primary_record.node_name, remote_failure_detail(r));
        return status;
    }
    for (const auto& word : split(trim(r.out), ' ')) {
        if (starts_with(word, "--state=")) {
            const std::string v = word.substr(8);
            if (v == "UP") status.state = RemoteState::kUp;
            if (v == "SHUTDOWN") status.state = RemoteState::kShutdown;
            if (v == "SHUTTING_DOWN") status.state = RemoteState::kShuttingDown;
            if (v == "UNCLEAN_SHUTDOWN") status.state = RemoteState::kUncleanShutdown;
        } else if (starts_with(word, "--last-checkpoint-lsn=")) {
            status.checkpoint = pg::parse_lsn(word.substr(22)).value_or(0);
        }
    }
    log::verbose(log::Level::kDebug, "remote node status is: {}", trim(r.out));
    return status;
}

// One of repmgr's checks; true once the shutdown is confirmed (or accepted with -F).
bool shutdown_confirmed(SwitchoverState& s, db::PingStatus p) {
    if (!no_response(p)) return false;
    const ShutdownStatus status = remote_shutdown_status(s);
    switch (status.state) {
        case RemoteState::kShutdown:
            if (status.checkpoint == 0) return false;
            s.shutdown_checkpoint = status.checkpoint;
            log::notice("current primary has been cleanly shut down at location {}",
                        pg::lsn_to_string(status.checkpoint));
            return true;
        case RemoteState::kUncleanShutdown:
            if (!s.options.force) {
                log::error("current primary did not shut down cleanly, aborting");
                log::hint("use -F/--force to promote current standby");
                abort_switchover(s, ExitCode::kSwitchoverFail, true);
            }
            log::error("current primary did not shut down cleanly, continuing anyway");
            return true;
        case RemoteState::kShuttingDown:
            log::info("remote node is still shutting down");
            return false;
        default:
            return false;
    }
}

// The wait of step 27. `stop_failed`: the stop command reported an error, so a primary that
// still answers normally will not go down and waiting for it is pointless.
void wait_for_shutdown(SwitchoverState& s, bool stop_failed) {
    const long attempts = s.cfg.shutdown_check_timeout.count();
    const auto start = Clock::now();
    for (long i = 1; i <= attempts; ++i) {
        log::info("checking for primary shutdown; {} of {} attempts (\"shutdown_check_timeout\")",
                  i, attempts);
        const db::PingStatus p = ping(s.primary_record);
        log::debug("ping status is: {}", db::ping_status_name(p));
        if (shutdown_confirmed(s, p)) return;
        if (stop_failed && p == db::PingStatus::kOk) break;
        // Wake for the next check as soon as the server stops answering.
        const bool was_up = !no_response(p);
        const bool changed = poll_until(start + std::chrono::seconds(i), [&] {
            return was_up && no_response(ping(s.primary_record));
        });
        // repmgr gives up one interval after its last check without looking again; we look
        // once more (without a line) if the server went down in that interval.
        if (i == attempts && changed && shutdown_confirmed(s, ping(s.primary_record))) return;
    }
    log::error("shutdown of the primary server could not be confirmed");
    log::hint("check the primary server status before performing any further actions");
    abort_switchover(s, ExitCode::kSwitchoverFail, false);
}

// Our received position, or nullopt when the connection is gone.
std::optional<std::uint64_t> received_lsn(SwitchoverState& s) {
    try {
        return pg::get_standby_positions(s.local).received.value_or(0);
    } catch (const db::DbQueryError&) {
        return std::nullopt;
    }
}

void reconnect_local(SwitchoverState& s) {
    if (s.local.is_ok() && s.local.consume_input()) return;
    log::warning("connection to local node lost, reconnecting...");
    log::detail("\n{}", s.local.error_message());
    auto conn = connect_or_report(s.cfg.conninfo);
    if (!conn) {
        log::error("unable to reconnect to local node \"{}\"", s.local_record.node_name);
        abort_switchover(s, ExitCode::kDbConn, true);
    }
    s.local = std::move(*conn);
    log::verbose(log::Level::kInfo, "successfully reconnected to local node");
}

// After the restart its standbys reconnect on their own, within wal_retrieve_retry_interval
// (5 s by default); wait for them so that the state reported afterwards is the settled one.
void wait_for_standbys_to_return(SwitchoverState& s) {
    auto conn = connect_quiet(s.primary_record.conninfo);
    if (!conn) return;
    std::vector<std::string> names{s.local_record.node_name};
    for (const auto& sibling : s.siblings) {
        if (sibling.type == metadata::NodeType::kStandby) names.push_back(sibling.node_name);
    }
    poll_until(Clock::now() + kReattachWait, [&] {
        try {
            const auto clients = pg::get_replication_clients(*conn);
            for (const auto& name : names) {
                if (pg::attach_state(clients, name) != pg::AttachState::kAttached) return false;
            }
            return true;
        } catch (const db::DbQueryError&) {
            return true;
        }
    });
}

void restart_demotion_candidate(SwitchoverState& s) {
    const metadata::NodeRecord& p = s.primary_record;
    if (!no_response(ping(p))) return;
    // Ours: repmgr leaves the primary stopped and the cluster without a primary.
    log::notice("starting node \"{}\" (ID: {}) again, as it was not demoted", p.node_name,
                p.node_id);
    const std::string log_file =
        fmt::format("/tmp/repmgr-switchover-start.{}.log", static_cast<long>(std::time(nullptr)));
    remote::RemoteResult r = run_logged(s, s.remote_host,
                                        s.remote_repmgr + " node service --action=start",
                                        log_file, kStartTimeout);
    if (!r.ok()) {
        log::error("unable to start node \"{}\" (ID: {})", p.node_name, p.node_id);
        log::detail("{}", remote_failure_detail(r));
        return;
    }
    const auto deadline = Clock::now() + s.cfg.standby_reconnect_timeout;
    if (!poll_until(deadline, [&] { return ping(p) == db::PingStatus::kOk; })) {
        log::warning("node \"{}\" (ID: {}) was started but does not accept connections",
                     p.node_name, p.node_id);
        return;
    }
    wait_for_standbys_to_return(s);
}

bool demotion_candidate_is_primary(SwitchoverState& s) {
    auto conn = connect_quiet(s.primary_record.conninfo);
    return conn && pg::get_recovery_type(*conn) == pg::RecoveryType::kPrimary;
}

}  // namespace

void shut_down_demotion_candidate(SwitchoverState& s) {
    const metadata::NodeRecord& p = s.primary_record;
    log::notice("stopping current primary node \"{}\" (ID: {})", p.node_name, p.node_id);
    std::string command = s.remote_repmgr + " node service --action=stop --checkpoint";
    if (!s.options.superuser.empty()) command += " --superuser=" + shell_quote(s.options.superuser);
    remote::RemoteResult r = s.executor.run(s.remote_host, command, kStopTimeout);
    // Its log lines reach us as ssh passes them through for repmgr.
    print_remote_stderr(r.err);
    if (!r.ok()) {
        // Ours: repmgr cannot see whether the stop command worked.
        log::warning("the stop command on node \"{}\" (ID: {}) failed", p.node_name, p.node_id);
        log::detail("{}", remote_failure_detail(r, false));
    }
    wait_for_shutdown(s, !r.ok());
}

void wait_for_shutdown_checkpoint(SwitchoverState& s) {
    reconnect_local(s);
    const long timeout = s.cfg.wal_receive_check_timeout.count();
    const auto start = Clock::now();
    std::optional<std::uint64_t> received = received_lsn(s);
    bool notice_printed = false;
    for (long i = 0; i < timeout && received && *received < s.shutdown_checkpoint; ++i) {
        if (!notice_printed) {
            log::notice("waiting up to {} seconds (parameter \"wal_receive_check_timeout\") for "
                        "received WAL to flush to disk",
                        timeout);
            notice_printed = true;
        }
        log::info("sleeping {} of maximum {} seconds waiting for standby to flush received WAL "
                  "to disk",
                  i + 1, timeout);
        poll_until(start + std::chrono::seconds(i + 1), [&] {
            received = received_lsn(s);
            return !received || *received >= s.shutdown_checkpoint;
        });
    }
    if (!received) {
        reconnect_local(s);
        received = received_lsn(s);
    }
    s.local_received = received.value_or(0);
    if (s.local_received >= s.shutdown_checkpoint) return;
    log::warning("local node \"{}\" is behind shutdown primary \"{}\"", s.local_record.node_name,
                 s.primary_record.node_name);
    log::detail("local node last receive LSN is {}, primary shutdown checkpoint LSN is {}",
                pg::lsn_to_string(s.local_received), pg::lsn_to_string(s.shutdown_checkpoint));
    if (!s.options.always_promote) {
        log::notice("aborting switchover");
        log::hint("use --always-promote to force promotion of standby");
        abort_switchover(s, ExitCode::kSwitchoverFail, true);
    }
}

void abort_switchover(SwitchoverState& s, ExitCode code, bool restart) {
    if (restart) restart_demotion_candidate(s);
    // Ours: with the former primary back, the cluster is as before and repmgrd may watch it
    // again. repmgr leaves repmgrd paused.
    if (s.repmgrd_paused && demotion_candidate_is_primary(s)) unpause_repmgrd(s);
    report_cluster_state(s);
    throw ReportedError(code);
}

}  // namespace repmgr::workflow
