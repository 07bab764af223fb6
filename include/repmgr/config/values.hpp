// Parsing and validation of single repmgr.conf values (spec/config.md §2.3, §3), driven by
// the option table. Knows nothing about files or lines; the caller collects the messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "repmgr/config/config.hpp"
#include "repmgr/config/option_table.hpp"

namespace repmgr::config {

// repmgr's boolean words, case-insensitive, whole value only: 1/true/on/yes and
// 0/false/off/no (spec/config.md §3.1). nullopt for anything else, prefixes included.
std::optional<bool> parse_bool(std::string_view value);

// The time-with-unit check of recovery_min_apply_delay (spec/config.md §3.4). Returns the
// error text, naming the value `label` (the key, or "--recovery-min-apply-delay" on the
// command line), or nullopt when the value is acceptable. Empty is acceptable.
std::optional<std::string> check_recovery_min_apply_delay(std::string_view value,
                                                          std::string_view label);

// Lexical path clean-up as PostgreSQL's canonicalize_path does it: repeated "/" collapsed,
// "." components and the trailing "/" dropped, ".." folded into its parent. Never touches
// the file system. "" stays "".
std::string canonicalize_path(std::string_view path);

// One tablespace_mapping value, "OLDDIR=NEWDIR" with "\=" for a literal "=" (spec/config.md
// §3.5). Both sides are canonicalised. On failure returns the error text instead.
std::variant<TablespaceMapping, std::string> parse_tablespace_mapping(std::string_view value);

// An event_notifications value split on ",", with spaces and tabs removed everywhere and
// empty items dropped (spec/config.md §3.5).
std::vector<std::string> parse_event_list(std::string_view value);

// Parses `value` as spec.key and stores it in `config` (accumulating list types append).
// Value errors are appended to `errors` with repmgr's texts and parsing may continue; a
// tablespace_mapping error is fatal in repmgr and is returned instead, and the caller
// must stop at once.
[[nodiscard]] std::optional<std::string> apply_option_value(Config& config, const OptionSpec& spec,
                                                            std::string_view value,
                                                            std::vector<std::string>& errors);

}  // namespace repmgr::config
