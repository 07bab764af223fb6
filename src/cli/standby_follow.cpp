// Handlers of: standby promote, standby follow, node rejoin.
#include "repmgr/workflow/standby_follow.hpp"

#include "cli/handlers.hpp"
#include "cli/node_selection.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/remote/executor.hpp"
#include "repmgr/workflow/node_rejoin.hpp"
#include "repmgr/workflow/standby_promote.hpp"

namespace repmgr::cli {

ExitCode standby_promote(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    workflow::StandbyPromoteOptions options;
    options.dry_run = o.dry_run;
    options.force = o.force;
    options.siblings_follow = o.siblings_follow;
    options.log_level = o.log_level.value_or("");
    std::unique_ptr<remote::Executor> executor;
    if (options.siblings_follow) {
        executor = remote::make_ssh_executor(ctx.config, o.remote_user.value_or(""));
    }
    return workflow::standby_promote(ctx.config, options, executor.get());
}

ExitCode standby_follow(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    workflow::StandbyFollowOptions options;
    options.dry_run = o.dry_run;
    // Option values were validated by the command-line checks (cli/checks.cpp).
    if (o.upstream_node_id) options.upstream_node_id = parse_int_strict(*o.upstream_node_id);
    options.wait = o.wait;
    // repmgr treats host= in a -d conninfo as -h (commands.md §1.2 step 3).
    options.host_given = o.host.has_value() || conninfo_from_options(o).has("host");
    return workflow::standby_follow(ctx.config, options);
}

ExitCode node_rejoin(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    workflow::NodeRejoinOptions options;
    options.target_params = conninfo_from_options(o);
    options.dry_run = o.dry_run;
    options.force_rewind = o.force_rewind;
    options.pg_rewind_binary = o.force_rewind_path;
    if (o.config_files) {
        for (auto& name : split(*o.config_files, ',')) {
            std::string file = trim(name);
            if (!file.empty()) options.config_files.push_back(file);
        }
    }
    if (o.config_archive_dir) options.config_archive_dir = *o.config_archive_dir;
    options.no_wait = o.no_wait;
    options.host_given = o.host.has_value() || options.target_params.has("host");
    return workflow::node_rejoin(ctx.config, options);
}

}  // namespace repmgr::cli
