#include "repmgr/pg/wal_receiver.hpp"

#include <string>

namespace repmgr::pg {

long get_wal_retrieve_retry_interval_ms(db::Connection& conn) {
    auto r = conn.query_one(
        "SELECT setting::bigint * CASE unit WHEN 's' THEN 1000 ELSE 1 END "
        "  FROM pg_catalog.pg_settings WHERE name = 'wal_retrieve_retry_interval'");
    return static_cast<long>(r.get_int64(0, 0));
}

void set_wal_retrieve_retry_interval_ms(db::Connection& conn, long ms) {
    // ALTER SYSTEM takes no parameters; the value is a number we computed, never user text.
    conn.execute("ALTER SYSTEM SET wal_retrieve_retry_interval = " + std::to_string(ms));
    conn.execute("SELECT pg_catalog.pg_reload_conf()");
}

}  // namespace repmgr::pg
