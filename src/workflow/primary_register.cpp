// primary register, step by step as commands.md §2.
#include <fmt/format.h>

#include "repmgr/db/conninfo.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/metadata/extension.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"
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

// A connection allowed to run CREATE EXTENSION: the repmgr user itself if it is a superuser,
// else the -S user. Throws with repmgr's messages otherwise (also in dry-run mode).
std::optional<db::Connection> superuser_connection(const config::Config& cfg,
                                                   db::Connection& conn,
                                                   const PrimaryRegisterOptions& options) {
    if (pg::is_superuser(conn)) return std::nullopt;
    if (!options.superuser) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("\"{}\" is not a superuser and no superuser name supplied",
                                conn.user()))
            .hint("supply a valid superuser name with -S/--superuser");
    }
    db::ConnInfo info = db::ConnInfo::parse(cfg.conninfo);
    info.set("user", *options.superuser);
    auto su = db::Connection::try_connect(info);
    if (!su.ok()) {
        // repmgr prints the libpq error here, without the "attempted to connect using" part.
        log::error("connection to database failed");
        log::detail("\n{}", su.error().libpq_message());
        throw Error(ExitCode::kBadConfig, fmt::format("unable to establish superuser connection as \"{}\"",
                                                      *options.superuser));
    }
    if (!pg::is_superuser(su.value())) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("\"{}\" is not a superuser", *options.superuser));
    }
    return std::move(su).take();
}

// Returns true if the extension was created by this call.
bool ensure_extension(const config::Config& cfg, db::Connection& conn,
                      const PrimaryRegisterOptions& options) {
    metadata::ExtensionInfo ext = metadata::get_extension_info(conn);
    switch (ext.status) {
        case metadata::ExtensionStatus::kUnknown:
            throw Error(ExitCode::kBadConfig, "unable to determine status of \"repmgr\" extension");
        case metadata::ExtensionStatus::kUnavailable:
            throw Error(ExitCode::kBadConfig, "\"repmgr\" extension is not available");
        case metadata::ExtensionStatus::kOldVersionInstalled:
            throw Error(ExitCode::kBadConfig,
                        "an older version of the \"repmgr\" extension is installed")
                .detail(fmt::format("version {} is installed but newer version {} is available",
                                    ext.installed_version, ext.default_version))
                .hint("update the installed extension version by executing \"ALTER EXTENSION "
                      "repmgr UPDATE\" in the repmgr database");
        case metadata::ExtensionStatus::kInstalled:
            log::info("\"repmgr\" extension is already installed");
            return false;
        case metadata::ExtensionStatus::kAvailable:
            break;
    }
    if (options.dry_run) {
        log::notice("would now attempt to install extension \"repmgr\"");
    } else {
        log::notice("attempting to install extension \"repmgr\"");
    }
    std::optional<db::Connection> su = superuser_connection(cfg, conn, options);
    if (options.dry_run) return false;
    db::Connection& installer = su ? *su : conn;
    try {
        metadata::create_extension(installer);
    } catch (const db::DbQueryError& e) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to create \"repmgr\" extension:\n  {}", e.server_message()))
            .hint("check that the provided user has sufficient privileges for CREATE EXTENSION");
    }
    if (su) {
        try {
            metadata::grant_repmgr_access(*su, conn.user());
        } catch (const db::DbQueryError& e) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("unable to grant permissions on the \"repmgr\" schema to "
                                    "\"{}\":\n  {}",
                                    conn.user(), e.server_message()));
        }
    }
    log::notice("\"repmgr\" extension successfully installed");
    return true;
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

    if (ensure_extension(cfg, conn, options)) {
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
