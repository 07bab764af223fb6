#include "repmgr/workflow/node_status.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "repmgr/common/error.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/pg/controldata.hpp"
#include "repmgr/pg/replication.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"
#include "repmgr/workflow/node_check.hpp"

namespace repmgr::workflow {
namespace {

using metadata::NodeType;

void add(NodeStatusReport& r, std::string key, std::string value, bool text_visible = true) {
    r.items.push_back({std::move(key), value, value, text_visible});
}

void add_archiving(NodeStatusReport& r, const config::Config& cfg, db::Connection& conn,
                   bool standby) {
    const std::string mode = pg::get_setting(conn, "archive_mode");
    if (mode == "off") {
        add(r, "WAL archiving", "off");
        add(r, "Archive command", "(none)");
    } else if (standby && mode != "always") {
        add(r, "WAL archiving",
            "disabled (on standbys \"archive_mode\" must be set to \"always\" to be effective)");
        add(r, "Archive command", pg::get_setting(conn, "archive_command"));
    } else {
        add(r, "WAL archiving", "enabled");
        add(r, "Archive command", pg::get_setting(conn, "archive_command"));
    }
    auto ready = count_archive_ready_files(cfg.data_directory, conn.server_version_num());
    if (!ready) r.warnings.emplace_back("- unable to check archive_status directory");
    const int n = ready.value_or(0);
    r.items.push_back({"WALs pending archiving", fmt::format("{} pending files", n),
                       std::to_string(n), mode != "off"});
}

void add_replication(NodeStatusReport& r, db::Connection& conn, const metadata::NodeRecord& rec) {
    r.max_wal_senders = std::stoi(pg::get_setting(conn, "max_wal_senders"));
    auto clients = pg::get_replication_clients(conn);
    r.occupied_wal_senders = static_cast<int>(clients.size());
    add(r, "Replication connections",
        fmt::format("{} (of maximal {})", r.occupied_wal_senders, r.max_wal_senders));

    r.max_replication_slots = std::stoi(pg::get_setting(conn, "max_replication_slots"));
    auto slots = pg::get_physical_slots(conn);
    for (const auto& s : slots) {
        if (s.active) {
            ++r.active_slots;
        } else {
            r.inactive_slots.push_back(s.slot_name);
        }
    }
    std::vector<const metadata::NodeRecord*> missing;
    auto downstream = metadata::get_downstream_node_records(conn, rec.node_id);
    for (const auto& d : downstream) {
        if (d.type == NodeType::kStandby && !d.slot_name.empty() &&
            std::none_of(slots.begin(), slots.end(),
                         [&](const auto& s) { return s.slot_name == d.slot_name; })) {
            missing.push_back(&d);
            r.missing_slots.push_back(d.slot_name);
        }
    }
    if (r.max_replication_slots == 0) {
        add(r, "Replication slots", "disabled");
    } else {
        std::string text = fmt::format("{} physical (of maximal {}; {} missing)", slots.size(),
                                       r.max_replication_slots, missing.size());
        if (!r.inactive_slots.empty()) text += fmt::format("; {} inactive", r.inactive_slots.size());
        add(r, "Replication slots", text);
    }

    std::vector<const metadata::NodeRecord*> detached;
    size_t streaming_children = 0;
    for (const auto& d : downstream) {
        if (d.type == NodeType::kWitness) continue;
        ++streaming_children;
        const pg::AttachState state = pg::attach_state(clients, d.node_name);
        if (auto w = pg::attach_warning(state, d.node_name)) log::warning("{}", *w);
        if (state != pg::AttachState::kAttached) detached.push_back(&d);
    }
    if (!detached.empty()) {
        r.warnings.push_back(fmt::format("- {} of {} downstream nodes not attached:", detached.size(),
                                         streaming_children));
        // These sub-items end with a newline in repmgr's output (a blank line follows each).
        for (const auto* d : detached) {
            r.warnings.push_back(fmt::format("  - {} (ID: {})\n", d->node_name, d->node_id));
        }
    }
    if (!missing.empty()) {
        r.warnings.push_back(fmt::format("- replication slots missing for following {} node(s):", missing.size()));
        for (const auto* d : missing) {
            r.warnings.push_back(fmt::format("  - {} (ID: {}, slot name: \"{}\")", d->node_name,
                                             d->node_id, d->slot_name));
        }
    }
    if (!r.inactive_slots.empty()) {
        r.warnings.push_back(fmt::format("- node has {} inactive physical replication slots",
                                         r.inactive_slots.size()));
        for (const auto& s : r.inactive_slots) r.warnings.push_back("  - " + s);
    }
}

void add_standby_position(NodeStatusReport& r, db::Connection& conn,
                          const metadata::NodeRecord& rec, bool standby) {
    if (!standby) {
        add(r, "Upstream node", "(none)", false);
        add(r, "Replication lag", "n/a");
        add(r, "Last received LSN", "(none)", false);
        add(r, "Last replayed LSN", "(none)", false);
        return;
    }
    add(r, "Upstream node",
        rec.upstream_node_id ? fmt::format("{} (ID: {})", rec.upstream_node_name, *rec.upstream_node_id)
                             : "(none)");
    pg::StandbyReplayInfo replay = pg::get_standby_replay_info(conn);
    add(r, "Replication lag",
        replay.lag_seconds < 0 ? "unknown" : fmt::format("{} seconds", replay.lag_seconds));
    add(r, "Last received LSN", replay.last_received_lsn.empty() ? "(none)" : replay.last_received_lsn);
    add(r, "Last replayed LSN", replay.last_replayed_lsn.empty() ? "(none)" : replay.last_replayed_lsn);
}

}  // namespace

NodeStatusReport node_status(const config::Config& cfg, bool verbose) {
    db::Connection conn = connect_local(cfg);
    auto rec = metadata::get_node_record(conn, cfg.node_id);
    if (!rec) throw Error(ExitCode::kBadConfig, fmt::format("no record found for node {}", cfg.node_id));

    NodeStatusReport r;
    r.node_name = rec->node_name;
    r.node_id = rec->node_id;
    const auto recovery = pg::get_recovery_type(conn);
    const bool standby = recovery == pg::RecoveryType::kStandby;

    add(r, "PostgreSQL version", pg::get_server_version_string(conn));
    add(r, "Total data size", pg::get_total_data_size(conn).value_or("unknown"));
    add(r, "Conninfo", rec->conninfo);
    if (verbose) {
        auto sysid = pg::get_system_identifier(conn);
        if (!sysid) log::warning("unable to retrieve system identifier from pg_control");
        add(r, "System identifier", sysid.value_or("unknown"));
    }
    add(r, "Role", std::string(metadata::node_type_name(rec->type)));
    if (rec->type == NodeType::kPrimary && standby) {
        r.warnings.emplace_back("- node is registered as primary but running as standby");
    } else if (rec->type == NodeType::kStandby && recovery == pg::RecoveryType::kPrimary) {
        r.warnings.emplace_back("- node is registered as standby but running as primary");
    }
    add_archiving(r, cfg, conn, standby);
    add_replication(r, conn, *rec);
    add_standby_position(r, conn, *rec, standby);
    // Issues about the role come first, as in repmgr; the rest in the order found.
    return r;
}

std::string node_shutdown_state(const config::Config& cfg) {
    if (!is_pg_data_directory(cfg.data_directory)) return "--state=UNKNOWN";
    if (!cfg.conninfo.empty()) {
        std::string err;
        if (auto info = db::ConnInfo::try_parse(cfg.conninfo, &err)) {
            auto ping = db::ping(*info);
            if (ping == db::PingStatus::kOk || ping == db::PingStatus::kReject) return "--state=UP";
        }
    }
    auto control = pg::read_control_file(cfg.data_directory);
    if (!control) return "--state=UNKNOWN";
    switch (control->state) {
        case pg::DbState::kShutdowned:
        case pg::DbState::kShutdownedInRecovery:
            return fmt::format("--state=SHUTDOWN --last-checkpoint-lsn={}",
                               pg::lsn_to_string(control->checkpoint_lsn));
        case pg::DbState::kShuttingDown:
            return "--state=SHUTTING_DOWN";
        default:
            return "--state=UNCLEAN_SHUTDOWN";
    }
}

}  // namespace repmgr::workflow
