// Private to standby_clone*.cpp: the state a clone builds up and its named steps, in the
// order commands.md §4.1 runs them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "repmgr/config/config.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/pg/basebackup.hpp"
#include "repmgr/workflow/standby_clone.hpp"

namespace repmgr::workflow::standby_clone_steps {

struct ExternalFile {
    std::string path;      // on the source host
    std::string filename;  // for --copy-external-config-files=pgdata and messages
};

// Who creates the replication slot, and how repmgr names that user in its messages.
struct SlotUser {
    std::string user;
    std::string description;  // "user", "superuser" or "replication user"
};

struct CloneState {
    CloneState(const config::Config& c, const StandbyCloneOptions& o) : cfg(c), opt(o) {}

    const config::Config& cfg;
    const StandbyCloneOptions& opt;
    std::string data_dir;
    std::string application_name;  // node_name, or "repmgr" without a configuration file
    std::optional<db::Connection> source;
    std::optional<db::Connection> primary;  // only when the source is a standby
    int source_version = 0;
    int upstream_node_id = -1;
    std::optional<metadata::NodeRecord> upstream_record;
    std::string replication_user;  // replication connections, pg_basebackup -U
    pg::BasebackupOptionsInfo backup_options;
    std::string slot_name;          // "" without use_replication_slots
    std::string upstream_conninfo;  // the upstream part of primary_conninfo
    std::vector<ExternalFile> external_files;
    bool slot_created = false;  // by create_slot_on_source(): dropped again if the backup fails

    db::Connection& primary_conn() { return primary ? *primary : *source; }
    // Walsenders the backup needs: one for the base backup, one for streaming WAL.
    int required_walsenders() const { return backup_options.streams_wal() ? 2 : 1; }
};

// True when -v is in effect.
bool verbose();
// A DEBUG line printed only with -v (repmgr logs its queries that way). It is never visible at
// the default level but, as in repmgr, suppresses the DETAIL or HINT that follows it.
void verbose_trace(std::string_view text);

// ---- standby_clone_source.cpp --------------------------------------------------------------
// Step 6: connect to the source, check its version, report its size. Throws (exit 6 / 1).
void connect_source(CloneState& s);
// Step 6: the primary behind a standby source, the repmgr extension, the system identifier.
void check_source_node(CloneState& s);
// Step 6: a target that already is a PostgreSQL data directory needs -F.
void check_target_is_data_directory(const CloneState& s);
// Step 6: upstream node id and record, replication user, node_name not taken by another node.
void determine_upstream(CloneState& s);

// ---- standby_clone_checks.cpp --------------------------------------------------------------
// Step 6: check_upstream_config: pg_basebackup_options, settings, walsenders, replication
// connections, the checksums warning. Throws Error(kBadConfig) on the first unmet requirement.
void check_upstream_config(CloneState& s);
// Step 6-7: permission for --copy-external-config-files, --verify-backup, the upstream record,
// and the connection string primary_conninfo is built from.
void check_clone_prerequisites(CloneState& s);
// Who creates the slot (commands.md §4.1 step 12); nullopt if nobody can.
std::optional<SlotUser> choose_slot_user(CloneState& s);

// ---- standby_clone_config_files.cpp --------------------------------------------------------
// Step 8: the configuration files outside the source's data directory, and SSH to its host.
void locate_external_files(CloneState& s);
// Copies them with rsync (before the backup, and into PGDATA again after it for =pgdata).
// Throws Error(kBadRsync) when rsync fails without -F.
void copy_external_files(CloneState& s, bool after_backup);

// ---- standby_clone_backup.cpp --------------------------------------------------------------
// Step 9: the dry-run report.
void report_dry_run(CloneState& s);
// Step 10: create or empty the data directory.
void prepare_data_directory(CloneState& s);
// Step 11: every tablespace_mapping entry must name a tablespace of the source.
void check_tablespace_mapping(CloneState& s);
// Step 12: the replication slot on the source. Throws Error(kDbQuery) (event written).
void create_slot_on_source(CloneState& s);
// Step 13-14: pg_basebackup. Throws Error(kBadBasebackup).
void run_basebackup(CloneState& s);
// Step 15: the slot belongs on the upstream; move it there if the source was another node.
void move_slot_to_upstream(CloneState& s);
// Step 16: pg_verifybackup. Throws Error(kBadConfig / kBadBasebackup).
void verify_backup(CloneState& s);
// The pg_basebackup command for this clone.
pg::BasebackupCommand basebackup_command(CloneState& s, bool progress);

// ---- standby_clone_conf_only.cpp -----------------------------------------------------------
// commands.md §4.3.
ExitCode replication_conf_only(const config::Config& cfg, const StandbyCloneOptions& options,
                               const std::string& data_dir);

}  // namespace repmgr::workflow::standby_clone_steps
