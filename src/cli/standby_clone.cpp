// Handlers of: standby_clone. Being implemented (standby lifecycle issue); until then each
// reports that the action is not available.
#include "cli/handlers.hpp"

namespace repmgr::cli {

ExitCode standby_clone(const CommandContext&) { throw_not_available(Action::kStandbyClone); }

}  // namespace repmgr::cli
