// THE table of repmgr.conf parameters. Order is the `--dump-config` order of
// spec/config.md §7; types, defaults, minimums and readers follow §4; reload flags §6.

#include "repmgr/config/option_table.hpp"

#include <algorithm>
#include <array>

namespace repmgr::config {
namespace {

using enum ValueType;
using enum Reader;

constexpr std::array<std::string_view, 2> kFailoverNames{"manual", "automatic"};
constexpr std::array<std::string_view, 3> kCheckTypeNames{"ping", "connection", "query"};
constexpr std::array<std::string_view, 1> kReplicationTypeNames{"physical"};

// The error texts end in "\n" because repmgr's do (spec/config.md §3.3).
constexpr EnumSpec kFailoverEnum{kFailoverNames, true,
                                 "value for \"failover\" must be \"automatic\" or \"manual\"\n"};
constexpr EnumSpec kCheckTypeEnum{
    kCheckTypeNames, false,
    "value for \"connection_check_type\" must be \"ping\", \"connection\" or \"query\"\n"};
constexpr EnumSpec kReplicationTypeEnum{kReplicationTypeNames, false,
                                        "value for \"replication_type\" must be \"physical\"\n"};

// clang-format would put every designated initializer on its own line (~1000 lines);
// the compact rows below keep one parameter per short block.
// clang-format off
constexpr std::array<OptionSpec, 82> kOptions{{
    // -- node identification
    {.key = "node_id", .type = kInt, .member = &Config::node_id, .default_text = "-1", .min = 1,
     .required = true, .unset_default = true, .alias = "node", .alias_kind = AliasKind::kRenamed,
     .sample_value = "1", .description = "unique identifier of this node, a positive integer"},
    {.key = "node_name", .type = kString, .member = &Config::node_name, .default_text = "",
     .max_length = kNameMaxLen, .required = true, .sample_value = "node1",
     .description = "name of this node; also its application_name for replication"},
    {.key = "conninfo", .type = kConninfo, .member = &Config::conninfo, .default_text = "",
     .required = true, .reloadable = true, .report_rank = 30,
     .sample_value = "host=node1 user=repmgr dbname=repmgr connect_timeout=2",
     .description = "libpq connection string other nodes use to reach this node"},
    {.key = "replication_user", .type = kString, .member = &Config::replication_user,
     .default_text = "", .max_length = kNameMaxLen, .reader = kRepmgr,
     .description = "user for replication connections (default: the user in conninfo)"},
    {.key = "data_directory", .type = kPath, .member = &Config::data_directory,
     .default_text = "", .required = true, .sample_value = "/var/lib/postgresql/15/main",
     .description = "this node's PostgreSQL data directory"},
    {.key = "config_directory", .type = kPath, .member = &Config::config_directory,
     .default_text = "", .reader = kRepmgr,
     .description = "directory holding postgresql.conf when outside the data directory"},
    {.key = "pg_bindir", .type = kPath, .member = &Config::pg_bindir, .default_text = "",
     .reader = kRepmgr, .description = "directory of the PostgreSQL programs (pg_ctl etc.)"},
    {.key = "repmgr_bindir", .type = kPath, .member = &Config::repmgr_bindir, .default_text = "",
     .reader = kRepmgr, .description = "directory of the repmgr programs on remote nodes"},
    {.key = "replication_type", .type = kEnum, .member = &Config::replication_type,
     .default_text = "physical", .enum_spec = &kReplicationTypeEnum,
     .description = "kind of replication; only physical is supported"},

    // -- logging
    {.key = "log_level", .type = kString, .member = &Config::log_level, .default_text = "",
     .reloadable = true, .report_rank = 28, .alias = "loglevel",
     .alias_kind = AliasKind::kRenamed, .description = "lowest level logged (empty means INFO)"},
    {.key = "log_facility", .type = kString, .member = &Config::log_facility,
     .default_text = "", .reloadable = true, .report_rank = 26, .alias = "logfacility",
     .alias_kind = AliasKind::kRenamed,
     .description = "STDERR, or a syslog facility: USER, LOCAL0 to LOCAL7"},
    {.key = "log_file", .type = kPath, .member = &Config::log_file, .default_text = "",
     .reloadable = true, .report_rank = 27, .alias = "logfile", .alias_kind = AliasKind::kRenamed,
     .description = "file that receives log output instead of stderr"},
    {.key = "log_status_interval", .type = kInterval, .member = &Config::log_status_interval,
     .default_text = "300", .min = 0, .reader = kRepmgrd, .reloadable = true, .report_rank = 29,
     .description = "seconds between repmgrd status lines; 0 turns them off"},

    // -- standby clone / recovery configuration
    {.key = "use_replication_slots", .type = kBool, .member = &Config::use_replication_slots,
     .default_text = "false", .reader = kRepmgr,
     .description = "stream through a physical replication slot per standby"},
    {.key = "pg_basebackup_options", .type = kString, .member = &Config::pg_basebackup_options,
     .default_text = "", .reader = kRepmgr,
     .description = "extra options added to the pg_basebackup command line"},
    {.key = "restore_command", .type = kString, .member = &Config::restore_command,
     .default_text = "", .reader = kRepmgr,
     .description = "restore_command written into a cloned standby's configuration"},
    {.key = "tablespace_mapping", .type = kTablespaceList, .member = &Config::tablespace_mapping,
     .default_text = "", .reader = kRepmgr, .sample_value = "/srv/tblspc/old=/srv/tblspc/new",
     .description = "OLDDIR=NEWDIR tablespace relocation; may be given more than once"},
    {.key = "recovery_min_apply_delay", .type = kTimeString,
     .member = &Config::recovery_min_apply_delay, .default_text = "", .reader = kRepmgr,
     .sample_value = "5min", .description = "delay applied to replayed WAL, e.g. 500ms or 5min"},
    {.key = "archive_cleanup_command", .type = kString,
     .member = &Config::archive_cleanup_command, .default_text = "", .reader = kRepmgr,
     .description = "archive_cleanup_command written into a standby's configuration"},
    {.key = "use_primary_conninfo_password", .type = kBool,
     .member = &Config::use_primary_conninfo_password, .default_text = "false",
     .reader = kRepmgr, .description = "put $PGPASSWORD into the generated primary_conninfo"},
    {.key = "passfile", .type = kString, .member = &Config::passfile, .default_text = "",
     .reader = kRepmgr, .description = "password file named in the generated primary_conninfo"},

    // -- promote / follow / switchover / rejoin
    {.key = "promote_check_timeout", .type = kInterval, .member = &Config::promote_check_timeout,
     .default_text = "60", .min = 1, .reader = kRepmgr,
     .description = "seconds to wait for a promotion to finish"},
    {.key = "promote_check_interval", .type = kInterval,
     .member = &Config::promote_check_interval, .default_text = "1", .min = 1, .reader = kRepmgr,
     .description = "seconds between checks while waiting for a promotion"},
    {.key = "primary_follow_timeout", .type = kInterval,
     .member = &Config::primary_follow_timeout, .default_text = "60", .min = 1, .reader = kRepmgr,
     .description = "seconds standby follow --wait waits for a primary"},
    {.key = "standby_follow_timeout", .type = kInterval,
     .member = &Config::standby_follow_timeout, .default_text = "30", .min = 1, .reader = kRepmgr,
     .description = "seconds to wait for a standby to attach to its new upstream"},
    {.key = "standby_follow_restart", .type = kBool, .member = &Config::standby_follow_restart,
     .default_text = "false", .reader = kRepmgr,
     .description = "restart rather than reload PostgreSQL when following"},
    {.key = "shutdown_check_timeout", .type = kInterval,
     .member = &Config::shutdown_check_timeout, .default_text = "60", .min = 1, .reader = kRepmgr,
     .description = "seconds a switchover waits for the old primary to stop"},
    {.key = "standby_reconnect_timeout", .type = kInterval,
     .member = &Config::standby_reconnect_timeout, .default_text = "60", .min = 1,
     .description = "seconds a switchover waits for the demoted primary to reconnect"},
    {.key = "wal_receive_check_timeout", .type = kInterval,
     .member = &Config::wal_receive_check_timeout, .default_text = "30", .min = 1,
     .reader = kRepmgr,
     .description = "seconds a switchover waits for the standby to receive all WAL"},
    {.key = "node_rejoin_timeout", .type = kInterval, .member = &Config::node_rejoin_timeout,
     .default_text = "60", .min = 1, .reader = kRepmgr,
     .description = "seconds node rejoin waits for the node to attach"},

    // -- node check thresholds
    {.key = "archive_ready_warning", .type = kInt, .member = &Config::archive_ready_warning,
     .default_text = "16", .min = 1, .reader = kRepmgr,
     .description = "pending archive files above which node check warns"},
    {.key = "archive_ready_critical", .type = kInt, .member = &Config::archive_ready_critical,
     .default_text = "128", .min = 1, .reader = kRepmgr,
     .description = "pending archive files above which node check is critical"},
    {.key = "replication_lag_warning", .type = kInterval,
     .member = &Config::replication_lag_warning, .default_text = "300", .min = 1,
     .reader = kRepmgr, .description = "replication lag in seconds that gives a warning"},
    {.key = "replication_lag_critical", .type = kInterval,
     .member = &Config::replication_lag_critical, .default_text = "600", .min = 1,
     .reader = kRepmgr, .description = "replication lag in seconds that is critical"},

    // -- witness
    {.key = "witness_sync_interval", .type = kInterval, .member = &Config::witness_sync_interval,
     .default_text = "15", .min = 1, .reader = kRepmgrd,
     .description = "seconds between copies of the node list to a witness"},

    // -- repmgrd / failover
    {.key = "failover", .type = kEnum, .member = &Config::failover, .default_text = "manual",
     .enum_spec = &kFailoverEnum, .reader = kRepmgrd, .reloadable = true, .report_rank = 10,
     .description = "automatic lets repmgrd promote or follow on its own; manual does not"},
    {.key = "location", .type = kString, .member = &Config::location, .default_text = "default",
     .description = "data centre or site name used in failover decisions"},
    {.key = "priority", .type = kInt, .member = &Config::priority, .default_text = "100",
     .min = 0, .description = "promotion preference; higher wins, 0 never promotes"},
    {.key = "promote_command", .type = kString, .member = &Config::promote_command,
     .default_text = "", .reader = kRepmgrd, .reloadable = true, .report_rank = 15,
     .description = "command repmgrd runs to promote this standby"},
    {.key = "follow_command", .type = kString, .member = &Config::follow_command,
     .default_text = "", .reader = kRepmgrd, .reloadable = true, .report_rank = 11,
     .description = "command repmgrd runs to follow a new primary (%n = its node id)"},
    {.key = "monitor_interval_secs", .type = kInterval, .member = &Config::monitor_interval_secs,
     .default_text = "2", .min = 1, .reader = kRepmgrd, .reloadable = true, .report_rank = 12,
     .description = "seconds between repmgrd monitoring checks"},
    {.key = "reconnect_attempts", .type = kInt, .member = &Config::reconnect_attempts,
     .default_text = "6", .min = 0, .reader = kRepmgrd, .reloadable = true, .report_rank = 17,
     .description = "attempts to reach a lost upstream before failover starts"},
    {.key = "reconnect_interval", .type = kInterval, .member = &Config::reconnect_interval,
     .default_text = "10", .min = 0, .reader = kRepmgrd, .reloadable = true, .report_rank = 18,
     .description = "seconds between those reconnection attempts"},
    {.key = "monitoring_history", .type = kBool, .member = &Config::monitoring_history,
     .default_text = "false", .reader = kRepmgrd, .reloadable = true, .report_rank = 13,
     .description = "record replication status in repmgr.monitoring_history"},
    {.key = "degraded_monitoring_timeout", .type = kInterval,
     .member = &Config::degraded_monitoring_timeout, .default_text = "-1", .min = -1,
     .reader = kRepmgrd, .reloadable = true, .report_rank = 8,
     .description = "seconds in degraded monitoring before repmgrd exits; -1 never"},
    {.key = "async_query_timeout", .type = kInterval, .member = &Config::async_query_timeout,
     .default_text = "60", .min = 0, .reader = kRepmgrd, .reloadable = true, .report_rank = 1,
     .alias = "master_reponse_timeout", .alias_kind = AliasKind::kReplaced,
     .description = "seconds to wait for an asynchronous query before cancelling it"},
    {.key = "primary_notification_timeout", .type = kInterval,
     .member = &Config::primary_notification_timeout, .default_text = "60", .min = 0,
     .reader = kRepmgrd, .reloadable = true, .report_rank = 14,
     .alias = "retry_promote_interval_secs", .alias_kind = AliasKind::kReplaced,
     .description = "seconds a follower waits to hear from the new primary"},
    {.key = "repmgrd_standby_startup_timeout", .type = kInterval,
     .member = &Config::repmgrd_standby_startup_timeout, .default_text = "-1", .min = 0,
     .reader = kRepmgrd, .unset_default = true, .reloadable = true, .report_rank = 19,
     .sample_value = "60",
     .description = "seconds to wait for the local node to accept connections after follow"},
    {.key = "repmgrd_pid_file", .type = kPath, .member = &Config::repmgrd_pid_file,
     .default_text = "", .reader = kRepmgrd, .description = "where repmgrd writes its PID"},
    {.key = "repmgrd_exit_on_inactive_node", .type = kBool,
     .member = &Config::repmgrd_exit_on_inactive_node, .default_text = "false",
     .reader = kRepmgrd, .description = "stop repmgrd if the node is marked inactive"},
    {.key = "standby_disconnect_on_failover", .type = kBool,
     .member = &Config::standby_disconnect_on_failover, .default_text = "false",
     .reader = kRepmgrd, .reloadable = true, .report_rank = 20,
     .description = "stop all WAL receivers before the failover election"},
    {.key = "sibling_nodes_disconnect_timeout", .type = kInterval,
     .member = &Config::sibling_nodes_disconnect_timeout, .default_text = "30", .min = 0,
     .reader = kRepmgrd, .reloadable = true, .report_rank = 21,
     .description = "seconds to wait for sibling WAL receivers to stop"},
    {.key = "connection_check_type", .type = kEnum, .member = &Config::connection_check_type,
     .default_text = "ping", .enum_spec = &kCheckTypeEnum, .reader = kRepmgrd,
     .reloadable = true, .report_rank = 22,
     .description = "how upstream health is checked: ping, connection or query"},
    {.key = "primary_visibility_consensus", .type = kBool,
     .member = &Config::primary_visibility_consensus, .default_text = "false",
     .reader = kRepmgrd, .reloadable = true, .report_rank = 23,
     .description = "cancel failover if another node still sees the primary"},
    {.key = "always_promote", .type = kBool, .member = &Config::always_promote,
     .default_text = "false", .reader = kRepmgrd, .reloadable = true, .report_rank = 24,
     .description = "promote even when the local record has no upstream"},
    {.key = "failover_validation_command", .type = kString,
     .member = &Config::failover_validation_command, .default_text = "", .reader = kRepmgrd,
     .reloadable = true, .report_rank = 25,
     .description = "command that must exit 0 before this node is promoted"},
    {.key = "election_rerun_interval", .type = kInterval,
     .member = &Config::election_rerun_interval, .default_text = "15", .min = 1,
     .reader = kRepmgrd, .description = "seconds to wait before a rejected election runs again"},
    {.key = "child_nodes_check_interval", .type = kInterval,
     .member = &Config::child_nodes_check_interval, .default_text = "5", .min = 1,
     .reader = kRepmgrd, .reloadable = true, .report_rank = 2,
     .description = "seconds between checks of the primary's attached nodes"},
    {.key = "child_nodes_disconnect_min_count", .type = kInt,
     .member = &Config::child_nodes_disconnect_min_count, .default_text = "-1", .min = -1,
     .reader = kRepmgrd, .reloadable = true, .report_rank = 4,
     .description = "disconnected children needed to run the disconnect command"},
    {.key = "child_nodes_connected_min_count", .type = kInt,
     .member = &Config::child_nodes_connected_min_count, .default_text = "-1", .min = -1,
     .reader = kRepmgrd, .reloadable = true, .report_rank = 5,
     .description = "run the disconnect command when fewer children than this remain"},
    {.key = "child_nodes_connected_include_witness", .type = kBool,
     .member = &Config::child_nodes_connected_include_witness, .default_text = "false",
     .reader = kRepmgrd, .reloadable = true, .report_rank = 6,
     .description = "count an attached witness as a connected child"},
    {.key = "child_nodes_disconnect_timeout", .type = kInterval,
     .member = &Config::child_nodes_disconnect_timeout, .default_text = "30", .min = 0,
     .reader = kRepmgrd, .reloadable = true, .report_rank = 7,
     .description = "seconds children must stay away before the command runs"},
    {.key = "child_nodes_disconnect_command", .type = kString,
     .member = &Config::child_nodes_disconnect_command, .default_text = "", .reader = kRepmgrd,
     .reloadable = true, .report_rank = 3,
     .description = "command run on the primary when its children have gone"},

    // -- service commands
    {.key = "pg_ctl_options", .type = kString, .member = &Config::pg_ctl_options,
     .default_text = "", .reader = kRepmgr,
     .description = "extra options for the generated pg_ctl commands"},
    {.key = "service_start_command", .type = kString, .member = &Config::service_start_command,
     .default_text = "", .reader = kRepmgr, .description = "replaces pg_ctl start"},
    {.key = "service_stop_command", .type = kString, .member = &Config::service_stop_command,
     .default_text = "", .reader = kRepmgr, .description = "replaces pg_ctl stop"},
    {.key = "service_restart_command", .type = kString,
     .member = &Config::service_restart_command, .default_text = "", .reader = kRepmgr,
     .description = "replaces pg_ctl restart"},
    {.key = "service_reload_command", .type = kString, .member = &Config::service_reload_command,
     .default_text = "", .reader = kRepmgr, .description = "replaces pg_ctl reload"},
    {.key = "service_promote_command", .type = kString,
     .member = &Config::service_promote_command, .default_text = "", .reader = kRepmgr,
     .description = "replaces pg_ctl promote and pg_promote()"},
    {.key = "repmgrd_service_start_command", .type = kString,
     .member = &Config::repmgrd_service_start_command, .default_text = "", .reader = kRepmgr,
     .description = "command daemon start uses to launch repmgrd"},
    {.key = "repmgrd_service_stop_command", .type = kString,
     .member = &Config::repmgrd_service_stop_command, .default_text = "", .reader = kRepmgr,
     .description = "command daemon stop uses to stop repmgrd"},

    // -- event notifications
    {.key = "event_notification_command", .type = kString,
     .member = &Config::event_notification_command, .default_text = "", .reloadable = true,
     .report_rank = 9, .description = "command run after each recorded event"},
    {.key = "event_notifications", .type = kEventList, .member = &Config::event_notifications,
     .default_text = "", .reloadable = true, .sample_value = "standby_promote,standby_follow",
     .description = "events that trigger the command (all when empty); accumulates"},

    // -- Barman
    {.key = "barman_host", .type = kString, .member = &Config::barman_host, .default_text = "",
     .reader = kRepmgr, .description = "host running Barman; enables cloning from Barman"},
    {.key = "barman_server", .type = kString, .member = &Config::barman_server,
     .default_text = "", .reader = kRepmgr,
     .description = "server section for this cluster in the Barman configuration"},
    {.key = "barman_config", .type = kString, .member = &Config::barman_config,
     .default_text = "", .reader = kRepmgr,
     .description = "non-default Barman configuration file on the Barman host"},

    // -- remote execution
    {.key = "rsync_options", .type = kString, .member = &Config::rsync_options,
     .default_text = "", .reader = kRepmgr,
     .description = "replaces the default rsync options for copying files"},
    {.key = "ssh_options", .type = kString, .member = &Config::ssh_options,
     .default_text = "-q -o ConnectTimeout=10", .reader = kRepmgr,
     .description = "options added to every ssh command"},

    // -- undocumented / test parameters
    {.key = "reconnect_loop_sync", .type = kBool, .member = &Config::reconnect_loop_sync,
     .default_text = "false", .reader = kRepmgrd,
     .description = "align reconnection sleeps with the monitoring interval (experimental)"},
    {.key = "promote_delay", .type = kInterval, .member = &Config::promote_delay,
     .default_text = "0", .min = 1, .unset_default = true, .reloadable = true,
     .report_rank = 16, .sample_value = "1",
     .description = "seconds to pause before promoting (testing aid)"},
    {.key = "failover_delay", .type = kInterval, .member = &Config::failover_delay,
     .default_text = "0", .min = 1, .reader = kRepmgrd, .unset_default = true,
     .sample_value = "1", .description = "seconds to pause before the election (testing aid)"},
    {.key = "connection_check_query", .type = kString, .member = &Config::connection_check_query,
     .default_text = "SELECT 1", .reader = kRepmgrd,
     .description = "query run when connection_check_type is query"},
}};
// clang-format on

constexpr std::array<RetiredKey, 2> kRetiredKeys{{
    {"cluster", "parameter \"cluster\" is deprecated and will be ignored"},
    {"upstream_node",
     "parameter \"upstream_node\" has been removed; use \"--upstream-node-id\" when cloning a "
     "standby"},
}};

// ---- compile-time consistency checks of the table ------------------------------------

constexpr bool member_matches_type(const OptionSpec& o) {
    const Member& m = o.member;
    switch (o.type) {
        case kInt:
            return std::holds_alternative<int Config::*>(m);
        case kInterval:
            return std::holds_alternative<Seconds Config::*>(m);
        case kBool:
            return std::holds_alternative<bool Config::*>(m);
        case kString:
        case kPath:
        case kConninfo:
        case kTimeString:
            return std::holds_alternative<std::string Config::*>(m);
        case kEnum:
            return o.enum_spec != nullptr &&
                   (std::holds_alternative<FailoverMode Config::*>(m) ||
                    std::holds_alternative<ConnectionCheckType Config::*>(m) ||
                    std::holds_alternative<ReplicationType Config::*>(m));
        case kEventList:
            return std::holds_alternative<std::vector<std::string> Config::*>(m);
        case kTablespaceList:
            return std::holds_alternative<std::vector<TablespaceMapping> Config::*>(m);
    }
    return false;
}

constexpr bool table_is_consistent() {
    for (std::size_t i = 0; i < kOptions.size(); ++i) {
        const OptionSpec& o = kOptions[i];
        if (o.key.empty() || o.description.empty() || !member_matches_type(o)) return false;
        const bool numeric = o.type == kInt || o.type == kInterval;
        if (numeric != o.min.has_value()) return false;
        if ((o.type == kEnum) != (o.enum_spec != nullptr)) return false;
        if (o.report_rank > 0 && !o.reloadable) return false;
        if ((o.alias_kind == AliasKind::kNone) != o.alias.empty()) return false;
        for (std::size_t j = i + 1; j < kOptions.size(); ++j) {
            if (kOptions[j].key == o.key) return false;
        }
    }
    return true;
}

static_assert(table_is_consistent(), "option table: type/member/min/enum mismatch or duplicate");

}  // namespace

std::span<const OptionSpec> option_table() { return kOptions; }

const OptionSpec* find_option(std::string_view key) {
    auto it = std::find_if(kOptions.begin(), kOptions.end(),
                           [key](const OptionSpec& o) { return o.key == key; });
    return it == kOptions.end() ? nullptr : &*it;
}

std::span<const RetiredKey> retired_keys() { return kRetiredKeys; }

std::optional<std::string> deprecated_key_warning(std::string_view name) {
    for (const RetiredKey& r : kRetiredKeys) {
        if (r.name == name) return std::string(r.warning);
    }
    for (const OptionSpec& o : kOptions) {
        if (o.alias_kind == AliasKind::kNone || o.alias != name) continue;
        std::string text = "parameter \"" + std::string(o.alias) + "\" has been ";
        if (o.alias_kind == AliasKind::kRenamed) {
            text += "renamed to \"" + std::string(o.key) + "\"";
        } else {
            text += "removed; use \"" + std::string(o.key) + "\" instead";
        }
        return text;
    }
    return std::nullopt;
}

}  // namespace repmgr::config
