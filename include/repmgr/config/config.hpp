// The parsed repmgr.conf. Owns the Config value type; how it is read, validated and
// printed lives in option_table / config_file. Immutable after load; passed by const&.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace repmgr::config {

enum class FailoverMode { kManual, kAutomatic };
enum class ConnectionCheckType { kPing, kConnection, kQuery };
enum class ReplicationType { kPhysical };

struct TablespaceMapping {
    std::string old_dir;
    std::string new_dir;
};

using Seconds = std::chrono::seconds;

// One member per repmgr.conf key, named exactly as the key (spec/config.md §4), with the
// default repmgr uses when the key is absent. Intervals given in seconds are std::chrono.
struct Config {
    // -- node identification
    int node_id = -1;  // -1 = unset
    std::string node_name;
    std::string conninfo;
    std::string replication_user;
    std::string data_directory;
    std::string config_directory;
    std::string pg_bindir;
    std::string repmgr_bindir;
    ReplicationType replication_type = ReplicationType::kPhysical;

    // -- logging
    std::string log_level;     // "" = INFO
    std::string log_facility;  // "" = STDERR
    std::string log_file;
    Seconds log_status_interval{300};

    // -- standby clone / recovery configuration
    bool use_replication_slots = false;
    std::string pg_basebackup_options;
    std::string restore_command;
    std::vector<TablespaceMapping> tablespace_mapping;
    std::string recovery_min_apply_delay;
    std::string archive_cleanup_command;
    bool use_primary_conninfo_password = false;
    std::string passfile;

    // -- promote / follow / switchover / rejoin
    Seconds promote_check_timeout{60};
    Seconds promote_check_interval{1};
    Seconds primary_follow_timeout{60};
    Seconds standby_follow_timeout{30};
    bool standby_follow_restart = false;
    Seconds shutdown_check_timeout{60};
    Seconds standby_reconnect_timeout{60};
    Seconds wal_receive_check_timeout{30};
    Seconds node_rejoin_timeout{60};

    // -- node check thresholds
    int archive_ready_warning = 16;
    int archive_ready_critical = 128;
    Seconds replication_lag_warning{300};
    Seconds replication_lag_critical{600};

    // -- witness
    Seconds witness_sync_interval{15};

    // -- repmgrd / failover
    FailoverMode failover = FailoverMode::kManual;
    std::string location = "default";
    int priority = 100;
    std::string promote_command;
    std::string follow_command;
    Seconds monitor_interval_secs{2};
    int reconnect_attempts = 6;
    Seconds reconnect_interval{10};
    bool monitoring_history = false;
    Seconds degraded_monitoring_timeout{-1};
    Seconds async_query_timeout{60};
    Seconds primary_notification_timeout{60};
    Seconds repmgrd_standby_startup_timeout{-1};  // -1 = standby_reconnect_timeout
    std::string repmgrd_pid_file;
    bool repmgrd_exit_on_inactive_node = false;
    bool standby_disconnect_on_failover = false;
    Seconds sibling_nodes_disconnect_timeout{30};
    ConnectionCheckType connection_check_type = ConnectionCheckType::kPing;
    bool primary_visibility_consensus = false;
    bool always_promote = false;
    std::string failover_validation_command;
    Seconds election_rerun_interval{15};
    Seconds child_nodes_check_interval{5};
    int child_nodes_disconnect_min_count = -1;
    int child_nodes_connected_min_count = -1;
    bool child_nodes_connected_include_witness = false;
    Seconds child_nodes_disconnect_timeout{30};
    std::string child_nodes_disconnect_command;

    // -- service commands
    std::string pg_ctl_options;
    std::string service_start_command;
    std::string service_stop_command;
    std::string service_restart_command;
    std::string service_reload_command;
    std::string service_promote_command;
    std::string repmgrd_service_start_command;
    std::string repmgrd_service_stop_command;

    // -- event notifications
    std::string event_notification_command;
    std::vector<std::string> event_notifications;  // empty = all events

    // -- Barman
    std::string barman_host;
    std::string barman_server;
    std::string barman_config;

    // -- remote execution
    std::string rsync_options;
    std::string ssh_options = "-q -o ConnectTimeout=10";

    // -- undocumented / test parameters
    bool reconnect_loop_sync = false;
    Seconds promote_delay{0};
    Seconds failover_delay{0};
    std::string connection_check_query = "SELECT 1";

    // -- not a key: absolute, canonical path of the file this was read from ("" = none).
    // Stored in repmgr.nodes.config_file on register.
    std::string config_file;
};

}  // namespace repmgr::config
