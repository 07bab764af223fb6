// Tokeniser for the repmgr.conf grammar, which is PostgreSQL's postgresql.conf grammar
// (spec/config.md §2.1). Splits text into tokens and counts lines; it does not know what a
// line must look like (config_file.cpp does) nor what any name means.
#pragma once

#include <string>
#include <string_view>

namespace repmgr::config {

enum class TokenKind {
    kEnd,             // end of input
    kEol,             // "\n"
    kId,              // [A-Za-z_\x80-\xFF][A-Za-z0-9_\x80-\xFF]*
    kQualifiedId,     // id.id
    kString,          // '...' with '' and backslash escapes, on one line
    kUnquotedString,  // a letter, then letters, digits and any of - . _ : /
    kInteger,         // [+-]?(digits|0x hexdigits) followed by any unit letters
    kReal,            // [+-]?digits*.digits*([Ee][+-]?digits)?
    kEquals,          // =
    kError,           // any other single character
};

struct Token {
    TokenKind kind = TokenKind::kEnd;
    std::string_view text;  // exactly as in the input (a kString keeps its quotes)
};

// Produces tokens by longest match; when two rules match the same length the earlier kind
// in the list above wins (so "abc" is an id and "a.b" a qualified id, not unquoted
// strings). Spaces, tabs, carriage returns and "#" comments are skipped.
class Lexer {
  public:
    explicit Lexer(std::string_view input) : input_(input) {}

    Token next();

    // 1-based number of the line the lexer is on. Reading a kEol token moves it to the next
    // line, so after a kEol the line it ended is line() - 1.
    int line() const { return line_; }

  private:
    std::string_view input_;
    std::size_t pos_ = 0;
    int line_ = 1;
};

// The value of a kString token: outer quotes removed, '' -> ', \b \f \n \r \t, \ooo (1-3
// octal digits) -> that byte, and \ before any other character -> that character.
// REQUIRES: `token` is the text of a kString token.
std::string unescape_quoted(std::string_view token);

}  // namespace repmgr::config
