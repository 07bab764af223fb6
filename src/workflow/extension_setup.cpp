// The extension part of primary register / witness register (commands.md §2 step 4, §10 step 5).
#include "repmgr/workflow/extension_setup.hpp"

#include <fmt/format.h>

#include "repmgr/db/conninfo.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/extension.hpp"
#include "repmgr/pg/server.hpp"

namespace repmgr::workflow {
namespace {

// A connection allowed to run CREATE EXTENSION: the repmgr user itself if it is a superuser
// (nullopt), else the -S user. Throws with repmgr's messages otherwise (also in dry-run mode).
std::optional<db::Connection> superuser_connection(const config::Config& cfg,
                                                   db::Connection& conn,
                                                   const ExtensionSetupOptions& options) {
    if (pg::is_superuser(conn)) return std::nullopt;
    if (!options.superuser) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("\"{}\" is not a superuser and no superuser name supplied",
                                conn.user()))
            .hint("supply a valid superuser name with -S/--superuser");
    }
    db::ConnInfo info = db::ConnInfo::parse(cfg.conninfo);
    info.set("user", *options.superuser);
    auto su = db::Connection::try_connect(info);
    if (!su.ok()) {
        // repmgr prints the libpq error here, without the "attempted to connect using" part.
        log::error("connection to database failed");
        log::detail("\n{}", su.error().libpq_message());
        throw Error(ExitCode::kBadConfig, fmt::format("unable to establish superuser connection as \"{}\"",
                                                      *options.superuser));
    }
    if (!pg::is_superuser(su.value())) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("\"{}\" is not a superuser", *options.superuser));
    }
    return std::move(su).take();
}

void install_extension(db::Connection& conn, std::optional<db::Connection>& su) {
    db::Connection& installer = su ? *su : conn;
    try {
        metadata::create_extension(installer);
    } catch (const db::DbQueryError& e) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to create \"repmgr\" extension:\n  {}", e.server_message()))
            .hint("check that the provided user has sufficient privileges for CREATE EXTENSION");
    }
    if (!su) return;
    try {
        metadata::grant_repmgr_access(*su, conn.user());
    } catch (const db::DbQueryError& e) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to grant permissions on the \"repmgr\" schema to "
                                "\"{}\":\n  {}",
                                conn.user(), e.server_message()));
    }
}

}  // namespace

bool ensure_repmgr_extension(const config::Config& cfg, db::Connection& conn,
                             const ExtensionSetupOptions& options) {
    metadata::ExtensionInfo ext = metadata::get_extension_info(conn);
    switch (ext.status) {
        case metadata::ExtensionStatus::kUnknown:
            throw Error(ExitCode::kBadConfig, "unable to determine status of \"repmgr\" extension");
        case metadata::ExtensionStatus::kUnavailable:
            throw Error(ExitCode::kBadConfig, "\"repmgr\" extension is not available");
        case metadata::ExtensionStatus::kOldVersionInstalled:
            throw Error(ExitCode::kBadConfig,
                        "an older version of the \"repmgr\" extension is installed")
                .detail(fmt::format("version {} is installed but newer version {} is available",
                                    ext.installed_version, ext.default_version))
                .hint("update the installed extension version by executing \"ALTER EXTENSION "
                      "repmgr UPDATE\" in the repmgr database");
        case metadata::ExtensionStatus::kInstalled:
            log::info("\"repmgr\" extension is already installed");
            return false;
        case metadata::ExtensionStatus::kAvailable:
            break;
    }
    if (options.dry_run) {
        log::notice("would now attempt to install extension \"repmgr\"");
    } else {
        log::notice("attempting to install extension \"repmgr\"");
    }
    std::optional<db::Connection> su = superuser_connection(cfg, conn, options);
    if (options.dry_run) return false;
    install_extension(conn, su);
    log::notice("\"repmgr\" extension successfully installed");
    return true;
}

}  // namespace repmgr::workflow
