// witness register / witness unregister (commands.md §10, §11): a separate PostgreSQL instance
// that holds a copy of the cluster's node records and its own record in the primary's metadata.
#pragma once

#include <optional>
#include <string>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"
#include "repmgr/db/conninfo.hpp"

namespace repmgr::workflow {

struct WitnessRegisterOptions {
    bool force = false;
    bool dry_run = false;
    std::optional<std::string> superuser;  // -S: installs the extension on the witness
    // -d/-h/-p/-U: the primary. `user` and `dbname` default to those of the witness's conninfo.
    db::ConnInfo primary_params;
};

// Registers the local node as a witness, step by step as commands.md §10: refuses a node in
// recovery, a "primary" that is a standby, and a witness sharing the primary's system
// identifier; installs the extension on the witness; writes the witness record on the primary
// and copies every node record into the witness. Returns kSuccess.
// Throws repmgr::Error(kBadConfig) with repmgr's messages.
ExitCode witness_register(const config::Config& cfg, const WitnessRegisterOptions& options);

struct WitnessUnregisterOptions {
    bool force = false;    // -F: the witness may be down
    bool dry_run = false;
    std::optional<int> node_id;  // --node-id; default the local node
    // -d/-h/-p/-U: the primary, used when the witness is down.
    bool connection_params_provided = false;
    db::ConnInfo primary_params;
};

// Deletes a witness record on the primary (the witness keeps its copy) and writes the
// witness_unregister event, as commands.md §11. Returns kSuccess.
// Throws repmgr::Error(kBadConfig) with repmgr's messages.
ExitCode witness_unregister(const config::Config& cfg, const WitnessUnregisterOptions& options);

}  // namespace repmgr::workflow
