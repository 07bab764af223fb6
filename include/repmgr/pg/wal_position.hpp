// Small questions about WAL positions and clocks that repmgrd's monitoring asks.
#pragma once

#include <optional>
#include <string>

#include "repmgr/db/connection.hpp"

namespace repmgr::pg {

// pg_current_wal_lsn() on a primary, as text. Throws db::DbQueryError.
std::string get_current_wal_lsn(db::Connection& conn);
// pg_last_xact_replay_timestamp() as text, nullopt when NULL. Throws db::DbQueryError.
std::optional<std::string> get_last_replay_timestamp(db::Connection& conn);
// CURRENT_TIMESTAMP as text. Throws db::DbQueryError.
std::string get_current_timestamp(db::Connection& conn);

}  // namespace repmgr::pg
