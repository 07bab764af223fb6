#include "repmgr/metadata/node_record.hpp"

namespace repmgr::metadata {
namespace {

// Column list shared by every record query; read_record() depends on this order.
constexpr std::string_view kRecordColumns =
    "n.node_id, n.type, n.upstream_node_id, n.node_name, n.conninfo, n.repluser, "
    "n.slot_name, n.location, n.priority, n.active, n.config_file, "
    "COALESCE(un.node_name, '') AS upstream_node_name";

constexpr std::string_view kRecordFrom =
    " FROM repmgr.nodes n LEFT JOIN repmgr.nodes un ON un.node_id = n.upstream_node_id ";

std::string record_query(std::string_view where_and_order) {
    std::string sql = "SELECT ";
    sql += kRecordColumns;
    sql += kRecordFrom;
    sql += where_and_order;
    return sql;
}

NodeRecord read_record(const db::QueryResult& r, int row) {
    NodeRecord rec;
    rec.node_id = r.get_int(row, 0);
    rec.type = parse_node_type(r.text(row, 1));
    rec.upstream_node_id = r.get_optional_int(row, 2);
    rec.node_name = r.text(row, 3);
    rec.conninfo = r.text(row, 4);
    rec.repluser = r.text(row, 5);
    rec.slot_name = r.text(row, 6);
    rec.location = r.text(row, 7);
    rec.priority = r.get_int(row, 8);
    rec.active = r.get_bool(row, 9);
    rec.config_file = r.text(row, 10);
    rec.upstream_node_name = r.text(row, 11);
    return rec;
}

std::vector<NodeRecord> read_records(const db::QueryResult& r) {
    std::vector<NodeRecord> out;
    out.reserve(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_record(r, i));
    return out;
}

db::Params record_params(const NodeRecord& rec) {
    return {
        db::param(node_type_name(rec.type)),
        rec.upstream_node_id ? db::param(*rec.upstream_node_id) : db::null_param(),
        db::param(rec.node_name),
        db::param(rec.conninfo),
        db::param(rec.repluser),
        rec.slot_name.empty() ? db::null_param() : db::param(rec.slot_name),
        db::param(rec.location),
        db::param(rec.priority),
        db::param(rec.active),
        db::param(rec.config_file),
        db::param(rec.node_id),
    };
}

}  // namespace

std::string_view node_type_name(NodeType type) {
    switch (type) {
        case NodeType::kPrimary: return "primary";
        case NodeType::kStandby: return "standby";
        case NodeType::kWitness: return "witness";
        case NodeType::kUnknown: return "unknown";
    }
    return "unknown";
}

NodeType parse_node_type(std::string_view text) {
    if (text == "primary") return NodeType::kPrimary;
    if (text == "standby") return NodeType::kStandby;
    if (text == "witness") return NodeType::kWitness;
    return NodeType::kUnknown;
}

std::optional<NodeRecord> get_node_record(db::Connection& conn, int node_id) {
    auto r = conn.query(record_query("WHERE n.node_id = $1"), {db::param(node_id)});
    if (r.rows() == 0) return std::nullopt;
    return read_record(r, 0);
}

std::optional<NodeRecord> get_node_record_by_name(db::Connection& conn, std::string_view name) {
    auto r = conn.query(record_query("WHERE n.node_name = $1"), {db::param(name)});
    if (r.rows() == 0) return std::nullopt;
    return read_record(r, 0);
}

std::vector<NodeRecord> get_all_node_records(db::Connection& conn) {
    return read_records(conn.query(record_query("ORDER BY n.node_id")));
}

std::vector<NodeRecord> get_downstream_node_records(db::Connection& conn, int node_id) {
    return read_records(conn.query(record_query("WHERE n.upstream_node_id = $1 ORDER BY n.node_id"),
                                   {db::param(node_id)}));
}

std::vector<NodeRecord> get_primary_candidates(db::Connection& conn) {
    // priority ascending is repmgr's order (schema.md §7), kept so both tools probe alike.
    return read_records(conn.query(record_query(
        "WHERE n.active IS TRUE AND n.type != 'witness' "
        "ORDER BY CASE WHEN n.type = 'primary' THEN 1 ELSE 2 END, n.priority, n.node_id")));
}

std::optional<int> get_active_primary_node_id(db::Connection& conn) {
    auto r = conn.query(
        "SELECT node_id FROM repmgr.nodes WHERE type = 'primary' AND active IS TRUE "
        "ORDER BY node_id LIMIT 1");
    if (r.rows() == 0) return std::nullopt;
    return r.get_int(0, 0);
}

void create_node_record(db::Connection& conn, const NodeRecord& record) {
    conn.execute(
        "INSERT INTO repmgr.nodes (node_id, type, upstream_node_id, node_name, conninfo, "
        "repluser, slot_name, location, priority, active, config_file) "
        "VALUES ($11, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        record_params(record));
}

void update_node_record(db::Connection& conn, const NodeRecord& record) {
    conn.execute(
        "UPDATE repmgr.nodes SET type = $1, upstream_node_id = $2, node_name = $3, "
        "conninfo = $4, repluser = $5, slot_name = $6, location = $7, priority = $8, "
        "active = $9, config_file = $10 WHERE node_id = $11",
        record_params(record));
}

void delete_node_record(db::Connection& conn, int node_id) {
    conn.execute("DELETE FROM repmgr.nodes WHERE node_id = $1", {db::param(node_id)});
}

void set_node_active(db::Connection& conn, int node_id, bool active) {
    conn.execute("UPDATE repmgr.nodes SET active = $1 WHERE node_id = $2",
                 {db::param(active), db::param(node_id)});
}

}  // namespace repmgr::metadata
