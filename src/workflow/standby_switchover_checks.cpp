// standby switchover: the checks made on this node and through database connections
// (commands.md §9 steps 1-11, 18, 21, 22).
#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>

#include "repmgr/log/logger.hpp"
#include "repmgr/pg/demotion_candidate.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/pg/standby_state.hpp"
#include "repmgr/workflow/connections.hpp"
#include "workflow/follow_steps.hpp"
#include "workflow/node_rejoin_steps.hpp"
#include "workflow/standby_switchover_steps.hpp"

namespace repmgr::workflow {
namespace {

using metadata::NodeType;

std::string user_name(uid_t uid) {
    if (const passwd* pw = ::getpwuid(uid)) return pw->pw_name;
    return std::to_string(uid);
}

// Step 5: repmgr refuses a replication configuration file the server's owner does not own,
// because the rejoin after a later switchover could not rewrite it.
void check_replication_config_owner(const config::Config& cfg, int server_version_num) {
    const std::string file = cfg.data_directory + (server_version_num >= 120000
                                                       ? "/postgresql.auto.conf"
                                                       : "/recovery.conf");
    struct stat dir_st {};
    struct stat file_st {};
    if (::stat(cfg.data_directory.c_str(), &dir_st) != 0) return;
    if (::stat(file.c_str(), &file_st) != 0) return;
    if (dir_st.st_uid == file_st.st_uid) return;
    throw Error(ExitCode::kBadConfig, fmt::format("ownership error for file \"{}\"", file))
        .detail(fmt::format("file owner is \"{}\", data directory owner is \"{}\"",
                            user_name(file_st.st_uid), user_name(dir_st.st_uid)));
}

// Step 7: the local record says the primary is our upstream, and we stream from it.
void check_downstream_of_primary(SwitchoverState& s) {
    const metadata::NodeRecord& local = s.local_record;
    const metadata::NodeRecord& primary = s.primary_record;
    if (local.upstream_node_id != primary.node_id) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("local node \"{}\" (ID: {}) is not a downstream of demotion "
                                "candidate primary \"{}\" (ID: {})",
                                local.node_name, local.node_id, primary.node_name,
                                primary.node_id))
            .detail(local.upstream_node_id
                        ? fmt::format("registered upstream node ID is {}", *local.upstream_node_id)
                        : std::string("local node has no registered upstream node"))
            .hint("execute \"repmgr standby register --force\" to update the local node's "
                  "metadata");
    }
    if (test_attachment(*s.primary, local.node_name) != pg::AttachState::kAttached) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("local node \"{}\" (ID: {}) is not attached to demotion "
                                "candidate \"{}\" (ID: {})",
                                local.node_name, local.node_id, primary.node_name,
                                primary.node_id));
    }
}

// Step 8, PostgreSQL < 13 only: switching over with paused replay would lose the WAL not yet
// replayed.
void check_replay_not_paused(db::Connection& local) {
    if (local.server_version_num() >= 130000) return;
    const pg::StandbyReplayInfo info = pg::get_standby_replay_info(local);
    if (!info.replay_paused) return;
    throw Error(ExitCode::kSwitchoverFail,
                "WAL replay is paused on this node and it is not safe to proceed")
        .detail(fmt::format("replay paused at {}; last WAL received is {}", info.last_replayed_lsn,
                            info.last_received_lsn))
        .hint(local.server_version_num() >= 100000
                  ? "execute \"pg_wal_replay_resume()\" to unpause WAL replay"
                  : "execute \"pg_xlog_replay_resume()\" to unpause WAL replay");
}

// A shortfall of walsenders or slots: fatal outside the dry run (-F does not help, as in
// promote); the dry run reports it and goes on.
void capacity_shortfall(SwitchoverState& s, Error e) {
    if (!s.options.dry_run) throw e;
    log::error_with_notes(e);
    s.dry_run_ok = false;
}

}  // namespace

metadata::NodeRecord check_local_node(const config::Config& cfg, db::Connection& local,
                                      bool dry_run) {
    auto own = metadata::get_node_record(local, cfg.node_id);
    if (!own) {
        throw Error(ExitCode::kDbQuery,
                    fmt::format("unable to retrieve node record for node {}", cfg.node_id));
    }
    if (own->type != NodeType::kPrimary && own->type != NodeType::kStandby) {
        throw Error(ExitCode::kBadConfig, "switchover can only performed with streaming replication");
    }
    if (dry_run) {
        log::notice("checking switchover on node \"{}\" (ID: {}) in --dry-run mode", own->node_name,
                    own->node_id);
    } else {
        log::notice("executing switchover on node \"{}\" (ID: {})", own->node_name, own->node_id);
    }
    return *own;
}

void connect_superuser(SwitchoverState& s) {
    const std::string& su = s.options.superuser;
    if (su.empty()) {
        if (!pg::is_superuser(s.local)) {
            log::warning("no superuser connection available");
            log::detail("it is recommended to perform switchover operations with a database superuser");
            log::hint("provide the name of a superuser with -S/--superuser");
        }
        return;
    }
    log::info("validating connection to local database for superuser \"{}\"", su);
    db::ConnInfo info = db::ConnInfo::parse(s.cfg.conninfo);
    info.set("user", su);
    const std::string dbname = info.get("dbname").value_or(s.local.dbname());
    auto conn = connect_by_params(info);
    if (!conn.ok()) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to connect to local database \"{}\" as provided superuser \"{}\"",
                                dbname, su));
    }
    if (!pg::is_superuser(conn.value())) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("connection established to local database \"{}\" for provided "
                                "superuser \"{}\" is not a superuser connection",
                                dbname, su));
    }
    log::info("successfully established connection to local database \"{}\" for provided superuser \"{}\"",
              dbname, su);
    s.superuser = std::move(conn).take();
}

