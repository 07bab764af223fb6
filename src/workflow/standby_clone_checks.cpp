// standby clone, steps 6-7 (commands.md §4.1): repmgr's check_upstream_config() and the
// prerequisites that follow it.
#include <fmt/format.h>

#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/pg/source_server.hpp"
#include "standby_clone_steps.hpp"

namespace repmgr::workflow::standby_clone_steps {
namespace {

std::string setting(CloneState& s, const std::string& name) {
    return pg::get_pg_setting(*s.source, name).value_or("");
}

int int_setting(CloneState& s, const std::string& name) {
    return parse_int_strict(setting(s, name)).value_or(0);
}

void check_basebackup_options(CloneState& s) {
    s.backup_options = pg::parse_basebackup_options(s.cfg.pg_basebackup_options, s.source_version);
    if (s.backup_options.errors.empty()) return;
    log::error("error(s) encountered parsing \"pg_basebackup_options\"");
    for (const auto& e : s.backup_options.errors) log::error("{}", e);
    log::hint("\"pg_basebackup_options\" is: \"{}\"", s.cfg.pg_basebackup_options);
    throw ReportedError(ExitCode::kBadConfig);
}

void check_wal_level(CloneState& s) {
    const std::string level = setting(s, "wal_level");
    const bool modern = s.source_version >= 90600;
    if (level == (modern ? "replica" : "hot_standby") || level == "logical") return;
    throw Error(ExitCode::kBadConfig,
                fmt::format("parameter \"wal_level\" must be set to \"{}\" or \"logical\"",
                            modern ? "replica" : "hot_standby"));
}

// Without slots, WAL needed by the standby must be kept some other way.
void check_wal_retention(CloneState& s) {
    if (!s.cfg.use_replication_slots) {
        if (!s.backup_options.streams_wal() && s.cfg.restore_command.empty()) {
            const std::string name = s.source_version >= 130000 ? "wal_keep_size" : "wal_keep_segments";
            const std::string value = setting(s, name);
            if (parse_int_strict(value).value_or(0) == 0) {
                throw Error(ExitCode::kBadConfig,
                            fmt::format("parameter \"{}\" on the upstream server must be be set to "
                                        "a non-zero value",
                                        name))
                    .hint("Choose a value sufficiently high enough to retain enough WAL until the "
                          "standby has been cloned and started.\n Alternatively set up WAL "
                          "archiving using e.g. PgBarman and configure 'restore_command' in "
                          "repmgr.conf to fetch WALs from there.")
                    .hint(fmt::format("In PostgreSQL 9.4 and later, replication slots can be used, "
                                      "which do not require \"{}\" to be set (set parameter "
                                      "\"use_replication_slots\" in repmgr.conf to enable)\n",
                                      name));
            }
            if (s.opt.dry_run) log::info("parameter \"{}\" set to {}", name, value);
        }
        // Two spaces: repmgr's text (commands.md §24 quirk 12).
        log::info("replication slot usage not requested;  no replication slot will be set up for "
                  "this standby");
        return;
    }
    const int slots = int_setting(s, "max_replication_slots");
    if (slots < 1) {
        throw Error(ExitCode::kBadConfig,
                    "parameter \"max_replication_slots\" must be set to at least 1 to enable "
                    "replication slots")
            .detail(fmt::format("current value is {}", slots))
            .hint("\"max_replication_slots\" should be set to at least the number of expected "
                  "standbys");
    }
    if (s.opt.dry_run) log::info("parameter \"max_replication_slots\" set to {}", slots);
}

void check_archiving_and_hot_standby(CloneState& s) {
    if (setting(s, "archive_mode") != "off" && setting(s, "archive_command").empty()) {
        throw Error(ExitCode::kBadConfig,
                    "parameter \"archive_command\" must be set to a valid command");
    }
    if (setting(s, "hot_standby") != "on") {
        throw Error(ExitCode::kBadConfig, "parameter \"hot_standby\" must be set to \"on\"");
    }
    const int senders = int_setting(s, "max_wal_senders");
    if (senders < 1) {
        // repmgr prints the current value here, not the minimum.
        throw Error(ExitCode::kBadConfig,
                    fmt::format("parameter \"max_wal_senders\" must be set to be at least {}", senders))
            .hint("\"max_wal_senders\" should be set to at least the number of expected standbys");
    }
    if (s.opt.dry_run) log::info("parameter \"max_wal_senders\" set to {}", senders);
}

void check_free_walsenders(CloneState& s) {
    const int required = s.required_walsenders();
    log::notice("checking for available walsenders on the source node ({} required)", required);
    verbose_trace("get_node_replication_stats()");
    const pg::WalsenderUsage usage = pg::get_walsender_usage(*s.source);
    if (usage.free() < required) {
        throw Error(ExitCode::kBadConfig, "insufficient free walsenders on the source node")
            .detail(fmt::format("{} free walsenders required, {} free walsenders available",
                                required, usage.free()))
            .hint(fmt::format("increase \"max_wal_senders\" on the source node by at least {}",
                              required - usage.free()));
    }
    if (s.opt.dry_run) {
        log::info("sufficient walsenders available on the source node");
        log::detail("{} required, {} available", required, usage.free());
    }
}

// Opens as many replication connections at once as the backup will use.
void check_replication_connections(CloneState& s) {
    const int required = s.required_walsenders();
    log::notice("checking replication connections can be made to the source server ({} required)",
                required);
    db::ConnInfo params = s.opt.source_params;
    if (!s.replication_user.empty()) params.set("user", s.replication_user);
    db::ConnectOptions options;
    options.replication = true;
    std::vector<db::Connection> open;
    bool failed = false;
    for (int i = 0; i < required; ++i) {
        auto conn = db::Connection::try_connect(params, options);
        if (conn.ok()) {
            open.push_back(std::move(conn).take());
            continue;
        }
        failed = true;
        log::error("connection to database failed");
        log::detail("\n{}", conn.error().libpq_message());
    }
    if (failed) {
        throw Error(ExitCode::kBadConfig, "unable to establish necessary replication connections")
            .hint("check replication permissions on the source server");
    }
    if (s.opt.dry_run) {
        log::info("required number of replication connections could be made to the source server");
        log::detail("{} replication connections required", required);
    } else {
        log::verbose(log::Level::kInfo,
                     "sufficient replication connections could be made to the source server ({} "
                     "required)",
                     required);
    }
}

void warn_about_checksums(CloneState& s) {
    if (setting(s, "data_checksums") == "on" || setting(s, "wal_log_hints") == "on") return;
    log::warning("data checksums are not enabled and \"wal_log_hints\" is \"off\"");
    log::detail("pg_rewind requires \"wal_log_hints\" to be enabled");
}

}  // namespace

void check_upstream_config(CloneState& s) {
    check_basebackup_options(s);
    check_wal_level(s);
    check_wal_retention(s);
    check_archiving_and_hot_standby(s);
    check_free_walsenders(s);
    check_replication_connections(s);
    warn_about_checksums(s);
}

void check_clone_prerequisites(CloneState& s) {
    if (s.opt.copy_external_config_files && !s.opt.superuser &&
        !pg::can_read_all_settings(*s.source)) {
        throw Error(ExitCode::kBadConfig,
                    "--copy-external-config-files requires a user with permission to read the "
                    "data directory on the source node")
            .hint("the repmgr user must be superuser or member of role \"pg_monitor\" or "
                  "\"pg_read_all_settings\", or a superuser provided with -S/--superuser");
    }
    if (s.opt.verify_backup && s.source_version < 130000) {
        throw Error(ExitCode::kBadConfig, "--verify-backup available for PostgreSQL 13 and later");
    }
    if (!s.upstream_record) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to retrieve record for upstream node {}", s.upstream_node_id));
    }
    s.upstream_conninfo = s.opt.upstream_conninfo.value_or(s.upstream_record->conninfo);
    if (s.upstream_conninfo.empty()) {
        throw Error(ExitCode::kBadConfig,
                    "unable to determine a connection string to use as \"primary_conninfo\"")
            .hint("use \"--upstream-conninfo\" to explicitly provide a value for "
                  "\"primary_conninfo\"");
    }
    log::debug("parsing upstream conninfo string \"{}\"", s.upstream_conninfo);
    db::ConnInfo::parse(s.upstream_conninfo);  // an unusable string stops the clone here
}

std::optional<SlotUser> choose_slot_user(CloneState& s) {
    db::Connection& conn = *s.source;
    if (pg::is_superuser(conn) || pg::has_replication_attribute(conn)) {
        return SlotUser{conn.user(), "user"};
    }
    if (s.opt.superuser) return SlotUser{*s.opt.superuser, "superuser"};
    if (s.opt.replication_user) return SlotUser{*s.opt.replication_user, "replication user"};
    if (s.upstream_record && !s.upstream_record->repluser.empty() &&
        s.upstream_record->repluser != conn.user()) {
        return SlotUser{s.upstream_record->repluser, "replication user"};
    }
    return std::nullopt;
}

}  // namespace repmgr::workflow::standby_clone_steps
