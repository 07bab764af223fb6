// witness register, step by step as commands.md §10.
#include <fmt/format.h>

#include "repmgr/db/conninfo.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/metadata/extension.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/metadata/node_sync.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"
#include "repmgr/workflow/extension_setup.hpp"
#include "repmgr/workflow/witness.hpp"
#include "record_write_error.hpp"

namespace repmgr::workflow {
namespace {

std::string describe(const std::string& name, int node_id) {
    return fmt::format("node \"{}\" (ID: {})", name, node_id);
}

// Steps 1-2: the witness must be running and must not be a standby.
db::Connection connect_witness(const config::Config& cfg) {
    const std::string who = describe(cfg.node_name, cfg.node_id);
    log::info("connecting to witness {}", who);
    auto conn = try_connect_quiet(cfg.conninfo);
    if (!conn.ok()) {
        throw Error(ExitCode::kBadConfig, fmt::format("unable to connect to witness {}", who))
            .detail("\n" + conn.error().libpq_message())
            .hint("the witness node must be running before it can be registered");
    }
    if (pg::get_recovery_type(conn.value()) == pg::RecoveryType::kStandby) {
        throw Error(ExitCode::kBadConfig, "provided node is a standby")
            .hint("a witness node must run on an independent primary server");
    }
    return std::move(conn).take();
}

struct ClusterPrimary {
    db::Connection conn;
    metadata::NodeRecord record;
};

// Step 3: the server named with -h/-p/-U/-d must be a primary and know the cluster's primary
// record; the connection returned uses that record's conninfo.
ClusterPrimary connect_cluster_primary(const config::Config& cfg,
                                       const WitnessRegisterOptions& options) {
    log::info("connecting to primary node");
    db::ConnInfo params = options.primary_params;
    db::ConnInfo own = db::ConnInfo::parse(cfg.conninfo);
    for (const char* key : {"user", "dbname"}) {
        if (auto value = own.get(key)) params.set_if_absent(key, *value);
    }
    auto given = connect_by_params(params);
    if (!given.ok()) {
        throw Error(ExitCode::kBadConfig, "unable to connect to the primary node")
            .hint("a primary node must be configured before registering a witness node");
    }
    if (pg::get_recovery_type(given.value()) == pg::RecoveryType::kStandby) {
        throw Error(ExitCode::kBadConfig, "provided primary node is a standby")
            .hint("provide the connection details of the cluster's primary server");
    }
    auto primary_id = metadata::get_active_primary_node_id(given.value());
    if (!primary_id) {
        throw Error(ExitCode::kBadConfig, "unable to determine the cluster's primary node")
            .hint("ensure the primary node connection details are correct and that it is registered");
    }
    auto record = metadata::get_node_record(given.value(), *primary_id);
    if (!record) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to retrieve record for primary node {}", *primary_id));
    }
    auto conn = connect_quiet(record->conninfo);
    if (!conn) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to reconnect to the primary node (node {})", *primary_id))
            .detail(fmt::format("primary node's conninfo is \"{}\"", record->conninfo));
    }
    return {std::move(*conn), *record};
}

// Step 4: a copy of the primary's cluster cannot be its witness.
void check_system_identifiers(db::Connection& witness, db::Connection& primary) {
    if (witness.server_version_num() < 90600 || primary.server_version_num() < 90600) return;
    auto witness_id = pg::get_system_identifier(witness);
    auto primary_id = pg::get_system_identifier(primary);
    if (!witness_id || witness_id != primary_id) return;
    throw Error(ExitCode::kBadConfig, "witness node cannot be in the same cluster as the primary node")
        .detail(fmt::format("database system identifiers on primary node and provided witness "
                            "node match ({})",
                            *witness_id))
        .hint("the witness node must be created on a separate read/write node");
}

