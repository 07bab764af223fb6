// Private to standby_register*.cpp: the state standby register builds up and its named steps.
#pragma once

#include <optional>
#include <string>

#include "repmgr/config/config.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/metadata/events.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/workflow/standby_register.hpp"

namespace repmgr::workflow::standby_register_steps {

struct RegisterState {
    std::optional<db::Connection> local;    // nullopt: the standby is not running (-F)
    std::optional<db::Connection> primary;  // set by connect_primary()
    int primary_node_id = -1;               // -1 when found through -d/-h/-p/-U
    std::optional<metadata::NodeRecord> primary_record;  // for %p/%a/%c of the events
    // repmgr keeps the record it last read for this node: the own record if there is one, else
    // an inactive record with the same node_name. Its `active` flag and (without
    // use_replication_slots) its slot_name carry over; commands.md §5 step 7 quirk.
    metadata::NodeRecord loaded;
    bool own_record_found = false;
    bool dry_run_failed = false;  // an error that --dry-run reports at the end
};

// Step 1-2: the local node, retried once per second for --wait-start seconds unless -F.
// Throws Error(kBadConfig) when it stays unreachable and cannot be registered offline.
std::optional<db::Connection> connect_local_node(const config::Config& cfg,
                                                 const StandbyRegisterOptions& options);

// Step 7: --upstream-node-id given: the upstream record (a placeholder with -F), and that the
// local node streams from it. Throws Error(kBadConfig) with repmgr's messages.
void check_given_upstream(const config::Config& cfg, const StandbyRegisterOptions& options,
                          RegisterState& state);

// Step 9: no --upstream-node-id, node running, no record yet: the node must stream from the
// primary. Logs (dry run) or throws Error(kBadConfig) if it does not, unless -F.
void check_attached_to_primary(const config::Config& cfg, const StandbyRegisterOptions& options,
                               RegisterState& state);

// Step 13: --wait-sync. Throws Error(kRegistrationSync) on timeout or a missing record.
void wait_for_record_sync(const config::Config& cfg, const StandbyRegisterOptions& options,
                          RegisterState& state);

// The primary as the "other node" of standby_register events (%p, %a, %c); empty when its
// record is unknown (standby registered offline).
metadata::EventOtherNode primary_as_other(const RegisterState& state);

// "node \"<name>\" (ID: <N>)".
std::string describe_node(const std::string& name, int node_id);

}  // namespace repmgr::workflow::standby_register_steps
