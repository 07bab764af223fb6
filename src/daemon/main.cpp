// repmgrd entry point: command line, root refusal, then the daemon (daemon.cpp). Every
// fatal condition is thrown as repmgr::Error (or DaemonExit after clean-up) and turned
// into repmgrd's exit code here (exit-codes.md §2.7).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "daemon/daemon.hpp"
#include "daemon/options.hpp"
#include "repmgr/common/error.hpp"
#include "repmgr/log/logger.hpp"

namespace {

std::string basename_of(const std::string& path) {
    auto pos = path.find_last_of('/');
    return pos == std::string::npos ? path : path.substr(pos + 1);
}

int run(int argc, char** argv) {
    using namespace repmgr;
    const std::string progname = basename_of(argc > 0 ? argv[0] : "repmgrd");
    if (geteuid() == 0) {
        std::cerr << progname << ": cannot be run as root\n"
                  << "Please log in (using, e.g., \"su\") as the (unprivileged) user that owns the "
                     "data directory.\n";
        return 1;
    }
    daemon::ParsedDaemonCommandLine parsed = daemon::parse_daemon_command_line(argc, argv);
    parsed.options.progname = progname;
    if (!parsed.getopt_errors.empty()) {
        for (const auto& e : parsed.getopt_errors) std::cerr << e << "\n";
        std::cerr << "repmgrd: replication management daemon for PostgreSQL\n"
                  << "Try \"repmgrd --help\" for more information.\n";
        return 1;
    }
    if (parsed.options.help) {
        std::fputs(daemon::daemon_help_text(progname).c_str(), stdout);
        return 0;
    }
    if (parsed.options.version) {
        fmt::print("{} {}\n", progname, REPMGR_VERSION);
        return 0;
    }
    if (!parsed.errors.empty()) {
        std::string text = "The following command line errors were encountered:\n";
        for (const auto& e : parsed.errors) text += "  " + e + "\n";
        text += "Try \"repmgrd --help\" for more information.\n";
        std::fputs(text.c_str(), stderr);
        return 1;
    }
    return daemon::run_daemon(parsed.options);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace repmgr;
    try {
        return run(argc, argv);
    } catch (const ReportedError& e) {
        return to_int(e.code());
    } catch (const Error& e) {
        log::error_with_notes(e);
        return to_int(e.code());
    } catch (const std::exception& e) {
        log::error("unexpected error: {}", e.what());
        return to_int(ExitCode::kInternal);
    }
}
