// repmgr command-line entry point: the processing order of commands.md §1.2. Every error
// below main is thrown, caught here once, printed as ERROR/DETAIL/HINT and turned into the
// exit code it carries.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/app.hpp"
#include "cli/checks.hpp"
#include "cli/handlers.hpp"
#include "cli/help.hpp"
#include "cli/node_selection.hpp"
#include "repmgr/common/error.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/config/config_file.hpp"
#include "repmgr/log/logger.hpp"

namespace repmgr::cli {
namespace {

std::string basename_of(const std::string& path) {
    auto pos = path.find_last_of('/');
    return pos == std::string::npos ? path : path.substr(pos + 1);
}

// `command_known`: the command word had been determined when the errors were found (errors
// in option values are found before that, so their hint names no command).
void print_error_block(const std::vector<std::string>& errors, const ParsedCommandLine& parsed,
                       const std::string& progname, bool command_known) {
    std::string text = "The following command line errors were encountered:\n";
    for (const auto& e : errors) text += "  " + e + "\n";
    if (command_known && parsed.command_valid) {
        text += fmt::format("Try \"{0} --help\" or \"{0} {1} --help\" for more information.\n",
                            progname, parsed.command_word);
    } else {
        text += fmt::format("Try \"{} --help\" for more information.\n", progname);
    }
    std::fputs(text.c_str(), stderr);
}

void print_try_line(const ParsedCommandLine& parsed, const std::string& progname) {
    if (parsed.command_valid) {
        fmt::print("Try \"{0} --help\" or \"{0} {1} --help\" for more information.\n", progname,
                   parsed.command_word);
    } else {
        fmt::print("Try \"{} --help\" for more information.\n", progname);
    }
}

log::Settings logger_settings(const CliOptions& o, const config::Config& cfg) {
    log::Settings s;
    s.program_name = "repmgr";
    std::string level_text = o.log_level.value_or(cfg.log_level);
    if (auto level = log::parse_level(level_text)) s.level = *level;
    if (o.dry_run && s.level < log::Level::kInfo) s.level = log::Level::kInfo;
    if (o.quiet) s.level = log::Level::kError;
    s.verbose = o.verbose;
    s.terse = o.terse;
    if (o.log_to_file) {
        s.mode = log::Mode::kDaemon;
        s.log_file = cfg.log_file;
        s.log_facility = cfg.log_facility;
    }
    return s;
}

int run(int argc, char** argv) {
    const std::string progname = basename_of(argc > 0 ? argv[0] : "repmgr");
    CliContext ctx;
    ParsedCommandLine parsed = parse_command_line(argc, argv, ctx);
    CliOptions& o = parsed.options;

    for (const auto& e : parsed.getopt_errors) std::cerr << e << "\n";
    if (o.version) {
        fmt::print("{} {}\n", progname, REPMGR_VERSION);
        return 0;
    }
    if (o.version_number) {
        fmt::print("{}\n", REPMGR_VERSION_NUM);
        return 0;
    }

    std::vector<std::string> warnings;
    std::vector<std::string> option_errors = validate_option_values(parsed, warnings);

    const bool as_root = geteuid() == 0;
    if (as_root && !o.help) {
        std::cerr << progname << ": cannot be run as root\n"
                  << "Please log in (using, e.g., \"su\") as the (unprivileged) user that owns the "
                     "data directory.\n";
        return to_int(ExitCode::kBadConfig);
    }
    if (!option_errors.empty()) {
        print_error_block(option_errors, parsed, progname, false);
        return to_int(ExitCode::kBadConfig);
    }
    if (o.help) {
        if (!parsed.command_valid || !print_command_help(progname, parsed.command_word)) {
            print_general_help(progname, as_root);
        }
        return 0;
    }

    config::LoadRequest request;
    request.cli_path = o.config_file.value_or("");
    request.verbose = o.verbose;
    request.terse = o.terse;
    config::LoadOutcome loaded = config::load_config(request);
    const config::Config& cfg = loaded.config;

    if (o.dump_config) {
        if (!parsed.command_word.empty()) {
            std::fputs("--dump-config cannot be used in combination with a repmgr command", stderr);
            return to_int(ExitCode::kBadConfig);
        }
        std::fputs(config::dump_config(cfg).c_str(), stdout);
        return 0;
    }

    std::vector<std::string> errors = parsed.errors;
    bool config_required = true;
    if (parsed.action != Action::kNone) {
        ApplicabilityResult applicability = check_cli_parameters(parsed, cfg);
        warnings.insert(warnings.end(), applicability.warnings.begin(),
                        applicability.warnings.end());
        errors.insert(errors.end(), applicability.errors.begin(), applicability.errors.end());
        config_required = applicability.config_required;
    }
    if (!errors.empty()) {
        print_error_block(errors, parsed, progname, true);
        return to_int(ExitCode::kBadConfig);
    }
    if (!parsed.getopt_errors.empty()) {
        print_try_line(parsed, progname);
        return to_int(ExitCode::kBadConfig);
    }
    if (!o.terse && !warnings.empty()) {
        std::string text = "WARNING: following problems with command line parameters detected:";
        for (const auto& w : warnings) text += "\n  " + w;
        std::cerr << text << "\n";
    }

    config::Config effective = cfg;
    if (o.pg_bindir) {
        effective.pg_bindir = *o.pg_bindir;
        if (!effective.pg_bindir.empty() && effective.pg_bindir.back() != '/') {
            effective.pg_bindir += '/';
        }
    }
    log::init(logger_settings(o, effective));

    if (config_required && effective.node_id == -1) {
        throw Error(ExitCode::kBadConfig,
                    "no node information was found - please supply a configuration file");
    }
    resolve_node_selection(parsed, effective);

    const VerbSpec* spec = ctx.find(parsed.action);
    if (spec == nullptr) throw_not_available(parsed.action);
    CommandContext command{effective, o, parsed.positional, loaded.file_found};
    return to_int(spec->handler(command));
}

void print_error(const Error& e) {
    log::error_with_notes(e);
}

}  // namespace
}  // namespace repmgr::cli

int main(int argc, char** argv) {
    using namespace repmgr;
    try {
        return cli::run(argc, argv);
    } catch (const ReportedError& e) {
        return to_int(e.code());
    } catch (const Error& e) {
        cli::print_error(e);
        return to_int(e.code());
    } catch (const std::exception& e) {
        log::error("unexpected error: {}", e.what());
        return to_int(ExitCode::kInternal);
    } catch (...) {
        log::error("unexpected error");
        return to_int(ExitCode::kInternal);
    }
}
