// cluster matrix / cluster crosscheck (commands.md §18): asking the nodes, concurrently.
#include "repmgr/workflow/cluster_matrix.hpp"

#include <fmt/format.h>

#include <chrono>
#include <future>

#include "repmgr/common/strings.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/workflow/connections.hpp"
#include "repmgr/remote/executor.hpp"

namespace repmgr::workflow {
namespace {

using metadata::NodeRecord;
using std::chrono::milliseconds;

// How long a remote repmgr may run once the SSH session is up. A `cluster show` takes one
// connect_timeout per unreachable node in repmgr (ours probes concurrently); a node's
// `cluster matrix` adds its own SSH round, hence twice ConnectTimeout plus more time.
constexpr std::chrono::seconds kShowCommandTimeout{60};
constexpr std::chrono::seconds kMatrixCommandTimeout{120};

milliseconds ssh_connect_timeout(const config::Config& cfg, const std::string& remote_user) {
    const remote::SshSettings settings = remote::resolve_ssh_settings(
        remote::parse_ssh_options(cfg.ssh_options), remote_user, remote::current_account());
    return settings.connect_timeout.value_or(milliseconds(0));
}

// "<remote repmgr> cluster <verb> --csv --terse" with -L passed on, else -L NOTICE.
std::string remote_command(const config::Config& cfg, const NodeRecord& node,
                           const ClusterMatrixOptions& options, std::string_view verb) {
    std::string command =
        remote::remote_repmgr_command(cfg, node.config_file, options.log_level.value_or(""));
    command += fmt::format(" cluster {} --csv --terse", verb);
    if (!options.log_level) command += " -L NOTICE";
    return command;
}

MatrixReport load_nodes(const ClusterMatrixOptions& options) {
    log::info("connecting to database");
    db::Connection conn = db::Connection::connect(options.source);
    MatrixReport report;
    try {
        report.nodes = metadata::get_all_node_records(conn);
    } catch (const db::DbQueryError& e) {
        throw Error(ExitCode::kBadConfig, "unable to retrieve node records")
            .detail(e.server_message());
    }
    if (report.nodes.empty())
        throw Error(ExitCode::kBadConfig, "unable to retrieve any node records");
    std::vector<int> ids;
    for (const auto& n : report.nodes) ids.push_back(n.node_id);
    report.cells = NodeMatrix(std::move(ids));
    return report;
}

// Whether this host reached a node's database; the error is kept for -v.
struct Reach {
    bool ok = false;
    std::string parse_error;
    std::optional<db::DbConnectError> error;
};

Reach try_reach(const NodeRecord& node) {
    Reach reach;
    auto info = db::ConnInfo::try_parse(node.conninfo, &reach.parse_error);
    if (!info) return reach;
    auto conn = db::Connection::try_connect(*info);
    reach.ok = conn.ok();
    if (!conn.ok()) reach.error = conn.error();
    return reach;
}

// All nodes at once, each bounded by its own connect_timeout.
std::vector<Reach> reach_all(const std::vector<NodeRecord>& nodes) {
    std::vector<std::future<Reach>> pending;
    for (const auto& node : nodes) {
        pending.push_back(std::async(std::launch::async, [&node] { return try_reach(node); }));
    }
    std::vector<Reach> out;
    for (auto& f : pending) out.push_back(f.get());
    return out;
}

// repmgr's quiet connection: the failure is shown only with -v (DETAIL lines included).
void log_unreachable(const NodeRecord& node, const Reach& reach) {
    if (!log::settings().verbose) return;
    if (!reach.error) {
        log::verbose(log::Level::kError, "unable to parse conninfo \"{}\": {}", node.conninfo,
                     reach.parse_error);
        return;
    }
    log::verbose(log::Level::kError, "connection to database failed");
    log::detail("\n{}", reach.error->libpq_message());
    log::detail("attempted to connect using:\n  {}", reach.error->attempted());
}

// What the remote repmgr wrote to stderr reaches ours, as through repmgr's ssh; why no
// command could run is shown with -v only (repmgr runs ssh -q and says nothing).
// Returns the output to read: nothing unless the command ran to its end.
std::string take_remote_output(const NodeRecord& node, remote::RemoteResult& r) {
    if (!r.err.empty()) {
        std::string_view err = r.err;
        if (err.back() == '\n') err.remove_suffix(1);
        log::raw_stderr(err);
    }
    if (!r.connected) {
        log::verbose(log::Level::kInfo, "unable to run repmgr on node {} via SSH: {}", node.node_id,
                     r.error);
        return "";
    }
    if (r.timed_out) {
        log::verbose(log::Level::kInfo, "repmgr on node {} did not finish in time", node.node_id);
        return "";
    }
    return std::move(r.out);
}

std::vector<remote::RemoteResult> run_remote(const config::Config& cfg,
                                             const ClusterMatrixOptions& options,
                                             const std::vector<remote::RemoteTask>& tasks,
                                             milliseconds timeout) {
    if (tasks.empty()) return {};
    std::unique_ptr<remote::Executor> ssh = remote::make_ssh_executor(cfg, options.remote_user);
    return remote::run_on_hosts(*ssh, tasks, timeout);
}

}  // namespace

MatrixReport cluster_matrix(const config::Config& cfg, const ClusterMatrixOptions& options) {
    MatrixReport report = load_nodes(options);
    const std::vector<Reach> reach = reach_all(report.nodes);

    std::vector<remote::RemoteTask> tasks;
    std::vector<std::optional<size_t>> task_of(report.nodes.size());
    for (size_t i = 0; i < report.nodes.size(); ++i) {
        const NodeRecord& node = report.nodes[i];
        report.cells.set(options.local_node_id, node.node_id,
                         reach[i].ok ? kMatrixOk : kMatrixFailed);
        if (!reach[i].ok || node.node_id == options.local_node_id) continue;
        task_of[i] = tasks.size();
        tasks.push_back({conninfo_host(node.conninfo), remote_command(cfg, node, options, "show")});
    }
    const milliseconds timeout =
        ssh_connect_timeout(cfg, options.remote_user) + kShowCommandTimeout;
    std::vector<remote::RemoteResult> results = run_remote(cfg, options, tasks, timeout);

    for (size_t i = 0; i < report.nodes.size(); ++i) {
        const NodeRecord& node = report.nodes[i];
        if (!reach[i].ok) log_unreachable(node, reach[i]);
        if (!task_of[i]) continue;
        const std::string output = take_remote_output(node, results[*task_of[i]]);
        apply_cluster_show_csv(report, node.node_id, output);
    }
    return report;
}

MatrixReport cluster_crosscheck(const config::Config& cfg, const ClusterMatrixOptions& options) {
    MatrixReport report = load_nodes(options);
    const milliseconds timeout =
        2 * ssh_connect_timeout(cfg, options.remote_user) + kMatrixCommandTimeout;

    // The configured node runs its matrix here, through the shell, its stderr discarded.
    std::optional<size_t> local_index;
    std::future<remote::RemoteResult> local_run;
    std::vector<remote::RemoteTask> tasks;
    std::vector<size_t> task_of(report.nodes.size(), 0);
    for (size_t i = 0; i < report.nodes.size(); ++i) {
        const NodeRecord& node = report.nodes[i];
        std::string command = remote_command(cfg, node, options, "matrix");
        if (node.node_id == cfg.node_id && !local_index) {
            local_index = i;
            local_run = std::async(std::launch::async, [command, timeout] {
                return remote::make_local_executor()->run("", command, timeout);
            });
            continue;
        }
        task_of[i] = tasks.size();
        tasks.push_back({conninfo_host(node.conninfo), std::move(command)});
    }
    std::vector<remote::RemoteResult> results = run_remote(cfg, options, tasks, timeout);

    std::vector<NodeMatrix> views(report.nodes.size(), NodeMatrix(report.cells.node_ids()));
    for (size_t i = 0; i < report.nodes.size(); ++i) {
        const NodeRecord& node = report.nodes[i];
        if (local_index == i) {
            remote::RemoteResult r = local_run.get();
            const std::string output = r.connected && !r.timed_out ? r.out : "";
            apply_cluster_matrix_csv(report, views[i], node.node_id, output, false);
            continue;
        }
        const std::string output = take_remote_output(node, results[task_of[i]]);
        apply_cluster_matrix_csv(report, views[i], node.node_id, output, true);
    }
    merge_views(report, views);
    return report;
}

}  // namespace repmgr::workflow
