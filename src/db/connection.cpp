#include "repmgr/db/connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <cstdlib>

#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"

namespace repmgr::db {
namespace {

using Clock = std::chrono::steady_clock;

struct KeywordArrays {
    std::vector<const char*> keys;
    std::vector<const char*> values;
    explicit KeywordArrays(const ConnInfo& info) {
        for (const auto& [k, v] : info.params()) {
            keys.push_back(k.c_str());
            values.push_back(v.c_str());
        }
        keys.push_back(nullptr);
        values.push_back(nullptr);
    }
};

// Server notices go to stderr exactly as libpq's default processor writes them (repmgr
// keeps that default, so e.g. "INFO:  set_repmgrd_pid(): ..." appears raw in repmgrd's
// log; repmgrd.md §12 quirk 14), but through the logger so they share its output.
void notice_to_log(void* /*arg*/, const char* message) {
    std::string text = message ? message : "";
    if (!text.empty() && text.back() == '\n') text.pop_back();
    log::raw_stderr(text);
}

std::string result_error(PGresult* res, PGconn* conn) {
    const char* msg = res ? PQresultErrorMessage(res) : nullptr;
    if (msg == nullptr || *msg == '\0') msg = PQerrorMessage(conn);
    return msg ? msg : "";
}

}  // namespace

DbConnectError::DbConnectError(std::string libpq_message, std::string attempted)
    : Error(ExitCode::kDbConn, "connection to database failed"),
      libpq_message_(std::move(libpq_message)),
      attempted_(std::move(attempted)) {
    // The libpq message ends with a newline and repmgr prints it after a newline,
    // which gives the blank lines of output-formats.md §1.3.
    detail("\n" + libpq_message_);
    detail("attempted to connect using:\n  " + attempted_);
}

DbQueryError::DbQueryError(std::string message, std::string server_message)
    : Error(ExitCode::kDbQuery, std::move(message)), server_message_(std::move(server_message)) {}

// ---- QueryResult -------------------------------------------------------------------------

void QueryResult::Deleter::operator()(pg_result* r) const { PQclear(r); }

QueryResult::QueryResult(pg_result* res) : res_(res) {}

int QueryResult::rows() const { return res_ ? PQntuples(res_.get()) : 0; }
int QueryResult::columns() const { return res_ ? PQnfields(res_.get()) : 0; }

bool QueryResult::is_null(int row, int col) const {
    return PQgetisnull(res_.get(), row, col) != 0;
}

std::optional<std::string> QueryResult::get(int row, int col) const {
    if (row >= rows() || col >= columns() || is_null(row, col)) return std::nullopt;
    return std::string(PQgetvalue(res_.get(), row, col));
}

std::string QueryResult::text(int row, int col) const { return get(row, col).value_or(""); }

long long QueryResult::get_int64(int row, int col) const {
    auto v = get(row, col);
    if (!v) throw DbQueryError("unexpected NULL value in query result", "");
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(v->c_str(), &end, 10);
    if (errno != 0 || end == v->c_str() || *end != '\0') {
        throw DbQueryError("unexpected non-integer value \"" + *v + "\" in query result", "");
    }
    return n;
}

int QueryResult::get_int(int row, int col) const {
    return static_cast<int>(get_int64(row, col));
}

std::optional<int> QueryResult::get_optional_int(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return get_int(row, col);
}

bool QueryResult::get_bool(int row, int col) const {
    auto v = get(row, col);
    return v && (*v == "t" || *v == "true");
}

// ---- Connection --------------------------------------------------------------------------

void Connection::Deleter::operator()(pg_conn* c) const { PQfinish(c); }

Connection::Connection(pg_conn* conn, ConnInfo info, std::chrono::milliseconds timeout)
    : conn_(conn), conninfo_(std::move(info)), query_timeout_(timeout) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

ConnInfo Connection::effective_conninfo(const ConnInfo& info, const ConnectOptions& options) {
    ConnInfo effective = info;
    effective.set_if_absent("connect_timeout", "2");
    effective.set_if_absent("fallback_application_name", options.fallback_application_name);
    if (options.replication) {
        effective.set("replication", "1");
        effective.set("dbname", "replication");
    } else {
        // An empty search_path: every object we touch is schema-qualified.
        effective.set("options", "-csearch_path=");
    }
    return effective;
}

Result<Connection, DbConnectError> Connection::try_connect(const ConnInfo& info, const ConnectOptions& options) {
    ConnInfo effective = effective_conninfo(info, options);
    KeywordArrays arrays(effective);
    PGconn* raw = PQconnectdbParams(arrays.keys.data(), arrays.values.data(), 0);
    if (raw == nullptr) {
        return DbConnectError("out of memory", effective.to_display_string());
    }
    if (PQstatus(raw) != CONNECTION_OK) {
        std::string msg = PQerrorMessage(raw);
        PQfinish(raw);
        return DbConnectError(msg, effective.to_display_string());
    }
    PQsetNoticeProcessor(raw, notice_to_log, nullptr);
    Connection conn(raw, std::move(effective), options.query_timeout);
    if (!options.replication) {
        try {
            conn.execute("SET synchronous_commit TO 'local'");
        } catch (const DbQueryError& e) {
            return DbConnectError(e.server_message(), conn.conninfo().to_display_string());
        }
    }
    return conn;
}

Connection Connection::connect(const ConnInfo& info, const ConnectOptions& options) {
    return try_connect(info, options).take();
}

Connection Connection::connect(std::string_view conninfo, const ConnectOptions& options) {
    return connect(ConnInfo::parse(conninfo), options);
}

pg_result* Connection::run(std::string_view sql, const Params& params) {
    if (query_timeout_.count() > 0) return run_with_deadline(sql, params);
    std::string text(sql);
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    return PQexecParams(conn_.get(), text.c_str(), static_cast<int>(params.size()), nullptr,
                        values.data(), nullptr, nullptr, 0);
}

// Sends the query and waits for it with poll() until the deadline; on expiry the query is
// cancelled so a hung server cannot block the caller (STYLE §5).
pg_result* Connection::run_with_deadline(std::string_view sql, const Params& params) {
    std::string text(sql);
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGconn* c = conn_.get();
    if (PQsendQueryParams(c, text.c_str(), static_cast<int>(params.size()), nullptr,
                          values.data(), nullptr, nullptr, 0) == 0) {
        return nullptr;
    }
    auto deadline = Clock::now() + query_timeout_;
    while (true) {
        if (PQconsumeInput(c) == 0) return nullptr;
        if (PQisBusy(c) == 0) break;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            if (PGcancel* cancel = PQgetCancel(c)) {
                char errbuf[256];
                PQcancel(cancel, errbuf, sizeof errbuf);
                PQfreeCancel(cancel);
            }
            while (PGresult* r = PQgetResult(c)) PQclear(r);
            throw DbQueryError("query timed out", "canceling statement after " +
                                                      std::to_string(query_timeout_.count()) +
                                                      " ms");
        }
        pollfd pfd{PQsocket(c), POLLIN, 0};
        ::poll(&pfd, 1, static_cast<int>(left.count()));
    }
    PGresult* last = nullptr;
    while (PGresult* r = PQgetResult(c)) {
        if (last) PQclear(last);
        last = r;
    }
    return last;
}

