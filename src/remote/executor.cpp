// The parts of remote execution that do not talk SSH: building the executor from repmgr.conf,
// the remote repmgr command line, the local executor and running on several hosts at once.
#include "repmgr/remote/executor.hpp"

#include <future>
#include <mutex>
#include <set>

#include "repmgr/common/error.hpp"
#include "repmgr/common/process.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/log/logger.hpp"

namespace repmgr::remote {
namespace {

// Each unsupported ssh_options entry is reported once per process, however many executors
// (repmgrd builds them repeatedly) are made from the same configuration.
void warn_once(const std::string& message) {
    static std::mutex mutex;
    static std::set<std::string> reported;
    {
        std::lock_guard lock(mutex);
        if (!reported.insert(message).second) return;
    }
    log::warning("{}", message);
}

class LocalExecutor final : public Executor {
  public:
    RemoteResult run(const std::string& /*host*/, const std::string& command,
                     std::chrono::milliseconds timeout) override {
        RemoteResult result;
        CommandOptions options;
        if (timeout.count() > 0) options.timeout = timeout;
        try {
            CommandResult r = run_shell(command, options);
            result.connected = true;
            result.exit_status = r.timed_out ? -1 : r.exit_status;
            result.timed_out = r.timed_out;
            result.out = std::move(r.out);
            result.err = std::move(r.err);
            if (r.timed_out) result.error = "the local command did not finish in time";
        } catch (const Error& e) {
            result.error = e.what();  // the process could not be created
        }
        return result;
    }

    bool can_connect(const std::string& /*host*/, std::chrono::milliseconds /*timeout*/) override {
        return true;
    }
};

}  // namespace

std::unique_ptr<Executor> make_ssh_executor(const config::Config& cfg,
                                            const std::string& remote_user) {
    const SshOptions options = parse_ssh_options(cfg.ssh_options);
    for (const std::string& warning : options.warnings) warn_once(warning);
    return make_ssh_executor(resolve_ssh_settings(options, remote_user, current_account()));
}

std::unique_ptr<Executor> make_local_executor() { return std::make_unique<LocalExecutor>(); }

std::string remote_repmgr_command(const config::Config& cfg, const std::string& remote_config_file,
                                  const std::string& log_level) {
    std::string bindir = !cfg.repmgr_bindir.empty() ? cfg.repmgr_bindir : cfg.pg_bindir;
    std::string command;
    if (bindir.empty()) {
        command = "repmgr";
    } else {
        if (bindir.back() != '/') bindir += '/';
        command = shell_quote(bindir + "repmgr");
    }
    if (!remote_config_file.empty()) command += " -f " + shell_quote(remote_config_file);
    if (!log_level.empty()) command += " -L " + shell_quote(log_level);
    return command;
}

std::vector<RemoteResult> run_on_hosts(Executor& executor, const std::vector<RemoteTask>& tasks,
                                       std::chrono::milliseconds timeout) {
    std::vector<std::future<RemoteResult>> pending;
    pending.reserve(tasks.size());
    for (const RemoteTask& task : tasks) {
        pending.push_back(std::async(std::launch::async, [&executor, &task, timeout] {
            return executor.run(task.host, task.command, timeout);
        }));
    }
    std::vector<RemoteResult> results;
    results.reserve(tasks.size());
    for (auto& f : pending) results.push_back(f.get());
    return results;
}

}  // namespace repmgr::remote
