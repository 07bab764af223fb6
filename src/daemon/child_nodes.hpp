// The primary's watch over its child nodes (repmgrd.md §10): attach/detach events and
// child_nodes_disconnect_command.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "daemon/state.hpp"

namespace repmgr::daemon {

class ChildNodeMonitor {
public:
    // Reads the children and logs "child node ... is attached" / "is not yet attached".
    void start(DaemonState& st);
    // One check (every child_nodes_check_interval seconds).
    void check(DaemonState& st);

private:
    enum class Attach { kUnknown, kAttached, kDetached };
    struct Child {
        metadata::NodeRecord record;
        Attach state = Attach::kUnknown;
        std::optional<Clock::time_point> detached_at;
    };
    std::map<int, Child> children_;
    bool command_executed_ = false;
    Clock::time_point last_check_ = Clock::now();

    std::map<int, std::pair<metadata::NodeRecord, bool>> read_children(DaemonState& st);
    void run_disconnect_command(DaemonState& st, int connected, int total);
};

}  // namespace repmgr::daemon
