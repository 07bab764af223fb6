// Whole-table operations on repmgr.nodes used by witness register: counting the records and
// replacing a witness's copy with the primary's records. Owns that SQL; does not decide when.
#pragma once

#include <vector>

#include "repmgr/db/connection.hpp"
#include "repmgr/metadata/node_record.hpp"

namespace repmgr::metadata {

// Number of rows in repmgr.nodes. Throws db::DbQueryError (e.g. no extension installed).
int count_node_records(db::Connection& conn);

// Replaces every row of `conn`'s repmgr.nodes with `records`, in one transaction with the
// upstream foreign key deferred (SET CONSTRAINTS ALL DEFERRED, TRUNCATE, one INSERT each), so
// records may arrive in any order. Nothing changes if any statement fails.
// Throws db::DbQueryError.
void replace_node_records(db::Connection& conn, const std::vector<NodeRecord>& records);

}  // namespace repmgr::metadata
