// Handler of: standby clone. Turns the command line into StandbyCloneOptions, including the
// source connection parameters in the order repmgr collects them, and calls the workflow.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "cli/handlers.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/db/conninfo.hpp"
#include "repmgr/workflow/standby_clone.hpp"

namespace repmgr::cli {
namespace {

std::string env_or(const char* name, std::string fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

std::string os_user() {
    const passwd* pw = ::getpwuid(::geteuid());
    return pw ? pw->pw_name : "";
}

bool is_conninfo_string(std::string_view s) {
    return starts_with(s, "postgresql://") || starts_with(s, "postgres://") ||
           s.find('=') != std::string_view::npos;
}

// repmgr's source parameter list: -h/-p/-U as they appear on the command line, then the
// keywords of a -d conninfo (libpq order) or the database name (-d, else PGDATABASE), then the
// host given as an extra argument; a keyword seen again keeps its place.
void fill_source(const CommandContext& ctx, workflow::StandbyCloneOptions& opt) {
    const CliOptions& o = ctx.options;
    for (const auto& keyword : o.connection_option_order) {
        const auto& value = keyword == "host" ? o.host : keyword == "port" ? o.port : o.username;
        if (value) opt.source_params.set(keyword, *value);
    }
    const std::string dbname = o.dbname.value_or(env_or("PGDATABASE", ""));
    if (o.dbname && is_conninfo_string(*o.dbname)) {
        db::ConnInfo conninfo = db::ConnInfo::parse(*o.dbname);
        for (const auto& [key, value] : conninfo.params()) opt.source_params.set(key, value);
        opt.source_conninfo = conninfo;
    } else if (!dbname.empty()) {
        opt.source_params.set("dbname", dbname);
    }
    if (!ctx.positional.empty()) opt.source_params.set("host", ctx.positional.front());
    opt.host = !ctx.positional.empty() ? ctx.positional.front()
                                       : o.host.value_or(env_or("PGHOST", ""));
    opt.port = o.port.value_or(env_or("PGPORT", "5432"));
    opt.username = o.username.value_or(os_user());
}

}  // namespace

ExitCode standby_clone(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    workflow::StandbyCloneOptions opt;
    fill_source(ctx, opt);
    opt.config_file_provided = ctx.config_file_found;
    opt.pgdata = o.pgdata.value_or("");
    opt.force = o.force;
    opt.dry_run = o.dry_run;
    opt.fast_checkpoint = o.fast_checkpoint;
    if (o.upstream_node_id) opt.upstream_node_id = parse_int_strict(*o.upstream_node_id);
    opt.upstream_conninfo = o.upstream_conninfo;
    opt.replication_user = o.replication_user;
    opt.superuser = o.superuser;
    opt.remote_user = o.remote_user.value_or("");
    opt.recovery_min_apply_delay = o.recovery_min_apply_delay;
    opt.copy_external_config_files = o.copy_external_config_files;
    const std::string mode = o.copy_external_config_files_value.value_or("samepath");
    opt.copy_mode = mode == "samepath" ? workflow::CopyConfigFilesMode::kSamePath
                                       : workflow::CopyConfigFilesMode::kPgdata;
    opt.without_barman = o.without_barman;
    opt.replication_conf_only = o.replication_conf_only;
    opt.verify_backup = o.verify_backup;
    opt.show_progress = ::isatty(STDERR_FILENO) == 1;
    return workflow::standby_clone(ctx.config, opt);
}

}  // namespace repmgr::cli
