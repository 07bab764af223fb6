// cluster matrix / cluster crosscheck (commands.md §18, output-formats.md §3): who can connect
// to whom. The matrix tests this node's connections itself and asks every other reachable node
// for its `cluster show --csv` over SSH; the crosscheck asks every node for its whole
// `cluster matrix --csv` and keeps, per cell, the best any node saw. All nodes are asked at
// once (remote::run_on_hosts), each run bounded by ConnectTimeout plus a command timeout, so k
// silent hosts cost about one timeout. Formatting the table/CSV is the CLI's job.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"
#include "repmgr/db/conninfo.hpp"
#include "repmgr/metadata/node_record.hpp"

namespace repmgr::workflow {

// Cell values, as repmgr's CSV carries them. A crosscheck may also pass on any other number
// a node reported (the CLI rejects it when printing the table, as repmgr does).
inline constexpr int kMatrixOk = 0;
inline constexpr int kMatrixFailed = -1;
inline constexpr int kMatrixUnknown = -2;

// A square table over a list of node ids; row = the node that tested, column = the node
// it tried to reach. Every cell starts as kMatrixUnknown.
class NodeMatrix {
  public:
    NodeMatrix() = default;
    explicit NodeMatrix(std::vector<int> node_ids);

    const std::vector<int>& node_ids() const { return ids_; }
    size_t size() const { return ids_.size(); }
    // REQUIRES: row, col < size()
    int at(size_t row, size_t col) const { return cells_[row * ids_.size() + col]; }
    // Sets the cell of two node ids; ids that are not in the table are ignored (a node may
    // report nodes this one does not know).
    void set(int row_node_id, int col_node_id, int status);

  private:
    std::optional<size_t> index_of(int node_id) const;
    std::vector<int> ids_;
    std::vector<int> cells_;
};

struct MatrixReport {
    std::vector<metadata::NodeRecord> nodes;  // node-id order; rows and columns follow it
    NodeMatrix cells;
    // The items of "WARNING: following problems detected:", in the order found.
    std::vector<std::string> warnings;
    // kBadSsh (a node gave no output) or kInternal (output not parsable); the last one set
    // wins, as in repmgr. kSuccess otherwise.
    ExitCode error_code = ExitCode::kSuccess;
};

struct ClusterMatrixOptions {
    // Connection to read the node records: the local conninfo, or -d/-h/-p/-U.
    db::ConnInfo source;
    // The matrix's own row: the configured node_id, else --node-id, else none (-1: every
    // reachable node is asked over SSH). The crosscheck runs the configured node's matrix
    // locally.
    int local_node_id = -1;
    // -L as given: passed to the remote repmgr; without it the remote gets -L NOTICE.
    std::optional<std::string> log_level;
    std::string remote_user;  // -R/--remote-user
};

// Logs "INFO: connecting to database"; connect-or-die to `source` (exit 6). Throws
// Error(kBadConfig) "unable to retrieve any node records" when there are none, or
// "unable to retrieve node records" when they cannot be read. What a remote repmgr writes
// to stderr is passed through to ours (after all nodes answered, in node order), as repmgr's
// ssh does. Remote exit statuses are ignored: only the CSV counts, as in repmgr.
MatrixReport cluster_matrix(const config::Config& cfg, const ClusterMatrixOptions& options);
MatrixReport cluster_crosscheck(const config::Config& cfg, const ClusterMatrixOptions& options);

// exit-codes.md §2.4: kNodeStatus when a cell is kMatrixFailed (for `cluster matrix --csv`
// also kMatrixUnknown), else report.error_code.
ExitCode matrix_exit_code(const MatrixReport& report, bool csv, bool crosscheck);

// ---- reading the remote CSV (pure; exposed for unit tests) ----------------------------

// Applies node `reporter_id`'s `cluster show --csv` output ("id,connstatus,recovery" lines) to
// its row of report.cells, reading one line per registered node as repmgr does: empty output
// (or output starting with a newline) → warning "node <N> inaccessible via SSH" and
// kBadSsh; an unparsable line → warning "unable to parse --csv output for node <N>; output
// returned was:\n"<rest>"", kInternal, and the cell last read reset to unknown.
void apply_cluster_show_csv(MatrixReport& report, int reporter_id, std::string_view output);

// Applies node `reporter_id`'s `cluster matrix --csv` output ("row,column,status" lines) to
// `view`, that node's copy of the matrix: empty output from a remote node → warning
// "node <N> inaccessible via SSH" and kBadSsh; an unparsable line → kInternal (no warning,
// as repmgr), the cell last read reset to unknown and the rest ignored.
void apply_cluster_matrix_csv(MatrixReport& report, NodeMatrix& view, int reporter_id,
                              std::string_view output, bool via_ssh);

// Each cell of report.cells becomes the highest value any view holds for it.
void merge_views(MatrixReport& report, const std::vector<NodeMatrix>& views);

}  // namespace repmgr::workflow
