// Replication-protocol questions (IDENTIFY_SYSTEM, TIMELINE_HISTORY), LSN text, and
// physical replication slots. Used by clone, follow, rejoin and repmgrd.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "repmgr/common/result.hpp"
#include "repmgr/db/connection.hpp"

namespace repmgr::pg {

// "16/B374D848" → 0x16B374D848; nullopt if malformed.
std::optional<std::uint64_t> parse_lsn(std::string_view text);
// 0x16B374D848 → "16/B374D848" (as PostgreSQL prints it).
std::string lsn_to_string(std::uint64_t lsn);

struct SystemIdentity {
    std::string system_identifier;
    int timeline = 0;
    std::uint64_t xlogpos = 0;
};
// IDENTIFY_SYSTEM on a replication connection. Throws db::DbQueryError.
SystemIdentity identify_system(db::Connection& replication_conn);

struct TimelineHistoryEntry {
    int timeline = 0;
    std::uint64_t switchpoint = 0;  // where this timeline ended (the next one forked)
};
// TIMELINE_HISTORY <tli> on a replication connection: the entries of <tli>'s history
// file. Throws db::DbQueryError.
std::vector<TimelineHistoryEntry> timeline_history(db::Connection& replication_conn, int timeline);
// Parses a timeline history file ("<tli>\t<X/X>\t<reason>" lines; comments ignored).
std::vector<TimelineHistoryEntry> parse_timeline_history(const std::string& content);

// A connection in replication mode to `conninfo` as `user` ("" = as in conninfo).
Result<db::Connection, db::DbConnectError> connect_replication(const std::string& conninfo,
                                                               const std::string& user);

struct SlotState {
    bool exists = false;
    bool active = false;
    std::string slot_type;  // "physical" / "logical"
};
// The slot `name` on the server. Throws db::DbQueryError.
SlotState get_slot_state(db::Connection& conn, const std::string& name);
// pg_create_physical_replication_slot(name, immediately_reserve => true). Throws
// db::DbQueryError with the server's message.
void create_physical_slot(db::Connection& conn, const std::string& name);
// pg_drop_replication_slot(name). Throws db::DbQueryError.
void drop_slot(db::Connection& conn, const std::string& name);

}  // namespace repmgr::pg
