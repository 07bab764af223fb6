// A libpq connection: connect with repmgr's defaults, parameterised queries only, typed
// result access, deadlines with cancel. db/ is the only code that includes libpq-fe.h.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "repmgr/common/error.hpp"
#include "repmgr/common/result.hpp"
#include "repmgr/db/conninfo.hpp"

struct pg_conn;
struct pg_result;

namespace repmgr::db {

// A query parameter; nullopt is SQL NULL. Values are always sent as text.
using Param = std::optional<std::string>;
using Params = std::vector<Param>;

inline Param param(std::string_view s) { return std::string(s); }
inline Param param(const char* s) { return std::string(s); }
inline Param param(int v) { return std::to_string(v); }
inline Param param(long v) { return std::to_string(v); }
inline Param param(long long v) { return std::to_string(v); }
inline Param param(bool v) { return std::string(v ? "true" : "false"); }
inline Param null_param() { return std::nullopt; }

// Connection could not be made. Message and DETAIL lines are repmgr's connect-or-die text.
class DbConnectError : public Error {
public:
    DbConnectError(std::string libpq_message, std::string attempted);
    const std::string& libpq_message() const { return libpq_message_; }
    const std::string& attempted() const { return attempted_; }

private:
    std::string libpq_message_;
    std::string attempted_;
};

// A query failed (server error, lost connection, wrong result shape, timeout).
class DbQueryError : public Error {
public:
    DbQueryError(std::string message, std::string server_message);
    const std::string& server_message() const { return server_message_; }

private:
    std::string server_message_;
};

class QueryResult {
public:
    QueryResult() = default;
    explicit QueryResult(pg_result* res);

    int rows() const;
    int columns() const;
    bool is_null(int row, int col) const;
    // nullopt for SQL NULL.
    std::optional<std::string> get(int row, int col) const;
    // "" for SQL NULL.
    std::string text(int row, int col) const;
    // Throw DbQueryError if the value is NULL or not a number.
    long long get_int64(int row, int col) const;
    int get_int(int row, int col) const;
    std::optional<int> get_optional_int(int row, int col) const;
    // "t"/"true" → true.
    bool get_bool(int row, int col) const;

private:
    struct Deleter {
        void operator()(pg_result* r) const;
    };
    std::unique_ptr<pg_result, Deleter> res_;
};

enum class PingStatus { kOk, kReject, kNoResponse, kNoAttempt };

struct ConnectOptions {
    std::string fallback_application_name = "repmgr";
    // Replication-protocol connection (replication=1); no session setup queries.
    bool replication = false;
    // Deadline for each query on this connection; zero = no deadline.
    std::chrono::milliseconds query_timeout{0};
};

class Connection {
public:
    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    // Connects with repmgr's connection defaults (commands.md §1.7): connect_timeout=2 and
    // fallback_application_name added when absent, options=-csearch_path= always, then
    // SET synchronous_commit TO 'local'. Throws DbConnectError (exit code kDbConn).
    static Connection connect(const ConnInfo& info, const ConnectOptions& options = {});
    static Connection connect(std::string_view conninfo, const ConnectOptions& options = {});
    // As connect(), returning the error instead of throwing it.
    static Result<Connection, DbConnectError> try_connect(const ConnInfo& info,
                                                          const ConnectOptions& options = {});

    // The parameters actually used (with the added defaults).
    static ConnInfo effective_conninfo(const ConnInfo& info, const ConnectOptions& options);

    // Runs one statement with parameters ($1, $2, ...). Throws DbQueryError on failure.
    QueryResult query(std::string_view sql, const Params& params = {});
    // As query(), and the result must have exactly one row, else DbQueryError.
    QueryResult query_one(std::string_view sql, const Params& params = {});
    // A statement returning no rows (INSERT/UPDATE/SET ...).
    void execute(std::string_view sql, const Params& params = {});

    // A replication-protocol command (IDENTIFY_SYSTEM, TIMELINE_HISTORY <tli>) on a
    // connection opened with ConnectOptions::replication. Walsenders accept only the simple
    // query protocol, so this cannot take parameters: callers build the text from
    // constants and integers only. Throws DbQueryError.
    QueryResult replication_command(std::string_view command);

    // Quotes an identifier with libpq (PQescapeIdentifier) for the rare statements that
    // cannot take parameters (GRANT ... TO <role>). Throws DbQueryError on failure.
    std::string quote_identifier(std::string_view ident) const;

    void set_query_timeout(std::chrono::milliseconds timeout) { query_timeout_ = timeout; }

    bool is_ok() const;
    // The socket, for waiting on it with poll(); -1 when there is none.
    int socket() const;
    // Reads whatever the server sent (notices, or the end of the connection) without
    // blocking. Returns is_ok() afterwards.
    bool consume_input();
    int server_version_num() const;
    std::string user() const;
    std::string dbname() const;
    std::string host() const;
    std::string port() const;
    // Server parameter reported at connection start (e.g. "is_superuser", "server_version").
    std::string parameter_status(std::string_view name) const;
    std::string error_message() const;
    const ConnInfo& conninfo() const { return conninfo_; }

private:
    struct Deleter {
        void operator()(pg_conn* c) const;
    };
    Connection(pg_conn* conn, ConnInfo info, std::chrono::milliseconds timeout);
    pg_result* run(std::string_view sql, const Params& params);
    pg_result* run_with_deadline(std::string_view sql, const Params& params);

    std::unique_ptr<pg_conn, Deleter> conn_;
    ConnInfo conninfo_;
    std::chrono::milliseconds query_timeout_{0};
};

// PQping with repmgr's connection defaults added.
PingStatus ping(const ConnInfo& info);
// As ping() for a conninfo string; kNoAttempt when it cannot be parsed.
PingStatus ping_conninfo(const std::string& conninfo);

// "PQPING_OK", "PQPING_REJECT", "PQPING_NO_RESPONSE", "PQPING_NO_ATTEMPT" (as repmgr logs them).
std::string_view ping_status_name(PingStatus status);

// RAII transaction: BEGIN on construction, ROLLBACK on destruction unless commit() ran.
class Transaction {
public:
    explicit Transaction(Connection& conn);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

private:
    Connection& conn_;
    bool done_ = false;
};

}  // namespace repmgr::db
