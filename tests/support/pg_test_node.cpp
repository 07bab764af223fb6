// PgTestNode: directories, configuration and server lifecycle (SQL helpers are in
// pg_test_node_sql.cpp).
#include "support/pg_test_node.hpp"

#include <signal.h>

#include <deque>
#include <fstream>
#include <iostream>
#include <sstream>

#include "support/harness_error.hpp"
#include "support/initdb_template.hpp"
#include "support/pg_bin.hpp"
#include "support/postgres_user.hpp"
#include "support/proc_table.hpp"
#include "support/temp_dir.hpp"

namespace repmgr::test {

namespace fs = std::filesystem;
using std::chrono::seconds;

namespace {

constexpr seconds kPgCtlWait{60};

// TESTING.md "A node", plus what streaming replication and repmgr need.
constexpr std::string_view kHarnessSettings = R"(
# --- tests/support PgTestNode ---
shared_buffers = 16MB
wal_level = replica
wal_log_hints = on
wal_keep_size = 128MB
fsync = off
synchronous_commit = off
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
logging_collector = off
log_line_prefix = '%m [%p] %q%a '
)";

constexpr std::string_view kHarnessHba = R"(# --- tests/support PgTestNode ---
local   all             all                     trust
host    all             all     127.0.0.1/32    trust
local   replication     all                     trust
host    replication     all     127.0.0.1/32    trust
)";

void write_file(const fs::path& file, std::string_view text, std::ios::openmode mode) {
    std::ofstream out(file, mode);
    out << text;
    out.close();
    if (!out) throw HarnessError("cannot write " + file.string());
}

}  // namespace

PgTestNode::PgTestNode(std::string name, const fs::path& parent, PortLease lease)
    : name_(std::move(name)), basedir_(parent / name_), lease_(std::move(lease)) {
    if (fs::exists(basedir_)) throw HarnessError("node directory " + basedir_.string() + " exists");
    // The kernel limit for a unix socket path is 107 bytes; fail here rather than at start().
    const fs::path socket = socket_dir() / (".s.PGSQL." + std::to_string(port()));
    if (socket.string().size() > 107) {
        throw HarnessError("unix socket path too long (max 107 bytes): " + socket.string());
    }
    const auto traversable = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec;
    make_postgres_dir(basedir_, traversable);
    make_postgres_dir(socket_dir(), fs::perms::owner_all);
}

PgTestNode::~PgTestNode() {
    try {
        if (fs::exists(data_dir() / "postmaster.pid") && is_running()) {
            const auto postmaster = pid();
            pg_ctl({"-m", "immediate", "-w", "stop"}, kPgCtlWait);
            if (postmaster) wait_for_pid_exit(*postmaster, seconds(10));
        }
        reap_orphan_zombies();
    } catch (const std::exception& e) {
        std::cerr << "[ harness  ] node " << name_ << ": stopping failed: " << e.what() << "\n";
    }
    if (current_test_failed() && fs::exists(log_file())) {
        std::cerr << "[ harness  ] node " << name_ << " (port " << port() << "): server log "
                  << log_file().string() << ", last lines:\n"
                  << log_tail() << "\n";
    }
}

void PgTestNode::init(bool from_template) {
    if (from_template) {
        copy_template(data_dir());
    } else {
        run_initdb(data_dir());
    }
    write_initial_settings();
}

void PgTestNode::write_initial_settings() {
    append_conf(kHarnessSettings);
    set_hba(kHarnessHba);
    apply_local_settings();
}

void PgTestNode::init_standby_from(const PgTestNode& primary) {
    RunOptions opts;
    opts.timeout = seconds(180);
    // application_name ends up in the primary_conninfo that -R writes, so the walreceiver shows
    // up in pg_stat_replication under the node's name, as with a standby cloned by repmgr.
    const std::string source = "host=" + primary.host() +
                               " port=" + std::to_string(primary.port()) +
                               " user=postgres application_name=" + name_;
    const RunResult r =
        run_as_postgres({pg_bin("pg_basebackup").string(), "-d", source, "-D", data_dir().string(),
                         "-X", "stream", "-R", "-c", "fast", "--no-sync"},
                        opts);
    if (!r.ok()) {
        std::ostringstream msg;
        msg << "pg_basebackup for node " << name_ << " from " << primary.name() << " failed\n" << r;
        throw HarnessError(msg.str());
    }
    apply_local_settings();
}

