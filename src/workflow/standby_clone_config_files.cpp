// standby clone --copy-external-config-files (commands.md §4.1 steps 8 and 17): configuration
// files outside the source's data directory, copied with rsync over the ssh program exactly
// as repmgr does (rsync_options replace the default flags; ssh_options apply to the
// connectivity test). Every argument built from data is quoted with shell_quote; the
// option strings from repmgr.conf are shell text by design and go in verbatim.
#include <fmt/format.h>
#include <unistd.h>

#include "repmgr/common/process.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/pg/source_server.hpp"
#include "standby_clone_steps.hpp"

namespace repmgr::workflow::standby_clone_steps {
namespace {

constexpr std::string_view kDefaultRsyncOptions = "--archive --checksum --compress --progress --rsh=ssh";

// repmgr's connectivity test: ssh -o Batchmode=yes <ssh_options> <host> [-l <user>] /bin/true,
// retried with /usr/bin/true.
bool ssh_reachable(const CloneState& s) {
    std::string base = "ssh -o Batchmode=yes " + s.cfg.ssh_options + " " + shell_quote(s.opt.host);
    if (!s.opt.remote_user.empty()) base += " -l " + shell_quote(s.opt.remote_user);
    for (const char* program : {"/bin/true", "/usr/bin/true"}) {
        const std::string command = base + " " + program + " 2>/dev/null";
        log::debug("test_ssh_connection(): executing {}", command);
        if (run_shell(command).exit_status == 0) return true;
    }
    return false;
}

// The connection that may read every setting: -S if given, else the source connection.
std::vector<pg::ConfigFileLocation> read_locations(CloneState& s) {
    if (!s.opt.superuser) return pg::get_config_file_locations(*s.source);
    db::ConnInfo params = s.opt.source_params;
    params.set("user", *s.opt.superuser);
    db::Connection su = db::Connection::connect(params);
    return pg::get_config_file_locations(su);
}

std::string remote_spec(const CloneState& s, const std::string& path, bool quoted) {
    std::string spec = s.opt.remote_user.empty() ? s.opt.host : s.opt.remote_user + "@" + s.opt.host;
    spec += ":" + path;
    return quoted ? shell_quote(spec) : spec;
}

// Copies one file; returns false (after rsync printed why) if rsync failed.
bool rsync_file(const CloneState& s, const ExternalFile& file, const std::string& destination) {
    const std::string options =
        s.cfg.rsync_options.empty() ? std::string(kDefaultRsyncOptions) : s.cfg.rsync_options;
    log::info("rsync command line:\n  rsync {} {} {}", options, remote_spec(s, file.path, false),
              destination);
    const std::string command = "rsync " + options + " " + remote_spec(s, file.path, true) + " " +
                                shell_quote(destination);
    CommandOptions run;
    run.capture_stdout = false;
    run.capture_stderr = false;
    const int status = run_shell(command, run).exit_status;
    if (status != 0) {
        log::verbose(log::Level::kWarning, "copy_remote_files(): rsync returned unexpected exit status {}",
                     status);
    }
    return status == 0;
}

}  // namespace

void locate_external_files(CloneState& s) {
    if (!s.opt.copy_external_config_files) return;
    for (const auto& loc : read_locations(s)) {
        if (!loc.in_data_directory) s.external_files.push_back({loc.path, loc.filename});
    }
    if (s.external_files.empty()) return;
    // NOTICE in a dry run, verbose INFO otherwise (repmgr's levels).
    constexpr std::string_view kChecking =
        "external configuration files detected, checking SSH connection to host \"{}\"";
    if (s.opt.dry_run) {
        log::notice(kChecking, s.opt.host);
    } else {
        log::verbose(log::Level::kInfo, kChecking, s.opt.host);
    }
    if (!ssh_reachable(s)) {
        log::warning("unable to connect to remote host \"{}\" via SSH", s.opt.host);
        throw Error(ExitCode::kBadConfig,
                    fmt::format("remote host \"{}\" is not reachable via SSH - unable to copy "
                                "external configuration files",
                                s.opt.host));
    }
    if (s.opt.dry_run) {
        log::info("SSH connection to host \"{}\" succeeded", s.opt.host);
    } else {
        log::verbose(log::Level::kInfo, "SSH connection to host \"{}\" succeeded", s.opt.host);
    }
}

void copy_external_files(CloneState& s, bool after_backup) {
    if (s.external_files.empty()) return;
    const bool into_pgdata = s.opt.copy_mode == CopyConfigFilesMode::kPgdata;
    if (after_backup && !into_pgdata) return;
    log::notice("copying external configuration files from upstream node \"{}\"", s.opt.host);
    for (const auto& file : s.external_files) {
        const std::string destination = into_pgdata ? s.data_dir + "/" + file.filename : file.path;
        if (!rsync_file(s, file, destination)) {
            if (!s.opt.force) {
                throw Error(ExitCode::kBadRsync,
                            fmt::format("standby clone: unable to copy config file \"{}\"",
                                        file.filename))
                    .hint("see preceding messages for details");
            }
            log::warning("standby clone: unable to copy config file \"{}\"", file.filename);
            continue;
        }
        // repmgr copies into PGDATA before the backup too (proving the copy works) and
        // removes the file again, since pg_basebackup needs an empty directory.
        if (into_pgdata && !after_backup) ::unlink(destination.c_str());
    }
}

}  // namespace repmgr::workflow::standby_clone_steps
