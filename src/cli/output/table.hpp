// repmgr's plain-text tables (output-formats.md §2.1, §4, §7): " a | b | c" rows with
// columns as wide as their widest cell, a "-+-" separator line.
#pragma once

#include <string>
#include <vector>

namespace repmgr::cli::output {

struct Column {
    std::string title;
    std::vector<std::string> cells;
    // false: the column stays as wide as its title and longer cells overflow it, breaking the
    // alignment of the rest of their row (repmgr's `service status` ID column, §7).
    bool grows = true;
};

struct TableStyle {
    // Rows end with one space after the last (padded) cell: `cluster show --compact`,
    // `service status`. Otherwise the last cell is padded without a trailing space.
    bool trailing_space = false;
};

// Header line, separator line and one line per row, each ending in '\n'.
// REQUIRES: every column has the same number of cells.
std::string format_table(const std::vector<Column>& columns, const TableStyle& style = {});

}  // namespace repmgr::cli::output
