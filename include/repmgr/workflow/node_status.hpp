// node status (commands.md §12): the local node's overview and the issues found.
// Also `node status --is-shutdown-cleanly` (§12.1).
#pragma once

#include <string>
#include <vector>

#include "repmgr/config/config.hpp"

namespace repmgr::workflow {

struct StatusItem {
    std::string key;
    std::string text_value;  // text mode
    std::string csv_value;   // CSV mode
    bool text_visible = true;
};

struct NodeStatusReport {
    std::string node_name;
    int node_id = -1;
    std::vector<StatusItem> items;
    int max_wal_senders = 0;
    int occupied_wal_senders = 0;
    int max_replication_slots = 0;
    int active_slots = 0;
    std::vector<std::string> inactive_slots;
    std::vector<std::string> missing_slots;
    // Issue lines as printed after "  " (sub-items already carry their extra indent).
    std::vector<std::string> warnings;
};

// Throws the connect-or-die error (exit 6) or Error(kBadConfig) "no record found for node <N>".
NodeStatusReport node_status(const config::Config& cfg, bool verbose);

// "--state=<STATE>[ --last-checkpoint-lsn=<X/X>]" for the data directory in cfg.
std::string node_shutdown_state(const config::Config& cfg);

}  // namespace repmgr::workflow
