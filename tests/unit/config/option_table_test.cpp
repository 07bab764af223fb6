// The option table itself, --dump-config and the repmgrd reload diff (spec/config.md §4, §6,
// §7).

#include "repmgr/config/option_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "repmgr/config/config_file.hpp"

namespace repmgr::config {
namespace {

using Strings = std::vector<std::string>;

// spec/config.md §7, verbatim.
const Strings kDumpOrder{"node_id",
                         "node_name",
                         "conninfo",
                         "replication_user",
                         "data_directory",
                         "config_directory",
                         "pg_bindir",
                         "repmgr_bindir",
                         "replication_type",
                         "log_level",
                         "log_facility",
                         "log_file",
                         "log_status_interval",
                         "use_replication_slots",
                         "pg_basebackup_options",
                         "restore_command",
                         "tablespace_mapping",
                         "recovery_min_apply_delay",
                         "archive_cleanup_command",
                         "use_primary_conninfo_password",
                         "passfile",
                         "promote_check_timeout",
                         "promote_check_interval",
                         "primary_follow_timeout",
                         "standby_follow_timeout",
                         "standby_follow_restart",
                         "shutdown_check_timeout",
                         "standby_reconnect_timeout",
                         "wal_receive_check_timeout",
                         "node_rejoin_timeout",
                         "archive_ready_warning",
                         "archive_ready_critical",
                         "replication_lag_warning",
                         "replication_lag_critical",
                         "witness_sync_interval",
                         "failover",
                         "location",
                         "priority",
                         "promote_command",
                         "follow_command",
                         "monitor_interval_secs",
                         "reconnect_attempts",
                         "reconnect_interval",
                         "monitoring_history",
                         "degraded_monitoring_timeout",
                         "async_query_timeout",
                         "primary_notification_timeout",
                         "repmgrd_standby_startup_timeout",
                         "repmgrd_pid_file",
                         "repmgrd_exit_on_inactive_node",
                         "standby_disconnect_on_failover",
                         "sibling_nodes_disconnect_timeout",
                         "connection_check_type",
                         "primary_visibility_consensus",
                         "always_promote",
                         "failover_validation_command",
                         "election_rerun_interval",
                         "child_nodes_check_interval",
                         "child_nodes_disconnect_min_count",
                         "child_nodes_connected_min_count",
                         "child_nodes_connected_include_witness",
                         "child_nodes_disconnect_timeout",
                         "child_nodes_disconnect_command",
                         "pg_ctl_options",
                         "service_start_command",
                         "service_stop_command",
                         "service_restart_command",
                         "service_reload_command",
                         "service_promote_command",
                         "repmgrd_service_start_command",
                         "repmgrd_service_stop_command",
                         "event_notification_command",
                         "event_notifications",
                         "barman_host",
                         "barman_server",
                         "barman_config",
                         "rsync_options",
                         "ssh_options",
                         "reconnect_loop_sync",
                         "promote_delay",
                         "failover_delay",
                         "connection_check_query"};

// spec/config.md §6, in the order repmgrd reports changes (conninfo last).
const Strings kReportOrder{"async_query_timeout",
                           "child_nodes_check_interval",
                           "child_nodes_disconnect_command",
                           "child_nodes_disconnect_min_count",
                           "child_nodes_connected_min_count",
                           "child_nodes_connected_include_witness",
                           "child_nodes_disconnect_timeout",
                           "degraded_monitoring_timeout",
                           "event_notification_command",
                           "failover",
                           "follow_command",
                           "monitor_interval_secs",
                           "monitoring_history",
                           "primary_notification_timeout",
                           "promote_command",
                           "promote_delay",
                           "reconnect_attempts",
                           "reconnect_interval",
                           "repmgrd_standby_startup_timeout",
                           "standby_disconnect_on_failover",
                           "sibling_nodes_disconnect_timeout",
                           "connection_check_type",
                           "primary_visibility_consensus",
                           "always_promote",
                           "failover_validation_command",
                           "log_facility",
                           "log_file",
                           "log_level",
                           "log_status_interval",
                           "conninfo"};

TEST(ConfigTable, HasAll82KeysInDumpOrder) {
    ASSERT_EQ(option_table().size(), 82u);
    Strings keys;
    for (const OptionSpec& o : option_table()) keys.emplace_back(o.key);
    EXPECT_EQ(keys, kDumpOrder);
}

TEST(ConfigTable, DefaultsMatchDefaultConstructedConfig) {
    const Config defaults;
    for (const OptionSpec& o : option_table()) {
        EXPECT_EQ(format_option_value(defaults, o), o.default_text) << o.key;
    }
}

TEST(ConfigTable, DefaultsRespectMinimumUnlessMarkedUnset) {
    std::set<std::string> unset;
    for (const OptionSpec& o : option_table()) {
        if (!o.min) continue;
        const int def = std::stoi(std::string(o.default_text));
        if (o.unset_default) {
            unset.emplace(o.key);
            EXPECT_LT(def, *o.min) << o.key << ": unset_default without need";
        } else {
            EXPECT_GE(def, *o.min) << o.key;
        }
    }
    EXPECT_EQ(unset, (std::set<std::string>{"node_id", "repmgrd_standby_startup_timeout",
                                            "promote_delay", "failover_delay"}));
}

TEST(ConfigTable, MinimumsFromSpec) {
    EXPECT_EQ(find_option("node_id")->min, 1);
    EXPECT_EQ(find_option("priority")->min, 0);
    EXPECT_EQ(find_option("log_status_interval")->min, 0);
    EXPECT_EQ(find_option("degraded_monitoring_timeout")->min, -1);
    EXPECT_EQ(find_option("child_nodes_connected_min_count")->min, -1);
    EXPECT_EQ(find_option("repmgrd_standby_startup_timeout")->min, 0);
    EXPECT_EQ(find_option("child_nodes_check_interval")->min, 1);
    EXPECT_EQ(find_option("reconnect_attempts")->min, 0);
    EXPECT_EQ(find_option("location")->min, std::nullopt);
}

TEST(ConfigTable, StringBufferSizes) {
    for (const OptionSpec& o : option_table()) {
        if (o.type != ValueType::kString && o.type != ValueType::kPath &&
            o.type != ValueType::kConninfo && o.type != ValueType::kTimeString) {
            continue;
        }
        const bool short_name = o.key == "node_name" || o.key == "replication_user";
        EXPECT_EQ(o.max_length, short_name ? 64u : 1024u) << o.key;
    }
}

TEST(ConfigTable, PathParameters) {
    std::set<std::string> paths;
    for (const OptionSpec& o : option_table()) {
        if (o.type == ValueType::kPath) paths.emplace(o.key);
    }
    EXPECT_EQ(paths, (std::set<std::string>{"data_directory", "config_directory", "pg_bindir",
                                            "repmgr_bindir", "log_file", "repmgrd_pid_file"}));
}

TEST(ConfigTable, RequiredParameters) {
    std::set<std::string> required;
    for (const OptionSpec& o : option_table()) {
        if (o.required) required.emplace(o.key);
    }
    EXPECT_EQ(required,
              (std::set<std::string>{"node_id", "node_name", "conninfo", "data_directory"}));
}

TEST(ConfigTable, ReloadableParametersAndReportOrder) {
    std::set<std::string> reloadable;
    std::vector<std::pair<int, std::string>> ranked;
    for (const OptionSpec& o : option_table()) {
        if (o.reloadable) reloadable.emplace(o.key);
        if (o.report_rank > 0) ranked.emplace_back(o.report_rank, std::string(o.key));
    }
    std::set<std::string> expected(kReportOrder.begin(), kReportOrder.end());
    expected.emplace("event_notifications");  // reloadable, never reported
    EXPECT_EQ(reloadable, expected);
    std::sort(ranked.begin(), ranked.end());
    Strings order;
    for (std::size_t i = 0; i < ranked.size(); ++i) {
        EXPECT_EQ(ranked[i].first, static_cast<int>(i + 1));
        order.push_back(ranked[i].second);
    }
    EXPECT_EQ(order, kReportOrder);
    EXPECT_FALSE(find_option("node_id")->reloadable);
    EXPECT_FALSE(find_option("election_rerun_interval")->reloadable);
}

TEST(ConfigTable, Readers) {
    EXPECT_EQ(find_option("node_id")->reader, Reader::kBoth);
    EXPECT_EQ(find_option("failover")->reader, Reader::kRepmgrd);
    EXPECT_EQ(find_option("pg_bindir")->reader, Reader::kRepmgr);
    EXPECT_EQ(find_option("standby_reconnect_timeout")->reader, Reader::kBoth);
}

TEST(ConfigTable, FindOption) {
    ASSERT_NE(find_option("ssh_options"), nullptr);
    EXPECT_EQ(find_option("ssh_options")->key, "ssh_options");
    EXPECT_EQ(find_option("SSH_OPTIONS"), nullptr);
    EXPECT_EQ(find_option("include"), nullptr);
    EXPECT_EQ(find_option(""), nullptr);
}

TEST(ConfigTable, DeprecatedKeyWarnings) {
    EXPECT_EQ(deprecated_key_warning("node"), "parameter \"node\" has been renamed to \"node_id\"");
    EXPECT_EQ(deprecated_key_warning("cluster"),
              "parameter \"cluster\" is deprecated and will be ignored");
    EXPECT_EQ(deprecated_key_warning("master_reponse_timeout"),
              "parameter \"master_reponse_timeout\" has been removed; use \"async_query_timeout\" "
              "instead");
    EXPECT_EQ(deprecated_key_warning("node_id"), std::nullopt);
    EXPECT_EQ(deprecated_key_warning("master_response_timeout"), std::nullopt);
    EXPECT_EQ(retired_keys().size(), 2u);
}

TEST(ConfigTable, EveryKeyHasADescription) {
    for (const OptionSpec& o : option_table()) EXPECT_FALSE(o.description.empty()) << o.key;
}

// ---- --dump-config -------------------------------------------------------------------

TEST(ConfigDump, DefaultConfig) {
    const std::string dump = dump_config(Config{});
    EXPECT_EQ(std::count(dump.begin(), dump.end(), '\n'), 82);
    EXPECT_TRUE(dump.starts_with("node_id|-1\nnode_name|\nconninfo|\n"));
    EXPECT_NE(dump.find("\nreplication_type|physical\n"), std::string::npos);
    EXPECT_NE(dump.find("\nfailover|manual\n"), std::string::npos);
    EXPECT_NE(dump.find("\nconnection_check_type|ping\n"), std::string::npos);
    EXPECT_NE(dump.find("\nuse_replication_slots|false\n"), std::string::npos);
    EXPECT_NE(dump.find("\nssh_options|-q -o ConnectTimeout=10\n"), std::string::npos);
    EXPECT_NE(dump.find("\ntablespace_mapping|\n"), std::string::npos);
    EXPECT_TRUE(dump.ends_with("\nfailover_delay|0\nconnection_check_query|SELECT 1\n"));
}

TEST(ConfigDump, ParsedValues) {
    ParseOutcome out = parse_config_text(
        "node_id=7\nfailover=automatic\nconnection_check_type=query\nmonitoring_history=on\n"
        "event_notifications='a, b'\nevent_notifications=c\n"
        "tablespace_mapping='/o1=/n1'\ntablespace_mapping='/o2=/n2'\nlog_status_interval=5\n",
        "/r.conf");
    const std::string dump = dump_config(out.config);
    EXPECT_TRUE(dump.starts_with("node_id|7\n"));
    EXPECT_NE(dump.find("\nfailover|automatic\n"), std::string::npos);
    EXPECT_NE(dump.find("\nconnection_check_type|query\n"), std::string::npos);
    EXPECT_NE(dump.find("\nmonitoring_history|true\n"), std::string::npos);
    EXPECT_NE(dump.find("\nevent_notifications|a,b,c\n"), std::string::npos);
    EXPECT_NE(dump.find("\ntablespace_mapping|/o1=/n1,/o2=/n2\n"), std::string::npos);
    EXPECT_NE(dump.find("\nlog_status_interval|5\n"), std::string::npos);
    // Post-parse default applied.
    EXPECT_NE(dump.find("\nrepmgrd_standby_startup_timeout|60\n"), std::string::npos);
}

// ---- reload diff ---------------------------------------------------------------------

TEST(ConfigReload, NoChanges) { EXPECT_TRUE(diff_reloadable(Config{}, Config{}).empty()); }

TEST(ConfigReload, ReportsChangedReloadableValuesInOrder) {
    Config before;
    Config after;
    after.conninfo = "host=new";
    after.log_level = "DEBUG";
    after.failover = FailoverMode::kAutomatic;
    after.async_query_timeout = Seconds{5};
    after.monitoring_history = true;
    // Not reported: not reloadable, or (event_notifications) a repmgr quirk.
    after.node_id = 9;
    after.priority = 1;
    after.election_rerun_interval = Seconds{99};
    after.event_notifications = {"standby_promote"};

    const std::vector<ConfigChange> changes = diff_reloadable(before, after);
    ASSERT_EQ(changes.size(), 5u);
    EXPECT_EQ(changes[0].key, "async_query_timeout");
    EXPECT_EQ(changes[0].old_value, "60");
    EXPECT_EQ(changes[0].new_value, "5");
    EXPECT_EQ(changes[1].key, "failover");
    EXPECT_EQ(changes[1].old_value, "manual");
    EXPECT_EQ(changes[1].new_value, "automatic");
    EXPECT_EQ(changes[2].key, "monitoring_history");
    EXPECT_EQ(changes[2].new_value, "true");
    EXPECT_EQ(changes[3].key, "log_level");
    EXPECT_EQ(changes[3].old_value, "");
    EXPECT_EQ(changes[3].new_value, "DEBUG");
    EXPECT_EQ(changes[4].key, "conninfo");
    EXPECT_EQ(changes[4].new_value, "host=new");
}

}  // namespace
}  // namespace repmgr::config
