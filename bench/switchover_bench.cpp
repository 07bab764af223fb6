// Switchover speed: node1 primary, node2 and node3 streaming standbys on loopback, registered
// with use_replication_slots=true (as tests/integration/standby_switchover_test.cpp
// BackAndForthWithSiblingsFollow), every node reachable over a private sshd. Five
// `repmgr standby switchover --siblings-follow`, run alternately on node2 and node1 (back and
// forth), node3 following each time. Each run is timed from command start until both other
// nodes stream from the new primary (pg_stat_replication on it, polled every 10 ms), and the
// command's own wall time is printed too. Medians for our repmgr and for repmgr 5.3.3
// ($REPMGR_TEST_REFERENCE_REPMGR, else /tmp/reftest/repmgr; each implementation gets a fresh
// cluster and runs its own binary on the other nodes through repmgr_bindir; the reference
// calls the ssh binary with the same ssh_options). repmgr 5.3.3 on such a machine: 4.5-5.4 s.
//
// Needs the sshd that scripts/test starts (REPMGR_TEST_SSH_PORT, REPMGR_TEST_SSH_KEY,
// REPMGR_TEST_SSH_KNOWN_HOSTS; TESTING.md "sshd for switchover/rejoin tests"). Run as root:
//   cmake --build build --target benchmarks && build/bench/bench_switchover [--verbose] [--debug]
// --verbose prints every command's stderr; --debug runs the switchovers with -L DEBUG and
// prints their stderr, to see where the time goes.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "repmgr/db/connection.hpp"
#include "support/support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace repmgr::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kRuns = 5;
constexpr auto kRunTimeout = 120s;

struct SshEnv {
    std::string port;
    std::string key;
    std::string known_hosts;
};

// The private sshd from the environment.
SshEnv ssh_env() {
    const char* port = std::getenv("REPMGR_TEST_SSH_PORT");
    const char* key = std::getenv("REPMGR_TEST_SSH_KEY");
    const char* known = std::getenv("REPMGR_TEST_SSH_KNOWN_HOSTS");
    if (port == nullptr || key == nullptr || known == nullptr) {
        throw HarnessError(
            "REPMGR_TEST_SSH_PORT, REPMGR_TEST_SSH_KEY and REPMGR_TEST_SSH_KNOWN_HOSTS must name a "
            "private sshd on 127.0.0.1 (start one as scripts/test start_sshd or TESTING.md "
            "\"sshd for switchover/rejoin tests\" shows)");
    }
    return {port, key, known};
}

// One repmgr: the program run locally, and the directory (repmgr_bindir) whose `repmgr` the
// switchover runs on the other nodes over SSH.
struct Implementation {
    std::string label;
    fs::path binary;
};

struct Sample {
    double streaming_s;
    double command_s;
    std::string stderr_text;
};

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Whether both `names` stream from the server behind `conn` (reconnects when needed).
bool both_streaming(std::optional<repmgr::db::Connection>& conn, const PgTestNode& node,
                    const std::string& a, const std::string& b) {
    static constexpr const char* kSql =
        "SELECT count(*) FROM pg_catalog.pg_stat_replication "
        "WHERE state = 'streaming' AND application_name IN ($1, $2)";
    try {
        if (!conn || !conn->is_ok()) {
            repmgr::db::ConnectOptions opts;
            opts.fallback_application_name = "bench_switchover";
            opts.query_timeout = 2s;
            conn = repmgr::db::Connection::connect(node.connstr(), opts);
        }
        return conn->query_one(kSql, {repmgr::db::param(a), repmgr::db::param(b)})
                   .get_int(0, 0) == 2;
    } catch (const repmgr::Error&) {
        conn.reset();
        return false;
    }
}

// node1 primary, node2 and node3 standbys, all registered by `impl` with repmgr.conf files
// whose remote commands run `impl`'s binary over the private sshd.
class BenchCluster {
  public:
    BenchCluster(Implementation impl, const SshEnv& ssh, bool debug)
        : impl_(std::move(impl)), ssh_(ssh), debug_(debug), dir_("bench-switchover") {}

    void build();
    // Switchover to `candidate` from the current primary `primary`; the third node follows.
    Sample switchover(int candidate, int primary);
    void keep() { dir_.keep(); }

  private:
    PgTestNode& node(int id) { return *nodes_[static_cast<size_t>(id - 1)]; }
    std::string write_conf(int id);
    RunResult run(int id, const std::vector<std::string>& args);
    void check(const RunResult& r, const std::string& what);
    void expect_settled(int primary, int standby_a, int standby_b);

