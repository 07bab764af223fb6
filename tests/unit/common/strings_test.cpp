#include "repmgr/common/strings.hpp"

#include <gtest/gtest.h>


namespace repmgr {
namespace {

TEST(StringsTest, ParseIntStrictAcceptsOnlyWholeNumbers) {
    EXPECT_EQ(parse_int_strict("42"), 42);
    EXPECT_EQ(parse_int_strict("-1"), -1);
    EXPECT_EQ(parse_int_strict("+7"), 7);
    EXPECT_FALSE(parse_int_strict(""));
    EXPECT_FALSE(parse_int_strict("10s"));
    EXPECT_FALSE(parse_int_strict("abc"));
    EXPECT_FALSE(parse_int_strict("99999999999"));
}

TEST(StringsTest, ShellQuoteWrapsAndEscapesSingleQuotes) {
    EXPECT_EQ(shell_quote("abc"), "'abc'");
    EXPECT_EQ(shell_quote("it's"), "'it'\"'\"'s'");
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_EQ(shell_quote("$(rm -rf /); `x`"), "'$(rm -rf /); `x`'");
}

TEST(StringsTest, DoubleQuoteEscapingNeutralisesExpansion) {
    EXPECT_EQ(shell_escape_in_double_quotes("a\"b"), "a\\\"b");
    EXPECT_EQ(shell_escape_in_double_quotes("$HOME `id` \\"), "\\$HOME \\`id\\` \\\\");
}

TEST(StringsTest, SplitJoinTrimCase) {
    EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
    EXPECT_EQ(join({"a", "b"}, ", "), "a, b");
    EXPECT_EQ(trim("  x \n"), "x");
    EXPECT_TRUE(iequals("Cluster", "CLUSTER"));
    EXPECT_FALSE(iequals("cluster", "clusters"));
}

}  // namespace
}  // namespace repmgr
