// Handlers of: standby register, standby unregister, witness register, witness unregister.
#include "cli/handlers.hpp"
#include "cli/node_selection.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/workflow/standby_register.hpp"
#include "repmgr/workflow/witness.hpp"

namespace repmgr::cli {
namespace {

// Option values were validated by the command-line checks (cli/checks.cpp).
std::optional<int> int_option(const std::optional<std::string>& value) {
    if (!value) return std::nullopt;
    return parse_int_strict(*value);
}

bool connection_params_given(const CliOptions& o) {
    return o.dbname || o.host || o.port || o.username;
}

}  // namespace

ExitCode standby_register(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    workflow::StandbyRegisterOptions options;
    options.force = o.force;
    options.dry_run = o.dry_run;
    options.upstream_node_id = int_option(o.upstream_node_id);
    options.upstream_conninfo = o.upstream_conninfo;
    if (auto seconds = int_option(o.wait_start)) options.wait_start_seconds = *seconds;
    if (o.wait_sync) options.wait_sync_seconds = int_option(o.wait_sync_value).value_or(-1);
    options.connection_params_provided = connection_params_given(o);
    options.primary_params = conninfo_from_options(o);
    return workflow::standby_register(ctx.config, options);
}

ExitCode standby_unregister(const CommandContext& ctx) {
    workflow::StandbyUnregisterOptions options;
    options.node_id = int_option(ctx.options.node_id);
    return workflow::standby_unregister(ctx.config, options);
}

ExitCode witness_register(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    workflow::WitnessRegisterOptions options;
    options.force = o.force;
    options.dry_run = o.dry_run;
    options.superuser = o.superuser;
    options.primary_params = conninfo_from_options(o);
    return workflow::witness_register(ctx.config, options);
}

ExitCode witness_unregister(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    workflow::WitnessUnregisterOptions options;
    options.force = o.force;
    options.dry_run = o.dry_run;
    options.node_id = int_option(o.node_id);
    options.connection_params_provided = connection_params_given(o);
    options.primary_params = conninfo_from_options(o);
    return workflow::witness_unregister(ctx.config, options);
}

}  // namespace repmgr::cli
