// Handler of: standby switchover.
#include "repmgr/workflow/standby_switchover.hpp"

#include "cli/handlers.hpp"
#include "repmgr/remote/executor.hpp"

namespace repmgr::cli {

ExitCode standby_switchover(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    workflow::StandbySwitchoverOptions options;
    options.dry_run = o.dry_run;
    options.force = o.force;
    options.always_promote = o.always_promote;
    options.siblings_follow = o.siblings_follow;
    options.force_rewind = o.force_rewind;
    options.pg_rewind_binary = o.force_rewind_path;
    options.repmgrd_no_pause = o.repmgrd_no_pause;
    options.repmgrd_force_unpause = o.repmgrd_force_unpause;
    options.remote_user = o.remote_user.value_or("");
    options.superuser = o.superuser.value_or("");
    options.log_level = o.log_level.value_or("");
    auto executor = remote::make_ssh_executor(ctx.config, options.remote_user);
    return workflow::standby_switchover(ctx.config, options, *executor);
}

}  // namespace repmgr::cli
