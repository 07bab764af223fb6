// repmgr primary {register|unregister|check|status} ("master" is an alias).
#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/handlers.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/workflow/primary.hpp"

namespace repmgr::cli {
namespace {

ExitCode primary_register(const CommandContext& ctx) {
    workflow::PrimaryRegisterOptions options;
    options.force = ctx.options.force;
    options.dry_run = ctx.options.dry_run;
    options.superuser = ctx.options.superuser;
    return workflow::primary_register(ctx.config, options);
}

ExitCode primary_unregister(const CommandContext& ctx) {
    workflow::PrimaryUnregisterOptions options;
    options.force = ctx.options.force;
    options.dry_run = ctx.options.dry_run;
    if (ctx.options.node_id) options.node_id = parse_int_strict(*ctx.options.node_id);
    return workflow::primary_unregister(ctx.config, options);
}

}  // namespace

void register_primary_commands(CLI::App& root, CliContext& ctx) {
    CLI::App* noun = add_noun(root, "primary", "manage the primary node");
    noun->alias("master");
    ctx.add_verb(add_verb(*noun, "register", "register this node as primary"),
                 Action::kPrimaryRegister, primary_register);
    ctx.add_verb(add_verb(*noun, "unregister", "remove an inactive primary's record"),
                 Action::kPrimaryUnregister, primary_unregister);
    ctx.add_verb(add_verb(*noun, "check", "same as \"node check\""), Action::kNodeCheck, node_check);
    ctx.add_verb(add_verb(*noun, "status", "same as \"node status\""), Action::kNodeStatus,
                 node_status);
}

}  // namespace repmgr::cli
