#include "daemon/child_nodes.hpp"

#include <fmt/format.h>

#include "daemon/checks.hpp"
#include "daemon/monitor.hpp"
#include "repmgr/common/process.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"
#include "repmgr/pg/server.hpp"

namespace repmgr::daemon {
namespace {

std::string_view kind(const metadata::NodeRecord& r) {
    return r.type == metadata::NodeType::kWitness ? "witness" : "standby";
}

std::string label(const metadata::NodeRecord& r) {
    return fmt::format("{} node \"{}\" (ID: {})", kind(r), r.node_name, r.node_id);
}

// %p → this node's id, %% → %, any other %x → x (repmgrd.md §10).
std::string expand_disconnect_command(const std::string& cmd, int node_id) {
    std::string out;
    for (size_t i = 0; i < cmd.size(); ++i) {
        if (cmd[i] != '%' || i + 1 >= cmd.size()) {
            out += cmd[i];
            continue;
        }
        char c = cmd[++i];
        out += c == 'p' ? std::to_string(node_id) : std::string(1, c);
    }
    return out;
}

}  // namespace

std::map<int, std::pair<metadata::NodeRecord, bool>> ChildNodeMonitor::read_children(DaemonState& st) {
    std::map<int, std::pair<metadata::NodeRecord, bool>> out;
    auto clients = pg::get_replication_clients(*st.local);
    for (auto& rec : metadata::get_downstream_node_records(*st.local, st.record.node_id)) {
        bool attached = false;
        if (rec.type == metadata::NodeType::kWitness) {
            // A witness is attached when its repmgrd reports this node as its upstream.
            if (auto conn = connect_silently(rec.conninfo)) {
                try {
                    auto up = metadata::get_upstream_node_id(*conn);
                    attached = up && *up == st.record.node_id;
                } catch (const db::DbQueryError&) {
                }
            }
        } else {
            attached = pg::attach_state(clients, rec.node_name) != pg::AttachState::kDetached;
        }
        out.emplace(rec.node_id, std::make_pair(std::move(rec), attached));
    }
    return out;
}

void ChildNodeMonitor::start(DaemonState& st) {
    children_.clear();
    command_executed_ = false;
    last_check_ = Clock::now();
    try {
        for (auto& [id, entry] : read_children(st)) {
            Child c{entry.first, entry.second ? Attach::kAttached : Attach::kUnknown, std::nullopt};
            log::info("child node \"{}\" (ID: {}) is {}", c.record.node_name, id,
                      entry.second ? "attached" : "not yet attached");
            children_.emplace(id, std::move(c));
        }
    } catch (const db::DbQueryError& e) {
        log::warning("unable to retrieve child nodes: {}", e.what());
    }
}

void ChildNodeMonitor::check(DaemonState& st) {
    if (seconds_since(last_check_) < static_cast<long>(st.cfg.child_nodes_check_interval.count())) return;
    last_check_ = Clock::now();
    std::map<int, std::pair<metadata::NodeRecord, bool>> now;
    try {
        now = read_children(st);
    } catch (const db::DbQueryError& e) {
        log::warning("unable to retrieve child nodes: {}", e.what());
        return;
    }
    for (auto& [id, entry] : now) {
        const auto& [rec, attached] = entry;
        auto it = children_.find(id);
        if (it == children_.end() || (it->second.state == Attach::kUnknown && attached)) {
            if (!attached) {
                if (it == children_.end()) children_.emplace(id, Child{rec, Attach::kUnknown, std::nullopt});
                continue;
            }
            const std::string text = fmt::format("new {} \"{}\" (ID: {}) has connected", kind(rec), rec.node_name, id);
            log::notice("{}", text);
            event(st, &*st.local, "child_node_new_connect", true, text);
            children_[id] = Child{rec, Attach::kAttached, std::nullopt};
        } else if (it->second.state == Attach::kAttached && !attached) {
            const std::string text = fmt::format("{} has disconnected", label(rec));
            log::notice("{}", text);
            event(st, &*st.local, "child_node_disconnect", true, text);
            it->second.state = Attach::kDetached;
            it->second.detached_at = Clock::now();
        } else if (it->second.state == Attach::kDetached && attached) {
            const std::string text = fmt::format("{} has reconnected after {} seconds", label(rec),
                                                 seconds_since(*it->second.detached_at));
            log::notice("{}", text);
            event(st, &*st.local, "child_node_reconnect", true, text);
            it->second.state = Attach::kAttached;
            it->second.detached_at.reset();
        }
    }
    for (auto it = children_.begin(); it != children_.end();) {
        if (now.count(it->first) == 0) {
            log::notice("{} is no longer connected or registered", label(it->second.record));
            it = children_.erase(it);
        } else {
            ++it;
        }
    }
    if (st.cfg.child_nodes_disconnect_command.empty()) return;
    int total = 0;
    int connected = 0;
    bool witness_skipped = false;
    for (const auto& [id, c] : children_) {
        if (c.record.type == metadata::NodeType::kWitness && !st.cfg.child_nodes_connected_include_witness &&
            !witness_skipped) {
            witness_skipped = true;
            continue;
        }
        ++total;
        if (c.state == Attach::kAttached) ++connected;
    }
    run_disconnect_command(st, connected, total);
}

void ChildNodeMonitor::run_disconnect_command(DaemonState& st, int connected, int total) {
    try {
        if (metadata::repmgrd_is_paused(*st.local).value_or(false)) return;
    } catch (const db::DbQueryError&) {
    }
    int required = 1;
    if (st.cfg.child_nodes_connected_min_count > 0) {
        required = st.cfg.child_nodes_connected_min_count;
    } else if (st.cfg.child_nodes_disconnect_min_count > 0) {
        required = (total - st.cfg.child_nodes_disconnect_min_count) + 1;
    }
    if (connected >= required) {
        if (command_executed_) {
            log::notice("{} (of {}) child nodes are now connected, meeting minimum requirement of {} child nodes",
                        connected, total, required);
            command_executed_ = false;
        }
        return;
    }
    log::notice("{} (of {}) child nodes are connected, but at least {} child nodes required", connected, total,
                required);
    if (command_executed_) {
        log::info("\"child_nodes_disconnect_command\" was previously executed, taking no action");
        return;
    }
    const Child* latest = nullptr;
    for (const auto& [id, c] : children_) {
        if (c.detached_at && (latest == nullptr || *c.detached_at > *latest->detached_at)) latest = &c;
    }
    if (latest == nullptr) {
        log::info("no child nodes have detached since repmgrd startup");
        return;
    }
    const long ago = seconds_since(*latest->detached_at);
    const long timeout = static_cast<long>(st.cfg.child_nodes_disconnect_timeout.count());
    if (ago < timeout) {
        log::info("most recently detached child node was {} (ca. {} seconds ago), not triggering "
                  "\"child_nodes_disconnect_command\"",
                  latest->record.node_id, ago);
        log::detail("\"child_nodes_disconnect_timeout\" set to {} seconds", timeout);
        return;
    }
    log::info("most recently detached child node was {} (ca. {} seconds ago), triggering "
              "\"child_nodes_disconnect_command\"",
              latest->record.node_id, ago);
    const std::string cmd = expand_disconnect_command(st.cfg.child_nodes_disconnect_command, st.record.node_id);
    log::info("\"child_nodes_disconnect_command\" is:\n  \"{}\"", cmd);
    CommandOptions options;
    options.capture_stdout = false;
    options.capture_stderr = false;
    const bool ok = run_shell(cmd, options).ok();
    event(st, &*st.local, "child_nodes_disconnect_command", ok,
          ok ? "\"child_nodes_disconnect_command\" successfully executed"
             : "unable to execute \"child_nodes_disconnect_command\"");
    command_executed_ = true;
}

}  // namespace repmgr::daemon