    Implementation impl_;
    SshEnv ssh_;
    bool debug_;
    TempDir dir_;  // declared before the nodes: removed after they stopped
    PortAllocator ports_;
    std::vector<std::unique_ptr<PgTestNode>> nodes_;
    std::array<std::string, 3> confs_;
};

std::string BenchCluster::write_conf(int id) {
    PgTestNode& n = node(id);
    ConfigFile c = ConfigFile::for_node(n, id);
    c.extra_lines = {
        "pg_ctl_options='-l " + n.log_file().string() + "'",
        "ssh_options='-q -p " + ssh_.port + " -i " + ssh_.key + " -o UserKnownHostsFile=" +
            ssh_.known_hosts + " -o StrictHostKeyChecking=yes -o ConnectTimeout=10'",
        "repmgr_bindir='" + impl_.binary.parent_path().string() + "'",
        "use_replication_slots=true",
    };
    return c.write(n.basedir() / "repmgr.conf").string();
}

RunResult BenchCluster::run(int id, const std::vector<std::string>& args) {
    std::vector<std::string> argv{impl_.binary.string(), "-f", confs_[static_cast<size_t>(id - 1)]};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions opts;
    opts.timeout = kRunTimeout;
    return run_as_postgres(argv, opts);
}

void BenchCluster::check(const RunResult& r, const std::string& what) {
    if (!r.ok()) {
        throw HarnessError(impl_.label + ": " + what + " failed (exit " +
                           std::to_string(r.exit_code) + "):\n" + r.out + r.err);
    }
}

void BenchCluster::build() {
    for (int id = 1; id <= 3; ++id) {
        nodes_.push_back(std::make_unique<PgTestNode>("node" + std::to_string(id), dir_.path(),
                                                      ports_.lease()));
    }
    PgTestNode& p = node(1);
    p.init();
    p.append_conf("shared_preload_libraries = 'repmgr'");
    p.start();
    p.create_user("repmgr");
    p.create_db("repmgr", "repmgr");
    confs_[0] = write_conf(1);
    check(run(1, {"primary", "register"}), "primary register");
    for (int id = 2; id <= 3; ++id) {
        node(id).init_standby_from(p);
        node(id).start();
        confs_[static_cast<size_t>(id - 1)] = write_conf(id);
    }
    if (!p.poll_until("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", "2")) {
        throw HarnessError("the standbys do not stream from node1");
    }
    for (int id = 2; id <= 3; ++id) check(run(id, {"standby", "register"}), "standby register");
    expect_settled(1, 2, 3);
}

// Every node is what it should be and the metadata says so on every node; waits (not timed)
// until the standbys have replayed everything they received.
void BenchCluster::expect_settled(int primary, int standby_a, int standby_b) {
    const std::string pid = std::to_string(primary);
    if (node(primary).psql("SELECT pg_is_in_recovery()") != "f") {
        throw HarnessError(impl_.label + ": node" + pid + " is not a primary");
    }
    for (int id : {standby_a, standby_b}) {
        PgTestNode& s = node(id);
        if (s.psql("SELECT pg_is_in_recovery()") != "t") {
            throw HarnessError(impl_.label + ": node" + std::to_string(id) + " is not a standby");
        }
        const std::string records =
            "SELECT string_agg(node_id || ':' || type || ':' || COALESCE(upstream_node_id::text, "
            "'-') || ':' || active, ',' ORDER BY node_id) FROM repmgr.nodes";
        const std::string expected = node(primary).psql(records, "repmgr");
        if (!s.poll_until(records, expected, 30s, "repmgr") ||
            !s.poll_until("SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()")) {
            throw HarnessError(impl_.label + ": node" + std::to_string(id) + " did not catch up");
        }
        const std::string upstream = "SELECT upstream_node_id FROM repmgr.nodes WHERE node_id = " +
                                     std::to_string(id);
        if (node(primary).psql(upstream, "repmgr") != pid) {
            throw HarnessError(impl_.label + ": the record of node" + std::to_string(id) +
                               " does not name node" + pid + " as upstream");
        }
    }
}

