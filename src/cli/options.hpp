// Everything given on the repmgr command line, before any interpretation. Filled by the
// parser (parser.cpp); read by main's processing steps and the verb handlers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/action.hpp"

namespace repmgr::cli {

struct CliOptions {
    // -- general
    bool help = false;
    bool version = false;
    bool version_number = false;
    std::optional<std::string> config_file;
    bool force = false;
    bool dry_run = false;
    std::optional<std::string> pg_bindir;
    bool dump_config = false;
    bool wait = false;                   // -w / --wait given (with or without a value)
    std::optional<std::string> wait_value;  // --wait=N
    bool no_wait = false;
    bool compact = false;
    bool detail = false;

    // -- database connection
    std::optional<std::string> dbname;
    std::optional<std::string> host;
    std::optional<std::string> port;
    std::optional<std::string> username;
    std::optional<std::string> remote_user;
    std::optional<std::string> superuser;
    // "host", "port", "user" in the order -h/-p/-U first appear on the command line (repmgr
    // builds the source conninfo of standby clone in that order).
    std::vector<std::string> connection_option_order;

    // -- node selection
    std::optional<std::string> pgdata;
    std::optional<std::string> node_id;
    std::optional<std::string> node_name;
    std::optional<std::string> remote_node_id;
    std::optional<std::string> upstream_node_id;

    // -- standby clone / register
    bool fast_checkpoint = false;
    bool copy_external_config_files = false;
    std::optional<std::string> copy_external_config_files_value;
    bool no_upstream_connection = false;
    std::optional<std::string> upstream_conninfo;
    std::optional<std::string> replication_user;
    bool without_barman = false;
    bool replication_conf_only = false;
    std::optional<std::string> recovery_min_apply_delay;
    bool verify_backup = false;
    std::optional<std::string> wait_start;
    bool wait_sync = false;
    std::optional<std::string> wait_sync_value;

    // -- promote / switchover / rejoin
    bool always_promote = false;
    bool siblings_follow = false;
    bool force_rewind = false;
    std::optional<std::string> force_rewind_path;
    bool repmgrd_no_pause = false;
    bool repmgrd_force_unpause = false;
    std::optional<std::string> config_files;
    std::optional<std::string> config_archive_dir;

    // -- node status / check
    bool is_shutdown_cleanly = false;
    bool archive_ready = false;
    bool downstream = false;
    bool upstream = false;
    bool replication_lag = false;
    bool role = false;
    bool slots = false;
    bool missing_slots = false;
    bool data_directory_config = false;
    bool repmgrd = false;
    bool replication_config_owner = false;
    bool db_connection = false;
    bool has_passfile = false;
    bool replication_connection = false;

    // -- node service
    std::optional<std::string> action;
    bool list_actions = false;
    bool checkpoint = false;

    // -- cluster event / cleanup
    std::optional<std::string> event;
    std::optional<std::string> limit;
    bool all = false;
    std::optional<std::string> keep_history;

    // -- logging
    std::optional<std::string> log_level;
    bool log_to_file = false;
    bool quiet = false;
    bool terse = false;
    bool verbose = false;

    // -- output
    bool csv = false;
    bool nagios = false;
    bool optformat = false;

    // -- internal / deprecated
    bool disable_wal_receiver = false;
    bool enable_wal_receiver = false;
    bool check_upstream_config = false;
    std::optional<std::string> remote_config_file;
};

// Result of parsing argv: the options, the action and what went wrong.
struct ParsedCommandLine {
    CliOptions options;
    Action action = Action::kNone;
    std::string command_word;  // as typed, e.g. "cluster" ("" when none)
    bool command_valid = false;
    std::vector<std::string> positional;  // extra arguments after <command> <action>
    // getopt-style messages ("repmgr: unrecognized option '--x'"), printed immediately.
    std::vector<std::string> getopt_errors;
    // Collected "command line errors" (commands.md §1.4).
    std::vector<std::string> errors;
};

}  // namespace repmgr::cli
