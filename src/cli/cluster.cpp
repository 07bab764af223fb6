// repmgr cluster {show|event|matrix|crosscheck|cleanup}.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>

#include "cli/app.hpp"
#include "cli/handlers.hpp"
#include "cli/node_selection.hpp"
#include "cli/output/table.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/workflow/cluster_show.hpp"

namespace repmgr::cli {
namespace {

using output::Column;

void print_cluster_show_table(const workflow::ClusterShowReport& report, bool compact) {
    std::vector<Column> cols{{"ID", {}},       {"Name", {}},     {"Role", {}},
                             {"Status", {}},   {"Upstream", {}}, {"Location", {}},
                             {compact ? "Prio." : "Priority", {}}};
    if (report.show_timeline) cols.push_back({compact ? "TLI" : "Timeline", {}});
    if (!compact) cols.push_back({"Connection string", {}});
    for (const auto& row : report.rows) {
        size_t c = 0;
        cols[c++].cells.push_back(std::to_string(row.record.node_id));
        cols[c++].cells.push_back(row.record.node_name);
        if (row.record.type == metadata::NodeType::kUnknown) {
            log::error("unknown node type 0");  // repmgr names the role again when printing
        }
        cols[c++].cells.emplace_back(metadata::node_type_name(row.record.type));
        cols[c++].cells.push_back(row.status);
        cols[c++].cells.push_back(row.upstream);
        cols[c++].cells.push_back(row.record.location);
        cols[c++].cells.push_back(std::to_string(row.record.priority));
        if (report.show_timeline) cols[c++].cells.push_back(row.timeline);
        if (!compact) cols[c++].cells.push_back(row.record.conninfo);
    }
    std::fputs(output::format_table(cols, {.trailing_space = compact}).c_str(), stdout);
}

ExitCode cluster_show(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    workflow::ClusterShowOptions options{local_or_cli_conninfo(ctx.config, o), o.verbose};
    workflow::ClusterShowReport report = workflow::cluster_show(options);
    if (o.csv) {
        for (const auto& row : report.rows) {
            fmt::print("{},{},{}\n", row.record.node_id, row.connstatus, row.recovery);
        }
    } else {
        print_cluster_show_table(report, o.compact);
    }
    std::fflush(stdout);
    if (!report.warnings.empty() && !o.terse && !o.csv) {
        std::fputs("\n", stdout);
        std::fflush(stdout);
        std::string text = "following issues were detected\n";
        for (const auto& w : report.warnings) text += "  - " + w + "\n";
        log::warning("{}", text);
        if (report.had_connection_error && !o.verbose) {
            log::hint("execute with --verbose option to see connection error messages");
        }
    }
    return report.warnings.empty() && !report.had_error ? ExitCode::kSuccess
                                                         : ExitCode::kNodeStatus;
}

ExitCode cluster_event(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    db::Connection conn = db::Connection::connect(local_or_cli_conninfo(ctx.config, o));
    metadata::EventFilter filter;
    if (o.node_id) filter.node_id = parse_int_strict(*o.node_id);
    if (o.node_name) filter.node_name = *o.node_name;
    filter.event = o.event;
    if (o.limit) {
        filter.limit = parse_int_strict(*o.limit);
    } else if (!o.all) {
        filter.limit = 20;
    }
    std::vector<metadata::EventRow> rows;
    try {
        rows = metadata::get_events(conn, filter);
    } catch (const db::DbQueryError& e) {
        throw Error(ExitCode::kDbQuery,
                    fmt::format("unable to execute event query:\n  {}", e.server_message()));
    }
    if (rows.empty()) {
        fmt::print("no matching events found\n");
        return ExitCode::kSuccess;
    }
    if (o.csv) {
        for (const auto& r : rows) {
            fmt::print("{},{},{},{},{}\n", r.node_id, r.node_name, r.event, r.successful,
                       r.timestamp);
        }
        return ExitCode::kSuccess;
    }
    std::vector<Column> cols{{"Node ID", {}}, {"Name", {}}, {"Event", {}}, {"OK", {}},
                             {"Timestamp", {}}};
    if (!o.compact) cols.push_back({"Details", {}});
    for (const auto& r : rows) {
        cols[0].cells.push_back(r.node_id);
        cols[1].cells.push_back(r.node_name);
        cols[2].cells.push_back(r.event);
        cols[3].cells.push_back(r.successful);
        cols[4].cells.push_back(r.timestamp);
        if (!o.compact) cols[5].cells.push_back(r.details);
    }
    std::fputs(output::format_table(cols).c_str(), stdout);
    std::fputs("\n", stdout);
    return ExitCode::kSuccess;
}

}  // namespace

void register_cluster_commands(CLI::App& root, CliContext& ctx) {
    CLI::App* noun = add_noun(root, "cluster", "information about the whole cluster");
    ctx.add_verb(add_verb(*noun, "show", "show registered nodes and their status"),
                 Action::kClusterShow, cluster_show);
    CLI::App* event = add_verb(*noun, "event", "show recorded events");
    event->alias("events");
    ctx.add_verb(event, Action::kClusterEvent, cluster_event);
    ctx.add_verb(add_verb(*noun, "matrix", "connectivity matrix"), Action::kClusterMatrix,
                 cluster_matrix);
    ctx.add_verb(add_verb(*noun, "crosscheck", "connectivity cross-check"),
                 Action::kClusterCrosscheck, cluster_crosscheck);
    ctx.add_verb(add_verb(*noun, "cleanup", "purge monitoring history"), Action::kClusterCleanup,
                 cluster_cleanup);
}

}  // namespace repmgr::cli