Sample BenchCluster::switchover(int candidate, int primary) {
    const int sibling = 6 - candidate - primary;  // ids are 1, 2, 3
    const std::string primary_name = "node" + std::to_string(primary);
    const std::string sibling_name = "node" + std::to_string(sibling);
    PgTestNode& target = node(candidate);
    std::optional<repmgr::db::Connection> conn;
    both_streaming(conn, target, primary_name, sibling_name);  // connect before the clock starts

    RunResult result;
    double command_s = 0;
    std::exception_ptr failure;
    std::atomic<bool> done{false};
    std::vector<std::string> args{"standby", "switchover", "--siblings-follow"};
    if (debug_) args.insert(args.end(), {"-L", "DEBUG"});
    const auto t0 = Clock::now();
    std::thread runner([&] {
        try {
            result = run(candidate, args);
        } catch (...) {
            failure = std::current_exception();  // rethrown after the join
        }
        command_s = seconds_since(t0);
        done = true;
    });
    std::optional<double> streaming_s;
    while (!streaming_s && Clock::now() - t0 < kRunTimeout) {
        const bool finished = done;  // read before polling: a failure ends the wait
        if (both_streaming(conn, target, primary_name, sibling_name)) {
            streaming_s = seconds_since(t0);
        } else if (finished && !result.ok()) {
            break;
        } else {
            std::this_thread::sleep_for(10ms);
        }
    }
    runner.join();
    if (failure) std::rethrow_exception(failure);
    check(result, "standby switchover on node" + std::to_string(candidate));
    if (!streaming_s) {
        throw HarnessError(impl_.label + ": " + primary_name + " and " + sibling_name +
                           " did not stream from node" + std::to_string(candidate) + ":\n" +
                           result.err);
    }
    expect_settled(candidate, primary, sibling);
    return {*streaming_s, command_s, result.err};
}

struct Figures {
    std::vector<double> streaming;
    std::vector<double> command;
};

struct Flags {
    bool verbose = false;  // print each command's stderr
    bool debug = false;    // run the switchovers with -L DEBUG (implies verbose)
};

Figures measure(const Implementation& impl, const SshEnv& ssh, const Flags& flags) {
    BenchCluster cluster(impl, ssh, flags.debug);
    try {
        cluster.build();
        Figures f;
        int primary = 1;
        int candidate = 2;
        for (int i = 1; i <= kRuns; ++i) {
            const Sample s = cluster.switchover(candidate, primary);
            f.streaming.push_back(s.streaming_s);
            f.command.push_back(s.command_s);
            std::printf("  %-9s run %d: node%d -> node%d: all streaming %.2f s, command %.2f s\n",
                        impl.label.c_str(), i, primary, candidate, s.streaming_s, s.command_s);
            if (flags.verbose) std::printf("%s", s.stderr_text.c_str());
            std::fflush(stdout);
            std::swap(primary, candidate);
        }
        return f;
    } catch (...) {
        cluster.keep();  // servers' logs and repmgr.conf files for a look
        throw;
    }
}

// The reference binary copied where postgres can run it (the directory also serves as its
// repmgr_bindir); nullopt when there is none.
std::optional<Implementation> reference(const TempDir& dir) {
    const char* env = std::getenv("REPMGR_TEST_REFERENCE_REPMGR");
    const fs::path source = env != nullptr && *env != '\0' ? fs::path(env) : "/tmp/reftest/repmgr";
    if (!fs::exists(source)) {
        std::printf("reference repmgr 5.3.3 not found at %s ($REPMGR_TEST_REFERENCE_REPMGR, else "
                    "/tmp/reftest/repmgr): measuring ours only\n",
                    source.c_str());
        return std::nullopt;
    }
    const auto rx = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                    fs::perms::others_read | fs::perms::others_exec;
    const fs::path copy = dir.make_subdir("bin", rx) / "repmgr";
    fs::copy_file(source, copy);
    fs::permissions(copy, rx);
    return Implementation{"reference", copy};
}

void print_summary(const std::string& label, const Figures& f) {
    std::printf("%s: every node streaming from the new primary: median %.2f s; command: median "
                "%.2f s\n",
                label.c_str(), median(f.streaming), median(f.command));
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--verbose") == 0) {
            flags.verbose = true;
        } else if (std::strcmp(argv[i], "--debug") == 0) {
            flags.verbose = flags.debug = true;
        } else {
            std::fprintf(stderr, "usage: bench_switchover [--verbose] [--debug]\n");
            return 2;
        }
    }
    try {
        const SshEnv ssh = ssh_env();
        TempDir ref_dir("bench-reference");
        std::vector<Implementation> impls{{"ours", RepmgrBinary::repmgr().path()}};
        if (auto ref = reference(ref_dir)) impls.push_back(*ref);
        std::printf("standby switchover --siblings-follow, node1 <-> node2 %d times, node3 "
                    "following (use_replication_slots=true)\n",
                    kRuns);
        std::vector<Figures> figures;
        for (const auto& impl : impls) figures.push_back(measure(impl, ssh, flags));
        for (size_t i = 0; i < impls.size(); ++i) print_summary(impls[i].label, figures[i]);
        if (figures.size() == 2) {
            std::printf("ours / reference (every node streaming): %.2f\n",
                        median(figures[0].streaming) / median(figures[1].streaming));
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_switchover: %s\n", e.what());
        return 1;
    }
}
