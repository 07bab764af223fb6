// primary register, step by step as commands.md §2.
#include <fmt/format.h>

#include "repmgr/db/conninfo.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/metadata/extension.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"
#include "repmgr/workflow/extension_setup.hpp"
#include "repmgr/workflow/primary.hpp"

namespace repmgr::workflow {
namespace {

void check_server_state(db::Connection& conn) {
    log::verbose(log::Level::kInfo, "connected to server, checking its state");
    if (conn.server_version_num() < 90400) {
        throw Error(ExitCode::kBadConfig, "repmgr requires primary to be PostgreSQL 9.4 or later")
            .detail("primary server version is " + pg::get_server_version_string(conn));
    }
    switch (pg::get_recovery_type(conn)) {
        case pg::RecoveryType::kStandby:
            throw Error(ExitCode::kBadConfig,
                        "server is in standby mode and cannot be registered as a primary");
        case pg::RecoveryType::kUnknown:
            throw Error(ExitCode::kDbConn, "unable to determine server's recovery type");
        case pg::RecoveryType::kPrimary:
            break;
    }
    log::verbose(log::Level::kInfo, "server is not in recovery");
}

// Marks a stale primary record inactive, refusing if that primary is really running.
void retire_other_primary(db::Connection& conn, int own_node_id) {
    auto other_id = metadata::get_active_primary_node_id(conn);
    if (!other_id) {
        log::verbose(log::Level::kWarning, "get_primary_node_id(): no active primary found");
        return;
    }
    if (*other_id == own_node_id) return;
    auto other = metadata::get_node_record(conn, *other_id);
    if (!other) return;
    if (auto other_conn = connect_quiet(other->conninfo)) {
        if (pg::get_recovery_type(*other_conn) == pg::RecoveryType::kPrimary) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("there is already an active registered primary (ID: {}) in "
                                    "this cluster",
                                    *other_id))
                .detail("a streaming replication cluster can have only one primary node")
                .hint("ensure this node is shut down before registering a new primary");
        }
        // "node <N>s" is repmgr's text (commands.md §24 quirk 12).
        log::warning("node {}s is registered as primary but running as a standby", *other_id);
    }
    log::notice("setting node {}'s node record to inactive", *other_id);
    metadata::set_node_active(conn, *other_id, false);
}

metadata::NodeRecord record_from_config(const config::Config& cfg) {
    metadata::NodeRecord rec;
    rec.node_id = cfg.node_id;
    rec.type = metadata::NodeType::kPrimary;
    rec.node_name = cfg.node_name;
    rec.conninfo = cfg.conninfo;
    rec.repluser = cfg.replication_user;
    if (rec.repluser.empty()) {
        rec.repluser = db::ConnInfo::parse(cfg.conninfo).get("user").value_or("");
    }
    if (cfg.use_replication_slots) rec.slot_name = fmt::format("repmgr_slot_{}", cfg.node_id);
    rec.location = cfg.location;
    rec.priority = cfg.priority;
    rec.active = true;
    rec.config_file = cfg.config_file;
    return rec;
}

}  // namespace

ExitCode primary_register(const config::Config& cfg, const PrimaryRegisterOptions& options) {
    log::info("connecting to primary database...");
    db::Connection conn = connect_local(cfg);
    check_server_state(conn);

    if (ensure_repmgr_extension(cfg, conn, {options.dry_run, options.superuser})) {
        metadata::create_event_notification(&conn, cfg,
                                            {cfg.node_id, "cluster_created", true, std::nullopt, {}});
    }
    if (options.dry_run) return ExitCode::kSuccess;

    metadata::init_voting_term(conn);

    bool updated = false;
    std::string failure;
    {
        db::Transaction tx(conn);
        retire_other_primary(conn, cfg.node_id);
        auto existing = metadata::get_node_record(conn, cfg.node_id);
        if (existing && !options.force) {
            throw Error(ExitCode::kBadConfig, "this node is already registered")
                .hint("use -F/--force to overwrite the existing node record");
        }
        metadata::NodeRecord rec = record_from_config(cfg);
        updated = existing.has_value();
        try {
            if (updated) {
                metadata::update_node_record(conn, rec);
            } else {
                metadata::create_node_record(conn, rec);
            }
            tx.commit();
        } catch (const db::DbQueryError& e) {
            failure = e.server_message();
        }
    }

    if (!failure.empty()) {
        log::error("{}", failure);
        metadata::create_event_notification(
            &conn, cfg,
            {cfg.node_id, "primary_register", false,
             fmt::format("error encountered while {} primary record:\n{}",
                         updated ? "updating" : "creating", failure),
             {}});
        log::notice("unable to register primary node - see preceding messages");
        return ExitCode::kDbQuery;
    }
    metadata::create_event_notification(
        &conn, cfg,
        {cfg.node_id, "primary_register", true,
         std::string(updated ? "existing primary record updated" : ""), {}});
    log::notice("primary node record (ID: {}) {}", cfg.node_id, updated ? "updated" : "registered");
    return ExitCode::kSuccess;
}

}  // namespace repmgr::workflow
