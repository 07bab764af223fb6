// Runs one child process to completion with captured output and a hard timeout. Owns fork/exec,
// dropping root to `postgres` and the child's environment. Does not know about PostgreSQL
// binaries (pg_bin.hpp), the repmgr binary (repmgr_binary.hpp) or orphans (proc_table.hpp).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace repmgr::test {

struct RunOptions {
    // Every run has one. On expiry the child's whole process group gets SIGKILL.
    std::chrono::milliseconds timeout = std::chrono::seconds(60);
    // Added to (and overriding) the child's environment, which is the test process's minus
    // every PG* variable, with LC_ALL=C and, as root, HOME/USER/LOGNAME of postgres.
    std::vector<std::pair<std::string, std::string>> env;
    // Written to the child's stdin, which is then closed; /dev/null when unset.
    std::optional<std::string> input;
    std::filesystem::path cwd = "/tmp";
};

struct RunResult {
    int exit_code = -1;  // exit status, or 128 + signal number when killed by a signal
    std::string out;     // everything the child wrote to stdout
    std::string err;     // everything the child wrote to stderr
    bool timed_out = false;
    std::string command;  // the argv, space-joined, for messages

    bool ok() const { return exit_code == 0 && !timed_out; }
};

// Prints command, exit status (or the timeout), stdout and stderr: `ASSERT_TRUE(r.ok()) << r;`
std::ostream& operator<<(std::ostream& os, const RunResult& result);

// Runs argv[0] (an absolute path; PATH is never searched) as the current user and waits for it,
// or for opts.timeout. The child gets its own process group; a timeout kills that group and
// sets timed_out. Output written after the child exited (by a daemon it left behind that kept
// the pipes) is not waited for.
// Throws HarnessError when argv is empty or not absolute, or fork/pipe fail. A program that
// cannot be executed is reported as exit_code 127 with the reason in `err`.
RunResult run_process(const std::vector<std::string>& argv, const RunOptions& opts = {});

// Like run_process, but when running as root the child does setgid -> setgroups -> setuid to
// `postgres` and gets postgres's HOME/USER/LOGNAME before exec. Runs directly otherwise.
RunResult run_as_postgres(const std::vector<std::string>& argv, const RunOptions& opts = {});

}  // namespace repmgr::test
