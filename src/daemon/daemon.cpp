// repmgrd start-up (repmgrd.md §2), dispatch and termination (§3).
#include "daemon/daemon.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "daemon/checks.hpp"
#include "daemon/monitor.hpp"
#include "daemon/pidfile.hpp"
#include "daemon/signals.hpp"
#include "daemon/state.hpp"
#include "repmgr/config/config_file.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/metadata/extension.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"

namespace repmgr::daemon {

void fail(const Error& error) {
    log::error_with_notes(error);
    throw DaemonExit{error.code()};
}

namespace {

constexpr int kExtensionVersionNum = 50300;

log::Settings daemon_log_settings(const DaemonOptions& o, const config::Config& cfg) {
    log::Settings s;
    s.mode = log::Mode::kDaemon;
    s.program_name = "repmgrd";
    if (auto level = log::parse_level(o.log_level.value_or(cfg.log_level))) s.level = *level;
    s.verbose = o.verbose;
    s.log_file = cfg.log_file;
    s.log_facility = cfg.log_facility;
    return s;
}

void redirect_std_streams() {
    int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd < 0) return;
    ::dup2(fd, STDIN_FILENO);
    std::fflush(stdout);
    ::dup2(fd, STDOUT_FILENO);
    ::close(fd);
}

// Step 9: the installed extension must be the 5.3 one.
void check_extension(db::Connection& conn) {
    metadata::ExtensionInfo ext = metadata::get_extension_info(conn);
    const int installed = metadata::extension_version_num(ext.installed_version);
    if (ext.status == metadata::ExtensionStatus::kUnknown) {
        throw Error(ExitCode::kDbQuery, "unable to determine status of \"repmgr\" extension");
    }
    if (!ext.installed_version.empty() && installed / 100 != kExtensionVersionNum / 100) {
        const bool binary_older = installed > kExtensionVersionNum;
        Error err(ExitCode::kBadConfig,
                  fmt::format("this \"repmgr\" version is {} than the installed \"repmgr\" extension version",
                              binary_older ? "older" : "newer"));
        err.detail(fmt::format("\"repmgr\" version {} providing extension version {} is installed but "
                               "extension is version {}",
                               REPMGR_VERSION, REPMGR_EXTENSION_VERSION, ext.installed_version));
        err.hint(binary_older ? "update the repmgr binaries to match the installed extension version"
                              : "update the installed extension version by executing \"ALTER EXTENSION repmgr UPDATE\"");
        throw err;
    }
    if (ext.status == metadata::ExtensionStatus::kOldVersionInstalled) {
        throw Error(ExitCode::kBadConfig, "an older version of the \"repmgr\" extension is installed")
            .detail(fmt::format("version {} is installed but newer version {} is available",
                                ext.installed_version, ext.default_version))
            .hint("verify the repmgr installation is updated properly before continuing");
    }
    if (ext.status == metadata::ExtensionStatus::kAvailable ||
        ext.status == metadata::ExtensionStatus::kUnavailable) {
        throw Error(ExitCode::kBadConfig, "repmgr extension not found on this node")
            .detail(ext.status == metadata::ExtensionStatus::kAvailable
                        ? fmt::format("repmgr extension is available but not installed in database \"{}\"",
                                      conn.dbname())
                        : std::string("repmgr extension is not available on this node"))
            .hint("check that this node is part of a repmgr cluster");
    }
}

// Step 12 (do_physical_node_check): inactive records, and the commands failover needs.
void check_node(DaemonState& st) {
    metadata::NodeRecord& rec = st.record;
    const bool automatic = st.cfg.failover == config::FailoverMode::kAutomatic;
    if (!rec.active) {
        const auto recovery = pg::get_recovery_type(*st.local);
        const bool contradicts =
            (recovery == pg::RecoveryType::kStandby && rec.type != metadata::NodeType::kStandby) ||
            (recovery == pg::RecoveryType::kPrimary && rec.type == metadata::NodeType::kStandby);
        if (contradicts) {
            std::string text = recovery == pg::RecoveryType::kStandby
                                   ? fmt::format("node is registered as a {} but running as a standby",
                                                 metadata::node_type_name(rec.type))
                                   : fmt::format("node is registered as a standby but running as a {}",
                                                 metadata::node_type_name(metadata::NodeType::kPrimary));
            log::error("{}", text);
            log::hint("Check that \"repmgr (primary|standby) register\" was executed for this node");
            metadata::create_event_notification(nullptr, st.cfg, {rec.node_id, "repmgrd_start", false, text, {}});
            throw DaemonExit{ExitCode::kBadConfig};
        }
        activate_record(st);
        if (!st.record.active) {
            if (automatic) {
                const std::string text = "node is inactive and cannot be used as a failover target";
                log::error("this node is marked as inactive and cannot be used as a failover target");
                log::hint("Check that \"repmgr (primary|standby) register\" was executed for this node");
                metadata::create_event_notification(nullptr, st.cfg,
                                                    {rec.node_id, "repmgrd_start", false, text, {}});
                throw DaemonExit{ExitCode::kBadConfig};
            }
            log::warning("this node is marked as inactive and will be passively monitored only");
            log::hint("Check that \"repmgr (primary|standby) register\" was executed for this node");
        }
    }
    if (automatic && rec.type != metadata::NodeType::kWitness) {
        bool missing = false;
        if (st.cfg.promote_command.empty()) {
            log::error("\"promote_command\" must be defined in the configuration file");
            if (!st.cfg.service_promote_command.empty()) {
                log::hint("\"service_promote_command\" is set, but can only be executed by \"repmgr standby promote\"");
            }
            missing = true;
        }
        if (st.cfg.follow_command.empty()) {
            log::error("\"follow_command\" must be defined in the configuration file");
            missing = true;
        }
        if (missing) {
            log::hint("add the missing configuration parameter(s) and start repmgrd again");
            throw DaemonExit{ExitCode::kBadConfig};
        }
    }
}

// Step 13: fork, setsid, fork again; the parents exit 0.
void daemonize(const std::string& config_file) {
    auto fork_or_fail = [](const char* what) {
        pid_t pid = ::fork();
        if (pid < 0) {
            throw Error(ExitCode::kSysFailure, fmt::format("error in {}", what)).detail(std::strerror(errno));
        }
        if (pid > 0) ::_exit(0);
    };
    fork_or_fail("fork()");
    if (::setsid() < 0) {
        throw Error(ExitCode::kSysFailure, "error executing setsid()").detail(std::strerror(errno));
    }
    fork_or_fail("fork()");
    std::string dir = config_file.empty() ? "/" : config_file.substr(0, config_file.find_last_of('/'));
    if (dir.empty()) dir = "/";
    if (::chdir(dir.c_str()) != 0) {
        log::error("error changing directory to \"{}\":\n  {}", dir, std::strerror(errno));
    }
}

// Steps 10-11: own record and shared memory.
void load_record_and_shared_memory(DaemonState& st) {
    auto rec = metadata::get_node_record(*st.local, st.cfg.node_id);
    if (!rec) {
        fail(Error(ExitCode::kBadConfig, "no metadata record found for this node - terminating")
                 .hint("check that 'repmgr (primary|standby|witness) register' was executed for this node"));
    }
    st.record = *rec;
    bool stored = false;
    try {
        stored = metadata::set_local_node_id(*st.local, st.cfg.node_id);
    } catch (const db::DbQueryError&) {
        stored = false;
    }
    if (!stored) {
        fail(Error(ExitCode::kBadConfig, "unable to write to shared memory")
                 .hint("ensure \"shared_preload_libraries\" includes \"repmgr\""));
    }
}

void terminate_cleanly(DaemonState& st) {
    if (st.local_ok()) {
        try {
            metadata::set_repmgrd_pid(*st.local, -1, "");
        } catch (const db::DbQueryError&) {
        }
    }
    remove_pid_file(st.pid_file);
    log::info("{} terminating...", st.options.progname);
}

}  // namespace

