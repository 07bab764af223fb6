// Waiting for a standby to show up in its upstream's pg_stat_replication (commands.md §8
// step 13, §9 step 32, §14 step 12).
#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "repmgr/log/logger.hpp"
#include "workflow/follow_steps.hpp"

namespace repmgr::workflow {
namespace {

constexpr std::chrono::seconds kPollInterval{1};

bool pingable(const metadata::NodeRecord& node) {
    return db::ping_conninfo(node.conninfo) == db::PingStatus::kOk;
}

// check_standby_join prints its progress on the first attempt and every fifth after it.
bool progress_attempt(long attempt) { return attempt % 5 == 1; }

}  // namespace

void sleep_for(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

pg::AttachState test_attachment(db::Connection& upstream, const std::string& node_name,
                                std::string* state) {
    std::vector<pg::ReplicationClient> clients;
    try {
        clients = pg::get_replication_clients(upstream);
    } catch (const db::DbQueryError& e) {
        log::warning("unable to query \"pg_stat_replication\": {}", e.what());
        return pg::AttachState::kUnknown;
    }
    std::string row_state;
    pg::AttachState result = pg::attach_state(clients, node_name, &row_state);
    if (auto warning = pg::attach_warning(result, node_name)) {
        log::warning("{}", *warning);
    } else if (result == pg::AttachState::kNotAttached) {
        log::warning("node \"{}\" attached in state \"{}\"", node_name, row_state);
    }
    if (state != nullptr) *state = row_state;
    return result;
}

// Between repmgr's once-per-second (logged) checks we look every 50 ms without logging, so
// a follow finishes as soon as the standby streams; the log lines are those repmgr prints.
bool attached_before(db::Connection& upstream, const std::string& node_name,
                     std::chrono::steady_clock::time_point until) {
    while (std::chrono::steady_clock::now() < until) {
        sleep_for(std::chrono::milliseconds(50));
        try {
            if (pg::attach_state(pg::get_replication_clients(upstream), node_name) ==
                pg::AttachState::kAttached) {
                return true;
            }
        } catch (const db::DbQueryError&) {
            return false;
        }
    }
    return false;
}

bool wait_for_attachment(const config::Config& cfg, db::Connection& upstream) {
    const long attempts = cfg.standby_follow_timeout.count();
    for (long i = 0; i < attempts; ++i) {
        const auto next = std::chrono::steady_clock::now() + kPollInterval;
        if (test_attachment(upstream, cfg.node_name) == pg::AttachState::kAttached) return true;
        if (i + 1 < attempts && attached_before(upstream, cfg.node_name, next)) return true;
        if (i + 1 < attempts) sleep_for(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::max(next - std::chrono::steady_clock::now(),
                                           std::chrono::steady_clock::duration::zero())));
    }
    return false;
}

JoinResult check_standby_join(const config::Config& cfg, db::Connection& upstream,
                              const metadata::NodeRecord& upstream_record,
                              const metadata::NodeRecord& joining) {
    const long ping_limit = cfg.standby_reconnect_timeout.count();
    const long limit = cfg.node_rejoin_timeout.count();
    long i = 1;
    bool pinged = false;
    for (; i <= ping_limit; ++i) {
        if (pingable(joining)) {
            log::verbose(log::Level::kInfo, "node \"{}\" (ID: {}) is pingable", joining.node_name,
                         joining.node_id);
            pinged = true;
            break;
        }
        if (progress_attempt(i)) {
            // "node_rejoin_timeout" although the limit is standby_reconnect_timeout: repmgr's text.
            log::verbose(log::Level::kInfo,
                         "waiting for node \"{}\" (ID: {}) to respond to pings; {} of max {} "
                         "attempts (parameter \"node_rejoin_timeout\")",
                         joining.node_name, joining.node_id, i, ping_limit);
        }
        sleep_for(kPollInterval);
    }
    if (!pinged) return JoinResult::kNoPing;
    for (; i <= limit; ++i) {
        std::string state;
        if (test_attachment(upstream, joining.node_name, &state) == pg::AttachState::kAttached) {
            log::verbose(log::Level::kInfo,
                         "node \"{}\" (ID: {}) has attached to its upstream node",
                         joining.node_name, joining.node_id);
            return JoinResult::kAttached;
        }
        if (progress_attempt(i)) {
            log::info(
                "waiting for node \"{}\" (ID: {}) to connect to new primary; {} of max {} "
                "attempts (parameter \"node_rejoin_timeout\")",
                joining.node_name, joining.node_id, i, limit);
            if (!state.empty()) {
                // The upstream's name with the joining node's id: repmgr's text.
                log::detail(
                    "node \"{}\" (ID: {}) is currently attached to its upstream node in "
                    "state \"{}\"",
                    upstream_record.node_name, joining.node_id, state);
            } else {
                log::detail(
                    "checking for record in node \"{}\"'s \"pg_stat_replication\" table "
                    "where \"application_name\" is \"{}\"",
                    upstream_record.node_name, joining.node_name);
            }
        }
        sleep_for(kPollInterval);
    }
    return JoinResult::kNotAttached;
}

}  // namespace repmgr::workflow
