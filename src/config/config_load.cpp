// Finding repmgr.conf and reporting what parsing found, as repmgr does at start-up
// (spec/config.md §1 and §5). Runs before the logger is configured from the file, so it
// uses the logger's start-up settings; a few lines are plain stdout writes, as in repmgr.

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config_file.hpp"
#include "repmgr/config/values.hpp"
#include "repmgr/log/logger.hpp"

// PostgreSQL's sysconfdir as the Debian packages configure it. Override at build time with
// -DREPMGR_SYSCONFDIR="..." (e.g. /usr/pgsql-15/etc for PGDG RPM builds).
#ifndef REPMGR_SYSCONFDIR
#define REPMGR_SYSCONFDIR "/etc/postgresql-common"
#endif

namespace repmgr::config {
namespace {

constexpr const char* kConfigFileName = "repmgr.conf";
constexpr const char* kSysconfDir = REPMGR_SYSCONFDIR;

bool exists(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0;
}

// Relative paths are taken relative to $PWD (the directory the user sees, which differs
// from getcwd() under symlinks), falling back to getcwd() when $PWD is unset.
std::string make_absolute(std::string_view path) {
    if (!path.empty() && path.front() == '/') return canonicalize_path(path);
    std::string base;
    if (const char* pwd = std::getenv("PWD")) {
        base = pwd;
    } else {
        char buffer[PATH_MAX];
        if (getcwd(buffer, sizeof buffer) != nullptr) base = buffer;
    }
    return canonicalize_path(base + "/" + std::string(path));
}

// repmgr prints these with printf, not through its logger.
void print_stdout(const std::string& line) { std::cout << line << '\n' << std::flush; }

std::optional<LocatedFile> locate_default(bool verbose) {
    if (verbose) log::info("looking for configuration file in current directory");
    if (exists(kConfigFileName)) return LocatedFile{make_absolute(kConfigFileName), false};

    if (verbose) print_stdout("INFO: looking for configuration file in /etc");
    const std::string etc_path = std::string("/etc/") + kConfigFileName;
    if (exists(etc_path)) return LocatedFile{etc_path, false};

    if (verbose) {
        print_stdout(std::string("INFO: looking for configuration file in \"") + kSysconfDir +
                     "\"");
    }
    const std::string sysconf_path = std::string(kSysconfDir) + "/" + kConfigFileName;
    if (exists(sysconf_path)) return LocatedFile{canonicalize_path(sysconf_path), false};
    return std::nullopt;
}

void print_items(const std::vector<std::string>& items) {
    for (const std::string& item : items) log::raw_stderr("  " + item);
}

[[noreturn]] void report_errors(const ParseOutcome& parsed, const LoadRequest& request,
                                const LocatedFile& file) {
    log::error("following errors were found in the configuration file:");
    print_items(parsed.errors);
    if (!request.terse && !parsed.warnings.empty()) {
        std::cout << '\n' << std::flush;  // repmgr's blank separator goes to stdout
        log::warning("the following problems were also found in the configuration file:");
        print_items(parsed.warnings);
    }
    if (!file.from_cli) log::detail("configuration file is: \"{}\"", file.path);
    throw ReportedError(ExitCode::kBadConfig);
}

}  // namespace

std::optional<LocatedFile> locate_config_file(std::string_view cli_path, bool verbose) {
    if (!cli_path.empty()) {
        const std::string path = make_absolute(cli_path);
        struct stat st {};
        if (stat(path.c_str(), &st) != 0) {
            const int err = errno;
            log::error("provided configuration file \"{}\" not found", cli_path);
            log::detail("{}", std::strerror(err));
            throw ReportedError(ExitCode::kBadConfig);
        }
        if (verbose) log::notice("using provided configuration file \"{}\"", cli_path);
        return LocatedFile{path, true};
    }
    std::optional<LocatedFile> found = locate_default(verbose);
    if (verbose) {
        print_stdout(found ? "INFO: configuration file found at: \"" + found->path + "\""
                           : std::string("INFO: no configuration file provided or found"));
    }
    return found;
}

LoadOutcome load_config(const LoadRequest& request) {
    LoadOutcome result;
    const std::optional<LocatedFile> file = locate_config_file(request.cli_path, request.verbose);
    if (!file) {
        if (request.verbose) {
            log::notice(
                "no configuration file provided and no default file found - continuing with "
                "default values");
        }
        return result;
    }

    if (std::FILE* probe = std::fopen(file->path.c_str(), "r")) {
        std::fclose(probe);
    } else {
        log::error("unable to open {} configuration file \"{}\"; terminating",
                   file->from_cli ? "provided" : "default", file->path);
        throw ReportedError(ExitCode::kBadConfig);
    }

    ParseOutcome parsed = parse_config_file(file->path);
    for (const std::string& line : parsed.immediate_messages) log::raw_stderr(line);
    if (parsed.fatal_error) throw Error(ExitCode::kBadConfig, *parsed.fatal_error);
    if (!parsed.errors.empty()) report_errors(parsed, request, *file);
    if (!request.terse && !parsed.warnings.empty()) {
        log::warning("the following problems were found in the configuration file:");
        print_items(parsed.warnings);
    }

    result.config = std::move(parsed.config);
    result.file_found = true;
    result.from_cli = file->from_cli;
    result.warnings = std::move(parsed.warnings);
    return result;
}

}  // namespace repmgr::config
