// standby clone --replication-conf-only (commands.md §4.3): the replication configuration
// (and slot) for an existing data directory of a registered standby. No event is written.
#include <fmt/format.h>

#include <filesystem>

#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/pg/data_directory.hpp"
#include "repmgr/pg/recovery_config.hpp"
#include "repmgr/pg/replication.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/pg/source_server.hpp"
#include "repmgr/workflow/connections.hpp"
#include "standby_clone_steps.hpp"

namespace repmgr::workflow::standby_clone_steps {
namespace {

struct ConfOnly {
    const config::Config& cfg;
    const StandbyCloneOptions& opt;
    std::string data_dir;
    std::optional<db::Connection> source;
    int version = 0;
    bool running = false;
    metadata::NodeRecord upstream;
    metadata::NodeRecord local;
    std::optional<db::Connection> upstream_conn;
    std::string slot_name;           // "" without use_replication_slots
    bool set_slot_name = false;      // the local record gets slot_name = slot_name
    bool create_slot = false;        // the slot is missing on the upstream
};

std::string describe(const metadata::NodeRecord& rec) {
    return fmt::format("\"{}\" (ID: {})", rec.node_name, rec.node_id);
}

void connect_source(ConfOnly& c) {
    auto conn = db::Connection::try_connect(c.opt.source_params);
    if (!conn.ok()) {
        throw Error(ExitCode::kDbConn, "connection to database failed")
            .detail("\n" + conn.error().libpq_message());
    }
    c.source = std::move(conn).take();
    c.version = c.source->server_version_num();
    if (c.version < 90400) {
        throw Error(ExitCode::kBadConfig, "repmgr requires primary to be PostgreSQL 9.4 or later")
            .detail("primary server version is " + pg::get_server_version_string(*c.source));
    }
}

void check_data_directory(ConfOnly& c) {
    auto fail = [&c](std::string_view what) {
        return Error(ExitCode::kBadConfig,
                     fmt::format("specified data directory \"{}\" {}", c.data_dir, what));
    };
    switch (pg::check_directory(c.data_dir)) {
        case pg::DirectoryState::kMissing: throw fail("does not exist");
        case pg::DirectoryState::kEmpty: throw fail("is empty");
        default: break;
    }
    if (!pg::is_pg_data_directory(c.data_dir)) throw fail("does not contain a PostgreSQL instance");
    c.running = pg::postmaster_running(c.data_dir);
    if (!c.running) return;
    if (!c.opt.force) {
        throw fail("appears to contain a running PostgreSQL instance")
            .hint(c.version >= 120000 ? "use -F/--force to create replication configuration anyway"
                                      : "use -F/--force to create \"recovery.conf\" anyway");
    }
    log::warning("creating replication configuration in an active data directory");
}

void load_records(ConfOnly& c) {
    int upstream_id = -1;
    if (c.opt.upstream_node_id) {
        upstream_id = *c.opt.upstream_node_id;
    } else {
        auto primary_id = metadata::get_active_primary_node_id(*c.source);
        if (!primary_id) {
            throw Error(ExitCode::kBadConfig,
                        "unable to determine primary node for this replication cluster");
        }
        log::debug("primary node determined as: {}", *primary_id);
        upstream_id = *primary_id;
    }
    auto upstream = metadata::get_node_record(*c.source, upstream_id);
    if (!upstream) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to retrieve node record for upstream node {}", upstream_id));
    }
    auto local = metadata::get_node_record(*c.source, c.cfg.node_id);
    if (!local) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to retrieve node record for local node {}", c.cfg.node_id))
            .hint("standby must be registered before replication can be configured");
    }
    c.upstream = *upstream;
    c.local = *local;
}

void connect_upstream(ConfOnly& c) {
    c.upstream_conn = connect_quiet(c.upstream.conninfo);
    if (!c.upstream_conn) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to connect to upstream node {}", describe(c.upstream)));
    }
    auto repl = pg::connect_replication(c.upstream.conninfo, c.upstream.repluser);
    if (repl.ok()) return;
    if (!c.opt.force) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to establish a replication connection to upstream node {}",
                                describe(c.upstream)))
            .detail("\n" + repl.error().libpq_message());
    }
    log::warning("unable to establish a replication connection to upstream node {}",
                 describe(c.upstream));
}

// The local record's slot name (set to repmgr_slot_<id> when it has none), and whether the
// upstream already has that slot.
void check_slot(ConfOnly& c) {
    if (!c.cfg.use_replication_slots) return;
    c.slot_name = c.local.slot_name;
    if (c.slot_name.empty()) {
        c.slot_name = fmt::format("repmgr_slot_{}", c.local.node_id);
        c.set_slot_name = true;
        if (c.opt.dry_run) {
            log::info("would set \"slot_name\" for node {} to \"{}\"", describe(c.local), c.slot_name);
        }
    }
    const pg::SlotState state = pg::get_slot_state(*c.upstream_conn, c.slot_name);
    if (state.exists && state.active) {
        if (!c.opt.force) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("an active replication slot named \"{}\" already exists on "
                                    "upstream node {}",
                                    c.slot_name, describe(c.upstream)))
                .hint("use -F/--force to continue anyway");
        }
        log::warning("an active replication slot named \"{}\" already exists on upstream node {}",
                     c.slot_name, describe(c.upstream));
        return;
    }
    if (state.exists) {
        log::info("an inactive replication slot for this node exists on the upstream node");
        return;
    }
    const int max_slots = parse_int_strict(
        pg::get_pg_setting(*c.upstream_conn, "max_replication_slots").value_or("0")).value_or(0);
    if (static_cast<size_t>(max_slots) <= pg::get_physical_slots(*c.upstream_conn).size()) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("insufficient free replication slots on upstream node {}",
                                describe(c.upstream)));
    }
    c.create_slot = true;
}

