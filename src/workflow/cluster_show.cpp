// cluster show: concurrent probes, then repmgr's format_node_status rules.
#include "repmgr/workflow/cluster_show.hpp"

#include <fmt/format.h>

#include <future>

#include "repmgr/common/error.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"

namespace repmgr::workflow {
namespace {

using metadata::NodeRecord;
using metadata::NodeType;

void probe_repmgrd(db::Connection& conn, const NodeRecord& rec, NodeProbe& probe) {
    NodeProbe::Repmgrd r;
    try {
        r.pid = metadata::get_repmgrd_pid(conn).value_or(-1);
        auto status = pg::get_repmgrd_status(conn);
        r.running = status && status->running;
        r.paused = status && status->paused;
        if (rec.type == NodeType::kWitness || probe.recovery == pg::RecoveryType::kStandby) {
            r.upstream_last_seen = metadata::get_upstream_last_seen(conn).value_or(-1);
        }
    } catch (const db::DbQueryError& e) {
        log::debug("unable to read repmgrd state of node {}: {}", rec.node_id, e.what());
    }
    probe.repmgrd = r;
}

NodeProbe probe_one(const NodeRecord& rec, std::chrono::milliseconds query_timeout, bool with_repmgrd) {
    NodeProbe probe;
    std::string parse_error;
    auto info = db::ConnInfo::try_parse(rec.conninfo, &parse_error);
    if (!info) {
        probe.connect_error = trim(parse_error);
        return probe;
    }
    db::ConnectOptions options;
    options.query_timeout = query_timeout;
    auto connected = db::Connection::try_connect(*info, options);
    if (!connected.ok()) {
        probe.connect_error = connected.error().libpq_message();
        probe.connect_attempted = connected.error().attempted();
        // A node that did not answer within connect_timeout will not answer a ping either:
        // skip it, so a hung node costs one timeout, not two (repmgr pings it again).
        if (probe.connect_error.find("timeout expired") == std::string::npos) {
            auto ping = db::ping(*info);
            if (ping == db::PingStatus::kOk || ping == db::PingStatus::kReject) {
                probe.reach = NodeReach::kRejected;
            }
        }
        return probe;
    }
    db::Connection conn = std::move(connected).take();
    probe.reach = NodeReach::kUp;
    probe.recovery = pg::get_recovery_type(conn);
    probe.timeline = pg::get_checkpoint_timeline(conn);
    probe.timeline_failed = !probe.timeline;
    try {
        probe.own_record = metadata::get_node_record(conn, rec.node_id);
    } catch (const db::DbQueryError& e) {
        log::debug("unable to read node record from node {}: {}", rec.node_id, e.what());
    }
    try {
        probe.clients = pg::get_replication_clients(conn);
    } catch (const db::DbQueryError& e) {
        log::debug("unable to read pg_stat_replication on node {}: {}", rec.node_id, e.what());
    }
    if (probe.recovery == pg::RecoveryType::kStandby) {
        try {
            auto replay = pg::get_standby_replay_info(conn);
            probe.replay_paused_with_wal_pending = replay.replay_paused && replay.wal_pending;
        } catch (const db::DbQueryError& e) {
            log::debug("unable to read replay state of node {}: {}", rec.node_id, e.what());
        }
    }
    if (with_repmgrd) probe_repmgrd(conn, rec, probe);
    return probe;
}

std::string node_label(const NodeRecord& rec) {
    return fmt::format("node \"{}\" (ID: {})", rec.node_name, rec.node_id);
}

const NodeRecord* find_record(const std::vector<NodeRecord>& records, int node_id, size_t* index) {
    for (size_t i = 0; i < records.size(); ++i) {
        if (records[i].node_id == node_id) {
            if (index) *index = i;
            return &records[i];
        }
    }
    return nullptr;
}

void status_cell(const NodeRecord& rec, const NodeProbe& probe, NodeStatusCells& out) {
    const std::string label = node_label(rec);
    const bool up = probe.reach == NodeReach::kUp;
    const bool rejected = probe.reach == NodeReach::kRejected;
    auto warn = [&](std::string w) { out.warnings.push_back(std::move(w)); };

    if (rec.type == NodeType::kWitness) {
        if (up) {
            out.status = rec.active ? "* running" : "! running";
        } else if (rejected) {
            out.status = rec.active ? "? rejected" : "! failed";
        } else {
            out.status = rec.active ? "? unreachable" : "- failed";
        }
        out.error = !rec.active;
        return;
    }
    if (rec.type != NodeType::kPrimary && rec.type != NodeType::kStandby) {
        out.status = "? unknown node type";
        out.error = true;
        return;
    }
    const bool is_primary = rec.type == NodeType::kPrimary;
    const std::string kind = is_primary ? "primary" : "standby";
    if (rejected) {
        out.status = rec.active ? "? running" : "! running";
        out.error = !rec.active;
        return;
    }
    if (!up) {
        if (rec.active) {
            out.status = "? unreachable";
            warn(fmt::format("{} is registered as an active {} but is unreachable", label, kind));
        } else {
            out.status = "- failed";
            out.error = true;
        }
        return;
    }
    if (probe.recovery == pg::RecoveryType::kUnknown) {
        out.status = "! unknown";
        warn(fmt::format("{} has unknown replication status", label));
        return;
    }
    const bool runs_as_primary = probe.recovery == pg::RecoveryType::kPrimary;
    const bool role_matches = runs_as_primary == is_primary;
    if (rec.active) {
        if (role_matches) {
            out.status = is_primary ? "* running" : "  running";
        } else {
            out.status = is_primary ? "! running as standby" : "! running as primary";
            warn(is_primary ? label + " is registered as primary but running as standby"
                            : label + " is registered as standby but running as primary");
        }
    } else if (role_matches) {
        out.status = "! running";
        warn(label + " is running but the repmgr node record is inactive");
    } else {
        out.status = is_primary ? "! running as standby" : "! running as primary";
        warn(is_primary ? label + " is registered as an inactive primary but running as standby"
                        : label + " is running as primary but the repmgr node record is inactive");
    }
}

// Attachment of a standby to the upstream it should have; returns the marker ("", "? ", "! ").
std::string attachment_marker(const std::vector<NodeRecord>& records,
                              const std::vector<NodeProbe>& probes, const NodeRecord& rec,
                              int upstream_id, NodeStatusCells& out) {
    size_t up_index = 0;
    const NodeRecord* upstream = find_record(records, upstream_id, &up_index);
    if (upstream == nullptr) {
        out.warnings.push_back(fmt::format("unable to find record for upstream node ID {}", upstream_id));
        return "? ";
    }
    const NodeProbe& up_probe = probes[up_index];
    const std::string undetermined =
        fmt::format("unable to determine if {} is attached to its upstream node \"{}\" (ID: {})",
                    node_label(rec), upstream->node_name, upstream->node_id);
    if (up_probe.reach != NodeReach::kUp) {
        // repmgr connects to the upstream again here (so -v shows its error again), then
        // cannot tell whether the node is attached.
        out.log_lines.push_back({"", up_index});
        out.warnings.push_back(fmt::format("unable to connect to {}'s upstream node \"{}\" (ID: {})",
                                           node_label(rec), upstream->node_name, upstream->node_id));
        out.warnings.push_back(undetermined);
        return "? ";
    }
    if (!up_probe.clients) {
        out.warnings.push_back(undetermined);
        return "? ";
    }
    const std::string pair = fmt::format("{} attached to its upstream node \"{}\" (ID: {})",
                                         node_label(rec), upstream->node_name, upstream->node_id);
    std::string state;
    const pg::AttachState attach = pg::attach_state(*up_probe.clients, rec.node_name, &state);
    if (auto w = pg::attach_warning(attach, rec.node_name)) out.log_lines.push_back({*w, 0});
    switch (attach) {
        case pg::AttachState::kAttached:
            return "";
        case pg::AttachState::kUnknown:
            out.warnings.push_back(undetermined);
            return "? ";
        case pg::AttachState::kNotAttached:
            out.warnings.push_back(fmt::format("{} in state \"{}\"", pair, state));
            return "? ";
        case pg::AttachState::kDetached:
            out.warnings.push_back(fmt::format("{} is not attached to its upstream node \"{}\" (ID: {})",
                                               node_label(rec), upstream->node_name, upstream->node_id));
            return "! ";
    }
    return "";
}

std::string record_name(const std::vector<NodeRecord>& records, std::optional<int> id) {
    if (!id) return "";
    const NodeRecord* r = find_record(records, *id, nullptr);
    return r ? r->node_name : "";
}

void upstream_cell(const std::vector<NodeRecord>& records, const std::vector<NodeProbe>& probes,
                   size_t index, NodeStatusCells& out) {
    const NodeRecord& rec = records[index];
    const NodeProbe& probe = probes[index];
    const std::string expected_name = rec.upstream_node_name;
    if (!probe.own_record) {
        out.upstream = "? " + expected_name;
        return;
    }
    const NodeRecord& own = *probe.own_record;
    const std::string label = node_label(rec);
    if (own.type == NodeType::kWitness) {
        if (!own.upstream_node_id) {
            out.upstream = "! ";
            out.warnings.push_back(label + " is a witness but reports it has no upstream node");
            return;
        }
        std::string reported = record_name(records, own.upstream_node_id);
        if (own.upstream_node_id != rec.upstream_node_id) {
            out.upstream = "! ";
            out.warnings.push_back(fmt::format("{} reports a different upstream (reported: \"{}\", expected \"{}\")",
                                               label, reported, expected_name));
            return;
        }
        size_t up_index = 0;
        if (find_record(records, *own.upstream_node_id, &up_index) == nullptr) {
            out.upstream = "? ";
            out.warnings.push_back(fmt::format("unable to find record for upstream node ID {}", *own.upstream_node_id));
        } else if (probes[up_index].reach != NodeReach::kUp) {
            out.upstream = "? ";
            out.warnings.push_back(fmt::format("unable to connect to {}'s upstream node \"{}\" (ID: {})",
                                               label, reported, *own.upstream_node_id));
        }
        out.upstream += reported;
        return;
    }
    if (own.type != NodeType::kStandby) return;  // primary: empty
    if (rec.upstream_node_id && own.upstream_node_id == rec.upstream_node_id) {
        out.upstream = attachment_marker(records, probes, rec, *rec.upstream_node_id, out) + expected_name;
    } else if (rec.upstream_node_id && !own.upstream_node_id) {
        out.upstream = "!";
        out.warnings.push_back(fmt::format("{} reports it has no upstream (expected: \"{}\")", label, expected_name));
    } else if (rec.upstream_node_id && own.upstream_node_id) {
        std::string reported = record_name(records, own.upstream_node_id);
        out.upstream = "! " + reported;
        out.warnings.push_back(fmt::format("{} reports a different upstream (reported: \"{}\", expected \"{}\")",
                                           label, reported, expected_name));
    } else if (own.upstream_node_id) {
        out.upstream = record_name(records, own.upstream_node_id);
    }
}

// What a quiet connection prints with -v: the connect-or-die text, as an ERROR line.
void log_connection_error(const NodeProbe& probe) {
    if (probe.connect_attempted.empty()) return;
    log::error("connection to database failed");
    log::detail("\n{}", probe.connect_error);
    log::detail("attempted to connect using:\n  {}", probe.connect_attempted);
}

}  // namespace

std::vector<NodeProbe> probe_nodes(const std::vector<NodeRecord>& records,
                                   std::chrono::milliseconds query_timeout, bool with_repmgrd) {
    std::vector<std::future<NodeProbe>> pending;
    pending.reserve(records.size());
    for (const auto& rec : records) {
        pending.push_back(std::async(std::launch::async, [&rec, query_timeout, with_repmgrd] {
            return probe_one(rec, query_timeout, with_repmgrd);
        }));
    }
    std::vector<NodeProbe> probes;
    probes.reserve(records.size());
    for (auto& f : pending) probes.push_back(f.get());
    return probes;
}

void log_node_messages(const NodeProbe& probe, const NodeStatusCells& cells,
                       const std::vector<NodeProbe>& probes, bool verbose) {
    if (verbose && probe.reach != NodeReach::kUp) log_connection_error(probe);
    for (const auto& line : cells.log_lines) {
        if (!line.warning.empty()) {
            log::warning("{}", line.warning);
        } else if (verbose) {
            log_connection_error(probes[line.failed_probe]);
        }
    }
}

NodeStatusCells format_node_status(const std::vector<NodeRecord>& records,
                                   const std::vector<NodeProbe>& probes, size_t index) {
    NodeStatusCells out;
    const NodeRecord& rec = records[index];
    const NodeProbe& probe = probes[index];
    status_cell(rec, probe, out);
    if (probe.reach == NodeReach::kUp && probe.replay_paused_with_wal_pending) {
        out.warnings.push_back(fmt::format(
            "WAL replay is paused on {} with WAL replay pending; this node cannot be manually "
            "promoted until WAL replay is resumed",
            node_label(rec)));
    }
    upstream_cell(records, probes, index, out);
    return out;
}

ClusterShowReport cluster_show(const ClusterShowOptions& options) {
    log::verbose(log::Level::kInfo, "connecting to database");
    db::Connection conn = db::Connection::connect(options.source);
    ClusterShowReport report;
    report.show_timeline = conn.server_version_num() >= 90600;
    std::vector<NodeRecord> records = metadata::get_all_node_records(conn);
    if (records.empty()) {
        throw Error(ExitCode::kBadConfig, "no node records were found")
            .hint("ensure at least one node is registered");
    }
    std::vector<NodeProbe> probes = probe_nodes(records, std::chrono::seconds(10));
    for (size_t i = 0; i < records.size(); ++i) {
        const NodeRecord& rec = records[i];
        const NodeProbe& probe = probes[i];
        if (probe.reach != NodeReach::kUp) {
            report.had_connection_error = true;
            report.warnings.push_back(
                options.verbose
                    ? fmt::format("when attempting to connect to {}, following error encountered :\n\"{}\"",
                                  node_label(rec), trim(probe.connect_error))
                    : fmt::format("unable to connect to {}", node_label(rec)));
        }
        NodeStatusCells cells = format_node_status(records, probes, i);
        log_node_messages(probe, cells, probes, options.verbose);
        // repmgr complains about the type (its enum value 0) when it names the role.
        if (rec.type == NodeType::kUnknown) log::error("unknown node type 0");
        report.warnings.insert(report.warnings.end(), cells.warnings.begin(), cells.warnings.end());
        report.had_error = report.had_error || cells.error;

        ClusterShowRow row;
        row.record = rec;
        row.status = cells.status;
        row.upstream = cells.upstream;
        if (rec.type == NodeType::kWitness) {
            row.timeline = "n/a";
        } else if (probe.reach == NodeReach::kUp) {
            row.timeline = probe.timeline ? std::to_string(*probe.timeline) : "?";
        }
        row.connstatus = probe.reach == NodeReach::kUp ? 0 : -1;
        if (probe.reach == NodeReach::kUp) {
            row.recovery = probe.recovery == pg::RecoveryType::kPrimary   ? 0
                           : probe.recovery == pg::RecoveryType::kStandby ? 1
                                                                          : -1;
        }
        report.rows.push_back(std::move(row));
    }
    return report;
}

}  // namespace repmgr::workflow