// Steps 6-8. Returns the witness's existing record on the primary, if any.
std::optional<metadata::NodeRecord> check_existing_records(const config::Config& cfg,
                                                           const WitnessRegisterOptions& options,
                                                           db::Connection& witness,
                                                           db::Connection& primary) {
    auto own = metadata::get_node_record(primary, cfg.node_id);
    if (own && own->type != metadata::NodeType::kWitness) {
        const std::string_view type = metadata::node_type_name(own->type);
        throw Error(ExitCode::kBadConfig,
                    fmt::format("{} is already registered as a {} node",
                                describe(cfg.node_name, cfg.node_id), type))
            .hint(fmt::format("use \"repmgr {} unregister\" to remove a non-witness node record", type));
    }
    if (own && !options.force) {
        throw Error(ExitCode::kBadConfig, "witness node is already registered")
            .hint("use option -F/--force to reregister the node");
    }
    auto same_name = metadata::get_node_record_by_name(primary, cfg.node_name);
    if (same_name && same_name->active && same_name->node_id != cfg.node_id) {
        throw Error(ExitCode::kBadConfig, fmt::format("node {} exists already with node_name \"{}\"",
                                                      same_name->node_id, cfg.node_name));
    }
    // Before the extension exists (dry run on a fresh witness) there are no records to check.
    const bool has_metadata =
        metadata::get_extension_info(witness).status == metadata::ExtensionStatus::kInstalled;
    if (has_metadata && !options.force && metadata::count_node_records(witness) > 0) {
        throw Error(ExitCode::kBadConfig, "witness node is already initialised and contains node records")
            .hint("use option -F/--force to reinitialise the node");
    }
    return own;
}

metadata::NodeRecord witness_record(const config::Config& cfg, int primary_id,
                                    const std::optional<metadata::NodeRecord>& existing) {
    metadata::NodeRecord rec;
    rec.node_id = cfg.node_id;
    rec.type = metadata::NodeType::kWitness;
    rec.upstream_node_id = primary_id;
    rec.node_name = cfg.node_name;
    rec.conninfo = cfg.conninfo;
    rec.repluser = cfg.replication_user;
    if (rec.repluser.empty()) {
        rec.repluser = db::ConnInfo::parse(cfg.conninfo).get("user").value_or("");
    }
    if (cfg.use_replication_slots) {
        rec.slot_name = fmt::format("repmgr_slot_{}", cfg.node_id);
    } else if (existing) {
        rec.slot_name = existing->slot_name;  // repmgr keeps what the record had
    }
    rec.location = cfg.location;
    rec.priority = 0;
    rec.active = true;
    rec.config_file = cfg.config_file;
    return rec;
}

// Steps 10-11: the record on the primary, then the primary's records into the witness.
void write_records(db::Connection& witness, db::Connection& primary,
                   const metadata::NodeRecord& rec, bool update) {
    try {
        if (update) {
            metadata::update_node_record(primary, rec);
        } else {
            metadata::create_node_record(primary, rec);
        }
    } catch (const db::DbQueryError& e) {
        log_record_write_error(rec, update, e);
        throw Error(ExitCode::kBadConfig, "unable to create or update node record on primary");
    }
    try {
        metadata::replace_node_records(witness, metadata::get_all_node_records(primary));
    } catch (const db::DbQueryError& e) {
        log::detail("{}", e.server_message());
        throw Error(ExitCode::kBadConfig, "unable to copy repmgr node records from primary");
    }
}

}  // namespace

ExitCode witness_register(const config::Config& cfg, const WitnessRegisterOptions& options) {
    db::Connection witness = connect_witness(cfg);
    ClusterPrimary primary = connect_cluster_primary(cfg, options);
    check_system_identifiers(witness, primary.conn);
    if (!options.dry_run && ensure_repmgr_extension(cfg, witness, {false, options.superuser})) {
        metadata::create_event_notification(&witness, cfg,
                                            {cfg.node_id, "cluster_created", true, std::nullopt, {}});
    }
    auto existing = check_existing_records(cfg, options, witness, primary.conn);
    if (options.dry_run) {
        log::info("prerequisites for registering the witness node are met");
        return ExitCode::kSuccess;
    }
    const int primary_id = primary.record.node_id;
    write_records(witness, primary.conn, witness_record(cfg, primary_id, existing),
                  existing.has_value());
    metadata::create_event_notification(
        &primary.conn, cfg,
        {cfg.node_id, "witness_register", true,
         fmt::format("witness registration succeeded; upstream node ID is {}", primary_id), {}});
    log::info("witness registration complete");
    log::notice("witness node \"{}\" (ID: {}) successfully registered", cfg.node_name, cfg.node_id);
    return ExitCode::kSuccess;
}

}  // namespace repmgr::workflow