int run_daemon(const DaemonOptions& options) {
    DaemonState st;
    st.options = options;
    log::Settings early;
    early.mode = log::Mode::kDaemon;
    early.program_name = "repmgrd";
    log::init(early);

    config::LoadRequest request;
    request.cli_path = options.config_file.value_or("");
    request.verbose = options.verbose;
    request.daemon = true;
    st.cfg = config::load_config(request).config;
    if (!options.no_pid_file) st.pid_file = choose_pid_file(options.pid_file, st.cfg);
    if (options.show_pid_file) {
        std::printf("%s\n", st.pid_file.c_str());
        return 0;
    }
    if (options.monitoring_history) st.cfg.monitoring_history = true;
    redirect_std_streams();
    log::init(daemon_log_settings(options, st.cfg));
    log::notice("repmgrd ({} {}) starting up", options.progname, REPMGR_VERSION);
    log::info("connecting to database \"{}\"", st.cfg.conninfo);
    st.local = db::Connection::connect(st.cfg.conninfo, {.fallback_application_name = "repmgrd"});

    try {
        check_extension(*st.local);
        load_record_and_shared_memory(st);
        check_node(st);
        if (options.daemonize) daemonize(st.cfg.config_file);
        if (!st.pid_file.empty()) {
            try {
                check_pid_file(st.pid_file);
                write_pid_file(st.pid_file, ::getpid());
            } catch (const Error& e) {
                st.pid_file.clear();  // not ours: never remove it
                throw;
            }
        }
        metadata::set_repmgrd_pid(*st.local, ::getpid(), st.pid_file);
        install_signal_handlers();
        log::notice("starting monitoring of node \"{}\" (ID: {})", st.record.node_name, st.record.node_id);
        log::info("\"connection_check_type\" set to \"{}\"", connection_check_type_name(st.cfg));
        run_monitoring(st);
    } catch (const DaemonExit& exit) {
        terminate_cleanly(st);
        return to_int(exit.code);
    }
    terminate_cleanly(st);
    return 0;
}

}  // namespace repmgr::daemon
