#include "cli/checks.hpp"

#include <algorithm>
#include <initializer_list>

#include "repmgr/common/strings.hpp"
#include "repmgr/config/values.hpp"
#include "repmgr/db/conninfo.hpp"
#include "repmgr/log/logger.hpp"

namespace repmgr::cli {
namespace {

bool is_one_of(Action a, std::initializer_list<Action> set) {
    return std::find(set.begin(), set.end(), a) != set.end();
}

void check_int(std::vector<std::string>& errors, const std::optional<std::string>& value,
               std::string_view label, int min) {
    if (!value) return;
    auto n = parse_int_strict(*value);
    if (!n) {
        errors.push_back(fmt::format("\"{}\": invalid value (provided: \"{}\")", label, *value));
    } else if (*n < min) {
        errors.push_back(
            fmt::format("\"{}\": must be {} or greater (provided: \"{}\")", label, min, *value));
    }
}

bool is_conninfo_string(std::string_view s) {
    return starts_with(s, "postgresql://") || starts_with(s, "postgres://") ||
           s.find('=') != std::string_view::npos;
}

}  // namespace

bool connection_params_given(const CliOptions& o) {
    return o.dbname || o.host || o.port || o.username;
}

std::vector<std::string> validate_option_values(ParsedCommandLine& parsed,
                                                std::vector<std::string>& warnings) {
    CliOptions& o = parsed.options;
    std::vector<std::string> errors;
    check_int(errors, o.port, "-p/--port", 1);
    check_int(errors, o.node_id, "--node-id", 1);
    check_int(errors, o.remote_node_id, "--remote-node-id", 1);
    check_int(errors, o.upstream_node_id, "--upstream-node-id", 1);
    check_int(errors, o.wait_value, "--wait", 0);
    check_int(errors, o.wait_start, "--wait-start", 0);
    check_int(errors, o.wait_sync_value, "--wait-sync", 0);
    check_int(errors, o.limit, "--limit", 1);
    check_int(errors, o.keep_history, "-k/--keep-history", 0);
    if (o.node_name && o.node_name->size() >= 64) {
        errors.emplace_back("value for \"--node-name\" must contain fewer than 64 characters");
    }
    if (o.log_level && !log::parse_level(*o.log_level)) {
        errors.push_back(fmt::format("invalid log level \"{}\" provided", *o.log_level));
    }
    if (o.copy_external_config_files_value) {
        const auto& v = *o.copy_external_config_files_value;
        if (v != "samepath" && v != "pgdata" && v != "data_directory") {
            errors.emplace_back(
                "value provided for \"--copy-external-config-files\" must be \"samepath\" or "
                "\"pgdata\"");
        }
    }
    if (o.dbname && is_conninfo_string(*o.dbname)) {
        std::string err;
        auto info = db::ConnInfo::try_parse(*o.dbname, &err);
        if (!info) {
            errors.push_back("error parsing conninfo:\n" + err);  // libpq's text ends in \n
        } else {
            // host/hostaddr/port/user of a -d conninfo overwrite -h/-p/-U (commands.md §1.2).
            if (auto v = info->get("host")) o.host = *v;
            if (auto v = info->get("hostaddr")) o.host = *v;
            if (auto v = info->get("port")) o.port = *v;
            if (auto v = info->get("user")) o.username = *v;
        }
    }
    if (o.check_upstream_config) {
        warnings.emplace_back("--check-upstream-config is deprecated; use --dry-run instead");
    }
    if (o.remote_config_file) {
        warnings.emplace_back("--remote-config-file is no longer required");
    }
    return errors;
}

namespace {

// What some actions require or ignore (standby clone, witness register, node status/rejoin).
void check_action_requirements(ParsedCommandLine& parsed, const config::Config& config, const std::string& name,
                               bool conn_given, ApplicabilityResult& r) {
    CliOptions& o = parsed.options;
    const Action a = parsed.action;
    auto& warn = r.warnings;
    auto& err = r.errors;
    if (a == Action::kStandbyClone) {
        bool barman = !config.barman_host.empty() && !o.without_barman;
        bool host_given = o.host.has_value() || !parsed.positional.empty();
        if (!parsed.positional.empty() && o.host) {
            err.emplace_back(o.dbname && is_conninfo_string(*o.dbname)
                                 ? "host name provided both with host= and as an extra parameter"
                                 : "host name provided both with -h/--host and as an extra parameter");
        }
        if (!barman) {
            if (!host_given) {
                err.push_back("host name for the source node must be provided with -h/--host when "
                              "executing " + name);
            }
            if (!conn_given && parsed.positional.empty()) {
                err.push_back("database connection parameters for the source node must be "
                              "provided when executing " + name);
            }
            if (o.pgdata && !config.data_directory.empty()) {
                warn.emplace_back("-D/--pgdata will be ignored if a repmgr configuration file is provided");
            }
            if (o.upstream_conninfo && o.replication_user) {
                warn.emplace_back("--replication-user ineffective when specifying --upstream-conninfo");
            }
            if (o.no_upstream_connection) {
                warn.emplace_back("--no-upstream-connection only effective in Barman mode");
            }
        } else {
            if (o.copy_external_config_files) {
                warn.emplace_back("--copy-external-config-files ineffective in Barman mode");
            }
            if (o.fast_checkpoint) warn.emplace_back("-c/--fast-checkpoint has no effect in Barman mode");
        }
        if (!config.config_directory.empty() && !o.copy_external_config_files) {
            warn.emplace_back("\"config_directory\" set in repmgr.conf, but --copy-external-config-files not provided");
        }
    }
    if (a == Action::kWitnessRegister && !o.host) {
        err.push_back("host name for the source node must be provided with -h/--host when executing " + name);
    }
    if (a == Action::kNodeStatus) {
        if (o.node_id) warn.emplace_back("--node-id will be ignored; \"repmgr node status\" can only be executed on the local node");
        if (o.node_name) warn.emplace_back("--node-name will be ignored; \"repmgr node status\" can only be executed on the local node");
    }
    if (a == Action::kNodeRejoin && !conn_given) {
        err.push_back("database connection parameters for an available node must be provided when executing " + name);
    }
}

// Connection, -D, --node-id and --node-name where the action has no use for them.
void check_target_options(CliOptions& o, Action a, const std::string& name, bool conn_given,
                          std::vector<std::string>& warn) {
    if (conn_given && !is_one_of(a, {Action::kStandbyClone, Action::kStandbyFollow, Action::kStandbyRegister,
                                     Action::kWitnessRegister, Action::kWitnessUnregister,
                                     Action::kClusterShow, Action::kClusterMatrix,
                                     Action::kClusterCrosscheck, Action::kNodeRejoin})) {
        warn.push_back("database connection parameters not required when executing " + name);
    }
    if (o.pgdata && !is_one_of(a, {Action::kStandbyClone, Action::kStandbyFollow, Action::kNodeService})) {
        warn.push_back("-D/--pgdata not required when executing " + name);
    }
    if (o.node_id && !is_one_of(a, {Action::kPrimaryUnregister, Action::kStandbyUnregister,
                                    Action::kWitnessUnregister, Action::kClusterCleanup,
                                    Action::kClusterEvent, Action::kClusterMatrix,
                                    Action::kClusterCrosscheck})) {
        warn.push_back("--node-id not required when executing " + name);
        o.node_id.reset();
    }
    if (o.node_name) {
        if (!is_one_of(a, {Action::kStandbyUnregister, Action::kClusterEvent})) {
            warn.push_back("--node-name not required when executing " + name);
            o.node_name.reset();
        } else if (o.node_id) {
            warn.emplace_back("--node-id provided, ignoring --node-name");
            o.node_name.reset();
        }
    }
}

// --upstream-node-id ... --is-shutdown-cleanly where the action has no use for them.
void check_other_actions_options(CliOptions& o, Action a, const std::string& name, ApplicabilityResult& r) {
    auto& warn = r.warnings;
    auto& err = r.errors;
    if (o.upstream_node_id && !is_one_of(a, {Action::kStandbyClone, Action::kStandbyRegister, Action::kStandbyFollow})) {
        warn.push_back("--upstream-node-id will be ignored when executing " + name);
    }
    if (o.replication_user && !is_one_of(a, {Action::kPrimaryRegister, Action::kStandbyRegister, Action::kStandbyClone})) {
        warn.push_back(a == Action::kStandbyFollow
                           ? "--replication-user ignored when executing " + name
                           : "--replication-user not required when executing " + name);
    }
    if (o.superuser && !is_one_of(a, {Action::kStandbyClone, Action::kStandbySwitchover, Action::kNodeCheck, Action::kNodeService})) {
        warn.push_back("--superuser ignored when executing " + name);
    }
    if (o.replication_conf_only && a != Action::kStandbyClone) {
        warn.push_back("--create-recovery-conf will be ignored when executing " + name);
    }
    if (a != Action::kClusterEvent) {
        if (o.event) warn.push_back("--event not required when executing " + name);
        if (o.limit) warn.push_back("--limit not required when executing " + name);
        if (o.all) warn.push_back("--all not required when executing " + name);
    } else if (o.all && o.limit) {
        warn.emplace_back("--limit provided, ignoring --all");
        o.all = false;
    }
    if (o.wait && o.no_wait) {
        err.emplace_back("both --wait and --no-wait options provided");
    } else {
        if (o.wait && !is_one_of(a, {Action::kDaemonStart, Action::kDaemonStop, Action::kStandbyFollow})) {
            warn.push_back("--wait will be ignored when executing " + name);
        }
        if (o.no_wait && !is_one_of(a, {Action::kDaemonStart, Action::kDaemonStop, Action::kNodeRejoin})) {
            warn.push_back("--no-wait will be ignored when executing " + name);
        }
    }
    if (o.action && a != Action::kNodeService) warn.push_back("--action will be ignored when executing " + name);
    if (o.is_shutdown_cleanly && a != Action::kNodeStatus) {
        warn.push_back("--is-shutdown-cleanly will be ignored when executing " + name);
    }
}

// --always-promote ... --enable-wal-receiver where the action has no use for them, and the
// combinations that exclude each other.
void check_mode_and_output_options(CliOptions& o, Action a, const std::string& name, ApplicabilityResult& r) {
    auto& warn = r.warnings;
    auto& err = r.errors;
    if (o.always_promote && a != Action::kStandbySwitchover) warn.push_back("--always-promote will be ignored when executing " + name);
    if (o.force_rewind && !is_one_of(a, {Action::kStandbySwitchover, Action::kNodeRejoin})) {
        warn.push_back("--force-rewind will be ignored when executing " + name);
    }
    if (o.repmgrd_no_pause && a != Action::kStandbySwitchover) warn.push_back("--repmgrd-no-pause will be ignored when executing " + name);
    if (o.repmgrd_force_unpause && a != Action::kStandbySwitchover) warn.push_back("--repmgrd-force-unpause will be ignored when executing " + name);
    if (o.config_files && a != Action::kNodeRejoin) warn.push_back("--config-files will be ignored when executing " + name);
    if (o.repmgrd_force_unpause && o.repmgrd_no_pause) {
        err.emplace_back("--repmgrd-force-unpause and --repmgrd-no-pause cannot be used together");
    }
    if (o.dry_run && !is_one_of(a, {Action::kPrimaryRegister, Action::kPrimaryUnregister,
                                    Action::kStandbyClone, Action::kStandbyRegister,
                                    Action::kStandbyFollow, Action::kStandbySwitchover,
                                    Action::kStandbyPromote, Action::kWitnessRegister,
                                    Action::kWitnessUnregister, Action::kNodeRejoin,
                                    Action::kNodeService, Action::kServicePause,
                                    Action::kServiceUnpause, Action::kServiceStatus,
                                    Action::kDaemonStart, Action::kDaemonStop})) {
        warn.push_back("--dry-run is not effective when executing " + name);
    }
    if (int(o.csv) + int(o.nagios) + int(o.optformat) > 1) {
        err.emplace_back("only one of --csv, --nagios and --optformat can be used");
    }
    if (o.compact && !is_one_of(a, {Action::kClusterShow, Action::kClusterEvent, Action::kServiceStatus})) {
        warn.push_back("--compact is not effective when executing " + name);
    }
    if (o.detail && a != Action::kServiceStatus) warn.push_back("--detail is not effective when executing " + name);
    if (o.siblings_follow && !is_one_of(a, {Action::kStandbyPromote, Action::kStandbySwitchover})) {
        // "----" is repmgr's text (commands.md §24 quirk 12).
        warn.push_back("----siblings-follow is not effective when executing " + name);
    }
    if (o.disable_wal_receiver && o.enable_wal_receiver) {
        err.emplace_back("provide either --disable-wal-receiver or --enable-wal-receiver");
    } else if ((o.disable_wal_receiver || o.enable_wal_receiver) && a != Action::kNodeControl) {
        warn.push_back("--disable-wal-receiver / --enable-wal-receiver not effective when executing " + name);
    }
}

}  // namespace

ApplicabilityResult check_cli_parameters(ParsedCommandLine& parsed, const config::Config& config) {
    ApplicabilityResult r;
    CliOptions& o = parsed.options;
    const Action a = parsed.action;
    const std::string name(action_display_name(a));
    auto& err = r.errors;
    const bool conn_given = connection_params_given(o);
    // The checks in repmgr's order: the order of the warnings and errors printed.
    check_action_requirements(parsed, config, name, conn_given, r);
    check_target_options(o, a, name, conn_given, r.warnings);
    check_other_actions_options(o, a, name, r);
    check_mode_and_output_options(o, a, name, r);

    // Config file requirement (commands.md §1.5, last paragraph).
    if (a == Action::kStandbyClone || (a == Action::kNodeCheck && o.has_passfile) ||
        (is_one_of(a, {Action::kClusterShow, Action::kClusterMatrix, Action::kClusterCrosscheck}) &&
         conn_given)) {
        r.config_required = false;
    }
    if (o.recovery_min_apply_delay) {
        if (auto e = config::check_recovery_min_apply_delay(*o.recovery_min_apply_delay,
                                                            "--recovery-min-apply-delay")) {
            err.push_back(*e);
        }
    }
    return r;
}

}  // namespace repmgr::cli
