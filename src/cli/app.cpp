// Builds the CLI11 tree and turns argv into a ParsedCommandLine with getopt-compatible
// behaviour: options before or after the verb, `-?`, optional values only as `--opt=value`,
// repmgr's error texts (commands.md §1.1–§1.4).
#include "cli/app.hpp"

#include "cli/handlers.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <string_view>

#include "repmgr/common/strings.hpp"

namespace repmgr::cli {
namespace {

struct FlagDef {
    const char* names;
    bool CliOptions::*member;
};

struct ValueDef {
    const char* names;
    std::optional<std::string> CliOptions::*member;
};

// Long options whose value is optional: getopt only takes it when attached with '='.
struct OptionalValueDef {
    std::string_view long_name;
    bool CliOptions::*given;
    std::optional<std::string> CliOptions::*value;
};

constexpr std::array kFlags = {
    FlagDef{"-V,--version", &CliOptions::version},
    FlagDef{"--version-number", &CliOptions::version_number},
    FlagDef{"-F,--force", &CliOptions::force},
    FlagDef{"--dry-run", &CliOptions::dry_run},
    FlagDef{"--dump-config", &CliOptions::dump_config},
    FlagDef{"-w", &CliOptions::wait},
    FlagDef{"-W,--no-wait", &CliOptions::no_wait},
    FlagDef{"--compact", &CliOptions::compact},
    FlagDef{"--detail", &CliOptions::detail},
    FlagDef{"-c,--fast-checkpoint", &CliOptions::fast_checkpoint},
    FlagDef{"--no-upstream-connection", &CliOptions::no_upstream_connection},
    FlagDef{"--without-barman", &CliOptions::without_barman},
    FlagDef{"--replication-conf-only,--recovery-conf-only", &CliOptions::replication_conf_only},
    FlagDef{"--verify-backup", &CliOptions::verify_backup},
    FlagDef{"--always-promote", &CliOptions::always_promote},
    FlagDef{"--siblings-follow", &CliOptions::siblings_follow},
    FlagDef{"--repmgrd-no-pause", &CliOptions::repmgrd_no_pause},
    FlagDef{"--repmgrd-force-unpause", &CliOptions::repmgrd_force_unpause},
    FlagDef{"--is-shutdown-cleanly", &CliOptions::is_shutdown_cleanly},
    FlagDef{"--archive-ready", &CliOptions::archive_ready},
    FlagDef{"--downstream", &CliOptions::downstream},
    FlagDef{"--upstream", &CliOptions::upstream},
    FlagDef{"--replication-lag", &CliOptions::replication_lag},
    FlagDef{"--role", &CliOptions::role},
    FlagDef{"--slots", &CliOptions::slots},
    FlagDef{"--missing-slots", &CliOptions::missing_slots},
    FlagDef{"--data-directory-config", &CliOptions::data_directory_config},
    FlagDef{"--repmgrd", &CliOptions::repmgrd},
    FlagDef{"--replication-config-owner", &CliOptions::replication_config_owner},
    FlagDef{"--db-connection", &CliOptions::db_connection},
    FlagDef{"--has-passfile", &CliOptions::has_passfile},
    FlagDef{"--replication-connection", &CliOptions::replication_connection},
    FlagDef{"--list-actions", &CliOptions::list_actions},
    FlagDef{"--checkpoint", &CliOptions::checkpoint},
    FlagDef{"--all", &CliOptions::all},
    FlagDef{"--log-to-file", &CliOptions::log_to_file},
    FlagDef{"-q,--quiet", &CliOptions::quiet},
    FlagDef{"-t,--terse", &CliOptions::terse},
    FlagDef{"-v,--verbose", &CliOptions::verbose},
    FlagDef{"--csv", &CliOptions::csv},
    FlagDef{"--nagios", &CliOptions::nagios},
    FlagDef{"--optformat", &CliOptions::optformat},
    FlagDef{"--disable-wal-receiver", &CliOptions::disable_wal_receiver},
    FlagDef{"--enable-wal-receiver", &CliOptions::enable_wal_receiver},
    FlagDef{"--check-upstream-config", &CliOptions::check_upstream_config},
};

constexpr std::array kValues = {
    ValueDef{"-f,--config-file", &CliOptions::config_file},
    ValueDef{"-b,--pg_bindir", &CliOptions::pg_bindir},
    ValueDef{"-d,--dbname", &CliOptions::dbname},
    ValueDef{"-h,--host", &CliOptions::host},
    ValueDef{"-p,--port", &CliOptions::port},
    ValueDef{"-U,--username", &CliOptions::username},
    ValueDef{"-R,--remote-user", &CliOptions::remote_user},
    ValueDef{"-S,--superuser", &CliOptions::superuser},
    ValueDef{"-D,--pgdata", &CliOptions::pgdata},
    ValueDef{"--node-id", &CliOptions::node_id},
    ValueDef{"--node-name", &CliOptions::node_name},
    ValueDef{"--remote-node-id", &CliOptions::remote_node_id},
    ValueDef{"--upstream-node-id", &CliOptions::upstream_node_id},
    ValueDef{"--upstream-conninfo", &CliOptions::upstream_conninfo},
    ValueDef{"--replication-user", &CliOptions::replication_user},
    ValueDef{"--recovery-min-apply-delay", &CliOptions::recovery_min_apply_delay},
    ValueDef{"--wait-start", &CliOptions::wait_start},
    ValueDef{"--config-files", &CliOptions::config_files},
    ValueDef{"--config-archive-dir", &CliOptions::config_archive_dir},
    ValueDef{"--action", &CliOptions::action},
    ValueDef{"--event", &CliOptions::event},
    ValueDef{"--limit", &CliOptions::limit},
    ValueDef{"-k,--keep-history", &CliOptions::keep_history},
    ValueDef{"-L,--log-level", &CliOptions::log_level},
    ValueDef{"-C,--remote-config-file", &CliOptions::remote_config_file},
};

constexpr std::array kOptionalValues = {
    OptionalValueDef{"--wait", &CliOptions::wait, &CliOptions::wait_value},
    OptionalValueDef{"--wait-sync", &CliOptions::wait_sync, &CliOptions::wait_sync_value},
    OptionalValueDef{"--force-rewind", &CliOptions::force_rewind, &CliOptions::force_rewind_path},
    OptionalValueDef{"--copy-external-config-files", &CliOptions::copy_external_config_files,
                     &CliOptions::copy_external_config_files_value},
};

// Takes out what CLI11 cannot express the getopt way: `-?` and the optional-value options.
std::vector<std::string> preprocess(int argc, char** argv, CliOptions& opts) {
    std::vector<std::string> rest;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "-?") {
            opts.help = true;
            continue;
        }
        if (arg == "--help") {
            opts.help = true;
            continue;
        }
        bool consumed = false;
        for (const auto& def : kOptionalValues) {
            if (arg == def.long_name) {
                opts.*def.given = true;
                consumed = true;
            } else if (starts_with(arg, std::string(def.long_name) + "=")) {
                opts.*def.given = true;
                opts.*def.value = std::string(arg.substr(def.long_name.size() + 1));
                consumed = true;
            }
            if (consumed) break;
        }
        if (!consumed && arg.size() > 3 && starts_with(arg, "--") && arg.back() == '=') {
            // getopt accepts an empty attached value ("--action="); CLI11 does not, so pass
            // it as a separate empty argument.
            rest.emplace_back(arg.substr(0, arg.size() - 1));
            rest.emplace_back("");
            consumed = true;
        }
        if (!consumed) rest.emplace_back(arg);
    }
    return rest;
}

