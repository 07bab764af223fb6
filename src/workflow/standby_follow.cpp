// standby follow, step by step as commands.md §8.
#include "repmgr/workflow/standby_follow.hpp"

#include <fmt/format.h>

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/pg/standby_state.hpp"
#include "repmgr/workflow/connections.hpp"
#include "workflow/follow_steps.hpp"

namespace repmgr::workflow {
namespace {

struct FollowTarget {
    db::Connection conn;
    metadata::NodeRecord record;
    bool is_primary = false;
};

db::Connection connect_local_standby(const config::Config& cfg) {
    auto local = db::Connection::try_connect(db::ConnInfo::parse(cfg.conninfo));
    if (!local.ok()) {
        db::DbConnectError e = local.error();
        e.hint("use \"repmgr node rejoin\" to re-add an inactive node to the replication cluster");
        throw e;
    }
    log::verbose(log::Level::kInfo, "connected to local node");
    if (pg::get_recovery_type(local.value()) != pg::RecoveryType::kStandby) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("this node should be a standby ({})", cfg.conninfo));
    }
    return std::move(local).take();
}

// One attempt, or one a second for primary_follow_timeout seconds with -w.
template <typename Attempt>
auto retry(const config::Config& cfg, bool wait, Attempt attempt) -> decltype(attempt()) {
    const long attempts = wait ? cfg.primary_follow_timeout.count() : 1;
    for (long i = 0; i < attempts; ++i) {
        if (auto result = attempt()) return result;
        if (wait) sleep_for(std::chrono::seconds(1));
    }
    return std::nullopt;
}

Error target_not_found(const config::Config& cfg, const StandbyFollowOptions& options) {
    const long t = cfg.primary_follow_timeout.count();
    if (!options.upstream_node_id) {
        Error e(ExitCode::kFollowFail, "unable to find a primary node");
        if (options.wait) {
            e.detail(fmt::format("no primary appeared after {} seconds", t))
                .hint("alter \"primary_follow_timeout\" in \"repmgr.conf\" to change this value");
        }
        return e;
    }
    const int id = *options.upstream_node_id;
    Error e(ExitCode::kFollowFail, fmt::format("unable to connect to target node {}", id));
    if (options.wait) {
        e.detail(fmt::format("unable to connect to target node {} after {} seconds", id, t))
            .hint("alter \"primary_follow_timeout\" in \"repmgr.conf\" to change this value");
    }
    return e;
}

// Steps 3-6: the node to follow, connected, with its record and recovery type.
FollowTarget find_target(const config::Config& cfg, const StandbyFollowOptions& options,
                         db::Connection& local) {
    std::optional<metadata::NodeRecord> record;
    std::optional<db::Connection> conn;
    if (options.upstream_node_id) {
        const int id = *options.upstream_node_id;
        if (id == cfg.node_id) {
            throw Error(ExitCode::kFollowFail,
                        fmt::format("provided --upstream-node-id {} is the current node", id));
        }
        record = metadata::get_node_record(local, id);
        if (!record) {
            throw Error(ExitCode::kFollowFail,
                        fmt::format("unable to find record for intended upstream node {}", id));
        }
        conn = retry(cfg, options.wait, [&] { return connect_quiet(record->conninfo); });
        if (!conn) throw target_not_found(cfg, options);
    } else {
        log::notice("attempting to find and follow current primary");
        auto primary =
            retry(cfg, options.wait, [&] { return find_primary_connection(local, true); });
        if (!primary) throw target_not_found(cfg, options);
        if (options.dry_run) {
            log::info("connected to node {}, checking for current primary", primary->node_id);
        } else {
            log::verbose(log::Level::kInfo, "connected to node {}, checking for current primary",
                         primary->node_id);
        }
        record = metadata::get_node_record(primary->conn, primary->node_id);
        if (!record) {
            throw Error(ExitCode::kFollowFail,
                        fmt::format("unable to retrieve record for node {}", primary->node_id));
        }
        conn = std::move(primary->conn);
    }
    const pg::RecoveryType type = pg::get_recovery_type(*conn);
    if (type == pg::RecoveryType::kUnknown) {
        throw Error(ExitCode::kFollowFail, "unable to determine recovery type of follow target");
    }
    const bool is_primary = type == pg::RecoveryType::kPrimary;
    const std::string text =
        fmt::format("follow target is {} node \"{}\" (ID: {})", is_primary ? "primary" : "standby",
                    record->node_name, record->node_id);
    if (options.dry_run) {
        log::info("{}", text);
    } else {
        log::verbose(log::Level::kInfo, "{}", text);
    }
    return FollowTarget{std::move(*conn), std::move(*record), is_primary};
}