QueryResult Connection::query(std::string_view sql, const Params& params) {
    PGresult* res = run(sql, params);
    ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        std::string msg = trim(result_error(res, conn_.get()));
        if (res) PQclear(res);
        throw DbQueryError(msg, msg);
    }
    return QueryResult(res);
}

QueryResult Connection::query_one(std::string_view sql, const Params& params) {
    QueryResult r = query(sql, params);
    if (r.rows() != 1) {
        throw DbQueryError("query returned " + std::to_string(r.rows()) + " rows, expected 1",
                           "");
    }
    return r;
}

void Connection::execute(std::string_view sql, const Params& params) { query(sql, params); }

QueryResult Connection::replication_command(std::string_view command) {
    std::string text(command);
    PGresult* res = PQexec(conn_.get(), text.c_str());
    ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        std::string msg = trim(result_error(res, conn_.get()));
        if (res) PQclear(res);
        throw DbQueryError(msg, msg);
    }
    return QueryResult(res);
}

std::string Connection::quote_identifier(std::string_view ident) const {
    char* quoted = PQescapeIdentifier(conn_.get(), ident.data(), ident.size());
    if (quoted == nullptr) {
        std::string msg = trim(PQerrorMessage(conn_.get()));
        throw DbQueryError(msg, msg);
    }
    std::string out(quoted);
    PQfreemem(quoted);
    return out;
}

