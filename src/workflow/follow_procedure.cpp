// The follow procedure shared by standby follow and node rejoin (commands.md §8 step 11).
#include <fmt/format.h>

#include "repmgr/log/logger.hpp"
#include "repmgr/pg/recovery_config.hpp"
#include "repmgr/pg/replication.hpp"
#include "repmgr/pg/rewind.hpp"
#include "repmgr/pg/service.hpp"
#include "repmgr/workflow/connections.hpp"
#include "workflow/follow_steps.hpp"

namespace repmgr::workflow {
namespace {

// A failure of the procedure: logged as ERROR (unless the text is empty) and returned.
FollowOutcome failed(ExitCode code, std::string text, bool log_it = true) {
    if (log_it) log::error("{}", text);
    return FollowOutcome{false, code, std::move(text)};
}

// Creates (or reuses an inactive) slot on the new upstream. Returns the error text, if any.
std::optional<std::string> prepare_slot(db::Connection& target, const std::string& slot) {
    log::verbose(log::Level::kInfo, "managing replication slot as user \"{}\"", target.user());
    try {
        pg::SlotState state = pg::get_slot_state(target, slot);
        if (state.exists) {
            if (state.slot_type != "physical") {
                return fmt::format("slot \"{}\" exists and is not a physical slot\n", slot);
            }
            if (state.active)
                return fmt::format("slot \"{}\" already exists as an active slot\n", slot);
            return std::nullopt;
        }
        pg::create_physical_slot(target, slot);
        return std::nullopt;
    } catch (const db::DbQueryError& e) {
        return fmt::format("unable to create slot \"{}\" on upstream node: {}", slot,
                           e.server_message().empty() ? e.what() : e.server_message());
    }
}

// The old upstream whose slot for this node should go once we follow someone else.
std::optional<metadata::NodeRecord> old_upstream_to_clean(const config::Config& cfg,
                                                          const FollowRequest& request,
                                                          const metadata::NodeRecord& own) {
    if (!cfg.use_replication_slots || request.host_given || !own.upstream_node_id ||
        *own.upstream_node_id == request.target.node_id) {
        return std::nullopt;
    }
    auto old = metadata::get_node_record(*request.primary_conn, *own.upstream_node_id);
    if (!old) {
        log::warning("unable to retrieve node record for old upstream node {}",
                     *own.upstream_node_id);
        log::detail("replication slot will need to be removed manually");
    }
    return old;
}

bool run_logged(const std::string& verb, const std::string& command, const char* past) {
    log::notice("{} server using \"{}\"", verb, command);
    if (pg::run_service_command(command).ok()) return true;
    log::error("unable to {} server", past);
    return false;
}

// Makes the local server pick up the new configuration. Returns false after logging
// "unable to <action> server".
bool restart_local_server(const config::Config& cfg, int primary_version_num) {
    const std::string& dir = cfg.data_directory;
    db::PingStatus ping = db::ping(db::ConnInfo::parse(cfg.conninfo));
    if (ping != db::PingStatus::kOk) {
        log::warning("unable to ping \"{}\"", cfg.conninfo);
        log::detail("PQping() returned \"{}\"", db::ping_status_name(ping));
    }
    const bool running = ping == db::PingStatus::kOk || ping == db::PingStatus::kReject;
    if (!running) {
        return run_logged("starting", pg::service_command(cfg, pg::ServiceAction::kStart, dir),
                          "start");
    }
    if (primary_version_num >= 130000 && !cfg.standby_follow_restart) {
        // No log line: repmgr reloads silently (commands.md §24 quirk 15).
        if (pg::run_service_command(pg::service_command(cfg, pg::ServiceAction::kReload, dir))
                .ok()) {
            return true;
        }
        log::warning("unable to reload server configuration");
    }
    if (!cfg.service_restart_command.empty()) {
        return run_logged("restarting", cfg.service_restart_command, "restart");
    }
    return run_logged("stopping", pg::service_command(cfg, pg::ServiceAction::kStopWait, dir),
                      "stop") &&
           run_logged("starting", pg::service_command(cfg, pg::ServiceAction::kStart, dir),
                      "start");
}

void drop_old_slot(const metadata::NodeRecord& old, const std::string& slot) {
    auto conn = connect_quiet(old.conninfo);
    if (!conn) {
        log::warning("unable to connect to old upstream node {} to remove replication slot",
                     old.node_id);
        log::hint(
            "if reusing this node, you should manually remove any inactive replication slots");
        return;
    }
    try {
        pg::SlotState state = pg::get_slot_state(*conn, slot);
        if (!state.exists) {
            log::verbose(log::Level::kInfo,
                         "slot \"{}\" does not exist on node {}, nothing to remove", slot,
                         old.node_id);
        } else if (state.active) {
            log::warning("replication slot \"{}\" is still active on node {}", slot, old.node_id);
        } else {
            pg::drop_slot(*conn, slot);
            log::notice("replication slot \"{}\" deleted on node {}", slot, old.node_id);
        }
    } catch (const db::DbQueryError&) {
        log::error("unable to delete replication slot \"{}\" on node {}", slot, old.node_id);
    }
}

void write_configuration(const config::Config& cfg, const FollowRequest& request,
                         const std::string& slot) {
    db::ConnInfo params =
        pg::follow_conninfo_params(request.target.conninfo, cfg.node_name, request.target.repluser);
    const std::string conninfo = pg::format_primary_conninfo(params, cfg.node_name, cfg);
    const int version =
        pg::read_data_directory_version(cfg.data_directory).value_or(request.primary_version_num);
    pg::write_replication_config(
        cfg.data_directory,
        pg::replication_config_items(cfg, conninfo, slot, cfg.recovery_min_apply_delay, version),
        version);
}

}  // namespace

FollowOutcome follow_new_upstream(const config::Config& cfg, const FollowRequest& request) {
    auto own = metadata::get_node_record(*request.primary_conn, cfg.node_id);
    if (!own)
        return failed(ExitCode::kBadConfig,
                      fmt::format("unable to retrieve record for node {}", cfg.node_id));
    metadata::NodeRecord record = *own;
    if (cfg.use_replication_slots) {
        if (record.slot_name.empty()) {
            record.slot_name = fmt::format("repmgr_slot_{}", cfg.node_id);
            log::notice("setting node {}'s slot name to \"{}\"", cfg.node_id, record.slot_name);
        }
        if (auto error = prepare_slot(*request.target_conn, record.slot_name)) {
            return failed(request.failure_code, *error);
        }
    }
    auto old_upstream = old_upstream_to_clean(cfg, request, *own);

    log::notice("setting node {}'s upstream to node {}", cfg.node_id, request.target.node_id);
    try {
        write_configuration(cfg, request, cfg.use_replication_slots ? record.slot_name : "");
    } catch (const Error& e) {
        log::error("{}", e.what());
        for (const auto& n : e.notes()) log::detail("{}", n.text);
        return failed(request.failure_code, "unable to write replication configuration", false);
    }
    if (!restart_local_server(cfg, request.primary_version_num)) {
        return FollowOutcome{false, ExitCode::kNoRestart, ""};
    }
    if (old_upstream) drop_old_slot(*old_upstream, record.slot_name);

    record.type = metadata::NodeType::kStandby;
    record.upstream_node_id = request.target.node_id;
    record.active = true;
    try {
        metadata::update_node_record(*request.primary_conn, record);
    } catch (const db::DbQueryError&) {
        // repmgr reports the failure but sets no exit code (exit-codes.md §2.5).
        return FollowOutcome{false, ExitCode::kSuccess, "unable to update upstream node"};
    }
    return FollowOutcome{
        true, ExitCode::kSuccess,
        fmt::format("node {} is now attached to node {}", cfg.node_id, request.target.node_id)};
}

}  // namespace repmgr::workflow
