// standby switchover: what the pre-checks ask the demotion candidate over SSH (commands.md §9
// steps 12-20, 25). repmgr opens one ssh session per question, one after the other; we send
// them as one script in one session, and test the siblings' SSH at the same time, then report
// the answers in repmgr's order with repmgr's messages. The remote exit status of every command
// is known, so a failure says why.
#include <fmt/format.h>

#include <future>
#include <map>
#include <set>

#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/workflow/connections.hpp"
#include "repmgr/workflow/standby_promote.hpp"
#include "workflow/standby_promote_steps.hpp"
#include "workflow/standby_switchover_steps.hpp"

namespace repmgr::workflow {
namespace {

constexpr std::chrono::seconds kCheckTimeout{120};
constexpr std::chrono::seconds kSshTestTimeout{30};
constexpr std::string_view kMark = "@@repmgr-switchover-check@@";

struct ScriptItem {
    RemoteCheck* target;
    std::string command;
};

std::vector<ScriptItem> check_script_items(SwitchoverState& s) {
    const std::string& r = s.remote_repmgr;
    RemoteChecks& c = s.remote;
    std::vector<ScriptItem> items{
        {&c.version, r + " --version"},
        {&c.config_file, "test -f " + shell_quote(s.primary_record.config_file)},
        {&c.data_directory, r + " node check --data-directory-config --optformat -LINFO"},
    };
    if (!s.options.superuser.empty()) {
        items.push_back({&c.superuser, r + " node check --db-connection --superuser=" +
                                           shell_quote(s.options.superuser) +
                                           " --optformat -LINFO"});
    }
    if (s.primary->server_version_num() >= 120000) {
        items.push_back(
            {&c.config_owner, r + " node check --replication-config-owner --optformat -LINFO"});
    }
    items.push_back({&c.replication, fmt::format("{} node check --remote-node-id={} "
                                                 "--replication-connection",
                                                 r, s.local_record.node_id)});
    if (s.archive_mode_on) {
        items.push_back({&c.archive, r + " node check --terse -LERROR --archive-ready --optformat"});
    }
    if (s.options.dry_run) {
        items.push_back(
            {&c.stop_command, r + " node service --terse -LERROR --list-actions --action=stop"});
    }
    return items;
}

// One /bin/sh script: each command's stdout, a marker with its exit status, its stderr, a
// marker. Temporary files keep the two streams apart.
std::string check_script(const std::vector<ScriptItem>& items) {
    std::string script = "t=$(mktemp -d /tmp/repmgr-switchover.XXXXXX) || exit 1\n";
    for (const auto& item : items) {
        script += fmt::format(
            "{{ {} ; }} >\"$t/o\" 2>\"$t/e\" </dev/null; r=$?; cat \"$t/o\"; "
            "printf '\\n%s %s\\n' '{}' \"$r\"; cat \"$t/e\"; printf '\\n%s\\n' '{}'\n",
            item.command, kMark, kMark);
    }
    script += "rm -rf \"$t\"\n";
    return "/bin/sh -c " + shell_quote(script);
}

// Splits the script's output back into the commands' results.
void parse_check_output(const std::string& out, std::vector<ScriptItem>& items) {
    size_t pos = 0;
    for (auto& item : items) {
        const std::string status_mark = "\n" + std::string(kMark) + " ";
        size_t m = out.find(status_mark, pos);
        if (m == std::string::npos) return;
        size_t eol = out.find('\n', m + status_mark.size());
        if (eol == std::string::npos) return;
        const std::string end_mark = "\n" + std::string(kMark) + "\n";
        size_t e = out.find(end_mark, eol + 1);
        if (e == std::string::npos) return;
        item.target->ran = true;
        item.target->out = out.substr(pos, m - pos);
        item.target->exit_status =
            parse_int_strict(out.substr(m + status_mark.size(), eol - m - status_mark.size()))
                .value_or(-1);
        item.target->err = out.substr(eol + 1, e - eol - 1);
        pos = e + end_mark.size();
    }
}

// check_siblings() asks the executor whether each sibling is reachable; the answers were
// fetched in parallel beforehand.
class KnownReachability final : public remote::Executor {
  public:
    explicit KnownReachability(std::map<std::string, bool> reachable)
        : reachable_(std::move(reachable)) {}
    remote::RemoteResult run(const std::string&, const std::string&,
                             std::chrono::milliseconds) override {
        return {};
    }
    bool can_connect(const std::string& host, std::chrono::milliseconds) override {
        auto it = reachable_.find(host);
        return it != reachable_.end() && it->second;
    }

