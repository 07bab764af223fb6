// repmgr service {status|pause|unpause} and daemon {start|stop} (commands.md §21, §22).
#include <fmt/format.h>

#include <cstdio>

#include "cli/handlers.hpp"
#include "cli/node_selection.hpp"
#include "cli/output/table.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/workflow/service.hpp"

namespace repmgr::cli {
namespace {

using output::Column;

std::string last_seen(const workflow::ServiceStatusRow& row, bool compact) {
    if (!row.repmgrd || row.repmgrd->pid <= 0 || row.repmgrd->upstream_last_seen < 0) return "n/a";
    return fmt::format("{} {}(s) ago", row.repmgrd->upstream_last_seen, compact ? "sec" : "second");
}

void print_table(const workflow::ServiceStatusReport& r, const CliOptions& o) {
    // repmgr never widens the ID column here: ids >= 100 push the rest of their row right.
    std::vector<Column> cols{{"ID", {}, false}, {"Name", {}}, {"Role", {}}, {"Status", {}}, {"Upstream", {}}};
    if (o.detail) {
        cols.push_back({"Location", {}});
        cols.push_back({o.compact ? "Prio." : "Priority", {}});
    }
    cols.push_back({"repmgrd", {}});
    cols.push_back({"PID", {}});
    cols.push_back({"Paused?", {}});
    cols.push_back({o.compact ? "Upstr. last" : "Upstream last seen", {}});
    for (const auto& row : r.rows) {
        size_t c = 0;
        cols[c++].cells.push_back(std::to_string(row.record.node_id));
        cols[c++].cells.push_back(row.record.node_name);
        cols[c++].cells.emplace_back(metadata::node_type_name(row.record.type));
        cols[c++].cells.push_back(row.status);
        cols[c++].cells.push_back(row.upstream);
        if (o.detail) {
            cols[c++].cells.push_back(row.record.location);
            cols[c++].cells.push_back(std::to_string(row.record.priority));
        }
        const bool known = row.repmgrd && row.repmgrd->pid > 0;
        cols[c++].cells.push_back(!row.repmgrd ? "n/a" : (row.repmgrd->running ? "running" : "not running"));
        cols[c++].cells.push_back(known ? std::to_string(row.repmgrd->pid) : "n/a");
        cols[c++].cells.push_back(known ? (row.repmgrd->paused ? "yes" : "no") : "n/a");
        cols[c++].cells.push_back(last_seen(row, o.compact));
    }
    std::string table = output::format_table(cols, {.trailing_space = true});
    std::fputs(table.c_str(), stdout);
}

void print_csv(const workflow::ServiceStatusReport& r) {
    for (const auto& row : r.rows) {
        const auto& d = row.repmgrd;
        const bool known = d && d->pid > 0;
        fmt::print("{},{},{},{},{},{},{},{},{},{}\n", row.record.node_id, row.record.node_name,
                   metadata::node_type_name(row.record.type), row.reachable ? 1 : 0,
                   !d ? -1 : (d->running ? 1 : 0), known ? d->pid : -1, !d ? -1 : (d->paused ? 1 : 0),
                   row.record.priority, known ? d->upstream_last_seen : -1, row.record.location);
    }
}

workflow::DaemonControlOptions control_options(const CliOptions& o) {
    workflow::DaemonControlOptions c;
    c.dry_run = o.dry_run;
    c.no_wait = o.no_wait;
    c.wait_given = o.wait;
    if (o.wait_value) c.wait_seconds = parse_int_strict(*o.wait_value);
    return c;
}

}  // namespace

ExitCode service_status(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    auto report = workflow::service_status(local_or_cli_conninfo(ctx.config, o), o.verbose);
    if (o.csv) {
        print_csv(report);
        return ExitCode::kSuccess;
    }
    print_table(report, o);
    std::fflush(stdout);
    if (!report.warnings.empty() && !o.terse) {
        std::fputs("\n", stdout);
        std::fflush(stdout);
        std::string text = "following issues were detected\n";
        for (const auto& w : report.warnings) text += "  - " + w + "\n";
        log::warning("{}", text);
        if (report.had_connection_error && !o.verbose) {
            log::hint("execute with --verbose option to see connection error messages");
        }
    }
    return ExitCode::kSuccess;  // repmgr exits 0 even with warnings here
}

ExitCode service_pause(const CommandContext& ctx) {
    return workflow::service_pause(local_or_cli_conninfo(ctx.config, ctx.options), true, ctx.options.dry_run);
}

ExitCode service_unpause(const CommandContext& ctx) {
    return workflow::service_pause(local_or_cli_conninfo(ctx.config, ctx.options), false, ctx.options.dry_run);
}

ExitCode daemon_start(const CommandContext& ctx) {
    return workflow::daemon_start(ctx.config, control_options(ctx.options));
}

ExitCode daemon_stop(const CommandContext& ctx) {
    return workflow::daemon_stop(ctx.config, control_options(ctx.options));
}

}  // namespace repmgr::cli
