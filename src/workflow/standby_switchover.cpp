// standby switchover, step by step as commands.md §9. The steps live in the other
// standby_switchover_*.cpp files; this file runs them in order.
#include "repmgr/workflow/standby_switchover.hpp"

#include <fmt/format.h>

#include <thread>

#include "repmgr/log/logger.hpp"
#include "repmgr/workflow/connections.hpp"
#include "repmgr/workflow/standby_promote.hpp"
#include "workflow/standby_switchover_steps.hpp"

namespace repmgr::workflow {
namespace {

// Steps 3-22: everything that must hold before anything is changed.
void check_switchover_preconditions(SwitchoverState& s) {
    connect_superuser(s);
    check_local_standby(s);
    check_demotion_candidate(s);
    s.remote_host = conninfo_host(s.primary_record.conninfo);
    s.remote_repmgr =
        remote::remote_repmgr_command(s.cfg, s.primary_record.config_file, s.options.log_level);
    s.nodes = metadata::get_all_node_records(s.local);
    s.siblings = sibling_nodes(s.nodes, s.local_record);
    run_remote_checks(s);
    check_walsenders(s);
    check_remote_replication_connection(s);
    check_remote_archive(s);
    check_replication_lag(s);
    check_slots(s);
}

void announce(const SwitchoverState& s) {
    const metadata::NodeRecord& l = s.local_record;
    const metadata::NodeRecord& p = s.primary_record;
    const char* verb = s.options.dry_run ? "would" : "will";
    log::notice("local node \"{}\" (ID: {}) {} be promoted to primary; current primary \"{}\" "
                "(ID: {}) {} be demoted to standby",
                l.node_name, l.node_id, verb, p.node_name, p.node_id, verb);
}

ExitCode finish_dry_run(SwitchoverState& s) {
    report_shutdown_command(s);
    if (!s.dry_run_ok) {
        throw Error(ExitCode::kBadConfig,
                    "prerequisites for executing STANDBY SWITCHOVER are *not* met")
            .hint("see preceding error messages");
    }
    log::info("prerequisites for executing STANDBY SWITCHOVER are met");
    return ExitCode::kSuccess;
}

// Steps 26-37.
ExitCode execute_switchover(SwitchoverState& s) {
    shut_down_demotion_candidate(s);
    wait_for_shutdown_checkpoint(s);
    promote_local_node(s);
    rejoin_demoted_primary(s);
    move_siblings(s);
    const bool complete = confirm_demoted_standby(s);
    unpause_repmgrd(s);
    if (complete) {
        // Ours: a sibling that could not follow is only a WARNING for repmgr (exit 0), but
        // the user needs to know where it stands.
        if (s.failed_siblings > 0) report_cluster_state(s);
        log::notice("STANDBY SWITCHOVER has completed successfully");
        return ExitCode::kSuccess;
    }
    report_cluster_state(s);
    log::notice("STANDBY SWITCHOVER has completed with issues");
    log::hint("see preceding log message(s) for details");
    return ExitCode::kSwitchoverIncomplete;
}

}  // namespace

void switchover_sleep(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

ExitCode standby_switchover(const config::Config& cfg, const StandbySwitchoverOptions& options,
                            remote::Executor& executor) {
    db::Connection local = connect_local(cfg);
    metadata::NodeRecord own = check_local_node(cfg, local, options.dry_run);
    SwitchoverState s(cfg, options, executor, std::move(local));
    s.local_record = std::move(own);
    check_switchover_preconditions(s);
    pause_repmgrd(s);
    announce(s);
    if (options.dry_run) return finish_dry_run(s);
    return execute_switchover(s);
}

}  // namespace repmgr::workflow
