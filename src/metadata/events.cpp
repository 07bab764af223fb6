#include "repmgr/metadata/events.hpp"

#include <algorithm>
#include <array>
#include <ctime>

#include "repmgr/common/process.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"

namespace repmgr::metadata {
namespace {

std::string local_timestamp() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    std::array<char, 64> buf{};
    std::strftime(buf.data(), buf.size(), "%Y-%m-%d %H:%M:%S%z", &tm);
    return buf.data();
}

// Inserts the row if the server accepts writes. Returns the timestamp text on success.
std::optional<std::string> insert_event_row(db::Connection& conn, const Event& event) {
    // Spaced as repmgr 5.3.3 prints it in the DETAIL below (observed, output-formats.md §1).
    static constexpr std::string_view kInsert =
        " INSERT INTO repmgr.events (              node_id,              event,         "
        "     successful,              details             )       VALUES ($1, $2, $3, $4) "
        "   RETURNING event_timestamp ";
    try {
        auto recovery = conn.query_one("SELECT pg_catalog.pg_is_in_recovery()");
        if (recovery.get_bool(0, 0)) return std::nullopt;
        auto r = conn.query_one(kInsert, {db::param(event.node_id), db::param(event.event),
                                          db::param(event.successful),
                                          event.details ? db::param(*event.details)
                                                        : db::null_param()});
        return r.text(0, 0);
    } catch (const db::DbQueryError& e) {
        log::warning("unable to create event record");
        // libpq's message keeps its final newline here, hence repmgr's empty line after it.
        log::detail("{}\n", e.server_message());
        log::detail("{}", kInsert);
        return std::nullopt;
    }
}

}  // namespace

std::string expand_event_command(const std::string& command, const Event& event,
                                 const std::string& timestamp) {
    std::string out;
    for (size_t i = 0; i < command.size(); ++i) {
        if (command[i] != '%' || i + 1 >= command.size()) {
            out += command[i];
            continue;
        }
        char c = command[++i];
        switch (c) {
            case 'n': out += std::to_string(event.node_id); break;
            case 'e': out += shell_escape_in_double_quotes(event.event); break;
            case 's': out += event.successful ? "1" : "0"; break;
            case 't': out += timestamp; break;
            case 'd': out += shell_escape_in_double_quotes(event.details.value_or("")); break;
            case 'p':
                if (event.other.node_id) out += std::to_string(*event.other.node_id);
                break;
            case 'c': out += shell_escape_in_double_quotes(event.other.conninfo); break;
            case 'a': out += shell_escape_in_double_quotes(event.other.node_name); break;
            case '%': out += '%'; break;
            default:
                out += '%';
                out += c;
        }
    }
    // repmgr formats into a 1024-byte buffer; keep the same limit.
    if (out.size() > 1023) out.resize(1023);
    return out;
}

bool create_event_notification(db::Connection* conn, const config::Config& cfg,
                               const Event& event) {
    std::optional<std::string> timestamp;
    if (conn != nullptr && conn->is_ok()) timestamp = insert_event_row(*conn, event);

    if (cfg.event_notification_command.empty()) return timestamp.has_value();
    const auto& filter = cfg.event_notifications;
    if (!filter.empty() && std::find(filter.begin(), filter.end(), event.event) == filter.end()) {
        log::debug("not executing notification script for event type \"{}\"", event.event);
        return timestamp.has_value();
    }
    std::string command = expand_event_command(cfg.event_notification_command, event,
                                               timestamp.value_or(local_timestamp()));
    log::info("executing notification command for event \"{}\"", event.event);
    log::detail("command is:\n  {}", command);
    CommandOptions options;
    options.capture_stdout = false;
    options.capture_stderr = false;
    CommandResult result = run_shell(command, options);
    if (!result.ok()) {
        log::warning("unable to execute event notification command");
        log::detail("parsed event notification command was:\n  {}", command);
    }
    return timestamp.has_value();
}

std::vector<EventRow> get_events(db::Connection& conn, const EventFilter& filter) {
    // Filters are bound as parameters; a NULL parameter disables its condition.
    auto r = conn.query(
        "SELECT e.node_id, COALESCE(n.node_name, ''), e.event, "
        "       CASE WHEN e.successful THEN 't' ELSE 'f' END, "
        "       pg_catalog.to_char(e.event_timestamp, 'YYYY-MM-DD HH24:MI:SS'), "
        "       COALESCE(e.details, '') "
        "  FROM repmgr.events e "
        "  LEFT JOIN repmgr.nodes n ON e.node_id = n.node_id "
        " WHERE ($1::int IS NULL OR n.node_id = $1::int) "
        "   AND ($2::text IS NULL OR n.node_name = $2::text) "
        "   AND ($3::text IS NULL OR e.event = $3::text) "
        " ORDER BY e.event_timestamp DESC "
        " LIMIT $4::int",
        {filter.node_id ? db::param(*filter.node_id) : db::null_param(),
         filter.node_name ? db::param(*filter.node_name) : db::null_param(),
         filter.event ? db::param(*filter.event) : db::null_param(),
         filter.limit ? db::param(*filter.limit) : db::null_param()});
    std::vector<EventRow> rows;
    for (int i = 0; i < r.rows(); ++i) {
        rows.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4),
                        r.text(i, 5)});
    }
    return rows;
}

}  // namespace repmgr::metadata
