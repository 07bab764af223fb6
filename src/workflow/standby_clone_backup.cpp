// standby clone, steps 9-16 (commands.md §4.1): the dry-run report, the data directory, the
// replication slot and pg_basebackup itself.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "repmgr/common/process.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/pg/data_directory.hpp"
#include "repmgr/pg/replication.hpp"
#include "repmgr/pg/service.hpp"
#include "repmgr/pg/source_server.hpp"
#include "repmgr/workflow/connections.hpp"
#include "standby_clone_steps.hpp"

namespace repmgr::workflow::standby_clone_steps {
namespace {

// repmgr names the source "node -1" when it drops a slot there (it does not know its id).
constexpr int kUnknownNodeId = -1;

// A connection to the server behind `params` as `user`. Throws db::DbConnectError.
db::Connection connect_as(db::ConnInfo params, const std::string& user) {
    params.set("user", user);
    return db::Connection::connect(params);
}

// Drops the slot on `conn` if it is there (repmgr's drop_replication_slot_if_exists()).
void drop_slot_if_exists(const CloneState& s, db::Connection& conn, int node_id) {
    log::verbose(log::Level::kInfo, "managing replication slot as user \"{}\"", conn.user());
    try {
        if (!pg::get_slot_state(conn, s.slot_name).exists) return;
        pg::drop_slot(conn, s.slot_name);
        log::notice("replication slot \"{}\" deleted on node {}", s.slot_name, node_id);
    } catch (const db::DbQueryError& e) {
        log::warning("unable to drop replication slot \"{}\" on node {}", s.slot_name, node_id);
        log::detail("{}", trim(e.server_message()));
    }
}

// Creates (or reuses an inactive) physical slot; returns repmgr's error text on failure.
std::optional<std::string> create_or_reuse_slot(db::Connection& conn, const std::string& slot) {
    try {
        const pg::SlotState state = pg::get_slot_state(conn, slot);
        if (state.exists) {
            if (state.slot_type != "physical") {
                return fmt::format("slot \"{}\" exists and is not a physical slot\n", slot);
            }
            if (state.active) return fmt::format("slot \"{}\" already exists as an active slot\n", slot);
            log::debug("replication slot \"{}\" exists but is inactive; reusing", slot);
            return std::nullopt;
        }
        pg::create_physical_slot(conn, slot);
        return std::nullopt;
    } catch (const db::DbQueryError& e) {
        return fmt::format("unable to create slot \"{}\" on the upstream node: {}", slot,
                           e.server_message());
    }
}

}  // namespace

pg::BasebackupCommand basebackup_command(CloneState& s, bool progress) {
    pg::BasebackupRequest r;
    r.program = pg::pg_program(s.cfg, "pg_basebackup");
    r.data_directory = s.data_dir;
    if (s.opt.source_conninfo) {
        db::ConnInfo conninfo = *s.opt.source_conninfo;
        if (!s.replication_user.empty()) conninfo.set("user", s.replication_user);
        r.conninfo = conninfo;
    } else {
        r.host = s.opt.host;
        r.port = s.opt.port;
        r.user = s.replication_user;
    }
    r.fast_checkpoint = s.opt.fast_checkpoint;
    r.tablespaces = s.cfg.tablespace_mapping;
    r.wal_method_stream = !s.backup_options.wal_method.has_value();
    if (!s.slot_name.empty() && s.source_version >= 90600 && !s.backup_options.slot &&
        s.backup_options.streams_wal()) {
        r.slot = s.slot_name;
    }
    r.extra_options = s.cfg.pg_basebackup_options;
    r.progress = progress;
    return pg::build_basebackup_command(r);
}

void report_dry_run(CloneState& s) {
    if (!s.slot_name.empty()) {
        auto user = choose_slot_user(s);
        if (!user) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("prerequisites not met for creating a replication slot on "
                                    "upstream node {}",
                                    s.upstream_node_id));
        }
        log::info("replication slots will be created by {} \"{}\"", user->description, user->user);
    }
    if (s.upstream_node_id > 0) {
        log::notice("standby will attach to upstream node {}", s.upstream_node_id);
    } else {
        log::warning("unable to determine a valid upstream node id");
    }
    if (!s.opt.fast_checkpoint) log::hint("consider using the -c/--fast-checkpoint option");
    log::info("would execute:\n  {}", basebackup_command(s, false).display);
    log::info("all prerequisites for \"standby clone\" are met");
}

void prepare_data_directory(CloneState& s) {
    switch (pg::check_directory(s.data_dir)) {
        case pg::DirectoryState::kMissing:
            log::info("creating directory \"{}\"...", s.data_dir);
            pg::create_directory(s.data_dir);
            return;
        case pg::DirectoryState::kEmpty:
            log::info("checking and correcting permissions on existing directory \"{}\"",
                      s.data_dir);
            pg::create_directory(s.data_dir);  // sets mode 0700
            return;
        default:
            break;
    }
    log::warning("directory \"{}\" exists but is not empty", s.data_dir);
    if (!s.opt.force) {
        throw Error(ExitCode::kBadConfig, fmt::format("unable to use directory \"{}\"", s.data_dir))
            .hint("use -F/--force to force this directory to be overwritten");
    }
    if (pg::is_pg_data_directory(s.data_dir)) {
        log::notice("-F/--force provided - deleting existing data directory \"{}\"", s.data_dir);
    } else {
        log::notice("deleting existing directory \"{}\"", s.data_dir);
    }
    pg::recreate_directory(s.data_dir);
}

