// standby promote and its siblings (commands.md §7 steps 6, 7 and 13).
#include <fmt/format.h>

#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"
#include "repmgr/pg/standby_state.hpp"
#include "repmgr/workflow/connections.hpp"
#include "workflow/standby_promote_steps.hpp"

namespace repmgr::workflow {
namespace {

constexpr std::chrono::seconds kSshTestTimeout{30};
// A sibling's standby follow waits up to its standby_follow_timeout for the attach; allow that
// plus time to connect, reload or restart.
constexpr std::chrono::seconds kFollowSlack{120};

std::string sibling_list(const std::vector<metadata::NodeRecord>& siblings) {
    std::vector<std::string> lines;
    for (const auto& s : siblings) {
        lines.push_back(
            fmt::format("  {} (node ID: {}{})", s.node_name, s.node_id,
                        s.type == metadata::NodeType::kWitness ? ", witness server" : ""));
    }
    return join(lines, "\n");
}

// Why a remote command failed, for the DETAIL after repmgr's WARNING.
std::string failure_detail(const remote::RemoteResult& r) {
    if (!r.connected) return r.error;
    if (r.timed_out) return "the command did not finish in time";
    std::string text = fmt::format("remote command exited with status {}", r.exit_status);
    const std::string err = trim(r.err);
    if (!err.empty()) text += ":\n" + err;
    return text;
}

// nullopt on success, else why the command failed.
std::optional<std::string> run_remote(remote::Executor& executor, const config::Config& cfg,
                                      const metadata::NodeRecord& node,
                                      const std::string& command) {
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
        cfg.standby_follow_timeout + kFollowSlack);
    remote::RemoteResult r = executor.run(conninfo_host(node.conninfo), command, timeout);
    if (r.ok()) return std::nullopt;
    return failure_detail(r);
}

std::optional<std::string> witness_follow(const config::Config& cfg, remote::Executor& executor,
                                          const metadata::NodeRecord& witness,
                                          const metadata::NodeRecord& new_primary,
                                          const std::string& remote_repmgr) {
    if (auto conn = connect_quiet(witness.conninfo)) {
        try {
            metadata::notify_follow_primary(*conn, new_primary.node_id);
        } catch (const db::DbQueryError& e) {
            log::verbose(log::Level::kWarning, "unable to notify witness: {}", e.what());
        }
    }
    const std::string command = remote_repmgr + " witness register -d " +
                                shell_quote(new_primary.conninfo) + " --force 2>/dev/null";
    return run_remote(executor, cfg, witness, command);
}

}  // namespace

std::vector<metadata::NodeRecord> sibling_nodes(const std::vector<metadata::NodeRecord>& all,
                                                const metadata::NodeRecord& self) {
    std::vector<metadata::NodeRecord> out;
    if (!self.upstream_node_id) return out;
    for (const auto& node : all) {
        if (node.node_id == self.node_id || !node.active) continue;
        if (node.upstream_node_id == self.upstream_node_id) out.push_back(node);
    }
    return out;
}

std::vector<metadata::NodeRecord> check_siblings(
    const StandbyPromoteOptions& options, remote::Executor* executor,
    const std::vector<metadata::NodeRecord>& siblings) {
    if (!options.siblings_follow) {
        if (!siblings.empty()) {
            log::warning("{} sibling nodes found, but option \"--siblings-follow\" not specified",
                         siblings.size());
            log::detail("these nodes will remain attached to the current primary:\n{}",
                        sibling_list(siblings));
        }
        return {};
    }
    log::verbose(log::Level::kInfo, "{} active sibling nodes found", siblings.size());
    if (siblings.empty()) {
        log::warning("option \"--sibling-nodes\" specified, but no sibling nodes exist");
        return {};
    }
    std::vector<metadata::NodeRecord> reachable;
    std::vector<std::string> unreachable;
    for (const auto& s : siblings) {
        const std::string host = conninfo_host(s.conninfo);
        if (executor != nullptr && executor->can_connect(host, kSshTestTimeout)) {
            reachable.push_back(s);
        } else {
            log::warning("unable to connect to remote host \"{}\" via SSH", host);
            unreachable.push_back(fmt::format("  {} (ID: {})", s.node_name, s.node_id));
        }
    }
    if (unreachable.empty()) {
        if (options.dry_run) {
            log::info("all sibling nodes are reachable via SSH");
        } else {
            log::verbose(log::Level::kInfo, "all sibling nodes are reachable via SSH");
        }
        return reachable;
    }
    const std::string head = fmt::format(
        "{} of {} sibling nodes unreachable via SSH:", unreachable.size(), siblings.size());
    if (!options.force) {
        throw Error(ExitCode::kBadConfig, head)
            .detail(join(unreachable, "\n"))
            .hint("use -F/--force to proceed in any case");
    }
    log::warning("{}", head);
    log::detail("{}", join(unreachable, "\n"));
    log::detail("F/--force specified, {} anyway", options.dry_run ? "would proceed" : "proceeding");
    return reachable;
}

