// The steps of standby switchover (commands.md §9) and the state they share. Private to
// src/workflow: standby_switchover.cpp runs the steps in order; the other
// standby_switchover_*.cpp files implement them.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "repmgr/db/connection.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/workflow/standby_switchover.hpp"

namespace repmgr::workflow {

// One command of the remote check script and what it produced.
struct RemoteCheck {
    bool ran = false;  // the script got as far as this command
    int exit_status = -1;
    std::string out;
    std::string err;
};

// Everything the pre-checks ask the demotion candidate over SSH (steps 12-17, 19, 20 and the
// dry run's shutdown command), fetched in one SSH session.
struct RemoteChecks {
    remote::RemoteResult session;  // connected=false: SSH failed
    RemoteCheck version;           // repmgr --version
    RemoteCheck config_file;       // test -f <config_file>
    RemoteCheck data_directory;    // node check --data-directory-config
    RemoteCheck superuser;         // node check --db-connection --superuser=... (with -S)
    RemoteCheck config_owner;      // node check --replication-config-owner
    RemoteCheck replication;       // node check --replication-connection
    RemoteCheck archive;           // node check --archive-ready (archive_mode != off)
    RemoteCheck stop_command;      // node service --list-actions --action=stop (dry run)
};

// repmgrd on one node, as found before pausing (step 23).
struct RepmgrdNode {
    metadata::NodeRecord record;
    bool reachable = false;
    bool running = false;
    bool paused_before = false;
};

struct SwitchoverState {
    SwitchoverState(const config::Config& c, const StandbySwitchoverOptions& o,
                    remote::Executor& e, db::Connection l)
        : cfg(c), options(o), executor(e), local(std::move(l)) {}

    const config::Config& cfg;
    const StandbySwitchoverOptions& options;
    remote::Executor& executor;

    db::Connection local;
    std::optional<db::Connection> superuser;  // -S, checked to be a superuser
    metadata::NodeRecord local_record;
    std::optional<db::Connection> primary;    // the demotion candidate
    metadata::NodeRecord primary_record;
    std::string remote_host;                  // host of the primary's conninfo
    std::string remote_repmgr;                // "<bindir>repmgr -f <its config> [-L <level>]"
    std::vector<std::string> remote_config_files;  // for rejoin --config-files
    bool archive_mode_on = false;

    std::vector<metadata::NodeRecord> nodes;      // every node record
    std::vector<metadata::NodeRecord> siblings;   // the primary's other downstream nodes
    std::vector<metadata::NodeRecord> followers;  // the reachable ones, with --siblings-follow
    RemoteChecks remote;
    bool dry_run_ok = true;

    std::vector<RepmgrdNode> repmgrd;  // empty with --repmgrd-no-pause
    int repmgrd_running = 0;

