#include "daemon/promotion_guard.hpp"

#include <future>
#include <vector>

#include "repmgr/log/logger.hpp"
#include "repmgr/pg/server.hpp"

namespace repmgr::daemon {
namespace {

constexpr std::chrono::seconds kQueryDeadline{2};

bool runs_as_primary(const metadata::NodeRecord& node) {
    std::string error;
    auto info = db::ConnInfo::try_parse(node.conninfo, &error);
    if (!info) return false;
    info->set_if_absent("connect_timeout", "2");
    auto conn = db::Connection::try_connect(*info);
    if (!conn.ok()) return false;
    db::Connection c = std::move(conn).take();
    c.set_query_timeout(kQueryDeadline);
    return pg::get_recovery_type(c) == pg::RecoveryType::kPrimary;
}

}  // namespace

std::optional<metadata::NodeRecord> find_running_primary(DaemonState& st, const metadata::NodeRecord& failed) {
    if (!st.local_ok()) return std::nullopt;
    std::vector<metadata::NodeRecord> others;
    try {
        for (auto& node : metadata::get_all_node_records(*st.local)) {
            if (!node.active || node.type == metadata::NodeType::kWitness) continue;
            if (node.node_id == st.record.node_id || node.node_id == failed.node_id) continue;
            others.push_back(std::move(node));
        }
    } catch (const db::DbQueryError& e) {
        log::warning("unable to check whether another node is already primary: {}", e.what());
        return std::nullopt;
    }
    std::vector<std::future<bool>> answers;
    answers.reserve(others.size());
    for (const auto& node : others) {
        answers.push_back(std::async(std::launch::async, [&node] { return runs_as_primary(node); }));
    }
    std::optional<metadata::NodeRecord> found;
    for (size_t i = 0; i < others.size(); ++i) {
        if (answers[i].get() && (!found || others[i].node_id < found->node_id)) found = others[i];
    }
    return found;
}

}  // namespace repmgr::daemon
