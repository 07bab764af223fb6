// Running commands on other nodes (STYLE §6). Executor is the seam: SshExecutor (libssh2,
// the only code that includes libssh2.h) for real hosts, LocalExecutor for this host and
// for tests. Unlike repmgr, which shells out to ssh and loses the remote exit status, every
// run reports the remote command's exit status, stdout and stderr.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "repmgr/config/config.hpp"
#include "repmgr/remote/ssh_options.hpp"

namespace repmgr::remote {

// connected=false: no command ran (host unreachable, connection or handshake timed out, host
// key unknown or changed, authentication failed, session or command refused); `error` says
// which, precisely enough for a DETAIL line.
// connected=true, timed_out=true: the command ran but did not finish in time; `out`/`err`
// hold what arrived, exit_status is -1. A command killed by a signal reports 128 + signal
// number and says so in `error`.
struct RemoteResult {
    bool connected = false;  // false: the host could not be reached / authenticated
    std::string error;       // why not connected, or why the command could not be run
    int exit_status = -1;    // remote exit status (valid when connected)
    std::string out;
    std::string err;
    bool timed_out = false;  // the run's timeout (or ConnectTimeout) expired
    bool ok() const { return connected && !timed_out && exit_status == 0; }
};

class Executor {
public:
    virtual ~Executor() = default;
    // Runs `command` (a /bin/sh command line whose data arguments are already quoted with
    // repmgr::shell_quote) on `host`. Never throws for remote failures: see RemoteResult.
    virtual RemoteResult run(const std::string& host, const std::string& command,
                             std::chrono::milliseconds timeout) = 0;
    // repmgr's connectivity test (`ssh <host> /bin/true`): true if a trivial command runs.
    virtual bool can_connect(const std::string& host, std::chrono::milliseconds timeout) = 0;
};

// The executor for remote nodes: libssh2 with the user's keys and the honoured subset of
// `ssh_options` (see its header). `remote_user` is -R/--remote-user ("" = as ssh_options /
// the local user). Each ssh_options entry it does not support is logged once per process as
// a WARNING. The executor is safe to use from several threads at once (one SSH session per
// run). Each run is bounded by its timeout (a timeout <= 0 means none) and the connection
// setup additionally by ConnectTimeout. As with ssh, the command runs in the remote user's
// login shell; its stdin is at end-of-file. See docs/ssh.md.
std::unique_ptr<Executor> make_ssh_executor(const config::Config& cfg, const std::string& remote_user);

// "<repmgr_bindir or pg_bindir>repmgr -f <config_file> [-L <level>]" for running repmgr
// on another node (commands.md §1.8); config_file comes from that node's record. The path
// and file are quoted with shell_quote.
//
// Exactly: [shell_quote(<bindir>/repmgr) | "repmgr"] + " -f " + shell_quote(remote_config_file)
// (omitted when remote_config_file is empty) + " -L " + shell_quote(log_level) (when
// log_level is not empty). No trailing blank: callers append " <noun> <verb> ...".
std::string remote_repmgr_command(const config::Config& cfg, const std::string& remote_config_file,
                                  const std::string& log_level);

// The same executor from already resolved settings (tests, or callers that resolved once).
std::unique_ptr<Executor> make_ssh_executor(SshSettings settings);

// Runs commands on this host through /bin/sh (repmgr::run_shell): `host` is ignored, the
// timeout kills the command's process group. Waits for the command to exit, not for its
// output to close, so a daemon it starts cannot hold it up.
std::unique_ptr<Executor> make_local_executor();

struct RemoteTask {
    std::string host;
    std::string command;
};

// Runs every task at once (one thread per task), each bounded by `timeout`, and returns the
// results in the order of `tasks`: k unreachable hosts cost about one timeout, not k.
// REQUIRES: `executor` is safe to call from several threads (both executors above are).
std::vector<RemoteResult> run_on_hosts(Executor& executor, const std::vector<RemoteTask>& tasks,
                                       std::chrono::milliseconds timeout);

}  // namespace repmgr::remote
