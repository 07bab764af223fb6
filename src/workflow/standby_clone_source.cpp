// standby clone, step 6 (commands.md §4.1): the source node, the primary behind it, the
// extension, the system identifier, the target directory and the upstream node.
#include <fmt/format.h>

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/extension.hpp"
#include "repmgr/pg/data_directory.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"
#include "standby_clone_steps.hpp"

namespace repmgr::workflow::standby_clone_steps {
namespace {

// The connection to a standby source's primary, found through the source's metadata with
// repmgr's verbose messages (get_primary_connection).
std::optional<db::Connection> find_primary(db::Connection& source) {
    log::verbose(log::Level::kInfo, "searching for primary node");
    std::vector<metadata::NodeRecord> candidates;
    try {
        candidates = metadata::get_primary_candidates(source);
    } catch (const db::DbQueryError& e) {
        log::error("unable to retrieve node records");
        log::detail("{}", e.server_message());
        return std::nullopt;
    }
    for (const auto& rec : candidates) {
        log::verbose(log::Level::kInfo, "checking if node {} is primary", rec.node_id);
        auto conn = connect_quiet(rec.conninfo);
        if (conn && pg::get_recovery_type(*conn) == pg::RecoveryType::kPrimary) {
            log::verbose(log::Level::kInfo, "current primary node is {}", rec.node_id);
            return conn;
        }
    }
    return std::nullopt;
}

// The repmgr extension must be installed where the metadata is read (unless -F). Returns
// whether it is.
bool check_extension(CloneState& s) {
    const metadata::ExtensionInfo ext = metadata::get_extension_info(s.primary_conn());
    const std::string dbname = s.opt.source_params.get("dbname").value_or("(null)");
    if (ext.status == metadata::ExtensionStatus::kInstalled) {
        if (s.opt.dry_run) log::info("\"repmgr\" extension is installed in database \"{}\"", dbname);
        return true;
    }
    if (s.opt.force) {
        log::warning("repmgr extension not found on source node");
        return false;
    }
    switch (ext.status) {
        case metadata::ExtensionStatus::kUnknown:
            throw Error(ExitCode::kDbQuery, "unable to determine status of \"repmgr\" extension");
        case metadata::ExtensionStatus::kAvailable:
            throw Error(ExitCode::kBadConfig,
                        fmt::format("repmgr extension is available but not installed in "
                                    "database \"{}\"",
                                    dbname))
                .hint("check that you are cloning from the database where \"repmgr\" is "
                      "installed");
        case metadata::ExtensionStatus::kOldVersionInstalled:
            throw Error(ExitCode::kBadConfig,
                        "an older version of the extension is installed on the upstream node")
                .detail(fmt::format("version {} is installed but newer version {} is available",
                                    ext.installed_version, ext.default_version))
                .hint("upgrade \"repmgr\" on the source node first");
        default:
            throw Error(ExitCode::kBadConfig,
                        "repmgr extension is not available on the upstream node");
    }
}

// The source must belong to the cluster its metadata describes: the first other node that
// can be reached must have the same system identifier (repmgr stops at the first one).
void check_system_identifier(CloneState& s) {
    if (s.primary || s.source_version < 90600) return;
    const auto own = pg::get_system_identifier(*s.source);
    if (!own) return;
    std::vector<metadata::NodeRecord> records;
    try {
        records = metadata::get_all_node_records(*s.source);
    } catch (const db::DbQueryError& e) {
        log::error("unable to retrieve node records");
        log::detail("{}", e.server_message());
        return;
    }
    log::debug("{} node records returned by source node", records.size());
    for (const auto& rec : records) {
        if (rec.type == metadata::NodeType::kWitness) continue;
        auto conn = connect_quiet(rec.conninfo);
        if (!conn) continue;
        const auto other = pg::get_system_identifier(*conn);
        if (!other) continue;
        if (*other != *own) {
            throw Error(ExitCode::kBadConfig,
                        "source node's system identifier does not match other nodes in the "
                        "replication cluster")
                .detail(fmt::format("source node's system identifier is {}, replication cluster "
                                    "member \"{}\"'s system identifier is {}",
                                    *own, rec.node_name, *other))
                .hint("check that the source node is not a witness server");
        }
        break;
    }
}

}  // namespace

bool verbose() { return log::settings().verbose; }

void verbose_trace(std::string_view text) {
    if (verbose()) log::verbose(log::Level::kDebug, "{}", text);
}

void connect_source(CloneState& s) {
    log::info("connecting to source node");
    log::detail("connection string is: {}", s.opt.source_params.to_display_string());
    auto conn = db::Connection::try_connect(s.opt.source_params);
    if (!conn.ok()) {
        // repmgr's establish_db_connection_by_params(): no "attempted to connect using" part.
        throw Error(ExitCode::kDbConn, "connection to database failed")
            .detail("\n" + conn.error().libpq_message());
    }
    s.source = std::move(conn).take();
    s.source_version = s.source->server_version_num();
    if (s.source_version < 90400) {
        throw Error(ExitCode::kBadConfig, "repmgr requires primary to be PostgreSQL 9.4 or later")
            .detail("primary server version is " + pg::get_server_version_string(*s.source));
    }
    verbose_trace("get_cluster_size()");
    if (auto size = pg::get_total_data_size(*s.source)) {
        log::detail("current installation size is {}", *size);
    }
}

void check_source_node(CloneState& s) {
    if (pg::get_recovery_type(*s.source) == pg::RecoveryType::kStandby) {
        s.primary = find_primary(*s.source);
        if (!s.primary) throw Error(ExitCode::kBadConfig, "unable to connect to primary node");
    }
    if (check_extension(s)) check_system_identifier(s);
}

void check_target_is_data_directory(const CloneState& s) {
    if (!pg::is_pg_data_directory(s.data_dir)) return;
    if (!s.opt.dry_run && !s.opt.force) {
        throw Error(ExitCode::kBadConfig,
                    "target data directory appears to be a PostgreSQL data directory")
            .detail(fmt::format("target data directory is \"{}\"", s.data_dir))
            .hint("use -F/--force to overwrite the existing data directory");
    }
    if (!s.opt.dry_run) return;
    if (s.opt.force) {
        log::warning("target data directory appears to be a PostgreSQL data directory and will "
                     "be overwritten");
        log::detail("target data directory is \"{}\"", s.data_dir);
    } else {
        log::warning("target data directory appears to be a PostgreSQL data directory");
        log::detail("target data directory is \"{}\"", s.data_dir);
        log::hint("use -F/--force to overwrite the existing data directory");
    }
}

void determine_upstream(CloneState& s) {
    try {
        if (s.opt.upstream_node_id) {
            s.upstream_node_id = *s.opt.upstream_node_id;
        } else {
            s.upstream_node_id = metadata::get_active_primary_node_id(*s.source).value_or(-1);
        }
        log::debug("upstream_node_id determined as {}", s.upstream_node_id);
        s.upstream_record = metadata::get_node_record(*s.source, s.upstream_node_id);
    } catch (const db::DbQueryError& e) {
        log::error("unable to retrieve the upstream node's record");
        log::detail("{}", e.server_message());
        s.upstream_record.reset();
    }
    if (s.opt.replication_user) {
        s.replication_user = *s.opt.replication_user;
    } else if (s.upstream_record && !s.upstream_record->repluser.empty()) {
        s.replication_user = s.upstream_record->repluser;
    } else {
        s.replication_user = s.opt.username;
    }
    if (s.cfg.use_replication_slots) s.slot_name = fmt::format("repmgr_slot_{}", s.cfg.node_id);
    if (!s.opt.config_file_provided) return;
    std::optional<metadata::NodeRecord> same_name;
    try {
        same_name = metadata::get_node_record_by_name(*s.source, s.cfg.node_name);
    } catch (const db::DbQueryError&) {
        same_name.reset();
    }
    if (same_name && same_name->node_id != s.cfg.node_id) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("another node (ID: {}) already exists with node_name \"{}\"",
                                same_name->node_id, s.cfg.node_name));
    }
}

}  // namespace repmgr::workflow::standby_clone_steps
