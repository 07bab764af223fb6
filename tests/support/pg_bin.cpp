#include "support/pg_bin.hpp"

#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "support/harness_error.hpp"
#include "support/process.hpp"

namespace repmgr::test {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kInstallHint =
    "install PostgreSQL 15 (scripts/install-deps) or set REPMGR_TEST_PG_BINDIR";

bool is_executable(const fs::path& file) {
    return fs::is_regular_file(file) && ::access(file.c_str(), X_OK) == 0;
}

// pg_config itself is the one program we may look for: TESTING.md names it as the source.
std::optional<fs::path> find_pg_config() {
    if (const char* env = std::getenv("REPMGR_TEST_PG_CONFIG"); env != nullptr && *env != '\0') {
        return fs::path(env);
    }
    std::vector<fs::path> candidates{"/usr/bin/pg_config"};
    if (const char* path = std::getenv("PATH"); path != nullptr) {
        std::string_view rest(path);
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            const std::string_view dir = rest.substr(0, colon);
            if (!dir.empty()) candidates.push_back(fs::path(dir) / "pg_config");
            rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
        }
    }
    for (const auto& candidate : candidates) {
        if (candidate.is_absolute() && is_executable(candidate)) return candidate;
    }
    return std::nullopt;
}

fs::path lookup_bindir() {
    fs::path dir;
    std::string source;
    if (const char* env = std::getenv("REPMGR_TEST_PG_BINDIR"); env != nullptr && *env != '\0') {
        dir = env;
        source = "REPMGR_TEST_PG_BINDIR";
    } else {
        const auto pg_config = find_pg_config();
        if (!pg_config) {
            throw HarnessError("PostgreSQL binaries not found: no pg_config; " +
                               std::string(kInstallHint));
        }
        const RunResult r = run_process({pg_config->string(), "--bindir"});
        std::string out = r.out;
        while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
        if (!r.ok() || out.empty()) {
            throw HarnessError("PostgreSQL binaries not found: `" + pg_config->string() +
                               " --bindir` failed (" + r.err + "); " + std::string(kInstallHint));
        }
        dir = out;
        source = pg_config->string() + " --bindir";
    }
    for (const char* tool : {"initdb", "pg_ctl", "postgres", "psql", "pg_basebackup"}) {
        if (!is_executable(dir / tool)) {
            throw HarnessError("PostgreSQL binaries not found: " + (dir / tool).string() +
                               " (bin directory from " + source + ") is missing; " +
                               std::string(kInstallHint));
        }
    }
    return dir;
}

}  // namespace

const fs::path& pg_bindir() {
    static const fs::path dir = lookup_bindir();
    return dir;
}

fs::path pg_bin(std::string_view name) {
    fs::path file = pg_bindir() / name;
    if (!is_executable(file)) {
        throw HarnessError("PostgreSQL program " + file.string() + " not found; " +
                           std::string(kInstallHint));
    }
    return file;
}

}  // namespace repmgr::test
