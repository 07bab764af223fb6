// Command trees of the standby, witness, service and daemon nouns. Actions whose
// implementation comes with later issues are registered with no handler, so option checks
// and help work while running one reports that it is not available (main.cpp).
#include <CLI/CLI.hpp>

#include "cli/app.hpp"
#include "cli/handlers.hpp"

namespace repmgr::cli {

void register_standby_commands(CLI::App& root, CliContext& ctx) {
    CLI::App* noun = add_noun(root, "standby", "manage standby nodes");
    ctx.add_verb(add_verb(*noun, "clone", "clone a standby"), Action::kStandbyClone, standby_clone, 1);
    ctx.add_verb(add_verb(*noun, "register", "register a standby"), Action::kStandbyRegister, standby_register);
    ctx.add_verb(add_verb(*noun, "unregister", "unregister a standby"), Action::kStandbyUnregister,
                 standby_unregister);
    ctx.add_verb(add_verb(*noun, "promote", "promote a standby"), Action::kStandbyPromote, standby_promote);
    ctx.add_verb(add_verb(*noun, "follow", "follow a new upstream"), Action::kStandbyFollow, standby_follow);
    ctx.add_verb(add_verb(*noun, "switchover", "planned role swap"), Action::kStandbySwitchover, standby_switchover);
    ctx.add_verb(add_verb(*noun, "check", "same as \"node check\""), Action::kNodeCheck, node_check);
    ctx.add_verb(add_verb(*noun, "status", "same as \"node status\""), Action::kNodeStatus, node_status);
}

void register_witness_commands(CLI::App& root, CliContext& ctx) {
    CLI::App* noun = add_noun(root, "witness", "manage the witness node");
    ctx.add_verb(add_verb(*noun, "register", "register a witness"), Action::kWitnessRegister, witness_register);
    ctx.add_verb(add_verb(*noun, "unregister", "unregister a witness"), Action::kWitnessUnregister,
                 witness_unregister);
}

void register_service_commands(CLI::App& root, CliContext& ctx) {
    CLI::App* noun = add_noun(root, "service", "repmgrd status and pausing");
    ctx.add_verb(add_verb(*noun, "status", "repmgrd status of every node"), Action::kServiceStatus, service_status);
    ctx.add_verb(add_verb(*noun, "pause", "pause repmgrd failover"), Action::kServicePause, service_pause);
    ctx.add_verb(add_verb(*noun, "unpause", "resume repmgrd failover"), Action::kServiceUnpause, service_unpause);
}

void register_daemon_commands(CLI::App& root, CliContext& ctx) {
    CLI::App* noun = add_noun(root, "daemon", "start and stop repmgrd");
    ctx.add_verb(add_verb(*noun, "start", "start repmgrd"), Action::kDaemonStart, daemon_start);
    ctx.add_verb(add_verb(*noun, "stop", "stop repmgrd"), Action::kDaemonStop, daemon_stop);
    ctx.add_verb(add_verb(*noun, "status", "same as \"service status\""), Action::kServiceStatus, service_status);
    ctx.add_verb(add_verb(*noun, "pause", "same as \"service pause\""), Action::kServicePause, service_pause);
    ctx.add_verb(add_verb(*noun, "unpause", "same as \"service unpause\""), Action::kServiceUnpause, service_unpause);
}

}  // namespace repmgr::cli
