// The node check checks, one function each (commands.md §13.1).
#include "repmgr/workflow/node_check.hpp"

#include <dirent.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>

#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/pg/server.hpp"

namespace repmgr::workflow {
namespace {

using metadata::NodeType;

CheckResult make(CheckStatus status, std::string detail) {
    CheckResult r;
    r.status = status;
    r.nagios_detail = detail;
    r.detail = std::move(detail);
    return r;
}

std::string label(const metadata::NodeRecord& rec) {
    return fmt::format("node \"{}\" (ID: {})", rec.node_name, rec.node_id);
}

// Downstream records that stream (witnesses excluded) and whether each is attached here.
struct Downstream {
    std::vector<metadata::NodeRecord> attached;
    std::vector<metadata::NodeRecord> missing;
};

Downstream downstream_nodes(CheckTarget& t) {
    Downstream d;
    auto clients = pg::get_replication_clients(t.conn);
    for (auto& rec : metadata::get_downstream_node_records(t.conn, t.record.node_id)) {
        if (rec.type == NodeType::kWitness) continue;
        if (pg::attach_state(clients, rec.node_name) == pg::AttachState::kAttached) {
            d.attached.push_back(std::move(rec));
        } else {
            d.missing.push_back(std::move(rec));
        }
    }
    return d;
}

}  // namespace

std::string_view check_status_name(CheckStatus status) {
    switch (status) {
        case CheckStatus::kOk: return "OK";
        case CheckStatus::kWarning: return "WARNING";
        case CheckStatus::kCritical: return "CRITICAL";
        case CheckStatus::kUnknown: return "UNKNOWN";
    }
    return "UNKNOWN";
}

bool is_pg_data_directory(const std::string& dir) {
    struct stat st {};
    return !dir.empty() && ::stat((dir + "/PG_VERSION").c_str(), &st) == 0;
}

std::optional<int> count_archive_ready_files(const std::string& data_directory,
                                             int server_version_num) {
    std::string dir = data_directory + (server_version_num >= 100000 ? "/pg_wal/archive_status"
                                                                     : "/pg_xlog/archive_status");
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return std::nullopt;
    int count = 0;
    while (dirent* e = ::readdir(d)) {
        std::string_view name = e->d_name;
        if (name.size() > 6 && name.substr(name.size() - 6) == ".ready") ++count;
    }
    ::closedir(d);
    return count;
}

CheckResult check_role(CheckTarget& t) {
    const auto recovery = pg::get_recovery_type(t.conn);
    const bool standby = recovery == pg::RecoveryType::kStandby;
    switch (t.record.type) {
        case NodeType::kPrimary:
            return standby ? make(CheckStatus::kCritical, "node is registered as primary but running as standby")
                           : make(CheckStatus::kOk, "node is primary");
        case NodeType::kStandby:
            return standby ? make(CheckStatus::kOk, "node is standby")
                           : make(CheckStatus::kCritical, "node is registered as standby but running as primary");
        case NodeType::kWitness:
            return standby ? make(CheckStatus::kCritical, "node is registered as witness but running as standby")
                           : make(CheckStatus::kOk, "node is witness");
        default:
            return make(CheckStatus::kUnknown, "unknown node type");
    }
}

CheckResult check_replication_lag(CheckTarget& t) {
    const long warn = static_cast<long>(t.cfg.replication_lag_warning.count());
    const long crit = static_cast<long>(t.cfg.replication_lag_critical.count());
    CheckResult r;
    if (pg::get_recovery_type(t.conn) != pg::RecoveryType::kStandby) {
        r = make(CheckStatus::kOk, t.record.type == NodeType::kWitness ? "N/A - node is witness"
                                                                        : "N/A - node is primary");
        r.nagios_detail = "0 seconds";
        r.perfdata = fmt::format("lag=0;{};{}", warn, crit);
        r.optformat = "--status=OK --lag=0";
        return r;
    }
    long lag = -1;
    try {
        lag = pg::get_standby_replay_info(t.conn).lag_seconds;
    } catch (const db::DbQueryError& e) {
        log::debug("unable to query replication lag: {}", e.what());
    }
    if (lag < 0) {
        r = make(CheckStatus::kUnknown, "unable to query replication lag");
        r.optformat = "--status=UNKNOWN --lag=-1";
        return r;
    }
    if (lag >= crit) {
        // The unbalanced ")" is repmgr's text (output-formats.md §6.2).
        r = make(CheckStatus::kCritical, fmt::format("{} seconds, critical threshold: {})", lag, crit));
        r.optformat = fmt::format("--status=CRITICAL --lag={} --threshold={}", lag, crit);
    } else if (lag > warn) {
        r = make(CheckStatus::kWarning, fmt::format("{} seconds, warning threshold: {})", lag, warn));
        r.optformat = fmt::format("--status=WARNING --lag={} --threshold={}", lag, warn);
    } else {
        r = make(CheckStatus::kOk, fmt::format("{} seconds", lag));
        r.optformat = fmt::format("--status=OK --lag={}", lag);
    }
    r.nagios_detail = fmt::format("{} seconds", lag);
    r.perfdata = fmt::format("lag={};{};{}", lag, warn, crit);
    return r;
}

CheckResult check_archive_ready(CheckTarget& t) {
    const int warn = t.cfg.archive_ready_warning;
    const int crit = t.cfg.archive_ready_critical;
    auto files = count_archive_ready_files(t.cfg.data_directory, t.conn.server_version_num());
    CheckResult r;
    if (!files) {
        r = make(CheckStatus::kUnknown, "unable to check archive_status directory");
        r.optformat = "--status=UNKNOWN";
        return r;
    }
    const int n = *files;
    if (n > crit) {
        r = make(CheckStatus::kCritical, fmt::format("{} pending archive ready files, critical threshold: {}", n, crit));
        r.optformat = fmt::format("--status=CRITICAL --files={} --threshold={}", n, crit);
    } else if (n > warn) {
        r = make(CheckStatus::kWarning, fmt::format("{} pending archive ready files (threshold: {})", n, warn));
        r.optformat = fmt::format("--status=WARNING --files={} --threshold={}", n, warn);
    } else {
        r = make(CheckStatus::kOk, fmt::format("{} pending archive ready files", n));
        r.optformat = fmt::format("--status=OK --files={}", n);
    }
    r.nagios_detail = fmt::format("{} pending archive ready files", n);
    r.perfdata = fmt::format("files={};{};{}", n, warn, crit);
    return r;
}

CheckResult check_upstream(CheckTarget& t) {
    if (t.record.type == NodeType::kWitness) return make(CheckStatus::kOk, "N/A - node is a witness");
    std::optional<metadata::NodeRecord> upstream;
    if (t.record.upstream_node_id) upstream = metadata::get_node_record(t.conn, *t.record.upstream_node_id);
    if (!upstream) {
        if (t.record.type == NodeType::kStandby) {
            return make(CheckStatus::kCritical,
                        fmt::format("{} is a standby but no upstream record found", label(t.record)));
        }
        return make(CheckStatus::kOk, "N/A - node is primary");
    }
    db::Connection upstream_conn = db::Connection::connect(upstream->conninfo);
    auto clients = pg::get_replication_clients(upstream_conn);
    const pg::AttachState state = pg::attach_state(clients, t.record.node_name);
    if (auto w = pg::attach_warning(state, t.record.node_name)) log::warning("{}", *w);
    const bool attached = state == pg::AttachState::kAttached;
    return make(attached ? CheckStatus::kOk : CheckStatus::kCritical,
                fmt::format("{} is {}attached to expected upstream node \"{}\" (ID: {})",
                            label(t.record), attached ? "" : "not ", upstream->node_name,
                            upstream->node_id));
}

CheckResult check_downstream(CheckTarget& t) {
    if (t.record.type == NodeType::kWitness) return make(CheckStatus::kOk, "N/A - node is a witness");
    Downstream d = downstream_nodes(t);
    const size_t total = d.attached.size() + d.missing.size();
    CheckResult r;
    if (total == 0) {
        r = make(CheckStatus::kOk, "this node has no downstream nodes");
    } else if (d.missing.empty()) {
        r = make(CheckStatus::kOk, fmt::format("{} of {} downstream nodes attached", total, total));
    } else {
        std::vector<std::string> names;
        for (const auto& m : d.missing) names.push_back(fmt::format("{} (ID: {})", m.node_name, m.node_id));
        const std::string list = join(names, ", ");
        r.status = CheckStatus::kCritical;
        r.detail = fmt::format("{} of {} downstream nodes not attached; missing: {}", d.missing.size(), total, list);
        r.nagios_detail = fmt::format("{} of {} downstream nodes not attached (missing: {})",
                                      d.missing.size(), total, list);
    }
    r.perfdata = fmt::format("attached={}, missing={}", d.attached.size(), d.missing.size());
    return r;
}

CheckResult check_slots(CheckTarget& t) {
    auto slots = pg::get_physical_slots(t.conn);
    const auto inactive = std::count_if(slots.begin(), slots.end(), [](const auto& s) { return !s.active; });
    CheckResult r;
    if (slots.empty()) {
        r = make(CheckStatus::kOk, "node has no physical replication slots");
    } else if (inactive == 0) {
        r = make(CheckStatus::kOk, fmt::format("{0} of {0} physical replication slots are active", slots.size()));
    } else {
        r = make(CheckStatus::kCritical,
                 fmt::format("{} of {} physical replication slots are inactive", inactive, slots.size()));
    }
    r.perfdata = fmt::format("slots={};{}", slots.size(), inactive);
    return r;
}

CheckResult check_missing_slots(CheckTarget& t) {
    auto slots = pg::get_physical_slots(t.conn);
    std::vector<std::string> missing;
    for (const auto& rec : metadata::get_downstream_node_records(t.conn, t.record.node_id)) {
        if (rec.type != NodeType::kStandby || rec.slot_name.empty()) continue;
        bool exists = std::any_of(slots.begin(), slots.end(),
                                  [&](const auto& s) { return s.slot_name == rec.slot_name; });
        if (!exists) missing.push_back(rec.slot_name);
    }
    CheckResult r;
    if (missing.empty()) {
        r = make(CheckStatus::kOk, "node has no missing physical replication slots");
        r.perfdata = "missing_slots=0";
    } else {
        r = make(CheckStatus::kCritical, fmt::format("{} physical replication slots are missing: {}",
                                                     missing.size(), join(missing, ", ")));
        r.perfdata = fmt::format("missing_slots={};{}", missing.size(), join(missing, ","));
    }
    return r;
}

CheckResult check_data_directory(CheckTarget& t, bool text_mode) {
    const std::string& configured = t.cfg.data_directory;
    CheckResult r;
    if (pg::can_read_all_settings(t.conn)) {
        std::string actual;
        try {
            actual = pg::get_setting(t.conn, "data_directory");
        } catch (const db::DbQueryError&) {
            r = make(CheckStatus::kUnknown, "unable to determine the data directory");
            r.nagios_detail = configured;
            r.optformat = "--configured-data-directory=UNKNOWN";
            return r;
        }
        if (actual == configured) {
            r = make(CheckStatus::kOk, fmt::format("configured \"data_directory\" is \"{}\"", configured));
            r.nagios_detail = configured;
        } else {
            r = make(CheckStatus::kCritical,
                     fmt::format("configured \"data_directory\" is \"{}\"; actual data directory is \"{}\"",
                                 configured, actual));
            r.nagios_detail = configured;
            r.perfdata = fmt::format("actual data directory is \"{}\"", actual);
        }
    } else {
        if (text_mode) {
            log::info("connection is not a superuser connection, falling back to simple check");
            log::hint("provide a superuser with -S/--superuser, or grant the repmgr user the "
                      "\"pg_read_all_settings\" role, to compare with the server's setting");
        }
        if (is_pg_data_directory(configured)) {
            r = make(CheckStatus::kOk, fmt::format("configured \"data_directory\" is \"{}\"", configured));
            r.nagios_detail = configured;
        } else {
            r = make(CheckStatus::kCritical,
                     fmt::format("configured \"data_directory\" \"{}\" is not a PostgreSQL data directory",
                                 configured));
            r.nagios_detail = configured;
            r.perfdata = fmt::format("\"{}\" is not a PostgreSQL data directory", configured);
        }
    }
    r.optformat = fmt::format("--configured-data-directory={}", check_status_name(r.status));
    return r;
}

CheckResult check_repmgrd(CheckTarget& t) {
    CheckResult r;
    auto status = pg::get_repmgrd_status(t.conn);
    if (!status || !status->running) {
        r = make(CheckStatus::kCritical, "repmgrd not running");
    } else if (status->paused) {
        r = make(CheckStatus::kWarning, "repmgrd running but paused");
    } else {
        r = make(CheckStatus::kOk, "repmgrd running");
    }
    r.optformat = fmt::format("--repmgrd={}", check_status_name(r.status));
    return r;
}

CheckResult check_replication_config_owner(const config::Config& cfg, db::Connection& conn) {
    const std::string file = cfg.data_directory + (conn.server_version_num() >= 120000
                                                       ? "/postgresql.auto.conf"
                                                       : "/recovery.conf");
    struct stat dir_st {};
    struct stat file_st {};
    CheckResult r;
    bool ok = ::stat(cfg.data_directory.c_str(), &dir_st) == 0 &&
              ::stat(file.c_str(), &file_st) == 0 && dir_st.st_uid == file_st.st_uid;
    r.status = ok ? CheckStatus::kOk : CheckStatus::kCritical;
    r.optformat = fmt::format("--replication-config-owner={}", check_status_name(r.status));
    return r;
}

}  // namespace repmgr::workflow
