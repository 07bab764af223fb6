// Reading what other nodes report for cluster matrix / crosscheck, line by line as repmgr
// reads it with sscanf("%d,%d") / sscanf("%d,%d,%d") (commands.md §18). The details matter
// because they decide the cells and the exit code: a field that was converted keeps its value
// even when a later field on the line is not, and a failed line resets the cell last read.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "repmgr/workflow/cluster_matrix.hpp"

namespace repmgr::workflow {
namespace {

// One "%d": white space (newlines included) skipped, optional sign, digits.
std::optional<int> scan_int(std::string_view text, size_t& pos) {
    size_t p = pos;
    while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) ++p;
    size_t start = p;
    if (p < text.size() && (text[p] == '+' || text[p] == '-')) ++p;
    const size_t digits = p;
    while (p < text.size() && std::isdigit(static_cast<unsigned char>(text[p]))) ++p;
    if (p == digits) return std::nullopt;
    if (text[start] == '+') ++start;
    int value = 0;
    auto [end, ec] = std::from_chars(text.data() + start, text.data() + p, value);
    if (ec != std::errc() || end != text.data() + p) return std::nullopt;
    pos = p;
    return value;
}

// "%d,%d[,%d]" at `pos`: assigns each converted field and returns how many were converted.
template <size_t N>
size_t scan_fields(std::string_view text, size_t pos, std::array<std::optional<int>, N>& fields) {
    for (size_t i = 0; i < N; ++i) {
        if (i > 0) {
            if (pos >= text.size() || text[pos] != ',') return i;
            ++pos;
        }
        std::optional<int> v = scan_int(text, pos);
        if (!v) return i;
        fields[i] = v;
    }
    return N;
}

// Where the next line starts, counted from the start of this one (not from where the
// conversion stopped, which may be further on).
size_t next_line(std::string_view text, size_t pos) {
    const size_t nl = text.find('\n', pos);
    return nl == std::string_view::npos ? text.size() : nl + 1;
}

void inaccessible(MatrixReport& report, int node_id) {
    report.warnings.push_back(fmt::format("node {} inaccessible via SSH", node_id));
    report.error_code = ExitCode::kBadSsh;
}

}  // namespace

NodeMatrix::NodeMatrix(std::vector<int> node_ids)
    : ids_(std::move(node_ids)), cells_(ids_.size() * ids_.size(), kMatrixUnknown) {}

std::optional<size_t> NodeMatrix::index_of(int node_id) const {
    auto it = std::find(ids_.begin(), ids_.end(), node_id);
    if (it == ids_.end()) return std::nullopt;
    return static_cast<size_t>(it - ids_.begin());
}

void NodeMatrix::set(int row_node_id, int col_node_id, int status) {
    auto row = index_of(row_node_id);
    auto col = index_of(col_node_id);
    if (row && col) cells_[*row * ids_.size() + *col] = status;
}

void apply_cluster_show_csv(MatrixReport& report, int reporter_id, std::string_view output) {
    if (output.empty() || output.front() == '\n') {
        inaccessible(report, reporter_id);
        return;
    }
    std::array<std::optional<int>, 2> fields{};  // node id, connection status
    size_t pos = 0;
    for (size_t i = 0; i < report.nodes.size(); ++i) {
        if (scan_fields(output, pos, fields) == fields.size()) {
            report.cells.set(reporter_id, *fields[0],
                             *fields[1] == kMatrixFailed ? kMatrixFailed : kMatrixOk);
        } else {
            report.warnings.push_back(fmt::format(
                "unable to parse --csv output for node {}; output returned was:\n\"{}\"",
                reporter_id, output.substr(pos)));
            report.error_code = ExitCode::kInternal;
            if (fields[0]) report.cells.set(reporter_id, *fields[0], kMatrixUnknown);
        }
        pos = next_line(output, pos);
    }
}

void apply_cluster_matrix_csv(MatrixReport& report, NodeMatrix& view, int reporter_id,
                              std::string_view output, bool via_ssh) {
    if (via_ssh && output.empty()) {
        inaccessible(report, reporter_id);
        return;
    }
    std::array<std::optional<int>, 3> fields{};  // row node, column node, status
    size_t pos = 0;
    const size_t lines = report.nodes.size() * report.nodes.size();
    for (size_t i = 0; i < lines; ++i) {
        if (scan_fields(output, pos, fields) != fields.size()) {
            report.error_code = ExitCode::kInternal;
            if (fields[0] && fields[1]) view.set(*fields[0], *fields[1], kMatrixUnknown);
            return;
        }
        view.set(*fields[0], *fields[1], *fields[2]);
        pos = next_line(output, pos);
    }
}

void merge_views(MatrixReport& report, const std::vector<NodeMatrix>& views) {
    const std::vector<int>& ids = report.cells.node_ids();
    for (size_t r = 0; r < ids.size(); ++r) {
        for (size_t c = 0; c < ids.size(); ++c) {
            int best = kMatrixUnknown;
            for (const auto& v : views) best = std::max(best, v.at(r, c));
            report.cells.set(ids[r], ids[c], best);
        }
    }
}

ExitCode matrix_exit_code(const MatrixReport& report, bool csv, bool crosscheck) {
    const size_t n = report.cells.size();
    for (size_t r = 0; r < n; ++r) {
        for (size_t c = 0; c < n; ++c) {
            const int v = report.cells.at(r, c);
            if (v == kMatrixFailed || (csv && !crosscheck && v == kMatrixUnknown)) {
                return ExitCode::kNodeStatus;
            }
        }
    }
    return report.error_code;
}

}  // namespace repmgr::workflow
