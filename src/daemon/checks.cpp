#include "daemon/checks.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "daemon/signals.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"

namespace repmgr::daemon {
namespace {

using std::chrono::seconds;

void log_connect_error(const db::DbConnectError& e) {
    log::error("connection to database failed");
    log::detail("\n{}", e.libpq_message());
    log::detail("attempted to connect using:\n  {}", e.attempted());
}

// The parameters repmgr pings with in its reconnection loops, printed back as key=value.
db::ConnInfo reconnect_params(const std::string& conninfo) {
    db::ConnInfo info = db::ConnInfo::parse(conninfo);
    info.set_if_absent("connect_timeout", "2");
    info.set_if_absent("fallback_application_name", "repmgr");
    return info;
}

// The wait between two reconnection attempts: reconnect_interval, ended early when the node
// answers a ping again (a restarted server comes back well within the default 10 s; waiting
// out the interval would leave this repmgrd unregistered with it meanwhile). Looking more often
// than repmgr's once per interval only reacts sooner: the next attempt, and its log lines, are
// repmgr's. Pings are only repeated while they answer fast (a refused connection or a server
// starting up), so a host that does not answer at all costs no more than the interval.
void wait_for_next_attempt(DaemonState& st, const db::ConnInfo& params) {
    using Clock = std::chrono::steady_clock;
    constexpr std::chrono::milliseconds kSlice{100};
    constexpr std::chrono::milliseconds kFastPing{200};
    const auto until = Clock::now() + st.cfg.reconnect_interval;
    bool fast = true;
    while (stop_requested() == StopSignal::kNone) {
        const auto now = Clock::now();
        if (now >= until) return;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
        if (!fast) {
            interruptible_sleep(left);
            return;
        }
        interruptible_sleep(std::min(left, kSlice));
        const auto sent = Clock::now();
        if (db::ping(params) == db::PingStatus::kOk) return;
        fast = Clock::now() - sent < kFastPing;
    }
}

// "query" check: the configured query on the existing connection, bounded by
// async_query_timeout; the connection is reset once on failure.
bool query_check(DaemonState& st, const metadata::NodeRecord& node, std::optional<db::Connection>& conn) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!conn || !conn->is_ok()) conn = connect_silently(node.conninfo);
        if (!conn) continue;
        conn->set_query_timeout(std::chrono::duration_cast<std::chrono::milliseconds>(st.cfg.async_query_timeout));
        try {
            conn->query(st.cfg.connection_check_query);
            return true;
        } catch (const db::DbQueryError& e) {
            log::warning("unable to execute \"{}\" on node {}: {}", st.cfg.connection_check_query,
                         node.node_id, e.what());
            conn.reset();
        }
    }
    return false;
}

}  // namespace

std::string_view connection_check_type_name(const config::Config& cfg) {
    switch (cfg.connection_check_type) {
        case config::ConnectionCheckType::kPing: return "ping";
        case config::ConnectionCheckType::kConnection: return "connection";
        case config::ConnectionCheckType::kQuery: return "query";
    }
    return "ping";
}

std::optional<db::Connection> connect_silently(const std::string& conninfo) {
    std::string err;
    auto info = db::ConnInfo::try_parse(conninfo, &err);
    if (!info) return std::nullopt;
    auto r = db::Connection::try_connect(*info);
    if (!r.ok()) return std::nullopt;
    return std::move(r).take();
}

std::optional<db::Connection> connect_logged(const std::string& conninfo) {
    std::string err;
    auto info = db::ConnInfo::try_parse(conninfo, &err);
    if (!info) {
        log::error("unable to parse provided conninfo string \"{}\"", conninfo);
        return std::nullopt;
    }
    auto r = db::Connection::try_connect(*info);
    if (!r.ok()) {
        log_connect_error(r.error());
        return std::nullopt;
    }
    return std::move(r).take();
}

bool ping_logged(const std::string& conninfo, const std::string& shown) {
    const db::PingStatus status = db::ping_conninfo(conninfo);
    if (status == db::PingStatus::kOk) return true;
    log::warning("unable to ping \"{}\"", shown);
    log::detail("PQping() returned \"{}\"", db::ping_status_name(status));
    return false;
}

bool check_node(DaemonState& st, const metadata::NodeRecord& node, std::optional<db::Connection>& conn) {
    bool up = false;
    switch (st.cfg.connection_check_type) {
        case config::ConnectionCheckType::kQuery:
            return query_check(st, node, conn);
        case config::ConnectionCheckType::kPing:
            up = ping_logged(node.conninfo, node.conninfo);
            break;
        case config::ConnectionCheckType::kConnection: {
            auto info = db::ConnInfo::try_parse(node.conninfo, nullptr);
            auto c = info ? db::Connection::try_connect(*info) : db::Connection::try_connect(db::ConnInfo());
            up = c.ok();
            if (!up) {
                log::warning("unable to connect to \"{}\"", node.conninfo);
                log::detail("\n{}", c.error().libpq_message());
            }
            break;
        }
    }
    if (up && (!conn || !conn->is_ok())) {
        log::notice("upstream is available but upstream connection has gone away, resetting");
        conn = connect_silently(node.conninfo);
    }
    return up;
}