  private:
    std::map<std::string, bool> reachable_;
};

// "--key=value" out of an optformat line; "" if absent.
std::string opt_value(const std::string& text, const std::string& key) {
    const std::string needle = "--" + key + "=";
    size_t p = text.find(needle);
    if (p == std::string::npos) return "";
    p += needle.size();
    size_t end = text.find_first_of(" \n", p);
    return text.substr(p, end == std::string::npos ? std::string::npos : end - p);
}

std::string check_failure(const RemoteCheck& c) {
    if (!c.ran) return "the command was not run";
    std::string text = fmt::format("remote command exited with status {}", c.exit_status);
    const std::string output = trim(c.err.empty() ? c.out : c.err);
    if (!output.empty()) text += ":\n" + output;
    return text;
}

void report_ssh(SwitchoverState& s) {
    const remote::RemoteResult& r = s.remote.session;
    if (r.connected && !r.timed_out) {
        if (s.options.dry_run) {
            log::info("SSH connection to host \"{}\" succeeded", s.remote_host);
        } else {
            log::verbose(log::Level::kInfo, "SSH connection to host \"{}\" succeeded",
                         s.remote_host);
        }
        return;
    }
    if (!r.connected) log::warning("unable to connect to remote host \"{}\" via SSH", s.remote_host);
    // The DETAIL is ours: repmgr's ssh test cannot tell why.
    throw Error(ExitCode::kBadConfig,
                fmt::format("unable to connect via SSH to host \"{}\", user \"{}\"", s.remote_host,
                            s.options.remote_user))
        .detail(r.connected ? fmt::format("the remote checks did not finish within {} seconds",
                                          kCheckTimeout.count())
                            : r.error);
}

int report_remote_repmgr(SwitchoverState& s) {
    const RemoteCheck& v = s.remote.version;
    const std::string& prog = log::settings().program_name;
    if (!v.ran || v.exit_status != 0) {
        Error e(ExitCode::kBadConfig,
                fmt::format("unable to execute \"{}\" on \"{}\"", prog, s.remote_host));
        e.detail(check_failure(v));
        e.hint(fmt::format(
            "check \"pg_bindir\" is set to the correct path in \"repmgr.conf\"; current value: {}",
            s.cfg.pg_bindir.empty() ? "(not set)" : "\"" + s.cfg.pg_bindir + "\""));
        throw e;
    }
    // "repmgr 5.3.3" → 50303
    const std::vector<std::string> words = split(trim(v.out), ' ');
    const std::vector<std::string> parts =
        words.size() == 2 ? split(words[1], '.') : std::vector<std::string>{};
    if (parts.size() != 3 || !parse_int_strict(parts[0]) || !parse_int_strict(parts[1]) ||
        !parse_int_strict(parts[2])) {
        throw Error(ExitCode::kBadConfig, fmt::format("unable to parse \"{}\"'s reported version on \"{}\"",
                                                      prog, s.remote_host));
    }
    const int version = *parse_int_strict(parts[0]) * 10000 + *parse_int_strict(parts[1]) * 100 +
                        *parse_int_strict(parts[2]);
    log::debug("\"{}\" version on \"{}\" is {}", prog, s.remote_host, version);
    return version;
}

void report_config_file(SwitchoverState& s) {
    if (s.remote.config_file.ran && s.remote.config_file.exit_status == 0) return;
    const metadata::NodeRecord& p = s.primary_record;
    throw Error(ExitCode::kBadConfig,
                fmt::format("expected configuration file not found on the demotion candidate "
                            "\"{}\" (ID: {})",
                            p.node_name, p.node_id))
        .detail(fmt::format("registered configuration file is \"{}\"", p.config_file))
        .hint(fmt::format("ensure the configuration file is in the expected location, or "
                          "re-register \"{}\" to update the configuration file location",
                          p.node_name));
}

void report_data_directory(SwitchoverState& s) {
    const metadata::NodeRecord& p = s.primary_record;
    const std::string& out = s.remote.data_directory.out;
    const std::string error = opt_value(out, "error");
    if (!error.empty()) {
        std::string detail;
        if (error == "DB_CONNECTION") {
            detail = "an error was encountered when attempting to connect to PostgreSQL on node";
        } else if (error == "CONNINFO_PARSE") {
            detail = "an error was encountered when parsing the \"conninfo\" parameter in "
                     "\"repmgr.conf\" on node";
        } else {
            detail = "an unknown error was encountered when attempting to connect to PostgreSQL "
                     "on node";
        }
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to run data directory check on node \"{}\" (ID: {})",
                                p.node_name, p.node_id))
            .detail(fmt::format("{} \"{}\" (ID: {})", detail, p.node_name, p.node_id))
            .hint("diagnose with:\n  " + ssh_command_line(s, "node check --db-connection"));
    }
    if (opt_value(out, "configured-data-directory") == "OK") return;
    throw Error(ExitCode::kBadConfig,
                fmt::format("\"data_directory\" parameter in \"repmgr.conf\" on \"{}\" (ID: {}) "
                            "is incorrectly configured",
                            p.node_name, p.node_id))
        .hint(fmt::format("execute \"repmgr node check --data-directory-config\" on \"{}\" "
                          "(ID: {}) to diagnose the issue",
                          p.node_name, p.node_id));
}