// Name of the option CLI11 complained about, as the user typed it if we can find it.
std::string typed_option_name(const std::string& cli11_message, const std::vector<std::string>& args) {
    std::string name = cli11_message.substr(0, cli11_message.find(':'));
    for (const auto& a : args) {
        if (a.size() == 2 && a[0] == '-' && a[1] != '-') {
            // A short option of the same CLI11 option: e.g. -f for --config-file.
            for (const auto& def : kValues) {
                std::string names = def.names;
                if (names.find(name) != std::string::npos && names.substr(0, 2) == a) return a;
            }
        }
    }
    return name;
}

std::string getopt_missing_argument(const std::string& argv0, const std::string& typed) {
    if (typed.size() == 2) {
        return argv0 + ": option requires an argument -- '" + typed.substr(1) + "'";
    }
    return argv0 + ": option '" + typed + "' requires an argument";
}

std::string getopt_unknown(const std::string& argv0, const std::string& arg) {
    if (starts_with(arg, "--")) {
        return argv0 + ": unrecognized option '" + arg + "'";
    }
    return argv0 + ": invalid option -- '" + arg.substr(1, 1) + "'";
}

// First-appearance order of -h/-p/-U (options after the verb fall through to the root, so
// the root's parse order holds them all).
void record_connection_option_order(const CLI::App& root, CliOptions& opts) {
    for (const CLI::Option* opt : root.parse_order()) {
        std::string keyword;
        if (opt->check_lname("host")) keyword = "host";
        if (opt->check_lname("port")) keyword = "port";
        if (opt->check_lname("username")) keyword = "user";
        auto& order = opts.connection_option_order;
        if (!keyword.empty() && std::find(order.begin(), order.end(), keyword) == order.end()) {
            order.push_back(keyword);
        }
    }
}

