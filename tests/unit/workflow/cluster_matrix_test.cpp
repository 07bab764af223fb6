// Reading other nodes' CSV for cluster matrix / crosscheck and the exit code (commands.md §18,
// exit-codes.md §2.4). The expected cells were observed with repmgr 5.3.3 fed the same output.
#include "repmgr/workflow/cluster_matrix.hpp"

#include <gtest/gtest.h>

namespace repmgr::workflow {
namespace {

MatrixReport three_nodes() {
    MatrixReport r;
    for (int id = 1; id <= 3; ++id) {
        metadata::NodeRecord n;
        n.node_id = id;
        n.node_name = "node" + std::to_string(id);
        r.nodes.push_back(n);
    }
    r.cells = NodeMatrix({1, 2, 3});
    return r;
}

std::vector<int> row(const NodeMatrix& m, size_t r) { return {m.at(r, 0), m.at(r, 1), m.at(r, 2)}; }

TEST(NodeMatrixTest, StartsUnknownAndIgnoresUnknownIds) {
    NodeMatrix m({1, 5});
    EXPECT_EQ(m.at(0, 0), kMatrixUnknown);
    m.set(5, 1, kMatrixOk);
    m.set(9, 1, kMatrixFailed);
    m.set(1, 9, kMatrixFailed);
    EXPECT_EQ(m.at(1, 0), kMatrixOk);
    EXPECT_EQ(m.at(0, 1), kMatrixUnknown);
    EXPECT_EQ(m.at(0, 0), kMatrixUnknown);
}

TEST(ClusterShowCsvTest, ConnectionStatusOfEveryNode) {
    MatrixReport r = three_nodes();
    apply_cluster_show_csv(r, 2, "1,0,0\n2,-1,1\n3,0,1\n9,-1,1\n");
    EXPECT_EQ(row(r.cells, 1), (std::vector<int>{0, -1, 0}));
    EXPECT_EQ(row(r.cells, 0), (std::vector<int>{-2, -2, -2}));
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_EQ(r.error_code, ExitCode::kSuccess);
}

TEST(ClusterShowCsvTest, NoOutputIsAnSshProblem) {
    for (const char* out : {"", "\n", "\n1,0,0\n"}) {
        MatrixReport r = three_nodes();
        apply_cluster_show_csv(r, 3, out);
        EXPECT_EQ(r.warnings, std::vector<std::string>{"node 3 inaccessible via SSH"}) << out;
        EXPECT_EQ(r.error_code, ExitCode::kBadSsh);
        EXPECT_EQ(row(r.cells, 2), (std::vector<int>{-2, -2, -2}));
    }
}

TEST(ClusterShowCsvTest, UnparsableLinesReportTheRestAndResetTheLastCell) {
    MatrixReport r = three_nodes();
    apply_cluster_show_csv(r, 2, "garbage");
    EXPECT_EQ(r.warnings,
              (std::vector<std::string>{
                  "unable to parse --csv output for node 2; output returned was:\n\"garbage\"",
                  "unable to parse --csv output for node 2; output returned was:\n\"\"",
                  "unable to parse --csv output for node 2; output returned was:\n\"\""}));
    EXPECT_EQ(r.error_code, ExitCode::kInternal);

    MatrixReport partial = three_nodes();
    apply_cluster_show_csv(partial, 2, "1,0\n2,0\nxx\n");
    // The third line fails: the cell read last (node 2) goes back to unknown.
    EXPECT_EQ(row(partial.cells, 1), (std::vector<int>{0, -2, -2}));
    EXPECT_EQ(partial.warnings,
              std::vector<std::string>{
                  "unable to parse --csv output for node 2; output returned was:\n\"xx\n\""});

    MatrixReport short_output = three_nodes();
    apply_cluster_show_csv(short_output, 2, "2,0,1\n3,-1,1");
    EXPECT_EQ(row(short_output.cells, 1), (std::vector<int>{-2, 0, -2}));
}

TEST(ClusterShowCsvTest, ScansLikeSscanf) {
    MatrixReport r = three_nodes();
    // Leading blanks and newlines are skipped by %d; the next line is still counted from the
    // start of this one, so "\n2,0" is read twice. "1 ,0" fails at the blank before the comma
    // (the 1 is converted, so node 1's cell is reset); "+0" is a number.
    apply_cluster_show_csv(r, 1, " 3,-1\n\n2,0\n");
    EXPECT_EQ(row(r.cells, 0), (std::vector<int>{-2, 0, -1}));
    EXPECT_TRUE(r.warnings.empty());

    MatrixReport failing = three_nodes();
    failing.cells.set(1, 1, kMatrixOk);
    apply_cluster_show_csv(failing, 1, "3,+0\n1 ,0\n2,5\n");
    EXPECT_EQ(row(failing.cells, 0), (std::vector<int>{-2, 0, 0}));
    EXPECT_EQ(failing.warnings.size(), 1u);
}

TEST(ClusterMatrixCsvTest, OneViewPerNodeAndTheBestCellWins) {
    MatrixReport r = three_nodes();
    std::vector<NodeMatrix> views(3, NodeMatrix({1, 2, 3}));
    apply_cluster_matrix_csv(r, views[0], 1,
                             "1,1,0\n1,2,0\n1,3,-1\n2,1,0\n2,2,0\n2,3,-1\n3,1,-2\n3,2,-2\n3,3,-2\n",
                             false);
    apply_cluster_matrix_csv(r, views[1], 2,
                             "1,1,0\n1,2,0\n1,3,0\n2,1,0\n2,2,0\n2,3,-1\n3,1,-2\n3,2,-2\n3,3,-2\n",
                             true);
    apply_cluster_matrix_csv(r, views[2], 3, "", true);
    merge_views(r, views);
    EXPECT_EQ(row(r.cells, 0), (std::vector<int>{0, 0, 0}));
    EXPECT_EQ(row(r.cells, 1), (std::vector<int>{0, 0, -1}));
    EXPECT_EQ(row(r.cells, 2), (std::vector<int>{-2, -2, -2}));
    EXPECT_EQ(r.warnings, std::vector<std::string>{"node 3 inaccessible via SSH"});
    EXPECT_EQ(r.error_code, ExitCode::kBadSsh);
    EXPECT_EQ(matrix_exit_code(r, false, true), ExitCode::kNodeStatus);
}

TEST(ClusterMatrixCsvTest, ParseFailureStopsSilentlyAndResetsTheLastCell) {
    MatrixReport r = three_nodes();
    NodeMatrix view({1, 2, 3});
    apply_cluster_matrix_csv(r, view, 2, "1,1,0\n1,2,-1\nzz\n2,1,0\n", true);
    EXPECT_EQ(row(view, 0), (std::vector<int>{0, -2, -2}));
    EXPECT_EQ(row(view, 1), (std::vector<int>{-2, -2, -2}));
    EXPECT_TRUE(r.warnings.empty());
    EXPECT_EQ(r.error_code, ExitCode::kInternal);

    // The local node's empty output is a parse failure, not an SSH problem.
    MatrixReport local = three_nodes();
    NodeMatrix local_view({1, 2, 3});
    apply_cluster_matrix_csv(local, local_view, 1, "", false);
    EXPECT_TRUE(local.warnings.empty());
    EXPECT_EQ(local.error_code, ExitCode::kInternal);
}

TEST(ClusterMatrixCsvTest, OtherValuesArePassedOn) {
    MatrixReport r = three_nodes();
    NodeMatrix view({1, 2, 3});
    apply_cluster_matrix_csv(
        r, view, 1, "1,1,0\n1,2,0\n1,3,5\n2,1,0\n2,2,0\n2,3,0\n3,1,0\n3,2,0\n3,3,0\n9,9,9", true);
    EXPECT_EQ(row(view, 0), (std::vector<int>{0, 0, 5}));
    EXPECT_EQ(r.error_code, ExitCode::kSuccess);
}

TEST(MatrixExitCodeTest, FailedCellsWinUnknownOnlyForMatrixCsv) {
    MatrixReport r = three_nodes();
    for (int id = 1; id <= 3; ++id) r.cells.set(1, id, kMatrixOk);
    r.error_code = ExitCode::kBadSsh;
    EXPECT_EQ(matrix_exit_code(r, false, false), ExitCode::kBadSsh);
    EXPECT_EQ(matrix_exit_code(r, true, false), ExitCode::kNodeStatus);
    EXPECT_EQ(matrix_exit_code(r, true, true), ExitCode::kBadSsh);
    r.cells.set(1, 2, kMatrixFailed);
    EXPECT_EQ(matrix_exit_code(r, false, false), ExitCode::kNodeStatus);
    EXPECT_EQ(matrix_exit_code(r, true, true), ExitCode::kNodeStatus);
}

}  // namespace
}  // namespace repmgr::workflow
