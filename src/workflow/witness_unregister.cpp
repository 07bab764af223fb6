// witness unregister, step by step as commands.md §11.
#include <fmt/format.h>

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/workflow/connections.hpp"
#include "repmgr/workflow/witness.hpp"

namespace repmgr::workflow {
namespace {

// Step 2: through the witness's copy of the records, or -d/-h/-p/-U when the witness is down.
db::Connection connect_primary(const WitnessUnregisterOptions& options,
                               std::optional<db::Connection>& witness) {
    if (witness) {
        if (auto found = find_primary_connection(*witness, true)) return std::move(found->conn);
        // libpq's text for a connection that does not exist, as repmgr prints it.
        throw Error(ExitCode::kBadConfig, "unable to connect to primary")
            .detail("\nconnection pointer is NULL\n");
    }
    auto conn = connect_by_params(options.primary_params);
    if (conn.ok()) return std::move(conn).take();
    Error err(ExitCode::kBadConfig, "unable to connect to primary");
    err.detail("\n" + conn.error().libpq_message());
    if (!options.connection_params_provided) err.hint("provide connection details for the primary server");
    throw err;
}

}  // namespace

ExitCode witness_unregister(const config::Config& cfg, const WitnessUnregisterOptions& options) {
    const std::string who = fmt::format("node \"{}\" (ID: {})", cfg.node_name, cfg.node_id);
    log::info("connecting to {}", who);
    std::optional<db::Connection> witness;
    auto attempt = try_connect_quiet(cfg.conninfo);
    if (attempt.ok()) {
        witness = std::move(attempt).take();
    } else if (!options.force) {
        throw Error(ExitCode::kBadConfig, fmt::format("unable to connect to {}", who))
            .detail("\n" + attempt.error().libpq_message());
    } else {
        log::notice("unable to connect to witness {}, removing node record on cluster primary only",
                    who);
    }
    db::Connection primary = connect_primary(options, witness);

    const int target_id = options.node_id.value_or(cfg.node_id);
    auto target = metadata::get_node_record(primary, target_id);
    if (!target) {
        throw Error(ExitCode::kBadConfig, fmt::format("no record found for node {}", target_id));
    }
    if (target->type != metadata::NodeType::kWitness) {
        // repmgr names the local node here, whichever node was asked for (commands.md §11).
        throw Error(ExitCode::kBadConfig, fmt::format("node {} is not a witness node", cfg.node_id))
            .detail(fmt::format("node {} is a {} node", cfg.node_id,
                                metadata::node_type_name(target->type)));
    }
    if (options.dry_run) {
        log::info("prerequisites for unregistering the witness node are met");
        return ExitCode::kSuccess;
    }

    log::info("unregistering witness node {}", target_id);
    try {
        metadata::delete_node_record(primary, target_id);
    } catch (const db::DbQueryError& e) {
        log::error("delete_node_record(): unable to delete node record");
        log::detail("\n{}\n", e.server_message());
        return ExitCode::kBadConfig;
    }
    metadata::create_event_notification(
        &primary, cfg, {target_id, "witness_unregister", true, "witness unregistration succeeded", {}});
    log::info("witness unregistration complete");
    log::detail("witness node with ID {} successfully unregistered", target_id);
    return ExitCode::kSuccess;
}

}  // namespace repmgr::workflow
