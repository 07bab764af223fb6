// Access to repmgr.nodes: the node records every command and repmgrd work from. Owns the
// SQL for the table; does not decide anything about the records (workflow/ does).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "repmgr/db/connection.hpp"

namespace repmgr::metadata {

// repmgr 5.x no longer knows BDR nodes: a record of type 'bdr' (allowed by the table's
// CHECK constraint) reads as kUnknown, as in repmgr 5.3.
enum class NodeType { kUnknown, kPrimary, kStandby, kWitness };

// "primary", "standby", "witness" ("unknown" for kUnknown).
std::string_view node_type_name(NodeType type);
NodeType parse_node_type(std::string_view text);

struct NodeRecord {
    int node_id = -1;
    NodeType type = NodeType::kUnknown;
    std::optional<int> upstream_node_id;
    std::string node_name;
    std::string conninfo;
    std::string repluser;
    std::string slot_name;  // "" = NULL
    std::string location = "default";
    int priority = 100;
    bool active = true;
    std::string config_file;
    // Not a column: name of the upstream node (LEFT JOIN), "" if none.
    std::string upstream_node_name;
};

// nullopt if there is no record. Throw db::DbQueryError if the query fails.
std::optional<NodeRecord> get_node_record(db::Connection& conn, int node_id);
std::optional<NodeRecord> get_node_record_by_name(db::Connection& conn, std::string_view name);
// All records with upstream names, ordered by node_id.
std::vector<NodeRecord> get_all_node_records(db::Connection& conn);
// Records whose upstream is node_id, ordered by node_id.
std::vector<NodeRecord> get_downstream_node_records(db::Connection& conn, int node_id);
// Active records that may be the primary, in repmgr's probing order (schema.md §7).
std::vector<NodeRecord> get_primary_candidates(db::Connection& conn);
// node_id of the active primary record, if any.
std::optional<int> get_active_primary_node_id(db::Connection& conn);

// Insert / update / delete. Throw db::DbQueryError on failure.
void create_node_record(db::Connection& conn, const NodeRecord& record);
void update_node_record(db::Connection& conn, const NodeRecord& record);
void delete_node_record(db::Connection& conn, int node_id);
void set_node_active(db::Connection& conn, int node_id, bool active);

}  // namespace repmgr::metadata
