#include "daemon/siblings.hpp"

#include <fmt/format.h>

#include "daemon/checks.hpp"
#include "daemon/monitor.hpp"
#include "repmgr/common/process.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"
#include "repmgr/pg/replication.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"

namespace repmgr::daemon {
namespace {

using metadata::NodeRecord;

void emit(const std::vector<LogLine>& lines) {
    for (const auto& l : lines) {
        if (l.detail) {
            log::detail("{}", l.text);
        } else {
            log::write(l.level, l.text);
        }
    }
}

SiblingState ask_sibling(Sibling& sib) {
    SiblingState s;
    s.record = sib.record;
    log::info("checking state of sibling node \"{}\" (ID: {})", sib.record.node_name, sib.record.node_id);
    sib.conn = connect_logged(sib.record.conninfo);
    if (!sib.conn) return s;
    s.reachable = true;
    db::Connection& c = *sib.conn;
    try {
        s.repmgrd_running = metadata::get_repmgrd_pid(c).value_or(-1) != -1;
        s.upstream_node_id = metadata::get_upstream_node_id(c);
        s.upstream_last_seen = metadata::get_upstream_last_seen(c);
        s.in_recovery = pg::get_recovery_type(c) != pg::RecoveryType::kPrimary;
        if (s.in_recovery) {
            pg::StandbyReplayInfo replay = pg::get_standby_replay_info(c);
            s.last_receive_lsn = pg::parse_lsn(replay.last_received_lsn).value_or(0);
            s.replay_paused_with_pending_wal = replay.replay_paused && replay.wal_pending;
        } else {
            // A running primary among the siblings: followable if it is on a timeline we
            // can reach (the follow command makes the exact check before changing anything).
            s.can_be_followed = sib.record.type != metadata::NodeType::kWitness;
        }
    } catch (const db::DbQueryError&) {
        s.replication_info = false;
    }
    return s;
}

std::string expand_validation_command(const std::string& cmd, const ElectionOutcome& o,
                                      const ElectionInput& in) {
    std::string out;
    for (size_t i = 0; i < cmd.size(); ++i) {
        if (cmd[i] != '%' || i + 1 >= cmd.size()) {
            out += cmd[i];
            continue;
        }
        switch (cmd[i + 1]) {
            case 'n': out += std::to_string(in.self.node_id); break;
            case 'a': out += in.self.node_name; break;
            case 'v': out += std::to_string(o.visible_nodes); break;
            case 'u': out += std::to_string(o.shared_upstream_nodes); break;
            case 't': out += std::to_string(in.total_nodes); break;
            case '%': out += '%'; break;
            default: out += cmd.substr(i, 2);
        }
        ++i;
    }
    return out;
}

}  // namespace

void gather_and_elect(DaemonState& st, const NodeRecord& failed_primary, ElectionInput& in,
                      std::vector<Sibling>& siblings, ElectionOutcome& outcome) {
    std::vector<NodeRecord> all;
    try {
        all = metadata::get_all_node_records(*st.local);
    } catch (const db::DbQueryError& e) {
        log::error("unable to retrieve node records: {}", e.what());
    }
    in.total_nodes = static_cast<int>(all.size());
    for (const auto& r : all) {
        if (r.active && r.node_id != st.record.node_id && r.upstream_node_id == failed_primary.node_id) {
            siblings.push_back({r, std::nullopt});
        }
    }
    try {
        pg::StandbyReplayInfo replay = pg::get_standby_replay_info(*st.local);
        if (replay.replay_paused && replay.wal_pending) {
            log::warning("WAL replay on this node is paused and WAL is pending replay");
            log::detail("replay paused at {}; last WAL received is {}", replay.last_replayed_lsn,
                        replay.last_received_lsn);
            st.local->execute("SELECT pg_catalog.pg_wal_replay_resume()");
            log::notice("WAL replay forcibly resumed");
        }
        in.self_lsn = pg::parse_lsn(replay.last_received_lsn).value_or(0);
    } catch (const db::DbQueryError& e) {
        log::error("unable to retrieve replication information for the local node: {}", e.what());
    }
    // repmgr prints the election's opening lines, then for each sibling the lines of asking
    // it followed by the lines of judging it, then the summary. decide_election is pure and
    // judges sibling i from siblings 0..i only, so re-running it as answers come in yields
    // exactly those lines in that order (siblings not yet asked count as unreachable).
    in.siblings.clear();
    for (const auto& sib : siblings) {
        SiblingState unknown;
        unknown.record = sib.record;
        in.siblings.push_back(unknown);
    }
    outcome = decide_election(in);
    emit(outcome.head);
    const bool asks_siblings = in.automatic_failover && st.record.priority > 0 && !siblings.empty();
    if (!asks_siblings) {
        emit(outcome.tail);
        return;
    }
    for (size_t i = 0; i < siblings.size(); ++i) {
        in.siblings[i] = ask_sibling(siblings[i]);
        outcome = decide_election(in);
        emit(outcome.per_sibling[i]);
        if (outcome.result == ElectionResult::kCancelled && outcome.follow_primary) return;
    }
    emit(outcome.tail);
}

bool validate_failover(DaemonState& st, const ElectionOutcome& outcome, const ElectionInput& in) {
    if (st.cfg.failover_validation_command.empty()) return true;
    const std::string cmd = expand_validation_command(st.cfg.failover_validation_command, outcome, in);
    log::notice("executing \"failover_validation_command\"");
    log::detail("{}", cmd);
    CommandResult r = run_shell(cmd);
    std::string output = r.out + r.err;
    if (output.empty()) {
        log::info("no output returned from command");
    } else {
        log::info("output returned by failover validation command:\n{}", output);
    }
    if (r.exit_status == 0) {
        log::notice("failover validation command returned zero");
        return true;
    }
    log::notice("failover validation command returned a non-zero value: {}", r.exit_status);
    return false;
}

std::string new_primary_name(DaemonState& st, int node_id) {
    if (!st.local_ok()) return "";
    try {
        if (auto r = metadata::get_node_record(*st.local, node_id)) return r->node_name;
    } catch (const db::DbQueryError&) {
    }
    return "";
}

void manual_disconnect_event(DaemonState& st, int new_primary_id) {
    std::optional<db::Connection> primary;
    if (st.local_ok()) {
        if (auto rec = metadata::get_node_record(*st.local, new_primary_id)) primary = connect_silently(rec->conninfo);
    }
    event(st, primary ? &*primary : nullptr, "standby_disconnect_manual", true,
          fmt::format("node \"{}\" (ID: {}) is in manual failover mode and is now disconnected from streaming "
                      "replication",
                      st.record.node_name, st.record.node_id));
}

}  // namespace repmgr::daemon
