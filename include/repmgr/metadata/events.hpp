// Events: a row in repmgr.events (only on a node not in recovery) and the user's
// event_notification_command (commands.md §1.10, repmgrd.md §9).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "repmgr/config/config.hpp"
#include "repmgr/db/connection.hpp"

namespace repmgr::metadata {

// The "other node" of an event: %p, %c and %a.
struct EventOtherNode {
    std::optional<int> node_id;
    std::string conninfo;
    std::string node_name;
};

struct Event {
    int node_id = -1;
    std::string event;
    bool successful = true;
    std::optional<std::string> details;  // nullopt = NULL
    EventOtherNode other;
};

// Records the event and runs the notification command. `conn` may be null or point at a
// standby: then no row is written but the command still runs. Never throws: failures are
// logged as repmgr logs them (WARNING: unable to create event record / ... notification
// command). Returns true if a row was written.
bool create_event_notification(db::Connection* conn, const config::Config& cfg,
                               const Event& event);

struct EventFilter {
    std::optional<int> node_id;
    std::optional<std::string> node_name;
    std::optional<std::string> event;
    std::optional<int> limit;  // nullopt = all
};

struct EventRow {
    std::string node_id;
    std::string node_name;  // "" if the node record no longer exists
    std::string event;
    std::string successful;  // "t" / "f"
    std::string timestamp;   // YYYY-MM-DD HH24:MI:SS
    std::string details;     // "" for NULL
};

// Newest first (commands.md §19). Throws db::DbQueryError.
std::vector<EventRow> get_events(db::Connection& conn, const EventFilter& filter);

// Expands %n %e %s %t %d %p %c %a %% in `command` (other %x stay as they are). Text values
// are escaped for use inside double quotes in /bin/sh: "..." around a placeholder yields
// the value exactly and can never run code. Exposed for unit tests.
std::string expand_event_command(const std::string& command, const Event& event,
                                 const std::string& timestamp);

}  // namespace repmgr::metadata
