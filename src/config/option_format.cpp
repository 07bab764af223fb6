// Values as text, derived from the option table: --dump-config (spec/config.md §7) and the
// repmgrd reload report (§6 step 7) share one formatter.

#include <algorithm>
#include <type_traits>

#include "repmgr/config/config_file.hpp"
#include "repmgr/config/option_table.hpp"

namespace repmgr::config {

std::string format_option_value(const Config& config, const OptionSpec& spec) {
    return std::visit(
        [&](auto member) -> std::string {
            const auto& value = config.*member;
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, int>) {
                return std::to_string(value);
            } else if constexpr (std::is_same_v<T, Seconds>) {
                return std::to_string(value.count());
            } else if constexpr (std::is_same_v<T, bool>) {
                return value ? "true" : "false";
            } else if constexpr (std::is_same_v<T, std::string>) {
                return value;
            } else if constexpr (std::is_enum_v<T>) {
                const auto index = static_cast<std::size_t>(value);
                return index < spec.enum_spec->names.size()
                           ? std::string(spec.enum_spec->names[index])
                           : std::string();
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                std::string out;
                for (const std::string& item : value) out += (out.empty() ? "" : ",") + item;
                return out;
            } else {
                static_assert(std::is_same_v<T, std::vector<TablespaceMapping>>);
                std::string out;
                for (const TablespaceMapping& m : value) {
                    if (!out.empty()) out += ',';
                    out += m.old_dir + "=" + m.new_dir;
                }
                return out;
            }
        },
        spec.member);
}

std::string dump_config(const Config& config) {
    std::string out;
    for (const OptionSpec& spec : option_table()) {
        out += spec.key;
        out += '|';
        out += format_option_value(config, spec);
        out += '\n';
    }
    return out;
}

std::vector<ConfigChange> diff_reloadable(const Config& old_config, const Config& new_config) {
    std::vector<const OptionSpec*> reported;
    for (const OptionSpec& spec : option_table()) {
        if (spec.report_rank > 0) reported.push_back(&spec);
    }
    std::sort(reported.begin(), reported.end(), [](const OptionSpec* a, const OptionSpec* b) {
        return a->report_rank < b->report_rank;
    });
    std::vector<ConfigChange> changes;
    for (const OptionSpec* spec : reported) {
        std::string before = format_option_value(old_config, *spec);
        std::string after = format_option_value(new_config, *spec);
        if (before != after) {
            changes.push_back({std::string(spec->key), std::move(before), std::move(after)});
        }
    }
    return changes;
}

}  // namespace repmgr::config
