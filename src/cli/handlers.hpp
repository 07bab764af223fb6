// Verb handlers, one group per file, shared between nouns where repmgr has aliases
// (`primary check` is `node check`, etc.). Each handler fills a plain options struct from
// the command line and calls its workflow.
#pragma once

#include "cli/app.hpp"

namespace repmgr::cli {

// node.cpp
ExitCode node_status(const CommandContext& ctx);
ExitCode node_check(const CommandContext& ctx);

// standby_clone.cpp
ExitCode standby_clone(const CommandContext& ctx);

// standby_register.cpp
ExitCode standby_register(const CommandContext& ctx);
ExitCode standby_unregister(const CommandContext& ctx);
ExitCode witness_register(const CommandContext& ctx);
ExitCode witness_unregister(const CommandContext& ctx);

// standby_follow.cpp
ExitCode standby_promote(const CommandContext& ctx);
ExitCode standby_follow(const CommandContext& ctx);
ExitCode node_rejoin(const CommandContext& ctx);

// node_service.cpp
ExitCode node_service(const CommandContext& ctx);

// cluster_ops.cpp
ExitCode cluster_matrix(const CommandContext& ctx);
ExitCode cluster_crosscheck(const CommandContext& ctx);
ExitCode cluster_cleanup(const CommandContext& ctx);

// standby_switchover.cpp
ExitCode standby_switchover(const CommandContext& ctx);

// service.cpp
ExitCode service_status(const CommandContext& ctx);
ExitCode service_pause(const CommandContext& ctx);
ExitCode service_unpause(const CommandContext& ctx);
ExitCode daemon_start(const CommandContext& ctx);
ExitCode daemon_stop(const CommandContext& ctx);

// Thrown by an action that this version does not provide yet: ERROR + exit 1.
[[noreturn]] void throw_not_available(Action action);

}  // namespace repmgr::cli