void report_superuser_check(SwitchoverState& s) {
    if (s.options.superuser.empty()) return;
    const RemoteCheck& c = s.remote.superuser;
    const std::string status = opt_value(c.out, "db-connection");
    if (status.empty()) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to execute \"{} node check --db-connection\" on \"{}\":",
                                log::settings().program_name, s.remote_host))
            .detail(check_failure(c));
    }
    if (status == "OK") return;
    const metadata::NodeRecord& p = s.primary_record;
    throw Error(ExitCode::kDbConn,
                fmt::format("unable to connect locally as superuser \"{}\" on node \"{}\" (ID: {})",
                            s.options.superuser, p.node_name, p.node_id))
        .hint("diagnose with:\n  " +
              ssh_command_line(s, "node check --db-connection --superuser=" + s.options.superuser));
}

void report_config_owner(SwitchoverState& s, int remote_version) {
    if (s.primary->server_version_num() < 120000 || remote_version < 50100) return;
    const RemoteCheck& c = s.remote.config_owner;
    const std::string status = opt_value(c.out, "replication-config-owner");
    if (status.empty()) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to execute \"{} node check --replication-config-owner\" "
                                "on \"{}\":",
                                log::settings().program_name, s.remote_host))
            .detail(check_failure(c));
    }
    if (status == "OK") return;
    throw Error(ExitCode::kBadConfig,
                fmt::format("\"postgresql.auto.conf\" file on \"{}\" has incorrect ownership",
                            s.primary_record.node_name))
        .hint("check the file has the same owner/group as the data directory");
}

std::map<std::string, bool> test_sibling_ssh(SwitchoverState& s) {
    std::set<std::string> hosts;
    for (const auto& sibling : s.siblings) hosts.insert(conninfo_host(sibling.conninfo));
    std::map<std::string, std::future<bool>> pending;
    for (const auto& host : hosts) {
        pending.emplace(host, std::async(std::launch::async, [&s, host] {
                            return s.executor.can_connect(host, kSshTestTimeout);
                        }));
    }
    std::map<std::string, bool> reachable;
    for (auto& [host, f] : pending) reachable[host] = f.get();
    return reachable;
}

}  // namespace

void run_remote_checks(SwitchoverState& s) {
    std::vector<ScriptItem> items = check_script_items(s);
    const std::string script = check_script(items);
    auto session = std::async(std::launch::async, [&s, &script] {
        return s.executor.run(s.remote_host, script, kCheckTimeout);
    });
    std::map<std::string, bool> reachable;
    if (s.options.siblings_follow) reachable = test_sibling_ssh(s);
    s.remote.session = session.get();
    if (s.remote.session.connected) parse_check_output(s.remote.session.out, items);

    report_ssh(s);
    const int remote_version = report_remote_repmgr(s);
    report_config_file(s);
    report_data_directory(s);
    if (s.options.dry_run) {
        log::info("able to execute \"{}\" on remote host \"{}\"", log::settings().program_name,
                  s.remote_host);
    }
    report_superuser_check(s);
    report_config_owner(s, remote_version);

    StandbyPromoteOptions promote_options;
    promote_options.dry_run = s.options.dry_run;
    promote_options.force = s.options.force;
    promote_options.siblings_follow = s.options.siblings_follow;
    KnownReachability known(std::move(reachable));
    s.followers = check_siblings(promote_options, &known, s.siblings);
}

void check_remote_replication_connection(SwitchoverState& s) {
    const RemoteCheck& c = s.remote.replication;
    print_remote_stderr(c.err);
    const std::string status = opt_value(c.out, "connection");
    if (status == "OK") {
        if (s.options.dry_run) {
            log::info("demotion candidate is able to make replication connection to promotion "
                      "candidate");
        }
        return;
    }
    if (status == "BAD") {
        throw Error(ExitCode::kBadConfig,
                    "demotion candidate is unable to make replication connection to promotion "
                    "candidate");
    }
    throw Error(ExitCode::kBadConfig,
                "unable to determine whether demotion candidate is able to make replication "
                "connection to promotion candidate")
        .detail(check_failure(c));
}