void check_free_slots(const config::Config& cfg, db::Connection& target, int target_id,
                      bool dry_run) {
    if (!cfg.use_replication_slots) return;
    pg::SlotCapacity slots = pg::get_slot_capacity(target);
    const int free = slots.max_replication_slots - slots.existing;
    if (free < 1) {
        throw Error(ExitCode::kFollowFail,
                    fmt::format("no free replication slots available on node {}", target_id))
            .hint(fmt::format("consider increasing \"max_replication_slots\" (current value: {})",
                              slots.max_replication_slots));
    }
    // Node id and count swapped: repmgr's text (commands.md §24 quirk 16).
    if (dry_run) log::info("replication slots in use, {} free slots on node {}", target_id, free);
}

metadata::EventOtherNode other_node(const metadata::NodeRecord& target) {
    return metadata::EventOtherNode{target.node_id, target.conninfo, target.node_name};
}

ExitCode report_failure(const config::Config& cfg, FollowTarget& target,
                        const FollowOutcome& outcome) {
    metadata::create_event_notification(
        &target.conn, cfg,
        {cfg.node_id, "standby_follow", false, outcome.detail, other_node(target.record)});
    log::notice("STANDBY FOLLOW failed");
    if (!outcome.detail.empty()) log::detail("{}", outcome.detail);
    return outcome.code;
}

}  // namespace

ExitCode standby_follow(const config::Config& cfg, const StandbyFollowOptions& options) {
    db::Connection local = connect_local_standby(cfg);
    auto own = metadata::get_node_record(local, cfg.node_id);
    if (!own) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to retrieve record for local node {}", cfg.node_id));
    }
    FollowTarget target = find_target(cfg, options, local);
    check_free_slots(cfg, target.conn, target.record.node_id, options.dry_run);

    AttachCheck check;
    check.mode = AttachMode::kFollow;
    check.dry_run = options.dry_run;
    check.local_node_id = cfg.node_id;
    check.local_conn = &local;
    check.local_repluser = own->repluser;
    check_node_can_attach(cfg, check, target.record);

    std::optional<PrimaryConnection> primary;
    if (!target.is_primary) {
        primary = find_primary_connection(local, true);
        if (!primary) {
            throw Error(ExitCode::kFollowFail, "unable to determine the cluster primary")
                .detail("an active primary node is required for \"repmgr standby follow\"");
        }
    }
    if (options.dry_run) {
        log::info("prerequisites for executing STANDBY FOLLOW are met");
        return ExitCode::kSuccess;
    }
    db::Connection& primary_conn = primary ? primary->conn : target.conn;

    FollowRequest request;
    request.primary_conn = &primary_conn;
    request.target_conn = &target.conn;
    request.target = target.record;
    request.host_given = options.host_given;
    request.primary_version_num = primary_conn.server_version_num();
    request.failure_code = ExitCode::kFollowFail;
    FollowOutcome outcome = follow_new_upstream(cfg, request);
    if (!outcome.success) return report_failure(cfg, target, outcome);

    wait_for_attachment(cfg, target.conn);
    const std::string detail = fmt::format("standby attached to upstream node \"{}\" (ID: {})",
                                           target.record.node_name, target.record.node_id);
    log::notice("STANDBY FOLLOW successful");
    log::detail("{}", detail);
    metadata::create_event_notification(
        &primary_conn, cfg,
        {cfg.node_id, "standby_follow", true, detail, other_node(target.record)});
    return ExitCode::kSuccess;
}

}  // namespace repmgr::workflow
