// Value parsing for repmgr.conf parameters. The error texts are repmgr's (spec/config.md §3)
// and are matched by users' scripts, so they must not be reworded.

#include "repmgr/config/values.hpp"

#include <array>
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <type_traits>

#include "repmgr/common/strings.hpp"

namespace repmgr::config {
namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// strtol-based integer parsing as repmgr does it (spec/config.md §3.2): trailing characters
// after the digits are ignored, so "10s" is 10 and "0x10" is 0. On error the value stored is
// what repmgr's parser leaves behind: 0 for no number, the number itself when below the
// minimum. So "node_id=0" reports only the minimum, not also
// "required parameter was not found" (checked against repmgr 5.3.3).
int parse_int(std::string_view name, std::string_view value, int min,
              std::vector<std::string>& errors) {
    if (value.empty()) return 0;
    const std::string text(value);
    char* end = nullptr;
    errno = 0;
    const long parsed = std::strtol(text.c_str(), &end, 10);
    const std::string prefix = quoted(name) + ": ";
    const std::string provided = " (provided: " + quoted(value) + ")";
    if (end == text.c_str() || errno != 0) {
        errors.push_back(prefix + "invalid value" + provided);
        return 0;
    }
    if (parsed > INT_MAX) {
        errors.push_back(prefix +
                         "must be a positive signed 32 bit integer, i.e. 2147483647 or less" +
                         provided);
        return 0;
    }
    if (parsed < min) {
        errors.push_back(prefix + "must be " + std::to_string(min) + " or greater" + provided);
        return static_cast<int>(std::max<long>(parsed, INT_MIN));
    }
    return static_cast<int>(parsed);
}

// Stores a string value unless it is longer than the option's buffer (spec/config.md §2.3).
// A value of exactly max_length characters is accepted, as in repmgr.
bool store_string(std::string& target, const OptionSpec& spec, std::string_view value,
                  std::vector<std::string>& errors) {
    if (value.size() > spec.max_length) {
        errors.push_back("value for " + quoted(spec.key) + " must contain fewer than " +
                         std::to_string(spec.max_length) +
                         " characters (current length: " + std::to_string(value.size()) + ")");
        return false;
    }
    target = spec.type == ValueType::kPath ? canonicalize_path(value) : std::string(value);
    return true;
}

template <typename E>
void store_enum(Config& config, E Config::*member, const OptionSpec& spec, std::string_view value,
                std::vector<std::string>& errors) {
    const EnumSpec& e = *spec.enum_spec;
    for (std::size_t i = 0; i < e.names.size(); ++i) {
        const bool match = e.case_sensitive ? e.names[i] == value : iequals(e.names[i], value);
        if (match) {
            config.*member = static_cast<E>(i);
            return;
        }
    }
    errors.emplace_back(e.error);
}

}  // namespace

std::optional<bool> parse_bool(std::string_view value) {
    for (std::string_view word : {"1", "true", "on", "yes"}) {
        if (iequals(value, word)) return true;
    }
    for (std::string_view word : {"0", "false", "off", "no"}) {
        if (iequals(value, word)) return false;
    }
    return std::nullopt;
}

std::optional<std::string> check_recovery_min_apply_delay(std::string_view value,
                                                          std::string_view label) {
    const std::string text(value);
    char* end = nullptr;
    const long number = std::strtol(text.c_str(), &end, 10);
    if (number < 0) {
        return "invalid value " + quoted(value) + " provided for " + quoted(label);
    }
    const std::string_view unit(end);
    if (unit.empty()) return std::nullopt;  // a bare number means milliseconds to PostgreSQL
    for (std::string_view allowed : {"ms", "s", "min", "h", "d"}) {
        if (unit == allowed) return std::nullopt;
    }
    return "value for " + quoted(label) +
           " must be one of ms/s/min/h/d (provided: " + quoted(value) + ")";
}

