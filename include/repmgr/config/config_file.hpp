// Reading repmgr.conf: locating the file, parsing it (with include directives) into a
// Config, the post-parse checks, reporting problems the way repmgr does, --dump-config and
// the repmgrd reload diff (spec/config.md §1, §2, §5, §6, §7). Precedence of command-line
// options over file values is not handled here but by the caller.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "repmgr/config/config.hpp"

namespace repmgr::config {

// Everything one parse produced. Nothing is printed while parsing.
struct ParseOutcome {
    Config config;
    // Messages for repmgr's "following errors were found" list, in the order found.
    std::vector<std::string> errors;
    // Deprecated and unknown parameter warnings, in the order found.
    std::vector<std::string> warnings;
    // A tablespace_mapping error stops parsing at once; repmgr prints it as a plain
    // "ERROR: <text>" and exits 1 without the error list (spec/config.md §3.5).
    std::optional<std::string> fatal_error;
    // Lines repmgr writes to stderr the moment they happen, before any list: only
    // "too many syntax errors found, abandoning file ..." (spec/config.md §2.2).
    std::vector<std::string> immediate_messages;
};

// Parses the file at `absolute_path` and everything it includes, then runs the post-parse
// checks (only if no syntax, include or open error occurred, spec/config.md §5). Never
// prints and never throws for problems in the content; an unreadable file becomes
// `could not open configuration file "<path>": <reason>` in errors.
// config.config_file is set to `absolute_path`.
ParseOutcome parse_config_file(const std::string& absolute_path);

// As parse_config_file() for text already in memory; `pretend_path` is used in messages,
// as config_file and as the base directory for relative include directives.
ParseOutcome parse_config_text(std::string_view text, const std::string& pretend_path);

// The post-parse checks of spec/config.md §5 in repmgr's order: required parameters,
// conninfo syntax (libpq), the repmgrd_standby_startup_timeout default, the Barman pair,
// the warning/critical thresholds and standby_reconnect_timeout vs node_rejoin_timeout.
// May set config.repmgrd_standby_startup_timeout; appends to `errors`.
void check_parsed_config(Config& config, std::vector<std::string>& errors);

// The extra checks repmgrd makes before adopting a re-read file on SIGHUP (spec/config.md
// §6 steps 3-4): with failover=automatic on a primary or standby
// (`node_can_fail_over`), promote_command and follow_command are required; node_id and
// node_name cannot change. Returns the error texts (empty = acceptable).
std::vector<std::string> check_reloaded_config(const Config& current, const Config& reloaded,
                                               bool node_can_fail_over);

struct LocatedFile {
    std::string path;       // absolute and canonical
    bool from_cli = false;  // given with -f/--config-file
};

// Finds the configuration file (spec/config.md §1): the -f path if `cli_path` is not
// empty, else ./repmgr.conf, /etc/repmgr.conf, <sysconfdir>/repmgr.conf. With `verbose`
// prints the search messages (some via the logger, some as plain stdout lines, as repmgr).
// nullopt when no default file exists.
// Throws ReportedError(kBadConfig) after printing `ERROR: provided configuration file
// "<cli_path>" not found` + DETAIL when the -f file does not exist.
std::optional<LocatedFile> locate_config_file(std::string_view cli_path, bool verbose);

struct LoadRequest {
    std::string cli_path;  // -f/--config-file, "" if not given
    bool verbose = false;  // -v
    bool terse = false;    // -t: no warning block
    // repmgrd rather than repmgr. The line format itself comes from the logger's mode,
    // which the caller sets up before loading; the reporting is otherwise identical.
    bool daemon = false;
};

struct LoadOutcome {
    Config config;  // defaults when no file was found
    bool file_found = false;
    bool from_cli = false;
    std::vector<std::string> warnings;  // already printed unless terse
};

// Locates, parses and reports exactly as repmgr does at start-up (spec/config.md §1, §5):
// on errors prints "ERROR: following errors were found in the configuration file:", the
// "  <item>" lines, the warning block (unless terse; preceded by a blank line on stdout)
// and, for a file found in a default location, "DETAIL: configuration file is: ...", then
// throws ReportedError(kBadConfig). A fatal tablespace_mapping error throws
// Error(kBadConfig) with its text. With only warnings, prints them (unless terse) and
// returns. Without any file, returns defaults with file_found = false.
LoadOutcome load_config(const LoadRequest& request);

// `repmgr --dump-config` output (spec/config.md §7): one "key|value" line per parameter,
// in table order, each ending in "\n".
std::string dump_config(const Config& config);

// One parameter whose value differs between two configurations, values as dump_config()
// formats them.
struct ConfigChange {
    std::string key;
    std::string old_value;
    std::string new_value;
};

// The changes repmgrd reports after a SIGHUP reload (spec/config.md §6 step 7), in
// repmgr's reporting order. Only the reported reloadable parameters are compared; as in
// repmgr, event_notifications changes are never reported.
std::vector<ConfigChange> diff_reloadable(const Config& old_config, const Config& new_config);

}  // namespace repmgr::config
