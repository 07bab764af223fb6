// standby register / standby unregister (commands.md §5, §6): the standby's record in the
// primary's metadata. Does not touch replication itself (clone/follow do that).
#pragma once

#include <optional>
#include <string>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"
#include "repmgr/db/conninfo.hpp"

namespace repmgr::workflow {

struct StandbyRegisterOptions {
    bool force = false;    // -F
    bool dry_run = false;  // --dry-run
    std::optional<int> upstream_node_id;         // --upstream-node-id
    std::optional<std::string> upstream_conninfo;  // --upstream-conninfo: placeholder record
    int wait_start_seconds = 30;                 // --wait-start
    // --wait-sync: nullopt = not given, 0 = do not wait, -1 = no value (wait forever).
    std::optional<int> wait_sync_seconds;
    // -d/-h/-p/-U: how to reach the primary when the standby is not running (with -F).
    bool connection_params_provided = false;
    db::ConnInfo primary_params;
};

// Registers the local node as a standby in the primary's metadata, step by step as
// commands.md §5: finds the primary through the running standby (or, with -F and the standby
// down, through the command-line parameters), checks the node is attached to its upstream,
// writes the record and the standby_register event, and with --wait-sync waits for the
// standby's copy of the record. Returns kSuccess.
// Throws repmgr::Error with repmgr's messages: kBadConfig for refused registrations,
// kDbConn when the local node's state cannot be read, kRegistrationSync for --wait-sync.
ExitCode standby_register(const config::Config& cfg, const StandbyRegisterOptions& options);

struct StandbyUnregisterOptions {
    std::optional<int> node_id;  // --node-id; default the local node
};

// Deletes a standby's record on the primary and writes the standby_unregister event.
// The local node must be running (connect-or-die, kDbConn). --dry-run is ignored, as repmgr
// ignores it (commands.md §24 quirk 7). Throws repmgr::Error(kBadConfig) when the primary is
// unreachable or the target is missing or not a standby.
ExitCode standby_unregister(const config::Config& cfg, const StandbyUnregisterOptions& options);

}  // namespace repmgr::workflow