std::string canonicalize_path(std::string_view path) {
    if (path.empty()) return {};
    const bool absolute = path.front() == '/';
    std::vector<std::string> parts;
    for (const std::string& part : split(path, '/')) {
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (!parts.empty() && parts.back() != "..") {
                parts.pop_back();
            } else if (!absolute) {
                parts.push_back(part);  // a relative path may climb above its start
            }                           // while "/.." is just "/"
            continue;
        }
        parts.push_back(part);
    }
    std::string joined = join(parts, "/");
    if (absolute) return "/" + joined;
    return joined.empty() ? "." : joined;
}

std::variant<TablespaceMapping, std::string> parse_tablespace_mapping(std::string_view value) {
    std::array<std::string, 2> sides;
    std::size_t side = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (c == '\\' && i + 1 < value.size() && value[i + 1] == '=') {
            sides[side] += '=';
            ++i;
        } else if (c == '=') {
            if (side == 1) return std::string("multiple \"=\" signs in tablespace mapping");
            side = 1;
        } else {
            sides[side] += c;
        }
        if (sides[side].size() >= kMaxLen) return std::string("directory name too long");
    }
    if (sides[0].empty() || sides[1].empty()) {
        return "invalid tablespace mapping format " + quoted(value) + ", must be \"OLDDIR=NEWDIR\"";
    }
    return TablespaceMapping{canonicalize_path(sides[0]), canonicalize_path(sides[1])};
}

std::vector<std::string> parse_event_list(std::string_view value) {
    std::string compact;
    for (char c : value) {
        if (c != ' ' && c != '\t') compact += c;
    }
    std::vector<std::string> events;
    for (std::string& item : split(compact, ',')) {
        if (!item.empty()) events.push_back(std::move(item));
    }
    return events;
}

std::optional<std::string> apply_option_value(Config& config, const OptionSpec& spec,
                                              std::string_view value,
                                              std::vector<std::string>& errors) {
    const Member& m = spec.member;
    switch (spec.type) {
        case ValueType::kInt:
            config.*std::get<int Config::*>(m) = parse_int(spec.key, value, *spec.min, errors);
            break;
        case ValueType::kInterval:
            config.*std::get<Seconds Config::*>(m) =
                Seconds{parse_int(spec.key, value, *spec.min, errors)};
            break;
        case ValueType::kBool: {
            const std::optional<bool> b = parse_bool(value);
            if (!b) {
                errors.push_back(quoted(spec.key) + ": unable to interpret " + quoted(value) +
                                 " as a boolean value");
            }
            config.*std::get<bool Config::*>(m) = b.value_or(false);
            break;
        }
        case ValueType::kTimeString:
            if (auto error = check_recovery_min_apply_delay(value, spec.key)) {
                errors.push_back(std::move(*error));
                break;
            }
            [[fallthrough]];
        case ValueType::kString:
        case ValueType::kPath:
        case ValueType::kConninfo:
            store_string(config.*std::get<std::string Config::*>(m), spec, value, errors);
            break;
        case ValueType::kEnum:
            // The table guarantees an enum member here (checked at compile time).
            std::visit(
                [&](auto member) {
                    using T = std::remove_reference_t<decltype(config.*member)>;
                    if constexpr (std::is_enum_v<T>)
                        store_enum(config, member, spec, value, errors);
                },
                m);
            break;
        case ValueType::kEventList: {
            auto& list = config.*std::get<std::vector<std::string> Config::*>(m);
            for (std::string& event : parse_event_list(value)) list.push_back(std::move(event));
            break;
        }
        case ValueType::kTablespaceList: {
            auto parsed = parse_tablespace_mapping(value);
            if (auto* error = std::get_if<std::string>(&parsed)) return std::move(*error);
            (config.*std::get<std::vector<TablespaceMapping> Config::*>(m))
                .push_back(std::get<TablespaceMapping>(std::move(parsed)));
            break;
        }
    }
    return std::nullopt;
}

}  // namespace repmgr::config
