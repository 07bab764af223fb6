// standby register: connecting to the local node, the upstream checks and --wait-sync
// (commands.md §5 steps 1-2, 7, 9 and 13).
#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"
#include "record_write_error.hpp"
#include "standby_register_steps.hpp"

namespace repmgr::workflow::standby_register_steps {
namespace {

using namespace std::chrono_literals;

// One quiet attempt (the failure is printed only with -v); `error` receives libpq's message.
std::optional<db::Connection> try_local(const config::Config& cfg, std::string& error) {
    auto result = try_connect_quiet(cfg.conninfo);
    if (result.ok()) return std::move(result).take();
    error = result.error().libpq_message();
    return std::nullopt;
}

// Whether `node_name` streams from the server `upstream` is connected to; logs repmgr's
// warning for a missing or duplicated pg_stat_replication row.
bool streams_from(db::Connection& upstream, const std::string& node_name) {
    const pg::AttachState state = pg::attach_state(pg::get_replication_clients(upstream), node_name);
    if (auto w = pg::attach_warning(state, node_name)) log::warning("{}", *w);
    return state == pg::AttachState::kAttached;
}

void create_placeholder(const StandbyRegisterOptions& options, RegisterState& state) {
    const int upstream_id = *options.upstream_node_id;
    log::notice("creating placeholder record for upstream node {}", upstream_id);
    // repmgr writes the placeholder even with --dry-run; we only announce it (a dry run must not
    // change anything).
    if (options.dry_run) return;
    metadata::NodeRecord rec;
    rec.node_id = upstream_id;
    rec.type = metadata::NodeType::kStandby;
    rec.conninfo = options.upstream_conninfo.value_or("");
    rec.active = false;
    rec.config_file = "";
    rec.repluser = "";
    // A standby record without upstream points at the current primary, as repmgr writes it.
    rec.upstream_node_id = metadata::get_active_primary_node_id(*state.primary);
    try {
        metadata::create_node_record(*state.primary, rec);
    } catch (const db::DbQueryError& e) {
        log_record_write_error(rec, false, e);
        if (!metadata::get_node_record(*state.primary, upstream_id)) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("unable to create placeholder record for upstream node {}",
                                    upstream_id));
        }
        log::info("a record for upstream node {} was already created", upstream_id);
    }
}

void check_upstream_attachment(const config::Config& cfg, const StandbyRegisterOptions& options,
                               const metadata::NodeRecord& upstream) {
    const std::string who = describe_node(upstream.node_name, upstream.node_id);
    auto conn = connect_or_report(upstream.conninfo);
    if (!conn) {
        if (!options.force) {
            throw Error(ExitCode::kBadConfig, fmt::format("unable to connect to upstream {}", who))
                .hint("use -F/--force to continue anyway");
        }
        log::warning("unable to connect to upstream {} but continuing anyway", who);
        return;
    }
    if (streams_from(*conn, cfg.node_name)) {
        log::verbose(log::Level::kInfo, "local node is attached to specified upstream node {}",
                     upstream.node_id);
        return;
    }
    if (!options.force) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("this node does not appear to be attached to upstream {}", who))
            .detail(fmt::format("no record for application name \"{}\" found in \"pg_stat_replication\"",
                                cfg.node_name))
            .hint("use -F/--force to continue anyway");
    }
    log::warning("this node does not appear to be attached to upstream {}", who);
}

bool same_replicated_fields(const metadata::NodeRecord& a, const metadata::NodeRecord& b) {
    return a.upstream_node_id == b.upstream_node_id && a.type == b.type &&
           a.priority == b.priority && a.location == b.location && a.active == b.active &&
           a.node_name == b.node_name && a.conninfo == b.conninfo && a.slot_name == b.slot_name;
}

}  // namespace

metadata::EventOtherNode primary_as_other(const RegisterState& state) {
    if (!state.primary_record) return {};
    return {state.primary_record->node_id, state.primary_record->conninfo,
            state.primary_record->node_name};
}

std::string describe_node(const std::string& name, int node_id) {
    return fmt::format("node \"{}\" (ID: {})", name, node_id);
}

