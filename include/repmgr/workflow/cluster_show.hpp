// cluster show (commands.md §17, output-formats.md §2): probes every registered node
// concurrently, each bounded by its connect_timeout, and derives the Status and Upstream
// cells. Formatting of the table/CSV is the CLI's job.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "repmgr/config/config.hpp"
#include "repmgr/db/conninfo.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/pg/server.hpp"

namespace repmgr::workflow {

enum class NodeReach { kUp, kRejected, kDown };

// What one node said about itself when probed.
struct NodeProbe {
    NodeReach reach = NodeReach::kDown;
    std::string connect_error;      // libpq message when not up
    std::string connect_attempted;  // the parameters used, as repmgr prints them
    pg::RecoveryType recovery = pg::RecoveryType::kUnknown;
    std::optional<int> timeline;
    bool timeline_failed = false;
    // The node's own copy of its record (nullopt if unreadable).
    std::optional<metadata::NodeRecord> own_record;
    // Who streams from it (pg_stat_replication), if readable.
    std::optional<std::vector<pg::ReplicationClient>> clients;
    bool replay_paused_with_wal_pending = false;
    // repmgrd as the node's shared memory reports it (filled when asked for).
    struct Repmgrd {
        int pid = -1;
        bool running = false;
        bool paused = false;
        int upstream_last_seen = -1;
    };
    std::optional<Repmgrd> repmgrd;
};

// Probes every record's conninfo at once; result[i] belongs to records[i]. Each probe is
// bounded by the node's connect_timeout (plus `query_timeout` for its queries), so the whole
// call takes about one timeout however many nodes are down.
// `with_repmgrd` also reads each node's repmgrd state (service status).
std::vector<NodeProbe> probe_nodes(const std::vector<metadata::NodeRecord>& records,
                                   std::chrono::milliseconds query_timeout, bool with_repmgrd = false);

struct NodeStatusCells {
    std::string status;
    std::string upstream;
    std::vector<std::string> warnings;
    // What repmgr logs while deciding, in order: WARNING lines of attachment tests, and
    // the (verbose) connection errors of its second connection to an unreachable upstream,
    // given as the index of that upstream's probe.
    struct LogLine {
        std::string warning;                   // "" for a connection error
        size_t failed_probe = 0;               // index into probes, for a connection error
    };
    std::vector<LogLine> log_lines;
    bool error = false;
};

// Status and Upstream cells of records[index] (output-formats.md §2.2). Pure function.
NodeStatusCells format_node_status(const std::vector<metadata::NodeRecord>& records,
                                   const std::vector<NodeProbe>& probes, size_t index);

// What repmgr logs while it builds one node's cells: with -v the connection error of a
// node it could not reach (`probe`), then the cells' log lines (attachment warnings, and
// with -v the upstream's connection error again).
void log_node_messages(const NodeProbe& probe, const NodeStatusCells& cells,
                       const std::vector<NodeProbe>& probes, bool verbose);

struct ClusterShowRow {
    metadata::NodeRecord record;
    std::string status;
    std::string upstream;
    std::string timeline;  // "", "?", "n/a" or the number
    int connstatus = -1;   // CSV: 0 up, -1 otherwise
    int recovery = -1;     // CSV: 0 primary, 1 standby, -1 unknown
};

struct ClusterShowReport {
    std::vector<ClusterShowRow> rows;
    bool show_timeline = true;
    std::vector<std::string> warnings;
    bool had_error = false;
    bool had_connection_error = false;
};

struct ClusterShowOptions {
    // Connection used to read the metadata: the local conninfo, or -d/-h/-p/-U.
    db::ConnInfo source;
    bool verbose = false;
};

// Throws Error(kBadConfig) "no node records were found" and connect-or-die errors.
ClusterShowReport cluster_show(const ClusterShowOptions& options);

}  // namespace repmgr::workflow
