#include "daemon/disconnect.hpp"

#include <signal.h>

#include <thread>

#include "daemon/checks.hpp"
#include "daemon/signals.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"
#include "repmgr/pg/server.hpp"
#include "repmgr/pg/wal_receiver.hpp"

namespace repmgr::daemon {
namespace {

constexpr long kDisableMs = 86400000;  // one day: the receiver will not restart meanwhile

void terminate_local_receiver(DaemonState& st) {
    for (int round = 0; round < 2; ++round) {
        auto pid = metadata::get_wal_receiver_pid(*st.local).value_or(0);
        if (pid <= 0) return;
        log::notice("killing WAL receiver with PID {}", pid);
        ::kill(pid, SIGTERM);
        const auto deadline = Clock::now() + std::chrono::seconds(30);
        while (Clock::now() < deadline && metadata::get_wal_receiver_pid(*st.local).value_or(0) == pid) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

}  // namespace

void WalReceiverPause::disconnect(DaemonState& st, const std::vector<metadata::NodeRecord>& siblings) {
    if (!st.cfg.standby_disconnect_on_failover || !st.local_ok()) return;
    if (!pg::is_superuser(*st.local)) {
        log::warning("\"standby_disconnect_on_failover\" specified, but repmgr user is not a superuser");
        return;
    }
    try {
        original_ms_ = pg::get_wal_retrieve_retry_interval_ms(*st.local);
        const long disabled = original_ms_ + kDisableMs;
        log::notice("setting \"wal_retrieve_retry_interval\" to {} milliseconds", disabled);
        pg::set_wal_retrieve_retry_interval_ms(*st.local, disabled);
        disabled_ = true;
        log::info("sleeping 5 seconds");
        interruptible_sleep(std::chrono::seconds(5));
        terminate_local_receiver(st);
    } catch (const db::DbQueryError& e) {
        log::warning("unable to disable the WAL receiver: {}", e.what());
    }
    const auto deadline = Clock::now() + st.cfg.sibling_nodes_disconnect_timeout;
    while (true) {
        bool any_connected = false;
        for (const auto& s : siblings) {
            if (s.type == metadata::NodeType::kWitness) continue;
            if (auto conn = connect_silently(s.conninfo)) {
                try {
                    any_connected = any_connected || metadata::get_wal_receiver_pid(*conn).value_or(0) > 0;
                } catch (const db::DbQueryError&) {
                }
            }
        }
        if (!any_connected) {
            log::notice("WAL receiver disconnected on all sibling nodes");
            return;
        }
        if (Clock::now() >= deadline) {
            log::warning("WAL receiver still connected on at least one sibling node");
            return;
        }
        interruptible_sleep(std::chrono::seconds(1));
    }
}

void WalReceiverPause::restore(DaemonState& st) {
    if (!disabled_ || !st.local_ok()) return;
    try {
        log::notice("setting \"wal_retrieve_retry_interval\" to {} ms", original_ms_);
        pg::set_wal_retrieve_retry_interval_ms(*st.local, original_ms_);
        disabled_ = false;
    } catch (const db::DbQueryError& e) {
        log::warning("unable to re-enable the WAL receiver: {}", e.what());
    }
}

}  // namespace repmgr::daemon
