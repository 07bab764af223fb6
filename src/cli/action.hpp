// The repmgr actions (<command> <action> pairs) and their display names.
#pragma once

#include <string_view>

namespace repmgr::cli {

enum class Action {
    kNone,
    kPrimaryRegister,
    kPrimaryUnregister,
    kStandbyClone,
    kStandbyRegister,
    kStandbyUnregister,
    kStandbyPromote,
    kStandbyFollow,
    kStandbySwitchover,
    kWitnessRegister,
    kWitnessUnregister,
    kNodeStatus,
    kNodeCheck,
    kNodeRejoin,
    kNodeService,
    kNodeControl,
    kClusterShow,
    kClusterMatrix,
    kClusterCrosscheck,
    kClusterEvent,
    kClusterCleanup,
    kServiceStatus,
    kServicePause,
    kServiceUnpause,
    kDaemonStart,
    kDaemonStop,
};

// Upper-case name used in messages, e.g. "CLUSTER SHOW" (commands.md §1.5 <ACTION>).
std::string_view action_display_name(Action action);

}  // namespace repmgr::cli
