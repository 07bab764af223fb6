// The one table of repmgr.conf parameters (spec/config.md §4, §6, §7): every key with its
// type, Config member, default, limits, reader and reload behaviour. Parsing, dumping, the
// reload diff and the sample-file check are all driven from it; no option is defined elsewhere.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "repmgr/config/config.hpp"

namespace repmgr::config {

// How a value is parsed and validated (spec/config.md §3).
enum class ValueType {
    kInt,             // 32-bit signed decimal with a minimum (§3.2)
    kInterval,        // as kInt, stored as Seconds
    kBool,            // 1/true/on/yes, 0/false/off/no (§3.1)
    kString,          // copied verbatim, length-checked (§2.3)
    kPath,            // as kString, then canonicalised (§2.3)
    kConninfo,        // as kString; checked with libpq after parsing (§5)
    kTimeString,      // number + optional ms/s/min/h/d unit, stored verbatim (§3.4)
    kEnum,            // one of a fixed set of words (§3.3)
    kEventList,       // comma-separated, accumulating (§3.5)
    kTablespaceList,  // OLDDIR=NEWDIR, accumulating, errors are fatal (§3.5)
};

// Which program reads the value ("Used by" in spec/config.md §4).
enum class Reader { kRepmgr, kRepmgrd, kBoth };

// A former name of a parameter that is reported with a warning and otherwise ignored.
enum class AliasKind {
    kNone,
    kRenamed,  // parameter "<old>" has been renamed to "<key>"
    kReplaced  // parameter "<old>" has been removed; use "<key>" instead
};

// Words accepted by an enum parameter, in the order of the C++ enum's values, and the
// error text repmgr prints when the value is not one of them (it ends in a newline).
struct EnumSpec {
    std::span<const std::string_view> names;
    bool case_sensitive;
    std::string_view error;
};

// Typed pointer to the Config member a key fills. The alternative must agree with
// OptionSpec::type; option_table.cpp checks that at compile time.
using Member =
    std::variant<int Config::*, Seconds Config::*, bool Config::*, std::string Config::*,
                 FailoverMode Config::*, ConnectionCheckType Config::*, ReplicationType Config::*,
                 std::vector<std::string> Config::*, std::vector<TablespaceMapping> Config::*>;

// repmgr's string buffer sizes (spec/config.md §2.3).
inline constexpr std::size_t kMaxLen = 1024;
inline constexpr std::size_t kNameMaxLen = 64;

struct OptionSpec {
    std::string_view key;  // exact, case-sensitive spelling
    ValueType type;
    Member member;
    // The value as dump_config() prints it for a default-constructed Config.
    std::string_view default_text;
    std::optional<int> min = std::nullopt;  // kInt / kInterval lower bound
    std::size_t max_length = kMaxLen;       // string kinds: longer values are rejected
    const EnumSpec* enum_spec = nullptr;    // kEnum only
    Reader reader = Reader::kBoth;
    bool required = false;  // post-parse "required parameter was not found" (§5)
    // The default is a marker meaning "not set" (node_id -1, delays 0, ...), so it may lie
    // outside [min, ...): an explicit value must still respect min.
    bool unset_default = false;
    bool reloadable = false;  // in the SIGHUP list of spec/config.md §6
    // Position in repmgrd's "following configuration items were changed" list; 0 = never
    // reported (event_notifications is reloadable but never reported: a repmgr quirk).
    int report_rank = 0;
    std::string_view alias = {};  // deprecated former name, see AliasKind
    AliasKind alias_kind = AliasKind::kNone;
    // Value shown in repmgr.conf.sample when the default is not a useful example; empty
    // means the sample shows default_text.
    std::string_view sample_value = {};
    std::string_view description = {};
};

// All 82 parameters in `--dump-config` order (spec/config.md §7).
std::span<const OptionSpec> option_table();

// The entry for an exact key, or nullptr.
const OptionSpec* find_option(std::string_view key);

// Names that are no longer parameters at all but still get a specific warning
// (spec/config.md §4.13: "cluster", "upstream_node").
struct RetiredKey {
    std::string_view name;
    std::string_view warning;
};
std::span<const RetiredKey> retired_keys();

// The warning for a deprecated or retired name, or nullopt if `name` is neither.
std::optional<std::string> deprecated_key_warning(std::string_view name);

// The value of one option as text, in `--dump-config` format (spec/config.md §7): ints
// decimal, bools true/false, enums by name, lists comma-joined, mappings old=new.
std::string format_option_value(const Config& config, const OptionSpec& spec);

}  // namespace repmgr::config