void check_local_standby(SwitchoverState& s) {
    if (pg::get_recovery_type(s.local) != pg::RecoveryType::kStandby) {
        throw Error(ExitCode::kSwitchoverFail,
                    "switchover must be executed from the standby node to be promoted")
            .detail(fmt::format("this node (ID: {}) is the primary", s.local_record.node_id));
    }
    check_replication_config_owner(s.cfg, s.local.server_version_num());
}

void check_demotion_candidate(SwitchoverState& s) {
    auto primary = find_primary_connection(s.local, false);
    if (!primary) {
        throw Error(ExitCode::kDbConn, "unable to connect to current primary node")
            .hint("check that the cluster is correctly configured and this standby is registered");
    }
    auto record = metadata::get_node_record(primary->conn, primary->node_id);
    if (!record) {
        throw Error(ExitCode::kDbQuery,
                    fmt::format("unable to retrieve node record for current primary (node {})",
                                primary->node_id));
    }
    s.primary = std::move(primary->conn);
    s.primary_record = *record;
    check_downstream_of_primary(s);
    check_replay_not_paused(s.local);
    if (pg::in_exclusive_backup(*s.primary)) {
        throw Error(ExitCode::kSwitchoverFail,
                    "unable to perform a switchover while primary server is in exclusive backup mode")
            .hint("stop backup before attempting the switchover");
    }
    if (s.options.force_rewind) check_rewind_prerequisites(*s.primary, s.options.dry_run);
    s.remote_config_files = pg::get_datadir_configuration_files(*s.primary);
    s.archive_mode_on = pg::get_setting(*s.primary, "archive_mode") != "off";
}

void check_walsenders(SwitchoverState& s) {
    // The demoted primary needs a walsender too.
    const int required = static_cast<int>(s.followers.size()) + 1;
    const pg::WalsenderCapacity senders = pg::get_walsender_capacity(s.local);
    if (senders.free() < required) {
        capacity_shortfall(
            s, Error(ExitCode::kBadConfig, "insufficient free walsenders on promotion candidate")
                   .detail(fmt::format("at least {} walsenders required but only {} free "
                                       "walsenders on promotion candidate",
                                       required, senders.free()))
                   .hint("increase parameter \"max_wal_senders\" or use -F/--force to proceed in "
                         "any case"));
    } else if (s.options.dry_run) {
        log::info("{} walsenders required, {} available", required, senders.free());
    }
}

void check_replication_lag(SwitchoverState& s) {
    const long lag = pg::get_standby_replay_info(s.local).lag_seconds;
    const long warning = s.cfg.replication_lag_warning.count();
    const long critical = s.cfg.replication_lag_critical.count();
    if (lag >= critical || lag < 0) {
        const std::string what = lag < 0 ? "unable to check replication lag on local node"
                                         : "replication lag on this node is critical";
        const std::string detail =
            fmt::format("lag is {} seconds (critical threshold: {})", lag, critical);
        if (!s.options.force) {
            Error e(ExitCode::kSwitchoverFail, what);
            if (lag >= 0) {
                e.detail(detail).hint(
                    "PostgreSQL on the demotion candidate will not shut down until pending WAL is "
                    "flushed to the standby; use -F/--force to continue anyway");
            } else {
                e.hint("use -F/--force to continue anyway");
            }
            throw e;
        }
        log::warning("{}", what);
        if (lag >= 0) log::detail("{}", detail);
        log::notice("-F/--force set, continuing with switchover");
    } else if (lag >= warning) {
        // "is warning": repmgr's text.
        log::warning("replication lag on this node is warning");
        log::detail("lag is {} seconds (warning threshold: {})", lag, warning);
    } else if (s.options.dry_run) {
        log::info("replication lag on this standby is {} seconds", lag);
    } else {
        log::verbose(log::Level::kInfo, "replication lag on this standby is {} seconds", lag);
    }
}

void check_slots(SwitchoverState& s) {
    int required = s.primary_record.slot_name.empty() ? 0 : 1;
    for (const auto& f : s.followers) required += f.slot_name.empty() ? 0 : 1;
    if (required == 0) return;
    const pg::SlotCapacity slots = pg::get_slot_capacity(s.local);
    const int available = slots.max_replication_slots - slots.active;
    if (available < required) {
        capacity_shortfall(
            s, Error(ExitCode::kBadConfig, "insufficient free replication slots to attach all nodes")
                   .detail(fmt::format("at least {} additional replication slots required but "
                                       "only {} free slots available on promotion candidate",
                                       required, available))
                   .hint("increase parameter \"max_replication_slots\" or use -F/--force to "
                         "proceed in any case"));
    } else if (s.options.dry_run) {
        log::info("{} replication slots required, {} available", required, available);
    }
}

}  // namespace repmgr::workflow