void check_remote_archive(SwitchoverState& s) {
    auto info = [&](const std::string& text) {
        if (s.options.dry_run) {
            log::info("{}", text);
        } else {
            log::verbose(log::Level::kInfo, "{}", text);
        }
    };
    if (!s.archive_mode_on) {
        info("archive mode is \"off\"");
        return;
    }
    const RemoteCheck& c = s.remote.archive;
    print_remote_stderr(c.err);
    const std::string& name = s.primary_record.node_name;
    const std::string status = opt_value(c.out, "status");
    const std::string files = opt_value(c.out, "files");
    const std::string threshold = opt_value(c.out, "threshold");
    if (status == "OK") {
        info(fmt::format("{} pending archive files", files));
    } else if (status == "WARNING") {
        log::warning("number of pending archive files on demotion candidate \"{}\" exceeds the "
                     "warning threshold",
                     name);
        log::detail("{} pending archive files (warning threshold: {})", files, threshold);
        log::hint("PostgreSQL will not shut down until all files are archived");
    } else if (status == "CRITICAL") {
        const std::string detail =
            fmt::format("{} pending archive files (critical threshold: {})", files, threshold);
        if (!s.options.force) {
            throw Error(ExitCode::kSwitchoverFail,
                        fmt::format("number of pending archive files on demotion candidate \"{}\" "
                                    "is critical",
                                    name))
                .detail(detail)
                .hint("PostgreSQL will not shut down until all files are archived; use "
                      "-F/--force to continue anyway");
        }
        log::warning("number of pending archive files on demotion candidate \"{}\" exceeds the "
                     "critical threshold",
                     name);
        log::detail("{}", detail);
        log::notice("-F/--force set, continuing with switchover");
    } else {
        const bool db_error = opt_value(c.out, "error") == "DB_CONNECTION";
        const std::string what = fmt::format(
            "unable to check number of pending archive files on demotion candidate \"{}\"", name);
        if (!s.options.force || db_error) {
            Error e(ExitCode::kSwitchoverFail, what);
            if (db_error) {
                e.detail(fmt::format("an error was encountered when attempting to connect to "
                                     "PostgreSQL on node \"{}\" (ID: {})",
                                     name, s.primary_record.node_id));
            } else {
                e.hint("use -F/--force to continue anyway");
            }
            throw e;
        }
        log::warning("{}", what);
        log::notice("-F/--force set, continuing with switchover");
    }
}

void report_shutdown_command(SwitchoverState& s) {
    const RemoteCheck& c = s.remote.stop_command;
    std::string command = c.out;
    while (!command.empty() && (command.back() == '\n' || command.back() == '\r')) command.pop_back();
    log::info("following shutdown command would be run on node \"{}\":\n  \"{}\"",
              s.primary_record.node_name, command);
    if (!c.ran || c.exit_status != 0) {
        // Ours: repmgr does not look at the result; the real run could not stop the node.
        log::error("unable to execute \"{} node service\" on demotion candidate \"{}\" (ID: {})",
                   log::settings().program_name, s.primary_record.node_name,
                   s.primary_record.node_id);
        log::detail("{}", check_failure(c));
        s.dry_run_ok = false;
    }
    log::info("parameter \"shutdown_check_timeout\" is set to {} seconds",
              s.cfg.shutdown_check_timeout.count());
}

void print_remote_stderr(const std::string& err) {
    std::string text = err;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    if (text.empty()) return;
    for (const auto& line : split(text, '\n')) log::raw_stderr(line);
}

std::string ssh_command_line(const SwitchoverState& s, const std::string& command) {
    std::string bindir = !s.cfg.repmgr_bindir.empty() ? s.cfg.repmgr_bindir : s.cfg.pg_bindir;
    if (!bindir.empty() && bindir.back() != '/') bindir += '/';
    std::string repmgr = bindir + "repmgr -f " + s.primary_record.config_file + " ";
    if (!s.options.log_level.empty()) repmgr += "-L " + s.options.log_level + " ";
    const std::string target =
        s.options.remote_user.empty() ? s.remote_host : s.options.remote_user + "@" + s.remote_host;
    return fmt::format("ssh -o Batchmode=yes {} {} {}{}", s.cfg.ssh_options, target, repmgr,
                       command);
}

std::string remote_failure_detail(const remote::RemoteResult& r, bool with_output) {
    if (!r.connected) return r.error;
    if (r.timed_out) return "the remote command did not finish in time";
    std::string text = fmt::format("remote command exited with status {}", r.exit_status);
    if (!with_output) return text;
    const std::string output = trim(r.err.empty() ? r.out : r.out + "\n" + r.err);
    if (!output.empty()) text += ":\n" + output;
    return text;
}

remote::RemoteResult run_logged(SwitchoverState& s, const std::string& host,
                                const std::string& command, const std::string& log_file,
                                std::chrono::milliseconds timeout) {
    const std::string log = shell_quote(log_file);
    const std::string script = fmt::format(
        "{} >{} 2>&1 </dev/null; r=$?; [ $r -eq 0 ] || tail -n 20 {}; exit $r", command, log, log);
    return s.executor.run(host, "/bin/sh -c " + shell_quote(script), timeout);
}

}  // namespace repmgr::workflow
