#include "repmgr/pg/replication.hpp"

#include <fmt/format.h>

#include <charconv>
#include <sstream>

#include "repmgr/common/strings.hpp"

namespace repmgr::pg {

std::optional<std::uint64_t> parse_lsn(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 >= text.size()) return std::nullopt;
    std::uint32_t hi = 0;
    std::uint32_t lo = 0;
    auto r1 = std::from_chars(text.data(), text.data() + slash, hi, 16);
    auto r2 = std::from_chars(text.data() + slash + 1, text.data() + text.size(), lo, 16);
    if (r1.ec != std::errc() || r1.ptr != text.data() + slash || r2.ec != std::errc() ||
        r2.ptr != text.data() + text.size()) {
        return std::nullopt;
    }
    return (static_cast<std::uint64_t>(hi) << 32) | lo;
}

std::string lsn_to_string(std::uint64_t lsn) {
    return fmt::format("{:X}/{:X}", static_cast<std::uint32_t>(lsn >> 32),
                       static_cast<std::uint32_t>(lsn & 0xFFFFFFFFu));
}

SystemIdentity identify_system(db::Connection& replication_conn) {
    db::QueryResult r = replication_conn.replication_command("IDENTIFY_SYSTEM");
    if (r.rows() != 1 || r.columns() < 3) {
        throw db::DbQueryError("unexpected IDENTIFY_SYSTEM result", "");
    }
    SystemIdentity id;
    id.system_identifier = r.text(0, 0);
    id.timeline = r.get_int(0, 1);
    id.xlogpos = parse_lsn(r.text(0, 2)).value_or(0);
    return id;
}

std::vector<TimelineHistoryEntry> parse_timeline_history(const std::string& content) {
    std::vector<TimelineHistoryEntry> out;
    std::istringstream in(content);
    std::string line;
    while (std::getline(in, line)) {
        std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        std::istringstream fields(t);
        std::string tli_text;
        std::string lsn_text;
        if (!(fields >> tli_text >> lsn_text)) continue;
        auto tli = parse_int_strict(tli_text);
        auto lsn = parse_lsn(lsn_text);
        if (tli && lsn) out.push_back({*tli, *lsn});
    }
    return out;
}

std::vector<TimelineHistoryEntry> timeline_history(db::Connection& replication_conn, int timeline) {
    // The command takes an integer only: nothing from outside reaches the text.
    db::QueryResult r = replication_conn.replication_command(fmt::format("TIMELINE_HISTORY {}", timeline));
    if (r.rows() != 1 || r.columns() < 2) {
        throw db::DbQueryError("unexpected TIMELINE_HISTORY result", "");
    }
    return parse_timeline_history(r.text(0, 1));
}

Result<db::Connection, db::DbConnectError> connect_replication(const std::string& conninfo,
                                                               const std::string& user) {
    db::ConnInfo info = db::ConnInfo::parse(conninfo);
    if (!user.empty()) info.set("user", user);
    db::ConnectOptions options;
    options.replication = true;
    return db::Connection::try_connect(info, options);
}

SlotState get_slot_state(db::Connection& conn, const std::string& name) {
    auto r = conn.query("SELECT active, slot_type FROM pg_catalog.pg_replication_slots WHERE slot_name = $1",
                        {db::param(name)});
    SlotState s;
    if (r.rows() == 0) return s;
    s.exists = true;
    s.active = r.get_bool(0, 0);
    s.slot_type = r.text(0, 1);
    return s;
}

void create_physical_slot(db::Connection& conn, const std::string& name) {
    conn.execute("SELECT pg_catalog.pg_create_physical_replication_slot($1, TRUE)", {db::param(name)});
}

void drop_slot(db::Connection& conn, const std::string& name) {
    conn.execute("SELECT pg_catalog.pg_drop_replication_slot($1)", {db::param(name)});
}

}  // namespace repmgr::pg