std::optional<db::Connection> try_reconnect(DaemonState& st, const metadata::NodeRecord& node,
                                            std::optional<db::Connection>& original) {
    const db::ConnInfo params = reconnect_params(node.conninfo);
    const int attempts = st.cfg.reconnect_attempts;
    for (int i = 1; i <= attempts; ++i) {
        log::info("checking state of node {}, {} of {} attempts", node.node_id, i, attempts);
        db::PingStatus ping = db::ping(params);
        if (ping == db::PingStatus::kOk) {
            log::notice("node {} has recovered, reconnecting", node.node_id);
            auto c = db::Connection::try_connect(params);
            if (c.ok()) {
                log::info("connection to node {} succeeded", node.node_id);
                if (original && original->is_ok()) {
                    log::info("original connection is still available");
                    return std::move(original);
                }
                log::info("original connection no longer available, using new connection");
                return std::move(c).take();
            }
            log_connect_error(c.error());
            log::notice("unable to reconnect to node \"{}\" (ID: {})", node.node_name, node.node_id);
        } else {
            log::warning("unable to ping \"{}\"", params.to_display_string());
            log::detail("PQping() returned \"{}\"", db::ping_status_name(ping));
        }
        if (i < attempts) {
            log::info("sleeping {} seconds until next reconnection attempt", st.cfg.reconnect_interval.count());
            wait_for_next_attempt(st, params);
            if (stop_requested() != StopSignal::kNone) return std::nullopt;
        }
    }
    log::warning("unable to reconnect to node {} after {} attempts", node.node_id, attempts);
    return std::nullopt;
}

PrimaryReconnect try_primary_reconnect(DaemonState& st, const metadata::NodeRecord& primary,
                                       std::optional<db::Connection>& original) {
    PrimaryReconnect out;
    const db::ConnInfo params = reconnect_params(primary.conninfo);
    const int attempts = st.cfg.reconnect_attempts;
    const std::string label = fmt::format("node \"{}\" (ID: {})", primary.node_name, primary.node_id);
    for (int i = 1; i <= attempts; ++i) {
        log::info("checking state of {}, {} of {} attempts", label, i, attempts);
        db::PingStatus ping = db::ping(params);
        if (ping == db::PingStatus::kOk) {
            log::notice("{} has recovered, reconnecting", label);
            auto c = db::Connection::try_connect(params);
            if (c.ok()) {
                log::info("connection to {} succeeded", label);
                out.conn = (original && original->is_ok()) ? std::move(original) : std::move(c).take();
                return out;
            }
            log_connect_error(c.error());
            log::notice("unable to reconnect to {}", label);
        } else {
            log::warning("unable to ping \"{}\"", params.to_display_string());
            log::detail("PQping() returned \"{}\"", db::ping_status_name(ping));
        }
        if (i == attempts && !st.cfg.reconnect_loop_sync) break;
        log::info("sleeping up to {} seconds until next reconnection attempt", st.cfg.reconnect_interval.count());
        // Watch for another node's notification once per second while waiting.
        const auto until = Clock::now() + st.cfg.reconnect_interval;
        while (true) {
            if (st.local_ok()) {
                try {
                    auto np = metadata::get_new_primary(*st.local);
                    if (np && *np == -2) {
                        log::notice("received rerun notification");
                        out.rerun = true;
                        return out;
                    }
                    if (np && *np >= 0) {
                        log::notice("received notification that new primary is node {}", *np);
                        out.new_primary = *np;
                        return out;
                    }
                } catch (const db::DbQueryError&) {
                }
            }
            if (Clock::now() >= until || stop_requested() != StopSignal::kNone) break;
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
            // repmgr looks once per second; looking more often only reacts sooner.
            interruptible_sleep(std::min(left, std::chrono::milliseconds(100)));
        }
        if (stop_requested() != StopSignal::kNone) return out;
    }
    log::warning("unable to reconnect to {} after {} attempts", label, attempts);
    return out;
}

bool check_local_connection(DaemonState& st) {
    const metadata::NodeRecord& rec = st.record;
    if (!ping_logged(rec.conninfo, rec.conninfo)) {
        log::warning("connection to node \"{}\" (ID: {}) lost", rec.node_name, rec.node_id);
        log::detail("\n{}", st.local ? st.local->error_message() : std::string("connection pointer is NULL\n"));
        st.local.reset();
    }
    if (st.local_ok()) return true;
    log::info("attempting to reconnect to node \"{}\" (ID: {})", rec.node_name, rec.node_id);
    st.local = connect_logged(rec.conninfo);
    if (!st.local) {
        log::warning("reconnection to node \"{}\" (ID: {}) failed", rec.node_name, rec.node_id);
        return false;
    }
    log::info("reconnected to node \"{}\" (ID: {})", rec.node_name, rec.node_id);
    reregister_if_restarted(st);
    return true;
}

void reregister_if_restarted(DaemonState& st) {
    if (!st.local_ok()) return;
    try {
        auto id = metadata::get_local_node_id(*st.local);
        if (!id || *id != st.record.node_id) {
            metadata::set_local_node_id(*st.local, st.record.node_id);
            metadata::set_repmgrd_pid(*st.local, static_cast<int>(::getpid()), st.pid_file);
        }
    } catch (const db::DbQueryError& e) {
        log::warning("unable to update shared memory: {}", e.what());
    }
}

}  // namespace repmgr::daemon
