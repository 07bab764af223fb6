// daemon start / stop (commands.md §22): run repmgrd_service_*_command and wait for the
// result.
#include <fmt/format.h>
#include <signal.h>

#include <cerrno>
#include <functional>
#include <cstring>
#include <thread>

#include "repmgr/common/process.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/service.hpp"

namespace repmgr::workflow {
namespace {

using Clock = std::chrono::steady_clock;

// Repeats `done` immediately and then once per second until it holds or the wait ends.
bool poll_seconds(std::optional<int> limit, const std::function<bool()>& done) {
    const auto start = Clock::now();
    while (true) {
        if (done()) return true;
        if (limit && Clock::now() - start >= std::chrono::seconds(*limit)) return false;
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
}

std::optional<int> wait_limit(const DaemonControlOptions& o) {
    if (o.wait_seconds) return *o.wait_seconds;
    if (o.wait_given) return std::nullopt;  // -w alone: wait for ever
    return 15;
}

void check_shared_library(db::Connection& conn) {
    if (!metadata::get_local_node_id(conn)) {
        throw Error(ExitCode::kBadConfig, "repmgrd not configured for this node")
            .hint("ensure \"shared_preload_libraries\" includes \"repmgr\" and restart PostgreSQL");
    }
}

}  // namespace

ExitCode daemon_start(const config::Config& cfg, const DaemonControlOptions& o) {
    const std::string& cmd = cfg.repmgrd_service_start_command;
    if (cmd.empty()) {
        throw Error(ExitCode::kBadConfig, "\"repmgrd_service_start_command\" is not set")
            .hint("set \"repmgrd_service_start_command\" in \"repmgr.conf\"");
    }
    auto conn = db::Connection::try_connect(db::ConnInfo::parse(cfg.conninfo));
    if (!conn.ok()) {
        throw Error(ExitCode::kDbConn, "unable to connect to local node")
            .detail("PostgreSQL must be running before \"repmgrd\" can be started");
    }
    check_shared_library(conn.value());
    auto status = pg::get_repmgrd_status(conn.value());
    if (status && status->running) {
        throw Error(ExitCode::kRepmgrdService, "repmgrd appears to be running already")
            .detail(fmt::format("repmgrd PID is {}", metadata::get_repmgrd_pid(conn.value()).value_or(-1)));
    }
    if (o.dry_run) {
        log::info("prerequisites for starting repmgrd met");
        log::detail("following command would be executed:\n  {}", cmd);
        return ExitCode::kSuccess;
    }
    log::notice("executing: \"{}\"", cmd);
    CommandResult r = run_shell(cmd);
    if (!r.ok()) {
        Error err(ExitCode::kRepmgrdService, "unable to start repmgrd");
        if (!r.out.empty() || !r.err.empty()) err.detail(r.out + r.err);
        throw err;
    }
    const std::string hint = "use \"repmgr service status\" to confirm that repmgrd was successfully started";
    if (o.no_wait || (o.wait_seconds && *o.wait_seconds == 0)) {
        log::hint("{}", hint);
        return ExitCode::kSuccess;
    }
    auto again = db::Connection::try_connect(db::ConnInfo::parse(cfg.conninfo));
    if (!again.ok()) {
        log::notice("unable to connect to local node");
        log::hint("{}", hint);
        return ExitCode::kDbConn;
    }
    const auto limit = wait_limit(o);
    if (poll_seconds(limit, [&] {
            auto s = pg::get_repmgrd_status(again.value());
            return s && s->running;
        })) {
        log::notice("repmgrd was successfully started");
        return ExitCode::kSuccess;
    }
    throw Error(ExitCode::kRepmgrdService,
                fmt::format("repmgrd does not appear to have started after {} seconds", limit.value_or(0)))
        .hint(hint);
}

ExitCode daemon_stop(const config::Config& cfg, const DaemonControlOptions& o) {
    const std::string& cmd = cfg.repmgrd_service_stop_command;
    if (cmd.empty()) {
        throw Error(ExitCode::kBadConfig, "\"repmgrd_service_stop_command\" is not set")
            .hint("set \"repmgrd_service_stop_command\" in \"repmgr.conf\"");
    }
    std::optional<int> pid;
    auto conn = db::Connection::try_connect(db::ConnInfo::parse(cfg.conninfo));
    if (!conn.ok()) {
        log::warning("unable to connect to local node");
    } else {
        check_shared_library(conn.value());
        auto status = pg::get_repmgrd_status(conn.value());
        if (!status || !status->running) {
            throw Error(ExitCode::kRepmgrdService, "repmgrd appears to be stopped already");
        }
        pid = metadata::get_repmgrd_pid(conn.value());
    }
    if (o.dry_run) {
        log::info("prerequisites for stopping repmgrd met");
        log::detail("following command would be executed:\n  {}", cmd);
        return ExitCode::kSuccess;
    }
    log::notice("executing: \"{}\"", cmd);
    if (!run_shell(cmd).ok()) throw Error(ExitCode::kRepmgrdService, "unable to stop repmgrd");
    const std::string hint = "use \"repmgr service status\" to confirm that repmgrd was successfully stopped";
    if (o.no_wait || (o.wait_seconds && *o.wait_seconds == 0)) {
        if (conn.ok()) log::hint("{}", hint);
        return ExitCode::kSuccess;
    }
    if (!pid || *pid <= 0) {
        log::warning("unable to determine repmgrd PID");
        if (conn.ok()) log::hint("{}", hint);
        return ExitCode::kRepmgrdService;
    }
    const auto limit = wait_limit(o);
    int error = 0;
    bool gone = poll_seconds(limit, [&] {
        if (::kill(*pid, 0) == 0) return false;
        if (errno != ESRCH) error = errno;
        return true;
    });
    if (error != 0) {
        throw Error(ExitCode::kRepmgrdService, fmt::format("unable to determine status of process with PID {}", *pid))
            .detail(std::strerror(error));
    }
    if (gone) {
        log::notice("repmgrd was successfully stopped");
        return ExitCode::kSuccess;
    }
    Error err(ExitCode::kRepmgrdService,
              fmt::format("repmgrd does not appear to have stopped after {} seconds", limit.value_or(0)));
    // repmgr prints the start HINT here (commands.md §22.2 step 5).
    if (conn.ok()) err.hint("use \"repmgr service status\" to confirm that repmgrd was successfully started");
    throw err;
}

}  // namespace repmgr::workflow
