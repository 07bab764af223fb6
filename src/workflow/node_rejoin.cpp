// node rejoin, step by step as commands.md §14.
#include "repmgr/workflow/node_rejoin.hpp"

#include <fmt/format.h>

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/pg/replication.hpp"
#include "repmgr/pg/rewind.hpp"
#include "repmgr/pg/standby_state.hpp"
#include "repmgr/workflow/connections.hpp"
#include "workflow/follow_steps.hpp"
#include "workflow/node_rejoin_steps.hpp"

namespace repmgr::workflow {
namespace {

struct LocalState {
    pg::ControlData control;
    bool unclean = false;  // not shut down cleanly; --force-rewind lets pg_rewind recover it
};

struct RejoinTarget {
    db::Connection conn;
    metadata::NodeRecord record;
};

// Steps 1-3: the local server must be stopped, and stopped cleanly.
LocalState check_local_server(const config::Config& cfg, const NodeRejoinOptions& options) {
    const db::PingStatus ping = db::ping(db::ConnInfo::parse(cfg.conninfo));
    if (ping == db::PingStatus::kNoAttempt) {
        throw Error(ExitCode::kBadConfig, "unable to determine status of server");
    }
    auto control = pg::read_control_file(cfg.data_directory);
    if (!control)
        throw Error(ExitCode::kBadConfig, "unable to determine database state from pg_control");
    if (ping != db::PingStatus::kNoResponse) {
        throw Error(ExitCode::kRejoinFail, fmt::format("database is still running in state \"{}\"",
                                                       pg::db_state_name(control->state)))
            .hint("\"repmgr node rejoin\" cannot be executed on a running node");
    }
    auto version = pg::read_data_directory_version(cfg.data_directory);
    if (!version) throw Error(ExitCode::kBadConfig, "unable to determine database version");

    LocalState local{*control, false};
    const pg::DbState state = control->state;
    if (state == pg::DbState::kShutdowned || state == pg::DbState::kShutdownedInRecovery)
        return local;
    if (state == pg::DbState::kShuttingDown) {
        throw Error(ExitCode::kRejoinFail, "database is still shutting down");
    }
    if (*version >= 130000 && options.force_rewind) {
        log::warning("database is not shut down cleanly");
        log::detail("--force-rewind provided, pg_rewind will automatically perform recovery");
        local.unclean = true;
        return local;
    }
    Error e(ExitCode::kRejoinFail, "database is not shut down cleanly");
    if (*version >= 130000) {
        e.hint("provide --force-rewind to run recovery");
    } else {
        if (options.force_rewind) e.detail("pg_rewind will not be able to run");
        e.hint(
            "database should be restarted then shut down cleanly after crash recovery completes");
    }
    throw e;
}

// Steps 4-6: the primary, found through the node given with -d, and our record on it.
RejoinTarget find_rejoin_target(const config::Config& cfg, const NodeRejoinOptions& options,
                                metadata::NodeRecord* own) {
    auto any = connect_by_params(options.target_params);
    if (!any.ok()) throw ReportedError(ExitCode::kDbConn);
    std::optional<metadata::NodeRecord> primary;
    try {
        if (auto id = metadata::get_active_primary_node_id(any.value())) {
            primary = metadata::get_node_record(any.value(), *id);
        }
    } catch (const db::DbQueryError& e) {
        log::error("get_primary_node_id(): unable to execute query");
        log::detail("\n{}", e.server_message());
    }
    if (!primary) {
        throw Error(ExitCode::kBadConfig, "unable to retrieve primary node record")
            .hint("check the provided database connection string is for a \"repmgr\" database");
    }
    log::notice("rejoin target is node \"{}\" (ID: {})", primary->node_name, primary->node_id);
    auto conn = connect_or_report(primary->conninfo);
    if (!conn) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to connect to current registered primary \"{}\" (ID: {})",
                                primary->node_name, primary->node_id))
            .detail(fmt::format("registered primary node conninfo is: \"{}\"", primary->conninfo));
    }
    if (pg::get_recovery_type(*conn) != pg::RecoveryType::kPrimary) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("primary server is registered as node \"{}\" (ID: {}), but server "
                                "is not a primary",
                                primary->node_name, primary->node_id));
    }
    auto record = metadata::get_node_record(*conn, cfg.node_id);
    if (!record) {
        throw Error(ExitCode::kBadConfig, "unable to retrieve node record for the local node")
            .hint(fmt::format("check the local node is registered with the current primary \"{}\" "
                              "(ID: {})",
                              primary->node_name, primary->node_id));
    }
    *own = *record;
    return RejoinTarget{std::move(*conn), std::move(*primary)};
}

void check_free_slots(const config::Config& cfg, RejoinTarget& target, bool dry_run) {
    if (!cfg.use_replication_slots) return;
    const pg::SlotCapacity slots = pg::get_slot_capacity(target.conn);
    const int free = slots.max_replication_slots - slots.existing;
    if (free < 1) {
        throw Error(
            ExitCode::kBadConfig,
            fmt::format("no free replication slots available on node {}", target.record.node_id))
            .hint(fmt::format("consider increasing \"max_replication_slots\" (current value: {})",
                              slots.max_replication_slots));
    }
    // Node id and count swapped: repmgr's text (commands.md §24 quirk 16).
    if (dry_run)
        log::info("replication slots in use, {} free slots on node {}", target.record.node_id,
                  free);
}