bool Connection::is_ok() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }
int Connection::server_version_num() const { return PQserverVersion(conn_.get()); }

int Connection::socket() const { return conn_ ? PQsocket(conn_.get()) : -1; }

bool Connection::consume_input() {
    if (!conn_) return false;
    if (PQconsumeInput(conn_.get()) == 0) return false;
    while (PGnotify* n = PQnotifies(conn_.get())) PQfreemem(n);
    return is_ok() && PQstatus(conn_.get()) == CONNECTION_OK;
}

static std::string or_empty(const char* s) { return s ? s : ""; }
std::string Connection::user() const { return or_empty(PQuser(conn_.get())); }
std::string Connection::dbname() const { return or_empty(PQdb(conn_.get())); }
std::string Connection::host() const { return or_empty(PQhost(conn_.get())); }
std::string Connection::port() const { return or_empty(PQport(conn_.get())); }
std::string Connection::error_message() const { return or_empty(PQerrorMessage(conn_.get())); }

std::string Connection::parameter_status(std::string_view name) const {
    std::string n(name);
    return or_empty(PQparameterStatus(conn_.get(), n.c_str()));
}

PingStatus ping_conninfo(const std::string& conninfo) {
    std::string error;
    auto info = ConnInfo::try_parse(conninfo, &error);
    return info ? ping(*info) : PingStatus::kNoAttempt;
}

PingStatus ping(const ConnInfo& info) {
    ConnInfo effective = Connection::effective_conninfo(info, {});
    KeywordArrays arrays(effective);
    switch (PQpingParams(arrays.keys.data(), arrays.values.data(), 0)) {
        case PQPING_OK:
            return PingStatus::kOk;
        case PQPING_REJECT:
            return PingStatus::kReject;
        case PQPING_NO_RESPONSE:
            return PingStatus::kNoResponse;
        case PQPING_NO_ATTEMPT:
            return PingStatus::kNoAttempt;
    }
    return PingStatus::kNoAttempt;
}

std::string_view ping_status_name(PingStatus status) {
    switch (status) {
        case PingStatus::kOk: return "PQPING_OK";
        case PingStatus::kReject: return "PQPING_REJECT";
        case PingStatus::kNoResponse: return "PQPING_NO_RESPONSE";
        case PingStatus::kNoAttempt: return "PQPING_NO_ATTEMPT";
    }
    return "PQPING_NO_ATTEMPT";
}

// ---- Transaction -------------------------------------------------------------------------

Transaction::Transaction(Connection& conn) : conn_(conn) { conn_.execute("BEGIN"); }

Transaction::~Transaction() {
    if (done_) return;
    try {
        conn_.execute("ROLLBACK");
    } catch (const DbQueryError& e) {
        log::warning("unable to roll back transaction: {}", e.what());
    }
}

void Transaction::commit() {
    conn_.execute("COMMIT");
    done_ = true;
}

}  // namespace repmgr::db
