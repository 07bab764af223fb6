#include "repmgr/pg/wal_position.hpp"

namespace repmgr::pg {

std::string get_current_wal_lsn(db::Connection& conn) {
    return conn.query_one("SELECT pg_catalog.pg_current_wal_lsn()").text(0, 0);
}

std::optional<std::string> get_last_replay_timestamp(db::Connection& conn) {
    return conn.query_one("SELECT pg_catalog.pg_last_xact_replay_timestamp()").get(0, 0);
}

std::string get_current_timestamp(db::Connection& conn) {
    return conn.query_one("SELECT pg_catalog.current_timestamp").text(0, 0);
}

}  // namespace repmgr::pg
