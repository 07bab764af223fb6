// Small string helpers shared by every module. No I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace repmgr {

std::string trim(std::string_view s);
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with(std::string_view s, std::string_view prefix);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// Strict decimal integer: the whole string must be an optionally signed number within int.
std::optional<int> parse_int_strict(std::string_view s);

// Quotes one argument for /bin/sh: wraps it in single quotes, ' becomes '"'"'. The only
// shell-quoting helper in the project; every remote or local command argument built from
// data goes through it.
std::string shell_quote(std::string_view arg);

// Escapes a value for use inside double quotes in /bin/sh (", \, $ and ` get a backslash),
// so that "…" yields exactly the original text. Used for event notification placeholders.
std::string shell_escape_in_double_quotes(std::string_view value);

// "1 second" / "2 seconds"-style helpers are per message; this only pluralises "s".
inline std::string_view plural_s(long n) { return n == 1 ? "" : "s"; }

}  // namespace repmgr
