// Handlers of: standby_register standby_unregister witness_register witness_unregister. Being implemented (standby lifecycle issue); until then each
// reports that the action is not available.
#include "cli/handlers.hpp"

namespace repmgr::cli {

ExitCode standby_register(const CommandContext&) { throw_not_available(Action::kStandbyRegister); }

ExitCode standby_unregister(const CommandContext&) { throw_not_available(Action::kStandbyUnregister); }

ExitCode witness_register(const CommandContext&) { throw_not_available(Action::kWitnessRegister); }

ExitCode witness_unregister(const CommandContext&) { throw_not_available(Action::kWitnessUnregister); }

}  // namespace repmgr::cli
