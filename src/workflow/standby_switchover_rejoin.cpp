// standby switchover after the former primary is down: promotion, `repmgr node rejoin` on the
// former primary over SSH, the siblings, and the final checks (commands.md §9 steps 29-35).
#include <fmt/format.h>

#include <ctime>
#include <thread>

#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/pg/replication.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/pg/standby_state.hpp"
#include "repmgr/workflow/connections.hpp"
#include "repmgr/workflow/standby_promote.hpp"
#include "workflow/follow_steps.hpp"
#include "workflow/standby_promote_steps.hpp"
#include "workflow/standby_switchover_steps.hpp"

namespace repmgr::workflow {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kPollInterval{1};

enum class Join { kAttached, kNoPing, kNotAttached };

bool pingable(const std::string& conninfo) { return db::ping_conninfo(conninfo) == db::PingStatus::kOk; }

bool attached_quietly(SwitchoverState& s) {
    try {
        return pg::attach_state(pg::get_replication_clients(s.local),
                                s.primary_record.node_name) == pg::AttachState::kAttached;
    } catch (const db::DbQueryError&) {
        return false;
    }
}

// repmgr's check_standby_join for a switchover. Its ping phase pings the local node (the new
// primary), not the joining one (commands.md §9 step 32 quirk), so it passes at once. We look
// at pg_stat_replication every 50 ms before and between repmgr's once-per-second logged checks.
Join wait_for_join(SwitchoverState& s) {
    const metadata::NodeRecord& joining = s.primary_record;
    const long ping_limit = s.cfg.standby_reconnect_timeout.count();
    long i = 1;
    for (; i <= ping_limit && !pingable(s.local_record.conninfo); ++i) {
        switchover_sleep(kPollInterval);
    }
    if (i > ping_limit) return Join::kNoPing;
    log::verbose(log::Level::kInfo, "node \"{}\" (ID: {}) is pingable", joining.node_name,
                 joining.node_id);
    auto attached = [&] {
        log::verbose(log::Level::kInfo, "node \"{}\" (ID: {}) has attached to its upstream node",
                     joining.node_name, joining.node_id);
        return Join::kAttached;
    };
    // The rejoin started the server a moment ago; its WAL receiver connects within
    // milliseconds, which repmgr's first check (made a little later) normally finds.
    if (poll_until(Clock::now() + kPollInterval, [&] { return attached_quietly(s); })) {
        return attached();
    }
    const long limit = s.cfg.node_rejoin_timeout.count();
    for (; i <= limit; ++i) {
        const auto next = Clock::now() + kPollInterval;
        std::string state;
        if (test_attachment(s.local, joining.node_name, &state) == pg::AttachState::kAttached) {
            return attached();
        }
        if (i % 5 == 1) {
            log::info("waiting for node \"{}\" (ID: {}) to connect to new primary; {} of max {} "
                      "attempts (parameter \"node_rejoin_timeout\")",
                      joining.node_name, joining.node_id, i, limit);
            if (!state.empty()) {
                // The upstream's name with the joining node's id: repmgr's text.
                log::detail("node \"{}\" (ID: {}) is currently attached to its upstream node in "
                            "state \"{}\"",
                            s.local_record.node_name, joining.node_id, state);
            } else {
                log::detail("checking for record in node \"{}\"'s \"pg_stat_replication\" table "
                            "where \"application_name\" is \"{}\"",
                            s.local_record.node_name, joining.node_name);
            }
        }
        if (i < limit && poll_until(next, [&] { return attached_quietly(s); })) return attached();
    }
    return Join::kNotAttached;
}

std::string node_label(const metadata::NodeRecord& n) {
    return fmt::format("\"{}\" (ID: {})", n.node_name, n.node_id);
}

// The remote command of step 31; empty (after the ERROR) when the former primary has WAL we
// do not have and --force-rewind was not given.
std::string rejoin_command(SwitchoverState& s) {
    std::string options = " --no-wait";
    if (s.local_received < s.shutdown_checkpoint) {
        if (!s.options.force_rewind) return "";
        options += " --force-rewind";
        if (s.options.pg_rewind_binary) options += "=" + shell_quote(*s.options.pg_rewind_binary);
        options += " --config-files=" + shell_quote(join(s.remote_config_files, ","));
    }
    // key=value form whatever the record holds, as repmgr normalises it.
    const std::string conninfo = db::ConnInfo::parse(s.local_record.conninfo).to_conninfo_string();
    return s.remote_repmgr + options + " -d " + shell_quote(conninfo) + " node rejoin";
}

// After a failed rejoin: is the former primary up as a primary (repmgr's non-quiet probe)?
void add_running_as_primary(SwitchoverState& s, std::vector<std::string>& details) {
    auto conn = connect_or_report(s.primary_record.conninfo);
    if (!conn || pg::get_recovery_type(*conn) != pg::RecoveryType::kPrimary) return;
    const std::string text = fmt::format(
        "PostgreSQL instance on demotion candidate {} is running as a primary",
        node_label(s.primary_record));
    log::warning("{}", text);
    details.push_back(text);
}

// Drops `slot` on the demoted node unless it is in use there. `verbose_only`: the NOTICE is
// printed only with -v (for our own extra clean-up, so default output stays repmgr's).
void drop_old_slot(SwitchoverState& s, db::Connection& demoted, const std::string& slot,
                   bool verbose_only = false) {
    if (slot.empty()) return;
    try {
        pg::SlotState state = pg::get_slot_state(demoted, slot);
        if (!state.exists) return;
        if (state.active) {
            log::warning("replication slot \"{}\" is still active on node {}", slot,
                         s.primary_record.node_id);
            return;
        }
        pg::drop_slot(demoted, slot);
        const std::string text = fmt::format("replication slot \"{}\" deleted on node {}", slot,
                                             s.primary_record.node_id);
        if (verbose_only) {
            log::verbose(log::Level::kNotice, "{}", text);
        } else {
            log::notice("{}", text);
        }
    } catch (const db::DbQueryError&) {
        log::error("unable to delete replication slot \"{}\" on node {}", slot,
                   s.primary_record.node_id);
    }
}

// Ours: a sibling's `standby follow` drops its slot on its former upstream (the demoted node)
// only if it can connect there at that moment; a slot left behind would hold WAL on the
// demoted node for ever. Drop those of the siblings now streaming from us.
void drop_followed_siblings_slots(SwitchoverState& s, db::Connection& demoted) {
    if (!s.options.siblings_follow || s.followers.empty()) return;
    std::vector<pg::ReplicationClient> clients;
    try {
        clients = pg::get_replication_clients(s.local);
    } catch (const db::DbQueryError&) {
        return;
    }
    for (const auto& sibling : s.followers) {
        if (pg::attach_state(clients, sibling.node_name) != pg::AttachState::kAttached) continue;
        drop_old_slot(s, demoted, sibling.slot_name, true);
    }
}

}  // namespace

