// primary unregister, step by step as commands.md §3.
#include <fmt/format.h>

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"
#include "repmgr/workflow/primary.hpp"

namespace repmgr::workflow {
namespace {

std::string describe(const metadata::NodeRecord& rec) {
    return fmt::format("node \"{}\" (ID: {})", rec.node_name, rec.node_id);
}

// Connects to the node the metadata names as primary. A failed attempt prints the
// connection error (not quietly), then repmgr's "unable to connect to primary server".
db::Connection connect_primary_or_die(db::Connection& local) {
    Error err(ExitCode::kDbConn, "unable to connect to primary server");
    if (auto id = metadata::get_active_primary_node_id(local)) {
        if (auto rec = metadata::get_node_record(local, *id)) {
            auto conn = db::Connection::try_connect(db::ConnInfo::parse(rec->conninfo));
            if (conn.ok()) return std::move(conn).take();
            const db::DbConnectError& failure = conn.error();
            log::error("{}", failure.what());
            for (const auto& note : failure.notes()) log::detail("{}", note.text);
            err.detail(fmt::format("current primary registered as node \"{}\" (ID: {}, conninfo: \"{}\")",
                                   rec->node_name, rec->node_id, rec->conninfo));
        }
    }
    err.hint("you may need to promote this standby or ask it to look for a new primary to follow");
    throw err;
}

void check_no_downstream(db::Connection& primary, const metadata::NodeRecord& target) {
    auto children = metadata::get_downstream_node_records(primary, target.node_id);
    if (children.empty()) return;
    std::string list;  // each entry ends with a newline, as repmgr prints it
    for (const auto& c : children) list += fmt::format("  {} (ID: {})\n", c.node_name, c.node_id);
    Error err(ExitCode::kBadConfig,
              children.size() == 1
                  ? std::string("1 other node still has this node as its upstream node")
                  : fmt::format("{} other nodes still have this node as their upstream node",
                                children.size()));
    err.hint("ensure these nodes are following the current primary with \"repmgr standby follow\"");
    err.detail("the affected node(s) are:\n" + list);
    throw err;
}

// The target's own view of itself decides whether it may go (step 7).
void check_target_state(db::Connection& primary, const metadata::NodeRecord& target,
                        int primary_node_id, bool force) {
    auto target_conn = connect_quiet(target.conninfo);
    if (!target_conn) {
        if (target.type != metadata::NodeType::kPrimary) {
            Error err(ExitCode::kBadConfig,
                      fmt::format("{} is not a primary, unable to unregister", describe(target)));
            if (target.type == metadata::NodeType::kStandby) {
                err.hint("the node can be unregistered with \"repmgr standby unregister\"");
            }
            throw err;
        }
        return;
    }
    if (pg::get_recovery_type(*target_conn) == pg::RecoveryType::kStandby) {
        if (target.type != metadata::NodeType::kPrimary) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("{} is a {}, unable to unregister", describe(target),
                                    metadata::node_type_name(target.type)));
        }
        if (!force) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("{} is running as a standby, unable to unregister",
                                    describe(target)))
                .hint("the node can be registered as a standby with \"repmgr standby register --force\"")
                .hint("use \"repmgr primary unregister --force\" to remove this node's metadata entirely");
        }
        return;
    }
    if (!metadata::get_active_primary_node_id(primary)) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("{} is a primary node, but no primary node record found",
                                describe(target)))
            .hint("register this node as primary with \"repmgr primary register --force\"");
    }
    if (target.node_id == primary_node_id && !force) {
        Error err(ExitCode::kBadConfig,
                  fmt::format("{} is the current primary node, unable to unregister",
                              describe(target)));
        if (!target.active) {
            err.hint("node is marked as inactive, activate with \"repmgr primary register --force\"");
        }
        throw err;
    }
}

}  // namespace

ExitCode primary_unregister(const config::Config& cfg, const PrimaryUnregisterOptions& options) {
    db::Connection local = connect_local(cfg);
    auto local_rec = metadata::get_node_record(local, cfg.node_id);
    if (!local_rec) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to retrieve record for node {}", cfg.node_id));
    }
    db::Connection primary = connect_primary_or_die(local);
    auto primary_id = metadata::get_active_primary_node_id(primary);
    auto primary_rec = primary_id ? metadata::get_node_record(primary, *primary_id) : std::nullopt;
    if (!primary_rec) throw Error(ExitCode::kBadConfig, "unable to retrieve record for primary node");

    metadata::NodeRecord target = *primary_rec;
    if (options.node_id) {
        auto rec = metadata::get_node_record(primary, *options.node_id);
        if (!rec) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("node {} (specified with --node-id) not found", *options.node_id));
        }
        target = *rec;
    }
    if (target.type == metadata::NodeType::kWitness) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("{} is a witness server, unable to unregister", describe(target)));
    }
    check_no_downstream(primary, target);
    check_target_state(primary, target, primary_rec->node_id, options.force);
    if (target.active && !options.force) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("{} is marked as active, unable to unregister", describe(target)))
            .hint("run \"repmgr primary unregister --force\" to unregister this node");
    }
    if (options.dry_run) {
        log::notice("{} would now be unregistered", describe(target));
        log::hint("run the same command without the --dry-run option to unregister this node");
        return ExitCode::kSuccess;
    }
    try {
        metadata::delete_node_record(primary, target.node_id);
    } catch (const db::DbQueryError&) {
        throw Error(ExitCode::kDbQuery, fmt::format("unable to unregister {}", describe(target)));
    }
    std::string details = fmt::format("{} unregistered", describe(target));
    if (target.node_id != cfg.node_id) {
        details += fmt::format(" from node \"{}\" (ID: {})", local_rec->node_name, cfg.node_id);
    }
    metadata::create_event_notification(&primary, cfg,
                                        {cfg.node_id, "primary_unregister", true, details, {}});
    log::info("{} was successfully unregistered", describe(target));
    return ExitCode::kSuccess;
}

}  // namespace repmgr::workflow
