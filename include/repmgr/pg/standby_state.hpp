// Questions promote, follow and rejoin ask a running server: WAL positions of a standby,
// walsender and slot capacity, pg_promote() and CHECKPOINT, the settings pg_rewind needs.
// One function per question; the SQL lives in standby_state.cpp. Decides nothing.
#pragma once

#include <cstdint>
#include <optional>

#include "repmgr/db/connection.hpp"

namespace repmgr::pg {

// pg_last_wal_receive_lsn() / pg_last_wal_replay_lsn() of a standby, and whether replay is
// paused; nullopt for a NULL position. Throws db::DbQueryError.
struct StandbyPositions {
    std::optional<std::uint64_t> received;
    std::optional<std::uint64_t> replayed;
    bool replay_paused = false;
};
StandbyPositions get_standby_positions(db::Connection& conn);

// Whether the WAL receiver is connected and streaming (pg_stat_wal_receiver.status). A role
// that may not see the status (no pg_read_all_stats) gets true while a WAL receiver process
// exists at all. Throws db::DbQueryError.
bool wal_receiver_streaming(db::Connection& conn);

// max_wal_senders minus the rows of pg_stat_replication (walsenders in use).
// Throws db::DbQueryError.
struct WalsenderCapacity {
    int max_wal_senders = 0;
    int in_use = 0;
    int free() const { return max_wal_senders - in_use; }
};
WalsenderCapacity get_walsender_capacity(db::Connection& conn);

// max_replication_slots and the slots that exist (active or not) and are active.
// Throws db::DbQueryError.
struct SlotCapacity {
    int max_replication_slots = 0;
    int existing = 0;
    int active = 0;
};
SlotCapacity get_slot_capacity(db::Connection& conn);

// Superuser, or EXECUTE on pg_promote(boolean, integer) (PostgreSQL >= 12). Never throws:
// false if the question cannot be answered.
bool can_execute_pg_promote(db::Connection& conn);

// SELECT pg_promote(wait := false): asks the server to promote and returns at once.
// Throws db::DbQueryError (also when the function returns false).
void request_promote(db::Connection& conn);

// CHECKPOINT. Throws db::DbQueryError.
void checkpoint(db::Connection& conn);

// Whether the connected role may run CHECKPOINT (superuser, or pg_checkpointer on
// PostgreSQL >= 15). Never throws.
bool can_checkpoint(db::Connection& conn);

// The settings pg_rewind depends on, read from the source server. Throws db::DbQueryError.
struct RewindSettings {
    bool full_page_writes = false;
    bool wal_log_hints = false;
    bool data_checksums = false;
};
RewindSettings get_rewind_settings(db::Connection& conn);

}  // namespace repmgr::pg
