// The repmgr extension's shared-memory functions and the voting term, as repmgrd and the
// daemon commands use them (schema.md §4–§6). One function per SQL call.
#pragma once

#include <optional>
#include <string>

#include "repmgr/db/connection.hpp"

namespace repmgr::metadata {

// repmgr.set_local_node_id(id), then repmgr.get_local_node_id(): true if the segment now
// holds `node_id` (false when the library is not preloaded). Throws db::DbQueryError.
bool set_local_node_id(db::Connection& conn, int node_id);
std::optional<int> get_local_node_id(db::Connection& conn);

// repmgr.set_repmgrd_pid(pid, pidfile) (NULL pidfile when empty).
void set_repmgrd_pid(db::Connection& conn, int pid, const std::string& pid_file);
std::optional<int> get_repmgrd_pid(db::Connection& conn);

// repmgr.set_upstream_last_seen(upstream_id) / get_upstream_last_seen() (seconds, -1 unset).
void set_upstream_last_seen(db::Connection& conn, int upstream_node_id);
std::optional<int> get_upstream_last_seen(db::Connection& conn);
std::optional<int> get_upstream_node_id(db::Connection& conn);
void set_upstream_node_id(db::Connection& conn, int upstream_node_id);

// Follow notifications between repmgrd instances.
void notify_follow_primary(db::Connection& conn, int new_primary_id);
std::optional<int> get_new_primary(db::Connection& conn);  // -1 none, -2 rerun election
void reset_voting_status(db::Connection& conn);

std::optional<bool> repmgrd_is_paused(db::Connection& conn);
void repmgrd_pause(db::Connection& conn, bool pause);
std::optional<int> get_wal_receiver_pid(db::Connection& conn);
void standby_set_last_updated(db::Connection& conn);

// repmgr.voting_term.
std::optional<int> get_voting_term(db::Connection& conn);
void increment_voting_term(db::Connection& conn);

}  // namespace repmgr::metadata
