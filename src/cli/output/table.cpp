#include "cli/output/table.hpp"

#include <algorithm>

namespace repmgr::cli::output {
namespace {

std::string pad(const std::string& s, size_t width) {
    return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

}  // namespace

std::string format_table(const std::vector<Column>& columns, const TableStyle& style) {
    std::vector<size_t> widths;
    size_t rows = columns.empty() ? 0 : columns.front().cells.size();
    for (const auto& col : columns) {
        size_t w = col.title.size();
        if (col.grows) {
            for (const auto& cell : col.cells) w = std::max(w, cell.size());
        }
        widths.push_back(w);
    }
    std::string out;
    for (size_t c = 0; c < columns.size(); ++c) {
        out += c == 0 ? " " : " | ";
        out += pad(columns[c].title, widths[c]);
    }
    out += "\n";
    for (size_t c = 0; c < columns.size(); ++c) {
        out += c == 0 ? "-" : "-+-";
        out += std::string(widths[c], '-');
    }
    out += "-\n";
    for (size_t r = 0; r < rows; ++r) {
        for (size_t c = 0; c < columns.size(); ++c) {
            out += c == 0 ? " " : " | ";
            out += pad(columns[c].cells[r], widths[c]);
        }
        if (style.trailing_space) out += " ";
        out += "\n";
    }
    return out;
}

}  // namespace repmgr::cli::output
