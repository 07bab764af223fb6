// standby clone (commands.md §4.1) in pg_basebackup mode, and standby clone
// --replication-conf-only (§4.3). Owns the order of checks and messages, the data directory,
// the replication slot, pg_basebackup, copying external configuration files (rsync over the
// ssh program, as repmgr does) and the replication configuration it leaves behind.
//
// Deliberately not provided: Barman mode (§4.2). With barman_host set and no
// --without-barman the command fails with "ERROR: Barman mode is not supported by this
// version" (exit 1) instead of cloning from a Barman server.
#pragma once

#include <optional>
#include <string>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"
#include "repmgr/db/conninfo.hpp"

namespace repmgr::workflow {

enum class CopyConfigFilesMode { kSamePath, kPgdata };

struct StandbyCloneOptions {
    // The source connection parameters as repmgr collects them (commands.md §4.1 step 6):
    // -h/-p/-U in the order given, then the -d conninfo keywords (libpq order) or dbname,
    // then the extra host argument. Printed as "connection string is:", used to connect,
    // and the start of primary_conninfo.
    db::ConnInfo source_params;
    // The source given with -d as a conninfo string: pg_basebackup then gets -d '<...>'.
    std::optional<db::ConnInfo> source_conninfo;
    // Effective host, port and user (command line, else libpq's environment defaults, else
    // 5432 / the OS user): pg_basebackup -h/-p/-U and the standby_clone event.
    std::string host;
    std::string port;
    std::string username;

    bool config_file_provided = false;
    std::string pgdata;  // -D; ignored when repmgr.conf sets data_directory
    bool force = false;
    bool dry_run = false;
    bool fast_checkpoint = false;
    std::optional<int> upstream_node_id;
    std::optional<std::string> upstream_conninfo;
    std::optional<std::string> replication_user;
    std::optional<std::string> superuser;    // -S
    std::string remote_user;                 // -R, for rsync/ssh
    std::optional<std::string> recovery_min_apply_delay;
    bool copy_external_config_files = false;
    CopyConfigFilesMode copy_mode = CopyConfigFilesMode::kSamePath;
    bool without_barman = false;
    bool replication_conf_only = false;
    bool verify_backup = false;
    // stderr is a terminal: pg_basebackup runs with --progress (not shown in the printed line).
    bool show_progress = false;
};

// Clones the source into the data directory (or only writes the replication configuration
// with replication_conf_only). Prints repmgr's messages; returns kSuccess. Throws
// repmgr::Error with repmgr's message and exit code (1 bad input or unmet prerequisite,
// 2 rsync, 6 no connection to the source, 7 slot creation, 14 pg_basebackup/verification).
ExitCode standby_clone(const config::Config& cfg, const StandbyCloneOptions& options);

}  // namespace repmgr::workflow
