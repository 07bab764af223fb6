// standby promote, step by step as commands.md §7.
#include "repmgr/workflow/standby_promote.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/pg/service.hpp"
#include "repmgr/pg/standby_state.hpp"
#include "repmgr/workflow/connections.hpp"
#include "workflow/follow_steps.hpp"
#include "workflow/standby_promote_steps.hpp"

namespace repmgr::workflow {
namespace {

enum class PromoteMethod { kServiceCommand, kPgPromote, kPgCtl };

void check_is_standby(db::Connection& local, bool dry_run) {
    log::verbose(log::Level::kInfo, "connected to standby, checking its state");
    if (local.server_version_num() < 90400) {
        throw Error(ExitCode::kBadConfig, "repmgr requires PostgreSQL 9.4 or later")
            .detail("server version is " + pg::get_server_version_string(local));
    }
    switch (pg::get_recovery_type(local)) {
        case pg::RecoveryType::kPrimary:
            throw Error(ExitCode::kPromotionFail,
                        "STANDBY PROMOTE can only be executed on a standby node");
        case pg::RecoveryType::kUnknown:
            throw Error(ExitCode::kDbConn, "unable to determine node's recovery state");
        case pg::RecoveryType::kStandby:
            break;
    }
    if (dry_run) log::info("node is a standby");
}

// Step 4, PostgreSQL < 13 only: a paused replay must be resumed first.
void check_replay_not_paused(db::Connection& local) {
    if (local.server_version_num() >= 130000) return;
    pg::StandbyReplayInfo info;
    try {
        info = pg::get_standby_replay_info(local);
    } catch (const db::DbQueryError&) {
        throw Error(ExitCode::kPromotionFail,
                    "unable to retrieve replication information from local node");
    }
    if (!info.replay_paused) return;
    const std::string hint = local.server_version_num() >= 100000
                                 ? "execute \"pg_wal_replay_resume()\" to unpause WAL replay"
                                 : "execute \"pg_xlog_replay_resume()\" to npause WAL replay";
    if (info.last_received_lsn.empty()) {
        throw Error(ExitCode::kPromotionFail, "WAL replay is paused on this node")
            .detail("node is in archive recovery and is not safe to promote in this state")
            .detail("replay paused at " + info.last_replayed_lsn)
            .hint(hint);
    }
    if (info.wal_pending) {
        throw Error(ExitCode::kPromotionFail,
                    "WAL replay is paused on this node but not all WAL has been replayed")
            .detail(fmt::format("replay paused at {}; last WAL received is {}",
                                info.last_replayed_lsn, info.last_received_lsn))
            .hint(hint);
    }
}

void check_no_active_primary(db::Connection& local, bool dry_run) {
    auto primary = find_primary_connection(local, true);
    if (primary) {
        Error e(ExitCode::kPromotionFail,
                "this replication cluster already has an active primary server");
        // repmgr 5.3.3 omits this DETAIL with -v (observed; the verbose search lines name the
        // primary instead).
        auto rec = log::settings().verbose ? std::nullopt
                                           : metadata::get_node_record(local, primary->node_id);
        if (rec) {
            e.detail(
                fmt::format("current primary is \"{}\" (ID: {})", rec->node_name, rec->node_id));
        }
        throw e;
    }
    if (dry_run) log::info("no active primary server found in this replication cluster");
}

PromoteMethod promote_method(const config::Config& cfg, db::Connection& local) {
    if (!cfg.service_promote_command.empty()) return PromoteMethod::kServiceCommand;
    if (local.server_version_num() >= 120000 && pg::can_execute_pg_promote(local)) {
        return PromoteMethod::kPgPromote;
    }
    return PromoteMethod::kPgCtl;
}

void report_method(const config::Config& cfg, db::Connection& local, PromoteMethod method) {
    switch (method) {
        case PromoteMethod::kServiceCommand:
            log::info("node will be promoted using command defined in \"service_promote_command\"");
            log::detail("\"service_promote_command\" is \"{}\"", cfg.service_promote_command);
            return;
        case PromoteMethod::kPgPromote:
            log::info("node will be promoted using the \"pg_promote()\" function");
            return;
        case PromoteMethod::kPgCtl:
            log::info("node will be promoted using \"pg_ctl promote\"");
            if (local.server_version_num() >= 120000) {
                log::detail("user \"{}\" does not have permission to execute \"pg_promote()\"",
                            local.user());
            }
            return;
    }
}

// Steps 9-10: asks for the promotion and waits until the server has left recovery.
void promote_and_wait(const config::Config& cfg, db::Connection& local, PromoteMethod method) {
    if (method == PromoteMethod::kPgCtl && local.server_version_num() >= 120000) {
        log::info(
            "user \"{}\" does not have permission to execute \"pg_promote()\", falling back "
            "to \"pg_ctl promote\"",
            local.user());
    }
    log::notice("promoting standby to primary");
    const std::string who = fmt::format("server \"{}\" (ID: {})", cfg.node_name, cfg.node_id);
    if (method == PromoteMethod::kPgPromote) {
        log::detail("promoting {} using pg_promote()", who);
        try {
            pg::request_promote(local);
        } catch (const db::DbQueryError&) {
            throw Error(ExitCode::kPromotionFail,
                        "unable to promote server from standby to primary");
        }
    } else {
        const std::string command =
            pg::service_command(cfg, pg::ServiceAction::kPromote, pg::service_directory(cfg));
        log::detail("promoting {} using \"{}\"", who, command);
        if (!pg::run_service_command(command).ok()) {
            throw Error(ExitCode::kPromotionFail,
                        "unable to promote server from standby to primary");
        }
    }
    const long timeout = cfg.promote_check_timeout.count();
    const long interval = cfg.promote_check_interval.count();
    log::notice(
        "waiting up to {} seconds (parameter \"promote_check_timeout\") for promotion to "
        "complete",
        timeout);
    // repmgr checks once per promote_check_interval; we look every 50 ms in between so the
    // command returns as soon as the server has left recovery (same messages, same limit).
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::seconds(timeout);
    for (long waited = 0; waited < timeout; waited += interval) {
        const auto next = start + std::chrono::seconds(waited + interval);
        bool slept_in_slot = false;
        while (true) {
            switch (pg::get_recovery_type(local)) {
                case pg::RecoveryType::kPrimary:
                    // Reported in whole check intervals, as repmgr's loop counts them.
                    log::verbose(log::Level::kInfo, "standby promoted to primary after {} second(s)",
                                 slept_in_slot ? waited + interval : waited);
                    return;
                case pg::RecoveryType::kUnknown:
                    throw Error(ExitCode::kDbConn, "connection to node lost");
                case pg::RecoveryType::kStandby:
                    break;
            }
            const auto now = std::chrono::steady_clock::now();
            if (now >= next || now >= deadline) break;
            sleep_for(std::min(std::chrono::duration_cast<std::chrono::milliseconds>(next - now),
                               std::chrono::milliseconds(50)));
            slept_in_slot = true;
        }
    }
    throw Error(ExitCode::kPromotionFail, "STANDBY PROMOTE failed, node is still a standby")
        .detail(fmt::format("node still in recovery after {} seconds", timeout))
        .hint(
            "the node may need more time to promote itself, check the PostgreSQL log for details");
}

// Step 11: this node becomes the one active primary record.
void update_metadata(const config::Config& cfg, db::Connection& local, metadata::NodeRecord own) {
    try {
        db::Transaction tx(local);
        for (const auto& rec : metadata::get_all_node_records(local)) {
            if (rec.node_id != own.node_id && rec.active &&
                rec.type == metadata::NodeType::kPrimary) {
                metadata::set_node_active(local, rec.node_id, false);
            }
        }
        own.type = metadata::NodeType::kPrimary;
        own.upstream_node_id.reset();
        own.active = true;
        metadata::update_node_record(local, own);
        tx.commit();
    } catch (const db::DbQueryError&) {
        const std::string text =
            fmt::format("unable to update node record for node {}", cfg.node_id);
        log::error("{}", text);
        metadata::create_event_notification(nullptr, cfg,
                                            {cfg.node_id, "standby_promote", false, text, {}});
        throw ReportedError(ExitCode::kDbQuery);
    }
}

}  // namespace

void promote_and_record(const config::Config& cfg, db::Connection& conn,
                        const metadata::NodeRecord& own) {
    promote_and_wait(cfg, conn, promote_method(cfg, conn));
    update_metadata(cfg, conn, own);
    const std::string detail = fmt::format(
        "server \"{}\" (ID: {}) was successfully promoted to primary", cfg.node_name, cfg.node_id);
    log::notice("STANDBY PROMOTE successful");
    log::detail("{}", detail);
    metadata::create_event_notification(&conn, cfg,
                                        {cfg.node_id, "standby_promote", true, detail, {}});
}

ExitCode standby_promote(const config::Config& cfg, const StandbyPromoteOptions& options,
                         remote::Executor* executor) {
    db::Connection local = connect_local(cfg);
    check_is_standby(local, options.dry_run);
    auto own = metadata::get_node_record(local, cfg.node_id);
    if (!own) {
        throw Error(ExitCode::kDbQuery,
                    fmt::format("unable to retrieve node record for node {}", cfg.node_id));
    }
    check_replay_not_paused(local);
    check_no_active_primary(local, options.dry_run);

    const auto siblings = sibling_nodes(metadata::get_all_node_records(local), *own);
    const auto followers = check_siblings(options, executor, siblings);
    const bool capacity_ok = check_sibling_capacity(local, options, followers);
    const PromoteMethod method = promote_method(cfg, local);
    if (options.dry_run) {
        report_method(cfg, local, method);
        if (!capacity_ok) {
            throw Error(ExitCode::kBadConfig,
                        "prerequisites for executing STANDBY PROMOTE are *not* met")
                .hint("see preceding error messages");
        }
        log::info("prerequisites for executing STANDBY PROMOTE are met");
        return ExitCode::kSuccess;
    }

    promote_and_record(cfg, local, *own);

    if (options.siblings_follow && !siblings.empty() && executor != nullptr) {
        metadata::NodeRecord self = *own;
        self.type = metadata::NodeType::kPrimary;
        self.upstream_node_id.reset();
        follow_siblings(cfg, *executor, followers, siblings.size(), self, options.log_level);
    }
    return ExitCode::kSuccess;
}

}  // namespace repmgr::workflow
