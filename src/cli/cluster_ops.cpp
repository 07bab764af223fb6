// repmgr cluster {matrix|crosscheck|cleanup}: option handling and output (output-formats.md §3).
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "cli/handlers.hpp"
#include "cli/node_selection.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/workflow/cluster_cleanup.hpp"
#include "repmgr/workflow/cluster_matrix.hpp"

namespace repmgr::cli {
namespace {

using workflow::MatrixReport;

char cell_char(int status) {
    switch (status) {
        case workflow::kMatrixUnknown:
            return '?';
        case workflow::kMatrixFailed:
            return 'x';
        case workflow::kMatrixOk:
            return '*';
        default:
            return '\0';
    }
}

// " Name  | ID | 1 | 2 | 3" and its separator; rows " %-*s | %-*i " then "| %-*c " per
// column, so every row ends with a blank. A value other than -2/-1/0 (only a crosscheck can
// receive one) stops the output in the middle of the row, as in repmgr.
void print_matrix_table(const MatrixReport& report) {
    size_t name_width = 4;
    size_t id_width = 2;
    for (const auto& n : report.nodes) {
        name_width = std::max(name_width, n.node_name.size());
        id_width = std::max(id_width, std::to_string(n.node_id).size());
    }
    std::string out = fmt::format(" {:<{}} | {:<{}} ", "Name", name_width, "ID", id_width);
    std::string sep = std::string(name_width + 2, '-') + "+" + std::string(id_width + 2, '-');
    for (const auto& n : report.nodes) {
        const std::string id = std::to_string(n.node_id);
        out += "| " + id + (&n == &report.nodes.back() ? "" : " ");
        sep += "+" + std::string(id.size() + 2, '-');
    }
    out += "\n" + sep + "\n";
    for (size_t r = 0; r < report.nodes.size(); ++r) {
        out += fmt::format(" {:<{}} | {:<{}} ", report.nodes[r].node_name, name_width,
                           report.nodes[r].node_id, id_width);
        for (size_t c = 0; c < report.nodes.size(); ++c) {
            const char ch = cell_char(report.cells.at(r, c));
            if (ch == '\0') {
                std::fputs(out.c_str(), stdout);
                std::fflush(stdout);
                throw Error(ExitCode::kInternal,
                            fmt::format("unexpected node status value {}", report.cells.at(r, c)));
            }
            out += fmt::format("| {:<{}} ", ch, std::to_string(report.nodes[c].node_id).size());
        }
        out += "\n";
    }
    std::fputs(out.c_str(), stdout);
}

void print_matrix_csv(const MatrixReport& report) {
    std::string out;
    for (size_t r = 0; r < report.nodes.size(); ++r) {
        for (size_t c = 0; c < report.nodes.size(); ++c) {
            out += fmt::format("{},{},{}\n", report.nodes[r].node_id, report.nodes[c].node_id,
                               report.cells.at(r, c));
        }
    }
    std::fputs(out.c_str(), stdout);
}

workflow::ClusterMatrixOptions matrix_options(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    workflow::ClusterMatrixOptions options;
    options.source = local_or_cli_conninfo(ctx.config, o);
    // The configured node's row; --node-id names it only when there is no configuration.
    options.local_node_id = ctx.config.node_id;
    if (options.local_node_id == -1 && o.node_id) {
        options.local_node_id = parse_int_strict(*o.node_id).value_or(-1);
    }
    options.log_level = o.log_level;
    options.remote_user = o.remote_user.value_or("");
    return options;
}

ExitCode print_matrix_report(const MatrixReport& report, const CliOptions& o, bool crosscheck) {
    if (o.csv) {
        print_matrix_csv(report);
    } else {
        print_matrix_table(report);
    }
    std::fflush(stdout);
    if (!report.warnings.empty() && !o.terse && !o.csv) {
        log::warning("following problems detected:");
        for (const auto& w : report.warnings) log::raw_stderr("  " + w);
    }
    return workflow::matrix_exit_code(report, o.csv, crosscheck);
}

}  // namespace

ExitCode cluster_matrix(const CommandContext& ctx) {
    return print_matrix_report(workflow::cluster_matrix(ctx.config, matrix_options(ctx)),
                               ctx.options, false);
}

ExitCode cluster_crosscheck(const CommandContext& ctx) {
    return print_matrix_report(workflow::cluster_crosscheck(ctx.config, matrix_options(ctx)),
                               ctx.options, true);
}

ExitCode cluster_cleanup(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    workflow::ClusterCleanupOptions options;
    if (o.keep_history) options.keep_history = parse_int_strict(*o.keep_history).value_or(0);
    if (o.node_id) options.node_id = parse_int_strict(*o.node_id);
    return workflow::cluster_cleanup(ctx.config, options);
}

}  // namespace repmgr::cli
