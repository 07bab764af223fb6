// standby clone: the entry point and the order of its steps (commands.md §4.1); the steps
// live in standby_clone_{source,checks,config_files,backup,conf_only}.cpp.
#include "repmgr/workflow/standby_clone.hpp"

#include <fmt/format.h>

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/pg/data_directory.hpp"
#include "repmgr/pg/recovery_config.hpp"
#include "standby_clone_steps.hpp"

namespace repmgr::workflow {
namespace {

using namespace standby_clone_steps;

// Step 1: repmgr.conf's data_directory, else -D.
std::string resolve_data_directory(const config::Config& cfg, const StandbyCloneOptions& opt) {
    std::string dir = !cfg.data_directory.empty() ? cfg.data_directory : opt.pgdata;
    if (dir.empty()) {
        throw Error(ExitCode::kBadConfig, "no data directory provided")
            .hint("use -D/--pgdata to explicitly specify a data directory");
    }
    log::notice("destination directory \"{}\" provided", dir);
    return dir;
}

// Step 4: primary_conninfo carries the node name as application_name.
std::string resolve_application_name(const config::Config& cfg, const StandbyCloneOptions& opt) {
    if (!opt.config_file_provided) return "repmgr";
    std::string parse_error;
    if (auto info = db::ConnInfo::try_parse(cfg.conninfo, &parse_error)) {
        if (auto app = info->get("application_name"); app && *app != cfg.node_name) {
            log::notice(
                "\"application_name\" is set in repmgr.conf but will be replaced by the node name");
        }
    }
    return cfg.node_name;
}

// Step 5.
void check_target_directory(const std::string& dir) {
    std::string error;
    if (pg::check_directory(dir, &error) == pg::DirectoryState::kUnreadable) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to access specified data directory \"{}\"", dir))
            .detail(error);
    }
    if (pg::postmaster_running(dir)) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("specified data directory \"{}\" appears to contain a running "
                                "PostgreSQL instance",
                                dir))
            .hint("ensure the target data directory does not contain a running PostgreSQL "
                  "instance");
    }
}

// Step 18: primary_conninfo = the command-line parameters, application_name, the upstream's
// conninfo (or --upstream-conninfo) and the upstream's replication user (config.md §8.2).
void write_replication_configuration(CloneState& s) {
    db::ConnInfo params = s.opt.source_params;
    params.set("application_name", s.application_name);
    const db::ConnInfo upstream = db::ConnInfo::parse(s.upstream_conninfo);
    for (const auto& [key, value] : upstream.params()) {
        if (key == "application_name" || key == "passfile" || key == "servicefile") continue;
        params.set(key, value);
    }
    if (s.upstream_record && !s.upstream_record->repluser.empty()) {
        params.set("user", s.upstream_record->repluser);
    }
    const std::string conninfo = pg::format_primary_conninfo(params, s.application_name, s.cfg);
    const std::string delay = s.opt.recovery_min_apply_delay.value_or(s.cfg.recovery_min_apply_delay);
    pg::ConfigItems items =
        pg::replication_config_items(s.cfg, conninfo, s.slot_name, delay, s.source_version);
    try {
        pg::write_replication_config(s.data_dir, items, s.source_version);
    } catch (const Error& e) {
        log::error("{}", e.what());
        for (const auto& note : e.notes()) log::detail("{}", note.text);
        log::notice("{}", s.source_version >= 120000
                              ? "unable to write replication configuration; see preceding error "
                                "messages"
                              : "unable to create recovery.conf; see preceding error messages");
        log::hint("data directory (\"{}\") may need to be cleaned up manually", s.data_dir);
        throw ReportedError(ExitCode::kBadConfig);
    }
}

// Step 19.
void report_completion(CloneState& s) {
    log::notice("standby clone (using pg_basebackup) complete");
    pg::set_data_directory_permissions(s.data_dir);
    log::notice("you can now start your PostgreSQL server");
    if (!s.cfg.service_start_command.empty()) {
        log::hint("for example: {}", s.cfg.service_start_command);
    } else {
        log::hint("for example: pg_ctl -D {} start", s.data_dir);
    }
    verbose_trace("get_node_record()");
    std::optional<metadata::NodeRecord> own;
    try {
        own = metadata::get_node_record(s.primary_conn(), s.cfg.node_id);
    } catch (const db::DbQueryError&) {
        own.reset();
    }
    if (own) {
        log::hint("after starting the server, you need to re-register this standby with "
                  "\"repmgr standby register --force\" to update the existing node record");
    } else {
        log::hint("after starting the server, you need to register this standby with "
                  "\"repmgr standby register\"");
    }
}

// Step 20.
void record_clone_event(CloneState& s) {
    const std::string details =
        fmt::format("cloned from host \"{}\", port {}; backup method: pg_basebackup; --force: {}",
                    s.opt.host, s.opt.port, s.opt.force ? "Y" : "N");
    metadata::create_event_notification(&s.primary_conn(), s.cfg,
                                        {s.cfg.node_id, "standby_clone", true, details, {}});
}

ExitCode clone(CloneState& s) {
    check_target_directory(s.data_dir);
    connect_source(s);
    check_source_node(s);
    check_target_is_data_directory(s);
    determine_upstream(s);
    check_upstream_config(s);
    check_clone_prerequisites(s);
    locate_external_files(s);
    if (s.opt.dry_run) {
        report_dry_run(s);
        return ExitCode::kSuccess;
    }
    copy_external_files(s, false);
    prepare_data_directory(s);
    check_tablespace_mapping(s);
    create_slot_on_source(s);
    run_basebackup(s);
    move_slot_to_upstream(s);
    verify_backup(s);
    copy_external_files(s, true);
    write_replication_configuration(s);
    report_completion(s);
    record_clone_event(s);
    return ExitCode::kSuccess;
}

}  // namespace

ExitCode standby_clone(const config::Config& cfg, const StandbyCloneOptions& options) {
    const std::string data_dir = resolve_data_directory(cfg, options);
    if (options.replication_conf_only) {
        return replication_conf_only(cfg, options, data_dir);
    }
    if (!cfg.barman_host.empty() && !options.without_barman) {
        throw Error(ExitCode::kBadConfig, "Barman mode is not supported by this version")
            .hint("remove \"barman_host\" from repmgr.conf or use --without-barman to clone "
                  "with pg_basebackup");
    }
    CloneState state(cfg, options);
    state.data_dir = data_dir;
    state.application_name = resolve_application_name(cfg, options);
    return clone(state);
}

}  // namespace repmgr::workflow