void promote_local_node(SwitchoverState& s) {
    if (s.cfg.promote_delay.count() > 0) {
        log::info("sleeping {} seconds before promoting standby", s.cfg.promote_delay.count());
        switchover_sleep(s.cfg.promote_delay);
    }
    const bool use_superuser = s.superuser && s.local.server_version_num() >= 120000;
    db::Connection& conn = use_superuser ? *s.superuser : s.local;
    try {
        promote_and_record(s.cfg, conn, s.local_record);
    } catch (const Error& e) {
        log::error_with_notes(e);
        report_cluster_state(s);
        throw ReportedError(e.code());
    } catch (const ReportedError&) {
        report_cluster_state(s);
        throw;
    }
    s.promoted = true;
    if (!s.options.force_rewind) return;
    // pg_rewind on the former primary needs our new timeline in pg_control. repmgr 5.3.3 sends
    // this CHECKPOINT through the -S connection only, and without -S fails with "unable to
    // execute CHECKPOINT"; we use whichever connection may run it.
    db::Connection& checkpoint_conn = s.superuser ? *s.superuser : s.local;
    if (!pg::can_checkpoint(checkpoint_conn)) {
        log::warning("no superuser connection available, unable to issue CHECKPOINT");
        return;
    }
    log::notice("issuing CHECKPOINT on node \"{}\" (ID: {}) ", s.local_record.node_name,
                s.local_record.node_id);
    try {
        pg::checkpoint(checkpoint_conn);
    } catch (const db::DbQueryError& e) {
        log::error("unable to execute CHECKPOINT");
        log::detail("{}", e.server_message());
    }
}

