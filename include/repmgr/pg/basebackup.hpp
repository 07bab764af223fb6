// pg_basebackup as standby clone uses it: repmgr's reading of `pg_basebackup_options`, the
// command line repmgr prints ("INFO: executing:"), the command actually run, and running it.
// Decides nothing about the clone (which slot, which user): workflow/standby_clone does.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "repmgr/config/config.hpp"
#include "repmgr/db/conninfo.hpp"

namespace repmgr::pg {

// What repmgr looks for in `pg_basebackup_options` (config.md §4.4): the words are split on
// spaces and read like getopt_long would, knowing only -S/--slot, -X/--wal-method, --waldir
// and --no-slot (--xlog-method/--xlogdir before PostgreSQL 10); other words are ignored.
struct BasebackupOptionsInfo {
    std::optional<std::string> slot;        // -S/--slot
    std::optional<std::string> wal_method;  // -X/--wal-method
    std::optional<std::string> waldir;      // --waldir
    bool no_slot = false;                   // --no-slot
    // repmgr's texts, e.g. "--no-slot cannot be used with -S/--slot"; empty = usable.
    std::vector<std::string> errors;

    // WAL streamed during the backup: no -X given, or -X stream.
    bool streams_wal() const { return !wal_method || *wal_method == "stream"; }
};

// Never throws; problems are listed in `errors`.
BasebackupOptionsInfo parse_basebackup_options(std::string_view options, int server_version_num);

// Everything that goes into the pg_basebackup command line, already decided by the caller.
struct BasebackupRequest {
    std::string program;  // "<pg_bindir>pg_basebackup"
    std::string data_directory;
    // -d '<conninfo>' when set (the source was given as a -d conninfo), else -h/-p/-U, each
    // only when not empty.
    std::optional<db::ConnInfo> conninfo;
    std::string host;
    std::string port;
    std::string user;
    bool fast_checkpoint = false;                          // -c fast
    std::vector<config::TablespaceMapping> tablespaces;    // -T old=new each
    bool wal_method_stream = false;                        // -X stream
    std::string slot;                                      // -S <slot>; "" = none
    std::string extra_options;                             // pg_basebackup_options, verbatim
    // Add --progress to the command that runs (not to the one printed): for a terminal.
    bool progress = false;
};

struct BasebackupCommand {
    // repmgr's line, byte for byte: two spaces before -D, the directory unquoted, -d values
    // unquoted, and a trailing space when pg_basebackup_options is empty.
    std::string display;
    // The same command for /bin/sh with every generated argument quoted by shell_quote;
    // pg_basebackup_options is appended verbatim, as repmgr does (it is shell text by design).
    std::string shell;
};

BasebackupCommand build_basebackup_command(const BasebackupRequest& request);

// Runs `command.shell` with this process's stdout and stderr, so pg_basebackup's messages
// (and its progress, on a terminal) reach the user as with repmgr's system(). Returns the
// exit status. Throws repmgr::Error(kSysFailure) only if no process can be started.
int run_basebackup(const BasebackupCommand& command);

}  // namespace repmgr::pg
