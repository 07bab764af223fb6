#include "repmgr/pg/rewind.hpp"

#include <fstream>

#include "repmgr/common/strings.hpp"
#include "repmgr/pg/service.hpp"

namespace repmgr::pg {
namespace {

bool shell_safe(const std::string& word) {
    if (word.empty()) return false;
    for (char c : word) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '_' || c == '-' ||
                        c == '+' || c == ',';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

std::optional<int> read_data_directory_version(const std::string& data_directory) {
    std::ifstream in(data_directory + "/PG_VERSION");
    std::string line;
    if (!in || !std::getline(in, line)) return std::nullopt;
    const std::string text = trim(line);
    const auto dot = text.find('.');
    auto major = parse_int_strict(text.substr(0, dot));
    if (!major || *major <= 0) return std::nullopt;
    if (dot == std::string::npos) return *major * 10000;
    auto minor = parse_int_strict(text.substr(dot + 1));
    if (!minor || *minor < 0) return std::nullopt;
    return *major * 10000 + *minor * 100;
}

std::string pg_rewind_command(const config::Config& cfg, const std::string& data_directory,
                              const std::string& source_conninfo,
                              const std::optional<std::string>& binary) {
    std::string program = pg_program(cfg, "pg_rewind");
    if (binary && !binary->empty()) {
        program = shell_safe(*binary) ? *binary : shell_quote(*binary);
    }
    return program + " -D " + shell_quote(data_directory) +
           " --source-server=" + shell_quote(source_conninfo);
}

CommandResult run_pg_rewind(const std::string& command) { return run_shell(command); }

}  // namespace repmgr::pg
