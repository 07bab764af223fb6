// repmgr node service: option handling and --list-actions (output-formats.md §8).
#include "repmgr/workflow/node_service.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "cli/handlers.hpp"

namespace repmgr::cli {

ExitCode node_service(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    workflow::NodeServiceOptions options;
    options.action = workflow::parse_node_service_action(o.action);
    options.checkpoint = o.checkpoint;
    options.dry_run = o.dry_run;
    options.superuser = o.superuser;
    options.pgdata = o.pgdata.value_or("");

    if (o.list_actions) {
        if (options.action) {
            fmt::print("{}\n",
                       workflow::node_service_command(ctx.config, options.action, options.pgdata));
            return ExitCode::kSuccess;
        }
        std::string out = "Following commands would be executed for each action:\n\n";
        for (const auto& line : workflow::node_service_commands(ctx.config, options.pgdata)) {
            out += fmt::format("{:>9}: \"{}\"\n", line.action, line.command);
        }
        out += "\n";
        std::fputs(out.c_str(), stdout);
        return ExitCode::kSuccess;
    }
    return workflow::node_service(ctx.config, options);
}

}  // namespace repmgr::cli
