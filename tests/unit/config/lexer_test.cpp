// Tokeniser for the repmgr.conf grammar (spec/config.md §2.1).

#include "repmgr/config/lexer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace repmgr::config {
namespace {

using K = TokenKind;
using Tokens = std::vector<std::pair<TokenKind, std::string>>;

Tokens lex(std::string_view text) {
    Lexer lexer(text);
    Tokens out;
    for (Token t = lexer.next(); t.kind != K::kEnd; t = lexer.next()) {
        out.emplace_back(t.kind, std::string(t.text));
    }
    return out;
}

// The single token `text` lexes to (asserting there is exactly one).
std::pair<TokenKind, std::string> one(std::string_view text) {
    Tokens t = lex(text);
    EXPECT_EQ(t.size(), 1u) << "input: " << text;
    return t.empty() ? std::pair<TokenKind, std::string>{K::kEnd, ""} : t.front();
}

TEST(ConfigLexer, Identifiers) {
    EXPECT_EQ(one("node_id"), std::make_pair(K::kId, std::string("node_id")));
    EXPECT_EQ(one("_x9"), std::make_pair(K::kId, std::string("_x9")));
    EXPECT_EQ(one("N\xc3\xa9"), std::make_pair(K::kId, std::string("N\xc3\xa9")));  // UTF-8
    EXPECT_EQ(one("a.b"), std::make_pair(K::kQualifiedId, std::string("a.b")));
    EXPECT_EQ(one("Ab_1.c_2"), std::make_pair(K::kQualifiedId, std::string("Ab_1.c_2")));
}

TEST(ConfigLexer, UnquotedStrings) {
    EXPECT_EQ(one("node-1"), std::make_pair(K::kUnquotedString, std::string("node-1")));
    EXPECT_EQ(one("a.b.c"), std::make_pair(K::kUnquotedString, std::string("a.b.c")));
    EXPECT_EQ(one("host:5432/x"), std::make_pair(K::kUnquotedString, std::string("host:5432/x")));
    EXPECT_EQ(one("a."), std::make_pair(K::kUnquotedString, std::string("a.")));
}

TEST(ConfigLexer, Integers) {
    EXPECT_EQ(one("60"), std::make_pair(K::kInteger, std::string("60")));
    EXPECT_EQ(one("-1"), std::make_pair(K::kInteger, std::string("-1")));
    EXPECT_EQ(one("+7"), std::make_pair(K::kInteger, std::string("+7")));
    EXPECT_EQ(one("0x1F"), std::make_pair(K::kInteger, std::string("0x1F")));
    EXPECT_EQ(one("0xAg"), std::make_pair(K::kInteger, std::string("0xAg")));
    EXPECT_EQ(one("5min"), std::make_pair(K::kInteger, std::string("5min")));
    EXPECT_EQ(one("10s"), std::make_pair(K::kInteger, std::string("10s")));
}

TEST(ConfigLexer, Reals) {
    EXPECT_EQ(one("1.5"), std::make_pair(K::kReal, std::string("1.5")));
    EXPECT_EQ(one("-.5"), std::make_pair(K::kReal, std::string("-.5")));
    EXPECT_EQ(one("2."), std::make_pair(K::kReal, std::string("2.")));
    EXPECT_EQ(one("1.5e10"), std::make_pair(K::kReal, std::string("1.5e10")));
    EXPECT_EQ(one("1.5E-3"), std::make_pair(K::kReal, std::string("1.5E-3")));
    EXPECT_EQ(one("."), std::make_pair(K::kReal, std::string(".")));
    // An exponent without digits is not part of the real.
    EXPECT_EQ(lex("1.5e"), (Tokens{{K::kReal, "1.5"}, {K::kId, "e"}}));
}

TEST(ConfigLexer, NumberFollowedByOtherCharacters) {
    EXPECT_EQ(lex("1e5"), (Tokens{{K::kInteger, "1e"}, {K::kInteger, "5"}}));
    EXPECT_EQ(lex("5.5s"), (Tokens{{K::kReal, "5.5"}, {K::kId, "s"}}));
}

TEST(ConfigLexer, QuotedStrings) {
    EXPECT_EQ(one("'a b'"), std::make_pair(K::kString, std::string("'a b'")));
    EXPECT_EQ(one("''"), std::make_pair(K::kString, std::string("''")));
    EXPECT_EQ(one("'it''s'"), std::make_pair(K::kString, std::string("'it''s'")));
    EXPECT_EQ(one("'a\\'b'"), std::make_pair(K::kString, std::string("'a\\'b'")));
    EXPECT_EQ(one("'# not a comment'"),
              std::make_pair(K::kString, std::string("'# not a comment'")));
}

TEST(ConfigLexer, UnterminatedStringIsAnErrorToken) {
    EXPECT_EQ(lex("'abc"), (Tokens{{K::kError, "'"}, {K::kId, "abc"}}));
    // A string cannot continue onto the next line.
    EXPECT_EQ(
        lex("'a\nb'"),
        (Tokens{
            {K::kError, "'"}, {K::kId, "a"}, {K::kEol, "\n"}, {K::kId, "b"}, {K::kError, "'"}}));
    // Backslash-newline does not continue it either.
    EXPECT_EQ(lex("'a\\\n")[0], std::make_pair(K::kError, std::string("'")));
}

TEST(ConfigLexer, DoubledQuoteFallsBackToShorterString) {
    // "'a''" never closes after the doubled quote, so the string is just 'a'.
    EXPECT_EQ(lex("'a'' b"), (Tokens{{K::kString, "'a'"}, {K::kError, "'"}, {K::kId, "b"}}));
}

TEST(ConfigLexer, EqualsWhitespaceAndComments) {
    EXPECT_EQ(lex("a = 1 # comment = 'x'\n"),
              (Tokens{{K::kId, "a"}, {K::kEquals, "="}, {K::kInteger, "1"}, {K::kEol, "\n"}}));
    EXPECT_EQ(lex(" \t\r a\t1\r\n"), (Tokens{{K::kId, "a"}, {K::kInteger, "1"}, {K::kEol, "\n"}}));
    EXPECT_EQ(lex("#only a comment"), Tokens{});
    EXPECT_EQ(lex("a=b"), (Tokens{{K::kId, "a"}, {K::kEquals, "="}, {K::kId, "b"}}));
}

TEST(ConfigLexer, OtherCharactersAreErrorTokens) {
    EXPECT_EQ(lex("/var/log"), (Tokens{{K::kError, "/"}, {K::kUnquotedString, "var/log"}}));
    EXPECT_EQ(one("\""), std::make_pair(K::kError, std::string("\"")));
    EXPECT_EQ(one(";"), std::make_pair(K::kError, std::string(";")));
    EXPECT_EQ(one("-"), std::make_pair(K::kError, std::string("-")));
    EXPECT_EQ(one("\v"), std::make_pair(K::kError, std::string("\v")));
}

TEST(ConfigLexer, LineCounting) {
    Lexer lexer("a\n\nb");
    EXPECT_EQ(lexer.line(), 1);
    EXPECT_EQ(lexer.next().kind, K::kId);
    EXPECT_EQ(lexer.next().kind, K::kEol);
    EXPECT_EQ(lexer.line(), 2);
    EXPECT_EQ(lexer.next().kind, K::kEol);
    EXPECT_EQ(lexer.line(), 3);
    EXPECT_EQ(lexer.next().kind, K::kId);
    EXPECT_EQ(lexer.next().kind, K::kEnd);
    EXPECT_EQ(lexer.line(), 3);
    EXPECT_EQ(lexer.next().kind, K::kEnd);  // stays at the end
}

TEST(ConfigLexer, UnescapeQuoted) {
    EXPECT_EQ(unescape_quoted("''"), "");
    EXPECT_EQ(unescape_quoted("'it''s'"), "it's");
    EXPECT_EQ(unescape_quoted("'a\\'b'"), "a'b");
    EXPECT_EQ(unescape_quoted("'\\b\\f\\n\\r\\t'"), "\b\f\n\r\t");
    EXPECT_EQ(unescape_quoted("'\\101\\60x'"), "A0x");
    EXPECT_EQ(unescape_quoted("'\\1012'"), "A2");  // at most three octal digits
    EXPECT_EQ(unescape_quoted("'\\8\\q\\\\'"), "8q\\");
    EXPECT_EQ(unescape_quoted("'C:\\\\dir'"), "C:\\dir");
}

}  // namespace
}  // namespace repmgr::config
