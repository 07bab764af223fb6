// standby_disconnect_on_failover (repmgrd.md §6.2): stop this standby's WAL receiver and
// wait for the siblings' before the election, so no node receives more WAL meanwhile;
// restore the receivers afterwards.
#pragma once

#include <vector>

#include "daemon/state.hpp"

namespace repmgr::daemon {

class WalReceiverPause {
public:
    // Does nothing unless standby_disconnect_on_failover is set and possible.
    void disconnect(DaemonState& st, const std::vector<metadata::NodeRecord>& siblings);
    // Re-enables the local WAL receiver if disconnect() disabled it.
    void restore(DaemonState& st);

private:
    bool disabled_ = false;
    long original_ms_ = 0;
};

}  // namespace repmgr::daemon
