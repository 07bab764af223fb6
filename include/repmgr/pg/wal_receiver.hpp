// Pausing and resuming a standby's WAL receiver, for repmgrd's
// standby_disconnect_on_failover (repmgrd.md §6.2).
#pragma once

#include "repmgr/db/connection.hpp"

namespace repmgr::pg {

// current_setting('wal_retrieve_retry_interval') in milliseconds. Throws db::DbQueryError.
long get_wal_retrieve_retry_interval_ms(db::Connection& conn);

// ALTER SYSTEM SET wal_retrieve_retry_interval = <ms>; SELECT pg_reload_conf().
// Throws db::DbQueryError.
void set_wal_retrieve_retry_interval_ms(db::Connection& conn, long ms);

}  // namespace repmgr::pg
