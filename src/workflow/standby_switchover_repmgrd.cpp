// standby switchover: pausing repmgrd on every node before the demotion and unpausing it
// afterwards (commands.md §9 steps 23 and 36), so that no repmgrd starts a failover while the
// primary is down on purpose.
#include <fmt/format.h>

#include <future>

#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/workflow/connections.hpp"
#include "workflow/standby_switchover_steps.hpp"

namespace repmgr::workflow {
namespace {

using Probe = Result<db::Connection, db::DbConnectError>;

// Every node at once: k unreachable nodes cost one connect_timeout, not k.
std::vector<Probe> connect_all(const std::vector<metadata::NodeRecord>& nodes) {
    std::vector<std::future<Probe>> pending;
    pending.reserve(nodes.size());
    for (const auto& node : nodes) {
        pending.push_back(std::async(std::launch::async,
                                     [&node] { return try_connect_quiet(node.conninfo); }));
    }
    std::vector<Probe> probes;
    probes.reserve(nodes.size());
    for (auto& p : pending) probes.push_back(p.get());
    return probes;
}

std::string unreachable_item(const metadata::NodeRecord& node, const db::DbConnectError& e) {
    return fmt::format("unable to connect to node \"{}\" (ID: {}):\n{}", node.node_name,
                       node.node_id, e.libpq_message());
}

// The DETAIL body: "  <item>\n" per item, as repmgr builds it.
std::string item_list(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += "  " + item + "\n";
    return text;
}

void pause_running_nodes(SwitchoverState& s, std::vector<Probe>& probes) {
    for (size_t i = 0; i < s.repmgrd.size(); ++i) {
        const RepmgrdNode& node = s.repmgrd[i];
        const auto& rec = node.record;
        if (!node.reachable) {
            log::warning("node \"{}\" (ID: {}) unreachable, unable to pause repmgrd", rec.node_name,
                         rec.node_id);
        } else if (!node.running) {
            log::notice("repmgrd not running on node \"{}\" (ID: {}), not pausing", rec.node_name,
                        rec.node_id);
        } else if (node.paused_before) {
            continue;
        } else if (s.options.dry_run) {
            log::info("would pause repmgrd on node \"{}\" (ID: {})", rec.node_name, rec.node_id);
        } else {
            log::debug("pausing repmgrd on node \"{}\" (ID: {})", rec.node_name, rec.node_id);
            try {
                metadata::repmgrd_pause(probes[i].value(), true);
                s.repmgrd_paused = true;
            } catch (const db::DbQueryError& e) {
                // repmgr does not check the result; we say so when it did not work.
                log::warning("unable to pause repmgrd on node \"{}\" (ID: {})", rec.node_name,
                             rec.node_id);
                log::detail("{}", e.what());
            }
        }
    }
}

}  // namespace

void pause_repmgrd(SwitchoverState& s) {
    if (s.options.repmgrd_no_pause) return;
    const std::vector<metadata::NodeRecord> nodes = metadata::get_all_node_records(s.local);
    log::notice("attempting to pause repmgrd on {} nodes", nodes.size());
    std::vector<Probe> probes = connect_all(nodes);
    std::vector<std::string> unreachable;
    for (size_t i = 0; i < nodes.size(); ++i) {
        RepmgrdNode node{nodes[i]};
        node.reachable = probes[i].ok();
        if (node.reachable) {
            auto status = pg::get_repmgrd_status(probes[i].value());
            node.running = status && status->running;
            node.paused_before = status && status->paused;
            if (node.running) ++s.repmgrd_running;
        } else if (nodes[i].active) {
            // Only active nodes matter: an inactive one is out of the cluster anyway.
            unreachable.push_back(unreachable_item(nodes[i], probes[i].error()));
        }
        s.repmgrd.push_back(std::move(node));
    }
    if (!unreachable.empty()) {
        const std::string what = fmt::format(
            "unable to connect to {} of {} node(s), unable to pause all repmgrd instances",
            unreachable.size(), nodes.size());
        const std::string detail = "following node(s) unreachable:\n" + item_list(unreachable);
        if (!s.options.force) {
            throw Error(ExitCode::kSwitchoverFail, what)
                .detail(detail)
                .hint("use -F/--force to continue anyway");
        }
        log::warning("{}", what);
        log::detail("{}", detail);
    }
    if (s.repmgrd_running > 0) pause_running_nodes(s, probes);
}

bool unpause_repmgrd(SwitchoverState& s) {
    if (s.options.repmgrd_no_pause || s.repmgrd_running == 0) return true;
    std::vector<std::string> errors;
    for (const RepmgrdNode& node : s.repmgrd) {
        const auto& rec = node.record;
        if (node.paused_before && !s.options.repmgrd_force_unpause) {
            log::debug("repmgrd on node \"{}\" (ID: {}) paused before switchover, "
                       "--repmgrd-force-unpause not provided, not unpausing",
                       rec.node_name, rec.node_id);
            continue;
        }
        // Every node, as repmgr does: a node whose repmgrd is not running keeps no pause.
        log::debug("unpausing repmgrd on node \"{}\" (ID: {})", rec.node_name, rec.node_id);
        auto conn = try_connect_quiet(rec.conninfo);
        if (!conn.ok()) {
            errors.push_back(unreachable_item(rec, conn.error()));
            continue;
        }
        try {
            metadata::repmgrd_pause(conn.value(), false);
        } catch (const db::DbQueryError&) {
            errors.push_back(
                fmt::format("unable to unpause node \"{}\" (ID: {})", rec.node_name, rec.node_id));
        }
    }
    s.repmgrd_paused = !errors.empty();
    if (errors.empty()) return true;
    log::warning("unable to unpause repmgrd on {} node(s)", errors.size());
    log::detail("errors encountered for following node(s):\n{}", item_list(errors));
    log::hint("check node connection and status; unpause manually with \"repmgr service unpause\"");
    return false;
}

}  // namespace repmgr::workflow
