// standby register, step by step as commands.md §5.
#include <fmt/format.h>

#include "repmgr/db/conninfo.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"
#include "repmgr/workflow/standby_register.hpp"
#include "record_write_error.hpp"
#include "standby_register_steps.hpp"

namespace repmgr::workflow {
namespace {

using standby_register_steps::primary_as_other;
using standby_register_steps::RegisterState;

void check_local_is_standby(const config::Config& cfg, const StandbyRegisterOptions& options,
                            db::Connection& local) {
    if (options.connection_params_provided) {
        log::warning("database connection parameters not required when the standby to be "
                     "registered is running");
        log::detail("repmgr uses the \"conninfo\" parameter in \"repmgr.conf\" to connect to "
                    "the standby");
    }
    switch (pg::get_recovery_type(local)) {
        case pg::RecoveryType::kPrimary:
            throw Error(ExitCode::kBadConfig,
                        fmt::format("this node should be a standby ({})", cfg.conninfo));
        case pg::RecoveryType::kUnknown:
            throw Error(ExitCode::kDbConn,
                        fmt::format("connection to node ({}) lost", cfg.conninfo));
        case pg::RecoveryType::kStandby:
            break;
    }
}

// Step 3: through the running standby's metadata, or the -d/-h/-p/-U parameters when the
// standby is down (then the primary's node id is not known: -1, as in repmgr).
void connect_primary(const StandbyRegisterOptions& options, RegisterState& state) {
    log::info("connecting to primary database");
    if (state.local) {
        if (auto found = find_primary_connection(*state.local, false)) {
            state.primary = std::move(found->conn);
            state.primary_node_id = found->node_id;
        }
    } else {
        auto conn = connect_by_params(options.primary_params);
        if (conn.ok()) state.primary = std::move(conn).take();
    }
    if (!state.primary) {
        throw Error(ExitCode::kBadConfig, "unable to connect to the primary database")
            .hint("a primary node must be configured before registering a standby node");
    }
    state.primary_record = metadata::get_node_record(*state.primary, state.primary_node_id);
}

// Steps 5-6: node_name clashes and an existing record of this node.
void check_existing_records(const config::Config& cfg, const StandbyRegisterOptions& options,
                            RegisterState& state) {
    if (auto same_name = metadata::get_node_record_by_name(*state.primary, cfg.node_name)) {
        if (same_name->active && same_name->node_id != cfg.node_id) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("node {} exists already with node_name \"{}\"",
                                    same_name->node_id, cfg.node_name));
        }
        state.loaded = *same_name;
    }
    if (auto own = metadata::get_node_record(*state.primary, cfg.node_id)) {
        if (!options.force) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("node {} is already registered", cfg.node_id))
                .hint("use option -F/--force to overwrite an existing node record");
        }
        state.loaded = *own;
        state.own_record_found = true;
    }
}

// Step 8: the record as repmgr builds it from repmgr.conf. `upstream_id` -1 = unknown.
metadata::NodeRecord standby_record(const config::Config& cfg, const RegisterState& state,
                                    int upstream_id) {
    metadata::NodeRecord rec;
    rec.node_id = cfg.node_id;
    rec.type = metadata::NodeType::kStandby;
    if (upstream_id != -1) rec.upstream_node_id = upstream_id;
    rec.node_name = cfg.node_name;
    rec.conninfo = cfg.conninfo;
    rec.repluser = cfg.replication_user;
    if (rec.repluser.empty()) {
        rec.repluser = db::ConnInfo::parse(cfg.conninfo).get("user").value_or("");
    }
    rec.slot_name = cfg.use_replication_slots ? fmt::format("repmgr_slot_{}", cfg.node_id)
                                              : state.loaded.slot_name;
    rec.location = cfg.location;
    rec.priority = cfg.priority;
    rec.active = true;
    rec.config_file = cfg.config_file;
    return rec;
}

// Step 11. Returns false (after printing repmgr's error) if the record could not be written.
bool write_record(db::Connection& primary, metadata::NodeRecord rec, bool update) {
    // A standby record without upstream points at the current primary, as repmgr writes it.
    if (!rec.upstream_node_id) rec.upstream_node_id = metadata::get_active_primary_node_id(primary);
    try {
        if (update) {
            metadata::update_node_record(primary, rec);
        } else {
            metadata::create_node_record(primary, rec);
        }
        return true;
    } catch (const db::DbQueryError& e) {
        log_record_write_error(rec, update, e);
        return false;
    }
}

}  // namespace

ExitCode standby_register(const config::Config& cfg, const StandbyRegisterOptions& options) {
    RegisterState state;
    state.local = standby_register_steps::connect_local_node(cfg, options);
    if (state.local) check_local_is_standby(cfg, options, *state.local);
    connect_primary(options, state);
    check_existing_records(cfg, options, state);
    if (options.upstream_node_id) {
        standby_register_steps::check_given_upstream(cfg, options, state);
    }
    const int upstream_id = options.upstream_node_id.value_or(state.primary_node_id);
    if (!options.upstream_node_id && state.local && !state.own_record_found) {
        standby_register_steps::check_attached_to_primary(cfg, options, state);
    }
    if (options.dry_run) {
        if (state.dry_run_failed) {
            log::warning("issue(s) encountered; see preceding log messages");
            return ExitCode::kBadConfig;
        }
        log::info("all prerequisites for \"standby register\" are met");
        return ExitCode::kSuccess;
    }

    const std::string forced = options.force ? " (-F/--force option was used)" : "";
    metadata::NodeRecord rec = standby_record(cfg, state, upstream_id);
    if (!write_record(*state.primary, rec, state.own_record_found)) {
        metadata::create_event_notification(
            &*state.primary, cfg,
            {cfg.node_id, "standby_register", false,
             fmt::format("standby registration failed; provided upstream node ID was {}{}",
                         upstream_id, forced),
             primary_as_other(state)});
        return ExitCode::kBadConfig;
    }
    metadata::create_event_notification(
        &*state.primary, cfg,
        {cfg.node_id, "standby_register", true,
         fmt::format("standby registration succeeded; upstream node ID is {}{}", upstream_id, forced),
         primary_as_other(state)});

    if (state.local && options.wait_sync_seconds && *options.wait_sync_seconds != 0) {
        standby_register_steps::wait_for_record_sync(cfg, options, state);
    }
    log::info("standby registration complete");
    log::notice("standby node \"{}\" (ID: {}) successfully registered", cfg.node_name, cfg.node_id);
    return ExitCode::kSuccess;
}

}  // namespace repmgr::workflow