void check_tablespace_mapping(CloneState& s) {
    const auto& mappings = s.cfg.tablespace_mapping;
    if (mappings.empty()) return;
    const std::vector<std::string> locations = pg::get_tablespace_locations(*s.source);
    std::string missing;
    int missing_count = 0;
    for (const auto& m : mappings) {
        if (std::find(locations.begin(), locations.end(), m.old_dir) != locations.end()) continue;
        ++missing_count;
        missing += "  " + m.old_dir + "\n";
    }
    if (missing_count == 0) return;
    throw Error(ExitCode::kBadConfig, fmt::format("{} of {} mapped tablespaces not found",
                                                  missing_count, mappings.size()))
        .detail("following tablespaces not found:\n" + missing);
}

void create_slot_on_source(CloneState& s) {
    if (s.slot_name.empty()) return;
    auto user = choose_slot_user(s);
    if (!user) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("prerequisites not met for creating a replication slot on "
                                "upstream node {}",
                                s.upstream_node_id));
    }
    if (user->description == "superuser") {
        log::verbose(log::Level::kInfo, "creating replication slot as superuser \"{}\"", user->user);
    } else {
        log::verbose(log::Level::kInfo, "managing replication slot as {} \"{}\"", user->description,
                     user->user);
    }
    std::optional<db::Connection> as_slot_user;
    if (user->user != s.source->user()) as_slot_user = connect_as(s.opt.source_params, user->user);
    db::Connection& conn = as_slot_user ? *as_slot_user : *s.source;
    if (auto failure = create_or_reuse_slot(conn, s.slot_name)) {
        metadata::create_event_notification(&s.primary_conn(), s.cfg,
                                            {s.cfg.node_id, "standby_clone", false, *failure, {}});
        throw Error(ExitCode::kDbQuery, *failure);
    }
    s.slot_created = true;
    log::verbose(log::Level::kInfo, "replication slot \"{}\" created on source node", s.slot_name);
}

void run_basebackup(CloneState& s) {
    log::notice("starting backup (using pg_basebackup)...");
    if (!s.opt.fast_checkpoint) {
        log::hint("this may take some time; consider using the -c/--fast-checkpoint option");
    }
    const pg::BasebackupCommand command = basebackup_command(s, s.opt.show_progress);
    log::info("executing:\n  {}", command.display);
    if (pg::run_basebackup(command) == 0) return;
    if (s.slot_created) drop_slot_if_exists(s, *s.source, kUnknownNodeId);
    throw Error(ExitCode::kBadBasebackup, "unable to take a base backup of the source server")
        .hint(fmt::format("data directory (\"{}\") may need to be cleaned up manually", s.data_dir));
}

void move_slot_to_upstream(CloneState& s) {
    if (s.slot_name.empty()) return;
    verbose_trace("get_node_record()");
    auto upstream = connect_quiet(s.upstream_record->conninfo);
    if (!upstream) {
        log::warning("unable to connect to upstream node {} to create a replication slot",
                     s.upstream_node_id);
        return;
    }
    if (pg::get_slot_state(*upstream, s.slot_name).exists) {
        log::verbose(log::Level::kInfo, "replication slot \"{}\" already exists on upstream node {}",
                     s.slot_name, s.upstream_node_id);
        return;
    }
    log::notice("creating replication slot \"{}\" on upstream node {}", s.slot_name,
                s.upstream_node_id);
    log::verbose(log::Level::kInfo, "managing replication slot as user \"{}\"", upstream->user());
    if (auto failure = create_or_reuse_slot(*upstream, s.slot_name)) {
        log::warning("{}", trim(*failure));
        return;
    }
    drop_slot_if_exists(s, *s.source, kUnknownNodeId);
    log::notice("replication slot \"{}\" deleted on source node", s.slot_name);
}

void verify_backup(CloneState& s) {
    if (!s.opt.verify_backup) return;
    const std::string program = pg::pg_program(s.cfg, "pg_verifybackup");
    if (::access(program.c_str(), X_OK) != 0) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to find expected binary \"{}\"", program))
            .detail(std::strerror(errno));
    }
    CommandOptions run;
    run.capture_stdout = false;
    run.capture_stderr = false;
    if (run_shell(shell_quote(program) + " " + shell_quote(s.data_dir), run).exit_status != 0) {
        throw Error(ExitCode::kBadBasebackup, "unable to verify backup");
    }
    log::verbose(log::Level::kInfo, "backup successfully verified");
}

}  // namespace repmgr::workflow::standby_clone_steps