pg::ConfigItems config_items(ConfOnly& c) {
    // primary_conninfo from the parameters actually used to reach the upstream (with the
    // connection defaults repmgr adds), as repmgr does for this mode.
    db::ConnInfo params = c.upstream_conn->conninfo();
    params.erase("application_name");
    params.erase("passfile");
    params.erase("servicefile");
    params.set("application_name", c.cfg.node_name);
    if (!c.upstream.repluser.empty()) params.set("user", c.upstream.repluser);
    const std::string conninfo = pg::format_primary_conninfo(params, c.cfg.node_name, c.cfg);
    const std::string delay = c.opt.recovery_min_apply_delay.value_or(c.cfg.recovery_min_apply_delay);
    return pg::replication_config_items(c.cfg, conninfo, c.slot_name, delay, c.version);
}

ExitCode report_dry_run(ConfOnly& c, const pg::ConfigItems& items) {
    if (c.version >= 120000) {
        log::info("following items would be added to \"postgresql.auto.conf\" in \"{}\"", c.data_dir);
    } else {
        log::info("would create \"recovery.conf\" file in \"{}\"", c.data_dir);
    }
    log::detail("\n{}", pg::render_recovery_conf(items));
    if (c.version >= 120000) log::info("would write \"standby.signal\" file");
    if (c.create_slot) {
        log::info("replication slots will be created by user \"{}\"", c.upstream_conn->user());
        log::info("would create replication slot \"{}\" on upstream node {}", c.slot_name,
                  describe(c.upstream));
    }
    return ExitCode::kSuccess;
}

void write_configuration(ConfOnly& c, const pg::ConfigItems& items) {
    const std::filesystem::path recovery_conf = std::filesystem::path(c.data_dir) / "recovery.conf";
    if (c.version < 120000 && std::filesystem::exists(recovery_conf) && !c.opt.force) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("\"recovery.conf\" already exists in \"{}\"", c.data_dir))
            .hint("use -F/--force to overwrite an existing \"recovery.conf\" file");
    }
    pg::write_replication_config(c.data_dir, items, c.version);
    if (c.version >= 120000) {
        log::notice("replication configuration written to \"postgresql.auto.conf\"");
    } else {
        log::notice("\"recovery.conf\" created as \"{}\"", recovery_conf.string());
    }
    if (!c.running) return;
    if (c.version >= 130000) {
        log::hint("configuration must be reloaded for the configuration changes to take effect");
    } else {
        log::hint("node must be restarted for the configuration changes to take effect");
    }
}

// The record is written on the primary: the source itself, or the primary its metadata names.
void store_slot_name(ConfOnly& c) {
    c.local.slot_name = c.slot_name;
    if (pg::get_recovery_type(*c.source) != pg::RecoveryType::kStandby) {
        metadata::update_node_record(*c.source, c.local);
        return;
    }
    for (const auto& rec : metadata::get_primary_candidates(*c.source)) {
        auto conn = connect_quiet(rec.conninfo);
        if (conn && pg::get_recovery_type(*conn) == pg::RecoveryType::kPrimary) {
            metadata::update_node_record(*conn, c.local);
            return;
        }
    }
    log::warning("unable to set \"slot_name\" for node {}: no primary found", describe(c.local));
}

void update_slot(ConfOnly& c) {
    if (c.set_slot_name) store_slot_name(c);
    if (!c.create_slot) return;
    log::verbose(log::Level::kInfo, "managing replication slot as user \"{}\"", c.upstream_conn->user());
    pg::create_physical_slot(*c.upstream_conn, c.slot_name);
    log::notice("replication slot \"{}\" created on upstream node {}", c.slot_name,
                describe(c.upstream));
}

}  // namespace

ExitCode replication_conf_only(const config::Config& cfg, const StandbyCloneOptions& options,
                               const std::string& data_dir) {
    ConfOnly c{cfg, options, data_dir, {}, 0, false, {}, {}, {}, "", false, false};
    connect_source(c);
    check_data_directory(c);
    load_records(c);
    connect_upstream(c);
    check_slot(c);
    const pg::ConfigItems items = config_items(c);
    if (options.dry_run) return report_dry_run(c, items);
    write_configuration(c, items);
    update_slot(c);
    return ExitCode::kSuccess;
}

}  // namespace repmgr::workflow::standby_clone_steps
