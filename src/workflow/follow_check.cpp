// check_node_can_attach: gathers timelines, positions and the target's timeline history, then
// applies decide_attach() (commands.md §8 step 8, §14 step 8).
#include <fmt/format.h>

#include <algorithm>

#include "repmgr/log/logger.hpp"
#include "repmgr/pg/replication.hpp"
#include "repmgr/pg/standby_state.hpp"
#include "workflow/follow_steps.hpp"

namespace repmgr::workflow {
namespace {

constexpr int kSettleSamples = 10;
constexpr std::chrono::milliseconds kSettleInterval{100};

std::string_view target_word(AttachMode mode) {
    return mode == AttachMode::kFollow ? "follow target" : "rejoin target";
}

ExitCode refuse_code(AttachMode mode) {
    return mode == AttachMode::kFollow ? ExitCode::kFollowFail : ExitCode::kRejoinFail;
}

// A replication connection, reported as repmgr reports it (the libpq text, no conninfo).
db::Connection replication_connection(const std::string& conninfo, const std::string& user,
                                      std::string_view what, const AttachCheck& check) {
    auto conn = pg::connect_replication(conninfo, user);
    if (!conn.ok()) {
        log::error("connection to database failed");
        log::detail("\n{}", conn.error().libpq_message());
        throw Error(refuse_code(check.mode),
                    fmt::format("unable to establish a replication connection to the {}", what));
    }
    if (check.dry_run) log::info("replication connection to the {} was successful", what);
    return std::move(conn).take();
}

pg::SystemIdentity identify(db::Connection& repl, std::string_view what, ExitCode code) {
    try {
        return pg::identify_system(repl);
    } catch (const db::DbQueryError& e) {
        throw Error(code, fmt::format("unable to execute IDENTIFY_SYSTEM on the {}", what))
            .detail(e.server_message().empty() ? e.what() : e.server_message());
    }
}

// The position the node's recovery will reach with the WAL it holds. WAL received but not
// replayed is either complete records still to be replayed or the unfinished last record of a
// crashed primary, which replay never passes. While the WAL receiver streams, more WAL keeps
// arriving and replay may still pass the fork point: count everything received, as repmgr
// does. Otherwise wait briefly for replay to stop advancing and take where it stopped.
std::uint64_t settled_recovery_point(db::Connection& conn, pg::StandbyPositions p) {
    if (p.received && p.replayed && *p.received > *p.replayed && pg::wal_receiver_streaming(conn)) {
        return *p.received;
    }
    for (int i = 0; i < kSettleSamples && p.received && p.replayed && *p.received > *p.replayed;
         ++i) {
        if (p.replay_paused) return *p.received;  // will replay later: count what it holds
        sleep_for(kSettleInterval);
        pg::StandbyPositions next = pg::get_standby_positions(conn);
        const bool settled = next.replayed == p.replayed;
        p = next;
        if (settled) break;
    }
    return p.replayed.value_or(p.received.value_or(0));
}

LocalPosition running_standby_position(db::Connection& conn, const pg::SystemIdentity& id,
                                       const config::Config& cfg) {
    pg::StandbyPositions p = pg::get_standby_positions(conn);
    LocalPosition pos;
    pos.timeline = id.timeline;
    pos.lsn = std::max(p.received.value_or(0), p.replayed.value_or(0));
    if (pos.lsn == 0) pos.lsn = id.xlogpos;
    pos.recovery_point = settled_recovery_point(conn, p);
    if (pos.recovery_point == 0) pos.recovery_point = pos.lsn;
    if (auto control = pg::read_control_file(cfg.data_directory)) {
        pos.system_identifier = std::to_string(control->system_identifier);
    }
    return pos;
}

void check_system_identifier(const AttachCheck& check, const std::string& local,
                             const std::string& target) {
    const std::string_view what = target_word(check.mode);
    if (local != target) {
        throw Error(refuse_code(check.mode),
                    fmt::format("this node is not part of the {} node's replication cluster", what))
            .detail(fmt::format("this node's system identifier is {}, {} node's system "
                                "identifier is {}",
                                local, what, target));
    }
    if (check.dry_run) {
        log::info("local and {} system identifiers match", what);
        log::detail("system identifier is {}", local);
    }
}

std::vector<pg::TimelineHistoryEntry> target_history(db::Connection& repl, int timeline,
                                                     ExitCode code) {
    try {
        return pg::timeline_history(repl, timeline);
    } catch (const db::DbQueryError& e) {
        throw Error(code, fmt::format("unable to execute TIMELINE_HISTORY {}", timeline))
            .detail(e.server_message().empty() ? e.what() : e.server_message());
    }
}

void report(const AttachDecision& decision, AttachMode mode) {
    if (!decision.message) return;
    const AttachMessage& m = *decision.message;
    if (decision.verdict == AttachVerdict::kRefuse && m.level == log::Level::kError) {
        throw Error(refuse_code(mode), m.text, m.notes);
    }
    log::write_with_notes(m.level, m.text, m.notes);
    if (decision.verdict == AttachVerdict::kRefuse) throw ReportedError(refuse_code(mode));
}

}  // namespace

LocalPosition local_position_from_control(const pg::ControlData& control) {
    LocalPosition pos;
    const bool has_min_recovery = control.min_recovery_point != 0;
    pos.timeline = static_cast<int>(has_min_recovery ? control.min_recovery_point_timeline
                                                     : control.checkpoint_timeline);
    pos.lsn = has_min_recovery ? control.min_recovery_point : control.checkpoint_lsn;
    pos.recovery_point = pos.lsn;
    pos.system_identifier = std::to_string(control.system_identifier);
    return pos;
}

AttachOutcome check_node_can_attach(const config::Config& cfg, const AttachCheck& check,
                                    const metadata::NodeRecord& target) {
    const ExitCode code = refuse_code(check.mode);
    LocalPosition local;
    if (check.local_conn != nullptr) {
        db::Connection repl =
            replication_connection(cfg.conninfo, check.local_repluser, "local node", check);
        pg::SystemIdentity id = identify(repl, "local node", code);
        local = running_standby_position(*check.local_conn, id, cfg);
        if (!local.system_identifier) local.system_identifier = id.system_identifier;
    } else {
        local = check.local.value_or(LocalPosition{});
    }
    const std::string what = std::string(target_word(check.mode)) + " node";
    db::Connection target_repl =
        replication_connection(target.conninfo, target.repluser, what, check);
    pg::SystemIdentity target_id = identify(target_repl, what, code);
    check_system_identifier(check, local.system_identifier.value_or(""),
                            target_id.system_identifier);

    AttachFacts facts;
    facts.mode = check.mode;
    facts.force_rewind = check.force_rewind;
    facts.local_node_id = check.local_node_id;
    facts.target_node_id = target.node_id;
    facts.local_timeline = local.timeline;
    facts.local_lsn = local.lsn;
    facts.recovery_point = local.recovery_point;
    facts.target_timeline = target_id.timeline;
    facts.target_lsn = target_id.xlogpos;
    if (target_id.timeline > local.timeline) {
        facts.target_history = target_history(target_repl, target_id.timeline, code);
    }
    AttachDecision decision = decide_attach(facts);
    report(decision, check.mode);
    return AttachOutcome{std::move(decision), target_id.timeline};
}

}  // namespace repmgr::workflow
