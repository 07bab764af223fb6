// PgTestNode: psql, polling and role/database helpers. Test-only code: identifiers are quoted
// with quote_ident() below; values never come from outside the test.
#include <sstream>
#include <thread>

#include "support/harness_error.hpp"
#include "support/pg_bin.hpp"
#include "support/pg_test_node.hpp"

namespace repmgr::test {

namespace {

using Clock = std::chrono::steady_clock;

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

std::string quote_ident(std::string_view name) {
    std::string quoted = "\"";
    for (const char c : name) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

}  // namespace

std::string PgTestNode::connstr(std::string_view dbname, std::string_view user) const {
    std::ostringstream conninfo;
    conninfo << "host=" << host() << " port=" << port() << " dbname=" << dbname << " user=" << user;
    return conninfo.str();
}

RunResult PgTestNode::safe_psql(std::string_view sql, std::string_view dbname,
                                std::string_view user, std::chrono::milliseconds timeout) const {
    RunOptions opts;
    opts.timeout = timeout;
    opts.input = std::string(sql);
    return run_as_postgres(
        {pg_bin("psql").string(), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h",
         socket_dir().string(), "-p", std::to_string(port()), "-U", std::string(user), "-d",
         std::string(dbname), "-f", "-"},
        opts);
}

std::string PgTestNode::psql(std::string_view sql, std::string_view dbname,
                             std::string_view user) const {
    const RunResult r = safe_psql(sql, dbname, user);
    if (!r.ok()) {
        std::ostringstream msg;
        msg << "psql on node " << name_ << " (db " << dbname << ", user " << user
            << ") failed for: " << sql << "\n"
            << r;
        throw HarnessError(msg.str());
    }
    return trim(r.out);
}

::testing::AssertionResult PgTestNode::poll_until(std::string_view sql, std::string_view expected,
                                                  std::chrono::milliseconds timeout,
                                                  std::string_view dbname) const {
    const auto deadline = Clock::now() + timeout;
    RunResult last;
    for (;;) {
        const auto remaining =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        last = safe_psql(sql, dbname, "postgres",
                         std::max(remaining, std::chrono::milliseconds(1000)));
        if (last.ok() && trim(last.out) == expected) return ::testing::AssertionSuccess();
        if (Clock::now() >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return ::testing::AssertionFailure()
           << "node " << name_ << ": poll_until timed out after " << timeout.count()
           << " ms waiting for [" << sql << "] to return [" << expected << "]; last result:\n"
           << last;
}

void PgTestNode::create_user(std::string_view name, RoleKind kind) const {
    std::string sql = "CREATE ROLE " + quote_ident(name) + " LOGIN";
    switch (kind) {
        case RoleKind::kSuperuser:
            sql += " SUPERUSER REPLICATION";
            break;
        case RoleKind::kReplication:
            sql += " REPLICATION";
            break;
        case RoleKind::kPlain:
            break;
    }
    psql(sql);
}

void PgTestNode::create_db(std::string_view name, std::string_view owner) const {
    psql("CREATE DATABASE " + quote_ident(name) + " OWNER " + quote_ident(owner));
}

}  // namespace repmgr::test