bool check_sibling_capacity(db::Connection& local, const StandbyPromoteOptions& options,
                            const std::vector<metadata::NodeRecord>& followers) {
    bool ok = true;
    auto shortfall = [&](Error e) {
        if (!options.dry_run) throw e;
        log::error_with_notes(e);
        ok = false;
    };
    const pg::WalsenderCapacity senders = pg::get_walsender_capacity(local);
    const int required = static_cast<int>(followers.size());
    if (senders.free() < required) {
        // -F is offered but makes no difference (commands.md §24 quirk 8).
        shortfall(Error(ExitCode::kBadConfig, "insufficient free walsenders on promotion candidate")
                      .detail(fmt::format("at least {} walsenders required but only {} free "
                                          "walsenders on promotion candidate",
                                          required, senders.free()))
                      .hint("increase parameter \"max_wal_senders\" or use -F/--force to proceed "
                            "in any case"));
    } else if (options.dry_run) {
        log::info("{} walsenders required, {} available", required, senders.free());
    }
    int slots_required = 0;
    for (const auto& f : followers) slots_required += f.slot_name.empty() ? 0 : 1;
    if (slots_required == 0) return ok;
    const pg::SlotCapacity slots = pg::get_slot_capacity(local);
    const int slots_free = slots.max_replication_slots - slots.active;
    if (slots_free < slots_required) {
        shortfall(
            Error(ExitCode::kBadConfig, "insufficient free replication slots to attach all nodes")
                .detail(fmt::format("at least {} additional replication slots required but "
                                    "only {} free slots available on promotion candidate",
                                    slots_required, slots_free))
                .hint("increase parameter \"max_replication_slots\" or use -F/--force to "
                      "proceed in any case"));
    } else if (options.dry_run) {
        log::info("{} replication slots required, {} available", slots_required, slots_free);
    }
    return ok;
}

int follow_siblings(const config::Config& cfg, remote::Executor& executor,
                    const std::vector<metadata::NodeRecord>& reachable, size_t total,
                    const metadata::NodeRecord& new_primary, const std::string& log_level) {
    log::notice("executing STANDBY FOLLOW on {} of {} siblings", reachable.size(), total);
    int failures = 0;
    for (const auto& node : reachable) {
        const std::string remote_repmgr =
            remote::remote_repmgr_command(cfg, node.config_file, log_level);
        if (node.type == metadata::NodeType::kWitness) {
            if (auto error = witness_follow(cfg, executor, node, new_primary, remote_repmgr)) {
                log::warning("WITNESS REGISTER failed on node \"{}\"", node.node_name);
                log::detail("{}", *error);
                ++failures;
            }
            continue;
        }
        if (auto error =
                run_remote(executor, cfg, node, remote_repmgr + " standby follow 2>/dev/null")) {
            // The DETAIL is ours: repmgr cannot see the remote exit status.
            log::warning("STANDBY FOLLOW failed on node \"{}\"", node.node_name);
            log::detail("{}", *error);
            ++failures;
        }
    }
    if (failures == 0) {
        log::info("STANDBY FOLLOW successfully executed on all reachable sibling nodes");
    } else {
        log::warning("execution of STANDBY FOLLOW failed on {} sibling nodes", failures);
    }
    return failures;
}

}  // namespace repmgr::workflow