void PgTestNode::apply_local_settings() {
    std::ostringstream conf;
    conf << "port = " << port() << "\n"
         << "listen_addresses = '" << host() << "'\n"
         << "unix_socket_directories = '" << socket_dir().string() << "'\n";
    append_conf(conf.str());
}

void PgTestNode::append_conf(std::string_view text) {
    std::string line(text);
    if (line.empty() || line.back() != '\n') line += '\n';
    write_file(data_dir() / "postgresql.conf", line, std::ios::app);
}

void PgTestNode::set_hba(std::string_view text) {
    write_file(data_dir() / "pg_hba.conf", text, std::ios::trunc);
}

RunResult PgTestNode::pg_ctl(const std::vector<std::string>& args, seconds timeout) const {
    std::vector<std::string> argv{pg_bin("pg_ctl").string(), "-D", data_dir().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions opts;
    opts.timeout = timeout + seconds(30);  // pg_ctl's own -t expires first
    return run_as_postgres(argv, opts);
}

void PgTestNode::pg_ctl_or_throw(std::string_view what,
                                 const std::vector<std::string>& args) const {
    const RunResult r = pg_ctl(args, kPgCtlWait);
    if (r.ok()) return;
    std::ostringstream msg;
    msg << "pg_ctl " << what << " failed for node " << name_ << " (port " << port() << ")\n"
        << r << "--- " << log_file().string() << " (last lines) ---\n"
        << log_tail();
    throw HarnessError(msg.str());
}

void PgTestNode::start() {
    reap_orphan_zombies();  // a zombie of an earlier postmaster would block the pid file
    pg_ctl_or_throw("start", {"-l", log_file().string(), "-w", "-t",
                              std::to_string(kPgCtlWait.count()), "start"});
}

void PgTestNode::stop(std::string_view mode) {
    const auto postmaster = pid();
    pg_ctl_or_throw(
        "stop", {"-m", std::string(mode), "-w", "-t", std::to_string(kPgCtlWait.count()), "stop"});
    if (postmaster) wait_for_pid_exit(*postmaster, seconds(10));
}

void PgTestNode::restart() {
    const auto postmaster = pid();
    pg_ctl_or_throw("restart", {"-l", log_file().string(), "-m", "fast", "-w", "-t",
                                std::to_string(kPgCtlWait.count()), "restart"});
    if (postmaster) wait_for_pid_exit(*postmaster, seconds(10));
}

void PgTestNode::reload() { pg_ctl_or_throw("reload", {"reload"}); }

void PgTestNode::promote() {
    pg_ctl_or_throw("promote", {"-w", "-t", std::to_string(kPgCtlWait.count()), "promote"});
}

void PgTestNode::kill9() {
    const auto postmaster = pid();
    if (!postmaster || !is_running()) {
        throw HarnessError("kill9: node " + name_ + " is not running");
    }
    const std::vector<int> children = children_of(*postmaster);
    ::kill(*postmaster, SIGKILL);
    // Backends notice the postmaster's death and exit on their own; wait for all of them so
    // the next start does not find the old shared memory still attached.
    bool gone = wait_for_pid_exit(*postmaster, seconds(30));
    for (const int child : children) gone = wait_for_pid_exit(child, seconds(30)) && gone;
    if (!gone) throw HarnessError("kill9: processes of node " + name_ + " did not exit");
}

bool PgTestNode::is_running() const {
    reap_orphan_zombies();
    return pg_ctl({"status"}, seconds(10)).exit_code == 0;
}

std::optional<pid_t> PgTestNode::pid() const {
    std::ifstream in(data_dir() / "postmaster.pid");
    long value = 0;
    if (!(in >> value) || value <= 0) return std::nullopt;
    return static_cast<pid_t>(value);
}

std::string PgTestNode::log_tail(std::size_t lines) const {
    std::ifstream in(log_file());
    std::deque<std::string> tail;
    for (std::string line; std::getline(in, line);) {
        tail.push_back(std::move(line));
        if (tail.size() > lines) tail.pop_front();
    }
    std::string text;
    for (const auto& line : tail) text += line + "\n";
    return text;
}

}  // namespace repmgr::test
