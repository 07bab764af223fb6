#include "daemon/options.hpp"

#include <fmt/format.h>

#include <string_view>

#include "repmgr/common/strings.hpp"
#include "repmgr/config/values.hpp"
#include "repmgr/log/logger.hpp"

namespace repmgr::daemon {
namespace {

// Long and short options taking a value; the value may be attached ("-Lx", "--x=v") or
// the next argument.
bool take_value(std::string_view arg, std::string_view short_opt, std::string_view long_opt,
                int& i, int argc, char** argv, std::optional<std::string>& out, bool& missing) {
    if (arg == short_opt || arg == long_opt) {
        if (i + 1 >= argc) {
            missing = true;
            return true;
        }
        out = argv[++i];
        return true;
    }
    if (!short_opt.empty() && arg.size() > 2 && arg.substr(0, 2) == short_opt) {
        out = std::string(arg.substr(2));
        return true;
    }
    const std::string prefix = std::string(long_opt) + "=";
    if (starts_with(arg, prefix)) {
        out = std::string(arg.substr(prefix.size()));
        return true;
    }
    return false;
}

}  // namespace

ParsedDaemonCommandLine parse_daemon_command_line(int argc, char** argv) {
    ParsedDaemonCommandLine out;
    DaemonOptions& o = out.options;
    const std::string argv0 = argc > 0 ? argv[0] : "repmgrd";
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        bool missing = false;
        std::optional<std::string> daemonize_value;
        if (arg == "-?" || arg == "--help") {
            o.help = true;
        } else if (arg == "-V" || arg == "--version") {
            o.version = true;
        } else if (arg == "-v" || arg == "--verbose") {
            o.verbose = true;
        } else if (arg == "-d" || arg == "--daemonize-short" || arg == "--daemonize") {
            o.daemonize = true;
        } else if (starts_with(arg, "--daemonize=")) {
            std::string value(arg.substr(std::string_view("--daemonize=").size()));
            auto b = config::parse_bool(value);
            if (b) {
                o.daemonize = *b;
            } else {
                out.errors.push_back(
                    fmt::format("\"--daemonize\": unable to interpret \"{}\" as a boolean value", value));
            }
        } else if (arg == "-s" || arg == "--show-pid-file") {
            o.show_pid_file = true;
        } else if (arg == "--no-pid-file") {
            o.no_pid_file = true;
        } else if (arg == "-m" || arg == "--monitoring-history") {
            o.monitoring_history = true;
        } else if (take_value(arg, "-f", "--config-file", i, argc, argv, o.config_file, missing) ||
                   take_value(arg, "-p", "--pid-file", i, argc, argv, o.pid_file, missing) ||
                   take_value(arg, "-L", "--log-level", i, argc, argv, o.log_level, missing)) {
            if (missing) {
                out.getopt_errors.push_back(
                    arg.size() == 2 ? fmt::format("{}: option requires an argument -- '{}'", argv0, arg.substr(1))
                                    : fmt::format("{}: option '{}' requires an argument", argv0, arg));
            }
        } else if (starts_with(arg, "--")) {
            out.getopt_errors.push_back(fmt::format("{}: unrecognized option '{}'", argv0, arg));
        } else if (starts_with(arg, "-") && arg.size() > 1) {
            out.getopt_errors.push_back(fmt::format("{}: invalid option -- '{}'", argv0, arg.substr(1, 1)));
        } else {
            out.getopt_errors.push_back(fmt::format("{}: unexpected argument '{}'", argv0, arg));
        }
    }
    if (o.log_level && !log::parse_level(*o.log_level)) {
        out.errors.push_back(fmt::format("invalid log level \"{}\" provided", *o.log_level));
    }
    return out;
}

std::string daemon_help_text(const std::string& progname) {
    return fmt::format(
        "{0}: replication management daemon for PostgreSQL\n"
        "\n"
        "Usage:\n"
        "  {0} [OPTIONS]\n"
        "\n"
        "Options:\n"
        "  -?, --help                show this help and exit\n"
        "  -V, --version             show the version and exit\n"
        "  -v, --verbose             print more detail about what is going on\n"
        "  -f, --config-file=PATH    repmgr configuration file\n"
        "  -d                        run in the background (the default)\n"
        "  --daemonize[=true/false]  run in the background, or with =false in the foreground\n"
        "                            (for systemd Type=simple and containers; default: true)\n"
        "  -p, --pid-file=PATH       where to write the PID file\n"
        "  -s, --show-pid-file       print the PID file path that would be used and exit\n"
        "  --no-pid-file             do not write a PID file\n"
        "  -L, --log-level=LEVEL     one of DEBUG, INFO, NOTICE, WARNING, ERROR, ALERT, CRIT, EMERG\n"
        "\n"
        "{0} home page: <https://repmgr.org/>\n",
        progname);
}

}  // namespace repmgr::daemon
