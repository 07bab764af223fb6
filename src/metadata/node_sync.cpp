#include "repmgr/metadata/node_sync.hpp"

namespace repmgr::metadata {

int count_node_records(db::Connection& conn) {
    static constexpr std::string_view kCount = "SELECT count(*) FROM repmgr.nodes";
    return conn.query_one(kCount).get_int(0, 0);
}

void replace_node_records(db::Connection& conn, const std::vector<NodeRecord>& records) {
    static constexpr std::string_view kDefer = "SET CONSTRAINTS ALL DEFERRED";
    static constexpr std::string_view kTruncate = "TRUNCATE TABLE repmgr.nodes";
    db::Transaction tx(conn);
    conn.execute(kDefer);
    conn.execute(kTruncate);
    for (const auto& rec : records) create_node_record(conn, rec);
    tx.commit();
}

}  // namespace repmgr::metadata
