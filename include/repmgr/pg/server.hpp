// Questions about a running PostgreSQL server: recovery state, version, timeline, LSNs,
// replication clients, slots, settings. One function per question; the SQL lives here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "repmgr/db/connection.hpp"

namespace repmgr::pg {

enum class RecoveryType { kUnknown, kPrimary, kStandby };

// pg_is_in_recovery(); kUnknown if the query fails (never throws).
RecoveryType get_recovery_type(db::Connection& conn);

// "15.20" — server_version up to the first space (Debian adds " (Debian ...)").
std::string get_server_version_string(db::Connection& conn);

// The connected role is a superuser.
bool is_superuser(db::Connection& conn);

// Superuser, or member of pg_read_all_settings / pg_monitor (may read every setting).
bool can_read_all_settings(db::Connection& conn);

// Timeline of the latest checkpoint (pg_control_checkpoint()); nullopt if unavailable.
std::optional<int> get_checkpoint_timeline(db::Connection& conn);

// current_setting(name); throws db::DbQueryError.
std::string get_setting(db::Connection& conn, const std::string& name);

// A row of pg_stat_replication.
struct ReplicationClient {
    std::string application_name;
    std::string state;
};
std::vector<ReplicationClient> get_replication_clients(db::Connection& conn);

enum class AttachState { kAttached, kNotAttached, kDetached, kUnknown };
// How `application_name` appears in pg_stat_replication of the upstream (commands.md §1.7):
// no row → kDetached, several → kUnknown, state other than streaming → kNotAttached.
AttachState attach_state(const std::vector<ReplicationClient>& clients,
                         const std::string& application_name, std::string* state = nullptr);
// The WARNING repmgr logs when it tests a node's attachment and finds no row, or several
// (`node "<name>" not found in "pg_stat_replication"`); nullopt otherwise.
std::optional<std::string> attach_warning(AttachState state, const std::string& application_name);

struct StandbyReplayInfo {
    std::string last_received_lsn;  // "" if unknown
    std::string last_replayed_lsn;
    bool receive_equals_replay = false;
    bool replay_paused = false;
    bool wal_pending = false;  // received > replayed
    // 0 when everything received is replayed, else seconds since the last replayed
    // transaction; -1 if unknown.
    long lag_seconds = -1;
};
// For a standby; throws db::DbQueryError.
StandbyReplayInfo get_standby_replay_info(db::Connection& conn);

struct SlotInfo {
    std::string slot_name;
    bool active = false;
};
// Physical replication slots.
std::vector<SlotInfo> get_physical_slots(db::Connection& conn);

// pg_size_pretty of all databases, or nullopt.
std::optional<std::string> get_total_data_size(db::Connection& conn);

// pg_control_system().system_identifier as text, or nullopt.
std::optional<std::string> get_system_identifier(db::Connection& conn);

// repmgr.repmgrd_is_running() / repmgrd_is_paused(); nullopt if the query fails or the
// shared library is not loaded (NULL results).
struct RepmgrdStatus {
    bool running = false;
    bool paused = false;
};
std::optional<RepmgrdStatus> get_repmgrd_status(db::Connection& conn);

}  // namespace repmgr::pg
