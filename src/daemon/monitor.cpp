#include "daemon/monitor.hpp"

#include <fmt/format.h>

#include "daemon/checks.hpp"
#include "daemon/signals.hpp"
#include "repmgr/config/config_file.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/workflow/connections.hpp"

namespace repmgr::daemon {
namespace {

void shutdown_on_signal(DaemonState& st, db::Connection* event_conn, StopSignal sig) {
    const std::string text = sig == StopSignal::kTerm ? "TERM signal received" : "INT signal received";
    log::notice("{}", text);
    if (event_conn != nullptr && event_conn->is_ok()) {
        event(st, event_conn, "repmgrd_shutdown", true, text);
    }
    throw DaemonExit{ExitCode::kSuccess};
}

// config.md §6: re-read the file; keep the old configuration on any error.
void reload_configuration(DaemonState& st) {
    log::notice("received SIGHUP, reloading configuration");
    log::info("reloading configuration file");
    log::detail("using file \"{}\"", st.cfg.config_file);
    config::ParseOutcome parsed = config::parse_config_file(st.cfg.config_file);
    std::vector<std::string> errors = parsed.errors;
    if (parsed.fatal_error) errors.push_back(*parsed.fatal_error);
    const bool can_fail_over = st.record.type != metadata::NodeType::kWitness;
    auto reload_errors = config::check_reloaded_config(st.cfg, parsed.config, can_fail_over);
    errors.insert(errors.end(), reload_errors.begin(), reload_errors.end());
    if (errors.empty() && parsed.config.conninfo != st.cfg.conninfo) {
        if (!connect_silently(parsed.config.conninfo)) {
            errors.push_back(fmt::format("provided \"conninfo\" string \"{}\" is not valid", parsed.config.conninfo));
        }
    }
    if (!errors.empty()) {
        log::error("one or more errors encountered while parsing the configuration file");
        std::string detail = "following errors were detected:";
        for (const auto& e : errors) detail += "\n  " + e;
        log::detail("{}", detail);
        log::notice("the current configuration has been retained unchanged");
    } else {
        auto changes = config::diff_reloadable(st.cfg, parsed.config);
        const bool monitoring_history_forced = st.options.monitoring_history;
        st.cfg = parsed.config;
        if (monitoring_history_forced) st.cfg.monitoring_history = true;
        if (changes.empty()) {
            log::info("configuration has not changed");
        } else {
            log::notice("configuration was successfully changed");
            std::string detail = "following configuration items were changed:";
            for (const auto& c : changes) {
                detail += fmt::format("\n  \"{}\" changed from \"{}\" to \"{}\"", c.key, c.old_value, c.new_value);
            }
            log::detail("{}", detail);
            st.local = db::Connection::connect(st.cfg.conninfo);
        }
        if (!parsed.warnings.empty()) {
            log::warning("configuration file contains deprecated parameters");
            std::string detail = "following parameters are deprecated:";
            for (const auto& w : parsed.warnings) detail += "\n  " + w;
            log::detail("{}\n", detail);
        }
    }
    // Reopen the log file whatever happened: this is what logrotate's SIGHUP is for.
    log::reopen();
}

}  // namespace

void event(DaemonState& st, db::Connection* conn, const std::string& name, bool success,
           const std::string& details, metadata::EventOtherNode other) {
    metadata::Event e;
    e.node_id = st.record.node_id;
    e.event = name;
    e.successful = success;
    e.details = details;
    e.other = std::move(other);
    metadata::create_event_notification(conn != nullptr && conn->is_ok() ? conn : nullptr, st.cfg, e);
}

void handle_signals(DaemonState& st, db::Connection* event_conn) {
    if (StopSignal sig = stop_requested(); sig != StopSignal::kNone) {
        shutdown_on_signal(st, event_conn, sig);
    }
    if (take_reload_request()) reload_configuration(st);
}

void sleep_interval(DaemonState& st) {
    interruptible_sleep(std::chrono::duration_cast<std::chrono::milliseconds>(st.cfg.monitor_interval_secs));
}

void sleep_interval_watching(DaemonState& st, std::optional<db::Connection>& watched) {
    const auto until = Clock::now() + st.cfg.monitor_interval_secs;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        if (left.count() <= 0) return;
        const int fd = watched && watched->is_ok() ? watched->socket() : -1;
        if (!sleep_or_readable(left, fd)) {
            if (fd < 0 || Clock::now() < until) return;  // signal, or no socket to watch
            continue;
        }
        if (!watched->consume_input()) return;  // the server went away: check now
    }
}

void refresh_record(DaemonState& st, db::Connection* conn) {
    db::Connection* c = conn != nullptr ? conn : (st.local_ok() ? &*st.local : nullptr);
    if (c == nullptr) return;
    try {
        if (auto rec = metadata::get_node_record(*c, st.cfg.node_id)) st.record = *rec;
    } catch (const db::DbQueryError& e) {
        log::warning("unable to retrieve record for node {}: {}", st.cfg.node_id, e.what());
    }
}

void activate_record(DaemonState& st) {
    log::notice("setting node record for node \"{}\" (ID: {}) to \"active\"", st.record.node_name,
                st.record.node_id);
    if (st.cfg.repmgrd_exit_on_inactive_node) return;
    std::optional<workflow::PrimaryConnection> primary;
    try {
        primary = workflow::get_primary_connection(*st.local);
    } catch (const db::DbQueryError&) {
    }
    if (!primary) {
        log::error("unable to connect to the primary node to activate the node record");
        return;
    }
    try {
        metadata::set_node_active(primary->conn, st.record.node_id, true);
        st.record.active = true;
    } catch (const db::DbQueryError& e) {
        log::error("unable to set node record to active: {}", e.what());
    }
}

void check_degraded_timeout(DaemonState& st, Clock::time_point since) {
    const long timeout = static_cast<long>(st.cfg.degraded_monitoring_timeout.count());
    if (timeout <= 0 || seconds_since(since) <= timeout) return;
    const std::string text =
        fmt::format("degraded monitoring timeout ({} seconds) exceeded, terminating", timeout);
    log::notice("{}", text);
    event(st, nullptr, "repmgrd_shutdown", true, text);
    throw DaemonExit{ExitCode::kMonitoringTimeout};
}

bool status_line_due(DaemonState& st) {
    const long interval = static_cast<long>(st.cfg.log_status_interval.count());
    if (interval <= 0) return false;
    if (seconds_since(st.last_status_line) < interval) return false;
    st.last_status_line = Clock::now();
    return true;
}

void run_monitoring(DaemonState& st) {
    while (true) {
        switch (st.record.type) {
            case metadata::NodeType::kPrimary:
                monitor_primary(st);
                break;
            case metadata::NodeType::kStandby:
                monitor_standby(st);
                break;
            case metadata::NodeType::kWitness:
                monitor_witness(st);
                break;
            default:
                fail(Error(ExitCode::kBadConfig, fmt::format("unknown node type for node {}", st.record.node_id)));
        }
        st.started = true;
    }
}

}  // namespace repmgr::daemon
