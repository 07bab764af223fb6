// standby switchover: after a failure, what the replication cluster looks like now and what
// to run next. Not in repmgr, which leaves the user to find out (the issue asks a switchover
// that fails half-way to say exactly which state it left).
#include <fmt/format.h>

#include <future>

#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"
#include "workflow/standby_switchover_steps.hpp"

namespace repmgr::workflow {
namespace {

using metadata::NodeRecord;
using metadata::NodeType;

struct NodeState {
    const NodeRecord* record = nullptr;
    std::optional<db::Connection> conn;
    pg::RecoveryType role = pg::RecoveryType::kUnknown;
    bool attached = false;  // streams from the primary found
};

std::vector<NodeState> probe(const std::vector<NodeRecord>& nodes) {
    std::vector<std::future<NodeState>> pending;
    for (const auto& node : nodes) {
        pending.push_back(std::async(std::launch::async, [&node] {
            NodeState st;
            st.record = &node;
            // Not connect_quiet: its -v output would interleave with the report.
            std::string error;
            if (auto info = db::ConnInfo::try_parse(node.conninfo, &error)) {
                auto c = db::Connection::try_connect(*info);
                if (c.ok()) st.conn = std::move(c).take();
            }
            if (st.conn) st.role = pg::get_recovery_type(*st.conn);
            return st;
        }));
    }
    std::vector<NodeState> states;
    for (auto& p : pending) states.push_back(p.get());
    return states;
}

std::string label(const NodeRecord& n) {
    return fmt::format("node \"{}\" (ID: {})", n.node_name, n.node_id);
}

std::string describe(const NodeState& st, const NodeState* primary) {
    const NodeRecord& n = *st.record;
    if (!st.conn) return label(n) + ": not running or not reachable";
    if (n.type == NodeType::kWitness) return label(n) + ": witness, running";
    if (st.role == pg::RecoveryType::kPrimary) return label(n) + ": primary, running";
    if (st.role != pg::RecoveryType::kStandby) return label(n) + ": running, role unknown";
    if (primary == nullptr) return label(n) + ": standby, running";
    return fmt::format("{}: standby, {} to {}", label(n), st.attached ? "attached" : "not attached",
                       label(*primary->record));
}

// "repmgr -f <its config file>" as the user would type it on that node.
std::string repmgr_on(const NodeRecord& n) {
    return n.config_file.empty() ? std::string("repmgr") : "repmgr -f " + shell_quote(n.config_file);
}

std::vector<std::string> next_steps(SwitchoverState& s, const std::vector<NodeState>& states,
                                    const NodeState* primary, int primaries) {
    std::vector<std::string> hints;
    const NodeRecord& former = s.primary_record;
    if (primaries == 0) {
        hints.push_back(fmt::format(
            "to keep {} as the primary, start it again: on that node run \"{} node service "
            "--action=start\"",
            label(former), repmgr_on(former)));
    }
    if (primary == nullptr) return hints;
    const std::string& target = primary->record->conninfo;
    const bool diverged = s.local_received < s.shutdown_checkpoint;
    // pg_rewind copies the source's configuration files; keep the node's own, as the
    // switchover's rejoin would have.
    const std::string rewind =
        " --force-rewind" + (s.remote_config_files.empty()
                                 ? std::string()
                                 : " --config-files=" + join(s.remote_config_files, ","));
    for (const auto& st : states) {
        const NodeRecord& n = *st.record;
        if (&st == primary || n.type == NodeType::kWitness || st.attached || !n.active) continue;
        if (n.node_id == former.node_id && !st.conn) {
            hints.push_back(fmt::format("to attach {} to {}, on that node run \"{} node rejoin -d "
                                        "{}{}\"",
                                        label(n), label(*primary->record), repmgr_on(n),
                                        shell_quote(target), diverged ? rewind : ""));
        } else if (st.role == pg::RecoveryType::kStandby) {
            hints.push_back(fmt::format(
                "to attach {} to {}, on that node run \"{} standby follow --upstream-node-id={}\" "
                "(if it cannot follow, stop it and run \"{} node rejoin -d {}{}\")",
                label(n), label(*primary->record), repmgr_on(n), primary->record->node_id,
                repmgr_on(n), shell_quote(target), rewind));
        }
    }
    return hints;
}

}  // namespace

void report_cluster_state(SwitchoverState& s) {
    std::vector<NodeState> states = probe(s.nodes);
    NodeState* primary = nullptr;
    int primaries = 0;
    for (auto& st : states) {
        if (st.conn && st.record->type != NodeType::kWitness &&
            st.role == pg::RecoveryType::kPrimary) {
            primary = &st;
            ++primaries;
        }
    }
    if (primaries != 1) primary = nullptr;
    if (primary != nullptr) {
        std::vector<pg::ReplicationClient> clients;
        try {
            clients = pg::get_replication_clients(*primary->conn);
        } catch (const db::DbQueryError& e) {
            log::debug("unable to query \"pg_stat_replication\": {}", e.what());
        }
        for (auto& st : states) {
            st.attached = pg::attach_state(clients, st.record->node_name) ==
                          pg::AttachState::kAttached;
        }
        log::notice("{} is the primary of the replication cluster", label(*primary->record));
    } else if (primaries == 0) {
        log::warning("no node of the replication cluster is running as primary");
    } else {
        log::warning("{} nodes of the replication cluster are running as primary", primaries);
    }
    std::vector<std::string> lines;
    for (const auto& st : states) lines.push_back("  " + describe(st, primary));
    log::detail("current state of the replication cluster:\n{}", join(lines, "\n"));
    for (const auto& h : next_steps(s, states, primary, primaries)) log::hint("{}", h);
    if (s.repmgrd_paused) {
        log::hint("repmgrd is paused; once the cluster is as it should be, resume it with "
                  "\"repmgr service unpause\"");
    }
}

}  // namespace repmgr::workflow