    std::uint64_t shutdown_checkpoint = 0;  // the former primary's last checkpoint
    std::uint64_t local_received = 0;       // our last received LSN after its shutdown
    bool promoted = false;
    bool repmgrd_paused = false;  // we paused some repmgrd and have not unpaused it yet
    int failed_siblings = 0;
};

// ---- standby_switchover_checks.cpp: local checks ---------------------------------------

// Steps 1-2: the local record, its type, and the opening NOTICE.
metadata::NodeRecord check_local_node(const config::Config& cfg, db::Connection& local,
                                      bool dry_run);
// Step 3: the -S connection, or the warning that there is none.
void connect_superuser(SwitchoverState& s);
// Steps 4-5: the local node is a standby whose replication configuration file has the owner
// of the data directory.
void check_local_standby(SwitchoverState& s);
// Steps 6-11: the primary, our relation to it, and what the primary must allow.
void check_demotion_candidate(SwitchoverState& s);
// Step 18 (second half): free walsenders for the demoted primary and the followers.
void check_walsenders(SwitchoverState& s);
// Step 21: replication lag of the local node.
void check_replication_lag(SwitchoverState& s);
// Step 22: free replication slots.
void check_slots(SwitchoverState& s);

// ---- standby_switchover_remote.cpp: checks on the demotion candidate -------------------

// Runs the remote check script (and, with --siblings-follow, the SSH test of every sibling)
// concurrently, then reports steps 12-18 in repmgr's order. Throws Error(kBadConfig) (or
// kDbConn for -S) for the first failure.
void run_remote_checks(SwitchoverState& s);
// Step 19: the demotion candidate can open a replication connection to us.
void check_remote_replication_connection(SwitchoverState& s);
// Step 20: archive backlog on the demotion candidate.
void check_remote_archive(SwitchoverState& s);
// Step 25: the dry run's report of the shutdown command.
void report_shutdown_command(SwitchoverState& s);
// The ssh command line repmgr would use for `command` on `host`, for "diagnose with" hints.
std::string ssh_command_line(const SwitchoverState& s, const std::string& command);
// Writes a remote command's stderr to ours line by line, as ssh would have passed it through.
void print_remote_stderr(const std::string& err);
// Why a remote command failed, for a DETAIL line; with its output unless it was printed already.
std::string remote_failure_detail(const remote::RemoteResult& r, bool with_output = true);
// Runs `command` on `host` with stdout and stderr sent to `log_file` there; on failure the
// result's `out` holds the last lines of that file. `timeout` <= 0: none.
remote::RemoteResult run_logged(SwitchoverState& s, const std::string& host,
                                const std::string& command, const std::string& log_file,
                                std::chrono::milliseconds timeout);

// ---- standby_switchover_repmgrd.cpp ------------------------------------------------------

// Step 23. Throws Error(kSwitchoverFail) for unreachable active nodes without -F.
void pause_repmgrd(SwitchoverState& s);
// Step 36. Returns false (after a WARNING) if some node could not be unpaused.
bool unpause_repmgrd(SwitchoverState& s);

// ---- standby_switchover_demote.cpp -------------------------------------------------------

// Steps 26-27: stop the primary and wait for its clean shutdown.
void shut_down_demotion_candidate(SwitchoverState& s);
// Step 28: reconnect if needed and wait for the shutdown checkpoint to arrive here.
void wait_for_shutdown_checkpoint(SwitchoverState& s);
// Ends a switchover that gives up after the demotion started and before anything was promoted
// (its own lines are already printed): starts the former primary again when `restart`, resumes
// repmgrd if the former primary runs as primary again, reports the cluster's state and throws
// ReportedError(code).
[[noreturn]] void abort_switchover(SwitchoverState& s, ExitCode code, bool restart);

// ---- standby_switchover_rejoin.cpp -------------------------------------------------------

// Steps 29-30: promote the local node (and CHECKPOINT for --force-rewind). A failed promotion
// is reported with the cluster's state and thrown as ReportedError.
void promote_local_node(SwitchoverState& s);
// Steps 31-33: `repmgr node rejoin` on the former primary, the wait for it to attach, the
// standby_switchover event. Returns whether it attached.
bool rejoin_demoted_primary(SwitchoverState& s);
// Step 34: --siblings-follow.
void move_siblings(SwitchoverState& s);
// Step 35: reconnect to the former primary, drop our old slot there, final attachment check.
// Returns whether the switchover is complete.
bool confirm_demoted_standby(SwitchoverState& s);

// ---- standby_switchover_state.cpp ----------------------------------------------------

// What the replication cluster looks like now, for the lines after a failure: which node is
// the primary (NOTICE; WARNING if none or several), a DETAIL with one line per node (role,
// reachability, whether it is attached to the primary) and HINTs with the commands that would
// complete the work.
void report_cluster_state(SwitchoverState& s);

// Polls every 50 ms until `done()` or `until`; true if done() returned true.
template <typename Pred>
bool poll_until(std::chrono::steady_clock::time_point until, Pred done);

// Sleeps for `d` in the step helpers (follow_steps.hpp's sleep_for).
void switchover_sleep(std::chrono::milliseconds d);

template <typename Pred>
bool poll_until(std::chrono::steady_clock::time_point until, Pred done) {
    while (true) {
        if (done()) return true;
        const auto now = std::chrono::steady_clock::now();
        if (now >= until) return false;
        switchover_sleep(std::min(std::chrono::duration_cast<std::chrono::milliseconds>(until - now),
                                  std::chrono::milliseconds(50)));
    }
}

}  // namespace repmgr::workflow