void determine_action(CLI::App& root, const CliContext& ctx, ParsedCommandLine& out,
                      std::vector<std::string>& words) {
    CLI::App* noun = nullptr;
    for (CLI::App* sub : root.get_subcommands()) noun = sub;
    if (noun == nullptr) {
        if (words.empty()) {
            out.errors.emplace_back("no repmgr command provided");
        } else if (words.size() == 1) {
            out.command_word = words[0];
            out.errors.push_back("unknown repmgr command '" + words[0] + "'");
        } else {
            out.command_word = words[0];
            out.errors.push_back("unknown repmgr action '" + words[0] + " " + words[1] + "'");
        }
        return;
    }
    out.command_valid = true;
    out.command_word = noun->get_name();
    CLI::App* verb = nullptr;
    for (CLI::App* sub : noun->get_subcommands()) verb = sub;
    if (verb == nullptr) {
        if (words.empty()) {
            out.errors.push_back("no action provided for command '" + out.command_word + "'");
        } else {
            out.errors.push_back("unknown repmgr action '" + out.command_word + " " + words[0] +
                                 "'");
        }
        return;
    }
    const VerbSpec* spec = ctx.find(verb);
    if (spec == nullptr) {  // every verb is registered with the context; defensive only
        out.errors.push_back("unknown repmgr action '" + out.command_word + " " +
                             verb->get_name() + "'");
        return;
    }
    out.action = spec->action;
    if (words.size() > spec->max_positional) {
        out.errors.push_back("too many command-line arguments (first extra is \"" +
                             words[spec->max_positional] + "\")");
    }
    out.positional = std::move(words);
}

}  // namespace

void throw_not_available(Action action) {
    throw Error(ExitCode::kBadConfig, "\"" + to_lower(action_display_name(action)) +
                                          "\" is not available in this version")
        .hint("see \"repmgr --help\" for the actions this version provides");
}

void CliContext::add_verb(CLI::App* verb, Action action, VerbHandler handler,
                          size_t max_positional) {
    verbs_[verb] = VerbSpec{action, handler, max_positional};
}

const VerbSpec* CliContext::find(const CLI::App* verb) const {
    auto it = verbs_.find(verb);
    return it == verbs_.end() ? nullptr : &it->second;
}

const VerbSpec* CliContext::find(Action action) const {
    for (const auto& [app, spec] : verbs_) {
        if (spec.action == action && spec.handler != nullptr) return &spec;
    }
    return nullptr;
}

CLI::App* add_noun(CLI::App& root, const std::string& name, const std::string& description) {
    CLI::App* noun = root.add_subcommand(name, description);
    noun->ignore_case()->fallthrough()->allow_extras();
    return noun;
}

CLI::App* add_verb(CLI::App& noun, const std::string& name, const std::string& description) {
    CLI::App* verb = noun.add_subcommand(name, description);
    verb->ignore_case()->fallthrough()->allow_extras();
    return verb;
}

ParsedCommandLine parse_command_line(int argc, char** argv, CliContext& ctx) {
    ParsedCommandLine out;
    const std::string argv0 = argc > 0 ? argv[0] : "repmgr";
    std::vector<std::string> args = preprocess(argc, argv, out.options);

    CLI::App root("repmgr");
    root.set_help_flag();  // our own --help/-? handling (preprocess)
    root.allow_extras();
    for (const auto& def : kFlags) root.add_flag(def.names, out.options.*def.member);
    std::vector<std::string> values(kValues.size());
    std::vector<CLI::Option*> value_options;
    for (size_t i = 0; i < kValues.size(); ++i) {
        value_options.push_back(root.add_option(kValues[i].names, values[i])
                                    ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast));
    }
    register_primary_commands(root, ctx);
    register_standby_commands(root, ctx);
    register_witness_commands(root, ctx);
    register_node_commands(root, ctx);
    register_cluster_commands(root, ctx);
    register_service_commands(root, ctx);
    register_daemon_commands(root, ctx);

    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        root.parse(reversed);
    } catch (const CLI::ParseError& e) {
        std::string msg = e.what();
        if (msg.find("required") != std::string::npos) {
            out.getopt_errors.push_back(getopt_missing_argument(argv0, typed_option_name(msg, args)));
        } else {
            out.getopt_errors.push_back(argv0 + ": " + msg);
        }
        return out;
    }
    for (size_t i = 0; i < kValues.size(); ++i) {
        if (value_options[i]->count() > 0) out.options.*kValues[i].member = values[i];
    }
    record_connection_option_order(root, out.options);

    // Unknown options and positional words all end up in the extras, in order.
    std::vector<std::string> words;
    for (const auto& extra : root.remaining()) {
        if (extra.size() > 1 && extra[0] == '-') {
            out.getopt_errors.push_back(getopt_unknown(argv0, extra));
        } else {
            words.push_back(extra);
        }
    }
    determine_action(root, ctx, out, words);
    return out;
}

}  // namespace repmgr::cli
