// Handlers of: standby_promote standby_follow node_rejoin. Being implemented (standby lifecycle issue); until then each
// reports that the action is not available.
#include "cli/handlers.hpp"

namespace repmgr::cli {

ExitCode standby_promote(const CommandContext&) { throw_not_available(Action::kStandbyPromote); }

ExitCode standby_follow(const CommandContext&) { throw_not_available(Action::kStandbyFollow); }

ExitCode node_rejoin(const CommandContext&) { throw_not_available(Action::kNodeRejoin); }

}  // namespace repmgr::cli
