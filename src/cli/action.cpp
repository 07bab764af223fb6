#include "cli/action.hpp"

namespace repmgr::cli {

std::string_view action_display_name(Action action) {
    switch (action) {
        case Action::kNone: return "";
        case Action::kPrimaryRegister: return "PRIMARY REGISTER";
        case Action::kPrimaryUnregister: return "PRIMARY UNREGISTER";
        case Action::kStandbyClone: return "STANDBY CLONE";
        case Action::kStandbyRegister: return "STANDBY REGISTER";
        case Action::kStandbyUnregister: return "STANDBY UNREGISTER";
        case Action::kStandbyPromote: return "STANDBY PROMOTE";
        case Action::kStandbyFollow: return "STANDBY FOLLOW";
        case Action::kStandbySwitchover: return "STANDBY SWITCHOVER";
        case Action::kWitnessRegister: return "WITNESS REGISTER";
        case Action::kWitnessUnregister: return "WITNESS UNREGISTER";
        case Action::kNodeStatus: return "NODE STATUS";
        case Action::kNodeCheck: return "NODE CHECK";
        case Action::kNodeRejoin: return "NODE REJOIN";
        case Action::kNodeService: return "NODE SERVICE";
        case Action::kNodeControl: return "NODE CONTROL";
        case Action::kClusterShow: return "CLUSTER SHOW";
        case Action::kClusterMatrix: return "CLUSTER MATRIX";
        case Action::kClusterCrosscheck: return "CLUSTER CROSSCHECK";
        case Action::kClusterEvent: return "CLUSTER EVENT";
        case Action::kClusterCleanup: return "CLUSTER CLEANUP";
        case Action::kServiceStatus: return "SERVICE STATUS";
        case Action::kServicePause: return "SERVICE PAUSE";
        case Action::kServiceUnpause: return "SERVICE UNPAUSE";
        case Action::kDaemonStart: return "DAEMON START";
        case Action::kDaemonStop: return "DAEMON STOP";
    }
    return "";
}

}  // namespace repmgr::cli