metadata::Event rejoin_event(const config::Config& cfg, const RejoinTarget& target, bool success,
                             const std::string& detail) {
    return metadata::Event{
        cfg.node_id,
        "node_rejoin",
        success,
        detail,
        {target.record.node_id, target.record.conninfo, target.record.node_name}};
}

// Step 12: wait for the node to attach (unless --no-wait), then the event.
void wait_for_join(const config::Config& cfg, const NodeRejoinOptions& options,
                   RejoinTarget& target, const metadata::NodeRecord& own,
                   const std::string& detail) {
    if (options.no_wait) {
        test_attachment(target.conn, own.node_name);
        return;
    }
    const JoinResult join = check_standby_join(cfg, target.conn, target.record, own);
    const bool attached = join == JoinResult::kAttached;
    metadata::create_event_notification(&target.conn, cfg,
                                        rejoin_event(cfg, target, attached, detail));
    if (attached) return;
    Error e(ExitCode::kRejoinFail, "NODE REJOIN failed");
    if (join == JoinResult::kNoPing) {
        // "become available start": repmgr's text (commands.md §24 quirk 12).
        e.detail(fmt::format("local node \"{}\" did not become available start after {} seconds",
                             own.node_name, cfg.node_rejoin_timeout.count()));
    } else {
        e.detail(
            fmt::format("no active record for local node \"{}\" found in node \"{}\"'s "
                        "\"pg_stat_replication\" table",
                        own.node_name, target.record.node_name));
    }
    throw e.hint("check the PostgreSQL log on the local node");
}

// Step 13: slots the node kept from its time as a primary.
void clean_up_local_slots(const config::Config& cfg, const RejoinTarget& target) {
    auto local = db::Connection::try_connect(db::ConnInfo::parse(cfg.conninfo));
    if (!local.ok()) {
        log::warning("unable to connect to local node to check replication slot status");
        log::hint(
            "execute \"repmgr node check\" to check inactive slots and drop manually if necessary");
        return;
    }
    try {
        const std::string& own_slot = target.record.slot_name;
        if (!own_slot.empty() && pg::get_slot_state(local.value(), own_slot).exists) {
            pg::drop_slot(local.value(), own_slot);
            log::notice("replication slot \"{}\" deleted on node {}", own_slot, cfg.node_id);
        }
        std::vector<std::string> inactive;
        for (const auto& slot : pg::get_physical_slots(local.value())) {
            if (!slot.active) inactive.push_back(fmt::format("  - {} (physical)", slot.slot_name));
        }
        if (inactive.empty()) return;
        log::warning("{} inactive replication slots detected", inactive.size());
        std::string list;
        for (const auto& line : inactive) list += "\n" + line;
        log::detail("inactive replication slots:{}", list);
        log::hint("these replication slots may need to be removed manually");
    } catch (const db::DbQueryError& e) {
        log::warning("unable to check replication slots on the local node: {}", e.what());
    }
}

}  // namespace

ExitCode node_rejoin(const config::Config& cfg, const NodeRejoinOptions& options) {
    const LocalState local = check_local_server(cfg, options);
    metadata::NodeRecord own;
    RejoinTarget target = find_rejoin_target(cfg, options, &own);
    check_free_slots(cfg, target, options.dry_run);

    AttachCheck check;
    check.mode = AttachMode::kRejoin;
    check.dry_run = options.dry_run;
    check.force_rewind = options.force_rewind;
    check.local_node_id = cfg.node_id;
    check.local = local_position_from_control(local.control);
    const AttachOutcome attach = check_node_can_attach(cfg, check, target.record);

    if (options.force_rewind) {
        check_rewind_prerequisites(target.conn, options.dry_run);
        rewind_data_directory(cfg, options, {&target.conn, target.record, attach.target_timeline},
                              local.unclean);
    }
    if (options.dry_run) {
        log::info("prerequisites for executing NODE REJOIN are met");
        return ExitCode::kSuccess;
    }

    FollowRequest request;
    request.primary_conn = &target.conn;
    request.target_conn = &target.conn;
    request.target = target.record;
    request.host_given = options.host_given;
    request.primary_version_num = target.conn.server_version_num();
    request.failure_code = ExitCode::kRejoinFail;
    const FollowOutcome outcome = follow_new_upstream(cfg, request);
    if (!outcome.success) {
        log::error("NODE REJOIN failed");
        if (!outcome.detail.empty()) log::detail("{}", outcome.detail);
        metadata::create_event_notification(&target.conn, cfg,
                                            rejoin_event(cfg, target, false, outcome.detail));
        throw ReportedError(outcome.code);
    }
    wait_for_join(cfg, options, target, own, outcome.detail);
    if (!options.force_rewind && cfg.use_replication_slots) clean_up_local_slots(cfg, target);
    log::notice("NODE REJOIN successful");
    log::detail("{}", outcome.detail);
    return ExitCode::kSuccess;
}

}  // namespace repmgr::workflow
