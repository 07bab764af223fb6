// Runs local commands (through /bin/sh, like repmgr's system()/popen()) and reports their
// exit status and output. Remote commands live in remote/; this is the local primitive.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace repmgr {

struct CommandResult {
    int exit_status = -1;  // exit code, or 128+signal when killed by a signal
    std::string out;
    std::string err;
    bool timed_out = false;
    bool ok() const { return exit_status == 0 && !timed_out; }
};

struct CommandOptions {
    bool capture_stdout = true;
    bool capture_stderr = true;
    // Killed (whole process group) when exceeded; nullopt = wait for ever.
    std::optional<std::chrono::milliseconds> timeout;
    std::string stdin_data;
    // Extra environment entries "KEY=value" added to the inherited environment.
    std::vector<std::string> env;
    // false: the child stays in our process group, so a Ctrl-C on the terminal reaches it as
    // with system() (a long pg_basebackup the user interrupts). Only without a timeout.
    bool own_process_group = true;
};

// Runs `/bin/sh -c command` and waits for it to exit (not for its output to end: a daemon
// it leaves behind may keep the output open). Output is captured through unlinked
// temporary files. Never throws for a failing command: the caller inspects the result.
// Throws repmgr::Error(kSysFailure) only if the process cannot be created.
CommandResult run_shell(const std::string& command, const CommandOptions& options = {});

// Runs argv[0] directly (no shell) with the given arguments.
CommandResult run_argv(const std::vector<std::string>& argv, const CommandOptions& options = {});

}  // namespace repmgr
