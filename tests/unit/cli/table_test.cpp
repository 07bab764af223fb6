#include "cli/output/table.hpp"

#include <gtest/gtest.h>

namespace repmgr::cli::output {
namespace {

TEST(TableTest, ClusterShowLayout) {
    std::vector<Column> cols{{"ID", {"1", "2"}},
                             {"Name", {"node1", "node2"}},
                             {"Connection string", {"host=a", "host=bb"}}};
    EXPECT_EQ(format_table(cols),
              " ID | Name  | Connection string\n"
              "----+-------+-------------------\n"
              " 1  | node1 | host=a           \n"
              " 2  | node2 | host=bb          \n");
}

TEST(TableTest, TrailingSpaceStyleAndWideCells) {
    std::vector<Column> cols{{"ID", {"10"}}, {"TLI", {"1"}}};
    EXPECT_EQ(format_table(cols, {.trailing_space = true}),
              " ID | TLI\n"
              "----+-----\n"
              " 10 | 1   \n");
    std::vector<Column> wide{{"A", {"long value"}}};
    EXPECT_EQ(format_table(wide), " A         \n------------\n long value\n");
}

// service status (output-formats.md §7): the ID column keeps the width of its title.
TEST(TableTest, ColumnThatDoesNotGrow) {
    std::vector<Column> cols{{"ID", {"1", "100"}, false}, {"Name", {"node1", "node100"}}};
    EXPECT_EQ(format_table(cols, {.trailing_space = true}),
              " ID | Name   \n"
              "----+---------\n"
              " 1  | node1   \n"
              " 100 | node100 \n");
}

}  // namespace
}  // namespace repmgr::cli::output