bool rejoin_demoted_primary(SwitchoverState& s) {
    const std::string command = rejoin_command(s);
    if (command.empty()) {
        log::error("new primary diverges from former primary and --force-rewind not provided");
        log::hint("the former primary will need to be restored manually, or use \"repmgr node "
                  "rejoin\"");
        report_cluster_state(s);
        throw ReportedError(ExitCode::kSwitchoverFail);
    }
    const std::string log_file =
        fmt::format("/tmp/node-rejoin.{}.log", static_cast<long>(std::time(nullptr)));
    log::debug("executing:\n  {}", command);
    // No timeout: pg_rewind of a large data directory may take long, and its output goes to
    // the log file, so nothing holds the session open once it is done.
    remote::RemoteResult r = run_logged(s, s.remote_host, command, log_file, {});
    const std::string who = node_label(s.primary_record);
    std::string message;
    std::vector<std::string> details;
    bool success = false;
    if (!r.connected || r.timed_out) {
        log::error("rejoin failed with error code {}", r.connected ? r.exit_status : 255);
        message = fmt::format(
            "unable to execute \"repmgr node rejoin\" on demotion candidate {}", who);
        details.push_back(remote_failure_detail(r));
    } else if (r.exit_status != 0) {
        message = fmt::format(
            "execution of \"repmgr node rejoin\" on demotion candidate {} failed", who);
        add_running_as_primary(s, details);
        details.push_back(fmt::format("check log file \"{}\" on \"{}\" for details", log_file,
                                      s.primary_record.node_name));
        // Ours: the exit status and the end of that log.
        details.push_back(remote_failure_detail(r));
    } else {
        const Join join = wait_for_join(s);
        success = join == Join::kAttached;
        const std::string head = fmt::format("node {} promoted to primary", node_label(s.local_record));
        if (join == Join::kAttached) {
            message = fmt::format("{}, node {} demoted to standby", head, who);
        } else {
            message = fmt::format("{}, but demotion candidate {} did not {}", head, who,
                                  join == Join::kNoPing ? "become available"
                                                        : "connect to the new primary");
            details.push_back("check the PostgreSQL log file on  demotion candidate " + who);
        }
    }
    if (success) {
        log::notice("{}", message);
    } else {
        log::error("{}", message);
        for (const auto& d : details) log::detail("{}", d);
    }
    std::string event_details = message;
    for (const auto& d : details) event_details += "\n" + d;
    metadata::create_event_notification(
        &s.local, s.cfg,
        {s.local_record.node_id, "standby_switchover", success, event_details,
         {s.primary_record.node_id, s.primary_record.conninfo, s.primary_record.node_name}});
    return success;
}

void move_siblings(SwitchoverState& s) {
    if (!s.options.siblings_follow || s.siblings.empty()) return;
    metadata::NodeRecord self = s.local_record;
    self.type = metadata::NodeType::kPrimary;
    self.upstream_node_id.reset();
    s.failed_siblings = follow_siblings(s.cfg, s.executor, s.followers, s.siblings.size(), self,
                                        s.options.log_level);
}

bool confirm_demoted_standby(SwitchoverState& s) {
    const metadata::NodeRecord& p = s.primary_record;
    const long attempts = s.cfg.standby_reconnect_timeout.count();
    std::optional<db::Connection> demoted;
    const auto start = Clock::now();
    for (long i = 1; i <= attempts; ++i) {
        demoted = connect_or_report(p.conninfo);
        if (demoted) break;
        log::info("sleeping 1 second; {} of {} attempts (\"standby_reconnect_timeout\") to "
                  "reconnect to demoted primary",
                  i, attempts);
        poll_until(start + std::chrono::seconds(i), [&] { return pingable(p.conninfo); });
    }
    if (!demoted) {
        log::warning("switchover did not fully complete");
        log::detail("node {} is now primary but node {} is not reachable",
                    node_label(s.local_record), node_label(p));
        if (s.cfg.use_replication_slots) {
            log::hint("any inactive replication slots on the old primary will need to be dropped "
                      "manually");
        }
        return false;
    }
    if (s.cfg.use_replication_slots) {
        drop_old_slot(s, *demoted, s.local_record.slot_name);
        drop_followed_siblings_slots(s, *demoted);
    }
    if (test_attachment(s.local, p.node_name) == pg::AttachState::kAttached) {
        log::notice("switchover was successful");
        log::detail("node \"{}\" is now primary and node \"{}\" is attached as standby",
                    s.local_record.node_name, p.node_name);
        return true;
    }
    log::notice("switchover is incomplete");
    log::detail("node \"{}\" is now primary but node \"{}\" is not attached as standby",
                s.local_record.node_name, p.node_name);
    return false;
}

}  // namespace repmgr::workflow
