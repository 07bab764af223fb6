// One PostgreSQL server for a test, modelled on PostgreSQL::Test::Cluster: its own base directory,
// a leased port, a private unix-socket directory, streaming-ready settings, start/stop/promote,
// a pg_basebackup standby helper and psql/poll_until. Does not know about repmgr.
//
// Layout: <basedir>/data (PGDATA), <basedir>/sock (unix socket), <basedir>/server.log.
// Every PostgreSQL program runs as postgres when the test runs as root (process.hpp).
// Failures throw HarnessError, which GoogleTest reports as a test failure.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/port_allocator.hpp"
#include "support/process.hpp"

namespace repmgr::test {

enum class RoleKind {
    kSuperuser,    // LOGIN SUPERUSER REPLICATION (what repmgr is normally given)
    kReplication,  // LOGIN REPLICATION
    kPlain,        // LOGIN only: for negative tests
};

class PgTestNode {
  public:
    // Creates <parent>/<name> and its socket directory (owned by postgres when root) but no
    // data directory: call init() or init_standby_from(), or let `repmgr standby clone` make
    // data_dir() and then call apply_local_settings(). Throws HarnessError when <parent>/<name>
    // already exists or the socket path would exceed 107 bytes.
    PgTestNode(std::string name, const std::filesystem::path& parent, PortLease lease);
    PgTestNode(const PgTestNode&) = delete;
    PgTestNode& operator=(const PgTestNode&) = delete;
    // Stops a server still running on data_dir() with `pg_ctl -m immediate` (only ever this
    // node's own postmaster). If the test failed, prints where server.log is and its tail.
    ~PgTestNode();

    const std::string& name() const { return name_; }
    int port() const { return lease_.port(); }
    std::string host() const { return "127.0.0.1"; }
    const std::filesystem::path& basedir() const { return basedir_; }
    std::filesystem::path data_dir() const { return basedir_ / "data"; }
    std::filesystem::path socket_dir() const { return basedir_ / "sock"; }
    std::filesystem::path log_file() const { return basedir_ / "server.log"; }

    // A new primary data directory with the harness settings. `from_template` copies a shared
    // initdb'ed template (fast; same system identifier as every other such node), otherwise
    // runs initdb. REQUIRES: data_dir() does not exist.
    void init(bool from_template = true);

    // pg_basebackup -X stream -R -c fast from `primary` (which must be running), then
    // apply_local_settings(). The written primary_conninfo carries application_name=<name()>,
    // so pg_stat_replication on the primary lists the standby by node name, as repmgr expects.
    // REQUIRES: data_dir() does not exist (pg_basebackup creates it).
    void init_standby_from(const PgTestNode& primary);

    // Appends this node's port, listen_addresses and unix_socket_directories to
    // postgresql.conf; later lines win. Needed again whenever the config files were copied
    // from another node (repmgr standby clone, pg_rewind).
    void apply_local_settings();

    // Appends `text` (plus a newline) to postgresql.conf. Takes effect on start/reload/restart.
    void append_conf(std::string_view text);

    // Replaces pg_hba.conf with `text` (the default trusts local, 127.0.0.1 and replication).
    void set_hba(std::string_view text);

    // pg_ctl -w start / stop -m <mode> / restart / reload / promote (waits until promoted).
    // Each throws HarnessError with the pg_ctl output and the server log tail on failure.
    void start();
    void stop(std::string_view mode = "fast");
    void restart();
    void reload();
    void promote();

    // SIGKILL to the postmaster, then waits until it and its children are gone, like a crash.
    // Throws HarnessError if the server is not running.
    void kill9();

    // Whether a postmaster is running on data_dir() (`pg_ctl status`), whoever started it.
    bool is_running() const;

    // The postmaster's pid from postmaster.pid; nullopt when there is no pid file. After kill9()
    // the file (and so this pid) is stale until the next start().
    std::optional<pid_t> pid() const;

    // Keyword/value conninfo over TCP: "host=127.0.0.1 port=N dbname=D user=U".
    std::string connstr(std::string_view dbname = "postgres",
                        std::string_view user = "postgres") const;

    // Runs `sql` with psql over the unix socket (-X -A -t -q -v ON_ERROR_STOP=1) and returns
    // stdout with surrounding whitespace trimmed. Throws HarnessError on any error.
    std::string psql(std::string_view sql, std::string_view dbname = "postgres",
                     std::string_view user = "postgres") const;

    // Like psql() but never throws for SQL errors: returns the raw RunResult.
    RunResult safe_psql(std::string_view sql, std::string_view dbname = "postgres",
                        std::string_view user = "postgres",
                        std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;

    // Re-runs `sql` every 100 ms until its trimmed output equals `expected` or `timeout` passes.
    // Errors while polling (e.g. the server still starting) are tolerated. Use with
    // ASSERT_TRUE; on timeout the message holds the last output and error.
    ::testing::AssertionResult poll_until(
        std::string_view sql, std::string_view expected = "t",
        std::chrono::milliseconds timeout = std::chrono::seconds(30),
        std::string_view dbname = "postgres") const;

    // CREATE ROLE <name> with the attributes of `kind`. Throws HarnessError on failure.
    void create_user(std::string_view name, RoleKind kind = RoleKind::kSuperuser) const;

    // CREATE DATABASE <name> OWNER <owner>. Throws HarnessError on failure.
    void create_db(std::string_view name, std::string_view owner = "postgres") const;

    // The last `lines` lines of server.log ("" when there is none).
    std::string log_tail(std::size_t lines = 30) const;

  private:
    RunResult pg_ctl(const std::vector<std::string>& args, std::chrono::seconds timeout) const;
    void pg_ctl_or_throw(std::string_view what, const std::vector<std::string>& args) const;
    void write_initial_settings();

    std::string name_;
    std::filesystem::path basedir_;
    PortLease lease_;
};

}  // namespace repmgr::test
