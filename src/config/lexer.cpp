// Hand-written longest-match tokeniser for the repmgr.conf grammar. Each match_* function
// returns the length of the longest prefix of `s` its rule accepts (0 = no match); next()
// picks the longest, earliest rule, as a flex scanner would.

#include "repmgr/config/lexer.hpp"

#include <algorithm>
#include <array>

namespace repmgr::config {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// Bytes 0x80-0xFF count as letters so that UTF-8 names and values need no quoting.
bool is_letter(char c) {
    return is_ascii_letter(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_letter_or_digit(char c) { return is_letter(c) || is_digit(c); }
bool is_unquoted_char(char c) {
    return is_letter_or_digit(c) || c == '-' || c == '.' || c == ':' || c == '/';
}

template <typename Pred>
std::size_t span_of(std::string_view s, std::size_t from, Pred pred) {
    std::size_t i = from;
    while (i < s.size() && pred(s[i])) ++i;
    return i - from;
}

std::size_t match_id(std::string_view s) {
    if (s.empty() || !is_letter(s[0])) return 0;
    return 1 + span_of(s, 1, is_letter_or_digit);
}

std::size_t match_qualified_id(std::string_view s) {
    const std::size_t first = match_id(s);
    if (first == 0 || first >= s.size() || s[first] != '.') return 0;
    const std::size_t second = match_id(s.substr(first + 1));
    return second == 0 ? 0 : first + 1 + second;
}

std::size_t match_unquoted_string(std::string_view s) {
    if (s.empty() || !is_letter(s[0])) return 0;
    return 1 + span_of(s, 1, is_unquoted_char);
}

// '...': any character but ', \ and newline; '' ; or \ plus any character but newline. A
// "''" may also be the closing quote followed by a new opening one, so the last point where
// the string could have ended is remembered and used if the rest never closes.
std::size_t match_string(std::string_view s) {
    if (s.empty() || s[0] != '\'') return 0;
    std::size_t could_end = 0;
    std::size_t i = 1;
    while (i < s.size() && s[i] != '\n') {
        if (s[i] == '\'') {
            if (i + 1 < s.size() && s[i + 1] == '\'') {
                could_end = i + 1;
                i += 2;
                continue;
            }
            return i + 1;
        }
        if (s[i] == '\\') {
            if (i + 1 >= s.size() || s[i + 1] == '\n') break;
            i += 2;
            continue;
        }
        ++i;
    }
    return could_end;
}

std::size_t skip_sign(std::string_view s) {
    return !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
}

std::size_t match_integer(std::string_view s) {
    const std::size_t start = skip_sign(s);
    std::size_t best = 0;
    const std::size_t digits = span_of(s, start, is_digit);
    if (digits > 0) {
        const std::size_t end = start + digits;
        best = end + span_of(s, end, is_ascii_letter);
    }
    if (s.substr(start, 2) == "0x") {
        const std::size_t hex = span_of(s, start + 2, is_hex_digit);
        if (hex > 0) {
            const std::size_t end = start + 2 + hex;
            best = std::max(best, end + span_of(s, end, is_ascii_letter));
        }
    }
    return best;
}

std::size_t match_real(std::string_view s) {
    std::size_t i = skip_sign(s);
    i += span_of(s, i, is_digit);
    if (i >= s.size() || s[i] != '.') return 0;
    ++i;
    i += span_of(s, i, is_digit);
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
        const std::size_t exponent = span_of(s, j, is_digit);
        if (exponent > 0) i = j + exponent;
    }
    return i;
}

struct Rule {
    TokenKind kind;
    std::size_t (*match)(std::string_view);
};

// Earlier rules win ties.
constexpr std::array<Rule, 6> kRules{{
    {TokenKind::kId, match_id},
    {TokenKind::kQualifiedId, match_qualified_id},
    {TokenKind::kString, match_string},
    {TokenKind::kUnquotedString, match_unquoted_string},
    {TokenKind::kInteger, match_integer},
    {TokenKind::kReal, match_real},
}};

}  // namespace

Token Lexer::next() {
    while (pos_ < input_.size()) {
        const char c = input_[pos_];
        if (c == ' ' || c == '\t' || c == '\r') {
            ++pos_;
        } else if (c == '#') {
            while (pos_ < input_.size() && input_[pos_] != '\n') ++pos_;
        } else {
            break;
        }
    }
    if (pos_ >= input_.size()) return {TokenKind::kEnd, {}};

    const std::string_view rest = input_.substr(pos_);
    if (rest[0] == '\n') {
        ++pos_;
        ++line_;
        return {TokenKind::kEol, rest.substr(0, 1)};
    }
    Token best{TokenKind::kError, rest.substr(0, 1)};
    std::size_t best_len = 0;
    for (const Rule& rule : kRules) {
        const std::size_t len = rule.match(rest);
        if (len > best_len) {
            best_len = len;
            best = {rule.kind, rest.substr(0, len)};
        }
    }
    if (best_len == 0 && rest[0] == '=') best = {TokenKind::kEquals, rest.substr(0, 1)};
    pos_ += best.text.size();
    return best;
}

std::string unescape_quoted(std::string_view token) {
    const std::string_view body = token.substr(1, token.size() - 2);
    std::string out;
    out.reserve(body.size());
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c == '\'' && i + 1 < body.size() && body[i + 1] == '\'') {
            out += '\'';
            ++i;
            continue;
        }
        if (c != '\\' || i + 1 >= body.size()) {
            out += c;
            continue;
        }
        const char e = body[++i];
        switch (e) {
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            default:
                if (e >= '0' && e <= '7') {
                    int code = e - '0';
                    for (int n = 1;
                         n < 3 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7';
                         ++n) {
                        code = code * 8 + (body[++i] - '0');
                    }
                    out += static_cast<char>(static_cast<unsigned char>(code & 0xFF));
                } else {
                    out += e;
                }
        }
    }
    return out;
}

}  // namespace repmgr::config