std::optional<db::Connection> connect_local_node(const config::Config& cfg,
                                                 const StandbyRegisterOptions& options) {
    const std::string who = describe_node(cfg.node_name, cfg.node_id);
    log::info("connecting to local {}", who);
    std::string error;
    auto local = try_local(cfg, error);
    if (!local && !options.force) {
        const int attempts = options.wait_start_seconds;
        for (int i = 0; i < attempts; ++i) {
            log::verbose(log::Level::kInfo, "{} of {} connection attempts", i + 1, attempts);
            local = try_local(cfg, error);
            if (local) {
                log::info("connected to local {} after {} seconds", who, i);
                break;
            }
            std::this_thread::sleep_for(1s);
        }
    }
    if (local) return local;
    Error err(ExitCode::kBadConfig, fmt::format("unable to connect to local {}", who));
    if (!options.force) {
        throw err.detail("\n" + error)
            .hint("to register a standby which is not running, provide primary connection "
                  "parameters and use option -F/--force");
    }
    if (!options.connection_params_provided) {
        throw err.hint("to register a standby which is not running, additionally provide the "
                       "primary connection parameters");
    }
    return std::nullopt;
}

void check_given_upstream(const config::Config& cfg, const StandbyRegisterOptions& options,
                          RegisterState& state) {
    const int upstream_id = *options.upstream_node_id;
    if (upstream_id == cfg.node_id) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("provided node ID for --upstream-node-id ({}) is the same as the "
                                "configured local node ID ({})",
                                upstream_id, cfg.node_id));
    }
    auto upstream = metadata::get_node_record(*state.primary, upstream_id);
    if (!upstream) {
        if (!options.force) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("no record found for upstream node {}", upstream_id))
                .hint("use option -F/--force to create a dummy upstream record");
        }
        create_placeholder(options, state);
        return;
    }
    // repmgr tests the flag of the record it holds for the *local* node here (§5 step 7).
    if (!state.loaded.active) {
        if (!options.force) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("record for upstream node {} is marked as inactive", upstream_id))
                .hint("use option -F/--force to register a standby with an inactive upstream node");
        }
        log::notice("registering node {} with inactive upstream node {}", cfg.node_id, upstream_id);
        return;
    }
    check_upstream_attachment(cfg, options, *upstream);
}

void check_attached_to_primary(const config::Config& cfg, const StandbyRegisterOptions& options,
                               RegisterState& state) {
    log::warning("--upstream-node-id not supplied, assuming upstream node is primary (node ID: {})",
                 state.primary_node_id);
    if (streams_from(*state.primary, cfg.node_name)) {
        log::verbose(log::Level::kInfo, "local node is attached to primary");
        return;
    }
    const std::string text = fmt::format("local node not attached to primary node {}",
                                         state.primary_node_id);
    if (options.force) {
        log::warning("{}", text);
        log::notice("-F/--force supplied, continuing anyway");
        return;
    }
    const std::string hint =
        "specify the actual upstream node id with --upstream-node-id, or use -F/--force to "
        "continue anyway";
    if (!options.dry_run) throw Error(ExitCode::kBadConfig, text).hint(hint);
    log::error("{}", text);
    log::hint("{}", hint);
    state.dry_run_failed = true;
}

void wait_for_record_sync(const config::Config& cfg, const StandbyRegisterOptions& options,
                          RegisterState& state) {
    auto on_primary = metadata::get_node_record(*state.primary, cfg.node_id);
    if (!on_primary) {
        throw Error(ExitCode::kRegistrationSync, "unable to retrieve node record from primary");
    }
    const int timeout = *options.wait_sync_seconds;  // -1: no timeout
    int elapsed = 0;
    for (;;) {
        auto on_standby = metadata::get_node_record(*state.local, cfg.node_id);
        if (on_standby && same_replicated_fields(*on_standby, *on_primary)) break;
        if (timeout > 0 && elapsed >= timeout) {
            const std::string text =
                fmt::format("node record was not synchronised after {} seconds", timeout);
            metadata::create_event_notification(
                &*state.primary, cfg,
                {cfg.node_id, "standby_register_sync", false, text, primary_as_other(state)});
            throw Error(ExitCode::kRegistrationSync, text);
        }
        std::this_thread::sleep_for(1s);
        ++elapsed;
    }
    const std::string text = fmt::format("node record synchronised after {} seconds", elapsed);
    metadata::create_event_notification(&*state.primary, cfg,
                                        {cfg.node_id, "standby_register_sync", true, text,
                                         primary_as_other(state)});
    log::info("node record on standby synchronised from primary");
    log::detail("{}", text);
}

}  // namespace repmgr::workflow::standby_register_steps
