// repmgrd's command line (repmgrd.md §1).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace repmgr::daemon {

struct DaemonOptions {
    bool help = false;
    bool version = false;
    std::optional<std::string> config_file;
    bool daemonize = true;
    std::optional<std::string> pid_file;
    bool show_pid_file = false;
    bool no_pid_file = false;
    std::optional<std::string> log_level;
    bool verbose = false;
    bool monitoring_history = false;
    std::string progname = "repmgrd";  // basename of argv[0], as repmgr prints it
};

struct ParsedDaemonCommandLine {
    DaemonOptions options;
    std::vector<std::string> getopt_errors;  // "<argv0>: unrecognized option '--x'"
    std::vector<std::string> errors;         // the "command line errors" block
};

// Parses argv with getopt-like semantics (`--daemonize` takes an optional =BOOL).
ParsedDaemonCommandLine parse_daemon_command_line(int argc, char** argv);

// repmgrd --help text (our own wording).
std::string daemon_help_text(const std::string& progname);

}  // namespace repmgr::daemon
