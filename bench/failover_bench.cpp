// Automatic failover speed: primary, two standbys and a witness on loopback, repmgrd on
// every node (monitor_interval_secs=1, reconnect_attempts=2, reconnect_interval=1),
// kill -9 of the primary; median of 5 runs of
//   (a) time until the new primary accepts a write,
//   (b) time until every other standby streams from it,
// idle and under a light pgbench write load. Also repmgrd's resident memory after a
// minute of monitoring. repmgr 5.3.3 on such a machine: (a) 2.07 s idle, 1.76 s loaded;
// (b) 4.12 s idle, 3.71 s loaded; about 8.4 MB resident.
//
// Run as root: cmake --build build --target benchmarks && build/bench/bench_failover
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/support.hpp"

namespace {

using namespace repmgr::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Daemon {
    pid_t pid = -1;
    ~Daemon() { stop(); }
    void stop() {
        if (pid <= 0) return;
        ::kill(pid, SIGTERM);
        for (int i = 0; i < 500; ++i) {
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid || ::kill(pid, 0) != 0) break;
            std::this_thread::sleep_for(20ms);
        }
        pid = -1;
    }
};

std::string conf_lines(PgTestNode& n, int id, const std::string& extra_type_lines) {
    const std::string repmgr = RepmgrBinary::repmgr().path().string();
    const std::string path = (n.basedir() / "repmgr.conf").string();
    (void)id;
    return "failover=automatic\n"
           "promote_command='" + repmgr + " standby promote -f " + path + " --log-to-file'\n"
           "follow_command='" + repmgr + " standby follow -f " + path + " --log-to-file --upstream-node-id=%n'\n"
           "monitor_interval_secs=1\nreconnect_attempts=2\nreconnect_interval=1\n"
           "log_file='" + (n.basedir() / "repmgrd.log").string() + "'\n"
           "pg_ctl_options='-l " + (n.basedir() / "server.log").string() + "'\n" + extra_type_lines;
}

std::string write_conf(PgTestNode& n, int id) {
    std::vector<std::string> lines;
    std::string text = conf_lines(n, id, "");
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return write_repmgr_conf(n, id, lines).string();
}

pid_t start_daemon(PgTestNode& n, const std::string& conf) {
    const auto pid_file = n.basedir() / "repmgrd.pid";
    RunResult r = RepmgrBinary::repmgrd().run({"-f", conf, "-p", pid_file.string()});
    if (!r.ok()) throw HarnessError("repmgrd did not start: " + r.err);
    for (int i = 0; i < 500; ++i) {
        std::ifstream in(pid_file);
        pid_t pid = 0;
        if (in >> pid && pid > 0) return pid;
        std::this_thread::sleep_for(10ms);
    }
    throw HarnessError("no repmgrd PID file");
}

void check(const RunResult& r, const char* what) {
    if (!r.ok()) throw HarnessError(std::string(what) + " failed: " + r.out + r.err);
}

struct Sample {
    double write_s;
    double streaming_s;
};

Sample one_run(bool load) {
    TempDir dir("bench-failover");
    PortAllocator ports;
    std::vector<std::unique_ptr<PgTestNode>> nodes;
    auto add = [&](const std::string& name) -> PgTestNode& {
        nodes.push_back(std::make_unique<PgTestNode>(name, dir.path(), ports.lease()));
        return *nodes.back();
    };
    PgTestNode& p = add("node1");
    p.init();
    p.append_conf("shared_preload_libraries = 'repmgr'");
    p.start();
    p.create_user("repmgr");
    p.create_db("repmgr", "repmgr");
    std::map<int, std::string> confs;
    confs[1] = write_conf(p, 1);
    check(run_repmgr({"-f", confs[1], "primary", "register"}), "primary register");
    for (int id : {2, 3}) {
        PgTestNode& s = add("node" + std::to_string(id));
        s.init_standby_from(p);
        s.start();
        confs[id] = write_conf(s, id);
        check(run_repmgr({"-f", confs[id], "standby", "register"}), "standby register");
    }
    PgTestNode& w = add("node4");
    w.init(false);
    w.append_conf("shared_preload_libraries = 'repmgr'");
    w.start();
    w.create_user("repmgr");
    w.create_db("repmgr", "repmgr");
    confs[4] = write_conf(w, 4);
    check(run_repmgr({"-f", confs[4], "witness", "register", "-h", "127.0.0.1", "-p", std::to_string(p.port()), "-U",
                      "repmgr", "-d", "repmgr"}),
          "witness register");
    std::vector<std::unique_ptr<Daemon>> daemons;
    for (int id = 1; id <= 4; ++id) {
        daemons.push_back(std::make_unique<Daemon>());
        daemons.back()->pid = start_daemon(*nodes[static_cast<size_t>(id - 1)], confs[id]);
    }
    if (!p.poll_until("SELECT count(*) FROM repmgr.events WHERE event = 'repmgrd_start'", "4", 30s, "repmgr")) {
        throw HarnessError("repmgrd did not start on every node");
    }
    std::this_thread::sleep_for(2s);
    std::thread loader;
    if (load) {
        check(run_as_postgres({pg_bin("pgbench").string(), "-i", "-q", "-s", "1", "-h", "127.0.0.1", "-p",
                               std::to_string(p.port()), "-U", "postgres", "postgres"}),
              "pgbench -i");
        loader = std::thread([&p] {
            RunOptions o;
            o.timeout = 60s;
            run_as_postgres({pg_bin("pgbench").string(), "-n", "-c", "2", "-R", "100", "-T", "30", "-h", "127.0.0.1",
                             "-p", std::to_string(p.port()), "-U", "postgres", "postgres"},
                            o);
        });
        std::this_thread::sleep_for(2s);
    }
    const auto t0 = Clock::now();
    p.kill9();
    std::optional<double> write_s;
    std::optional<double> streaming_s;
    int winner = 0;
    while ((!write_s || !streaming_s) && Clock::now() - t0 < 60s) {
        for (int id : {2, 3}) {
            if (!write_s) {
                RunResult r = nodes[static_cast<size_t>(id - 1)]->safe_psql(
                    "SELECT pg_catalog.txid_current()", "postgres", "postgres", 2s);  // needs a writable node
                if (r.ok()) {
                    write_s = std::chrono::duration<double>(Clock::now() - t0).count();
                    winner = id;
                }
            }
        }
        if (write_s && !streaming_s) {
            int other = winner == 2 ? 3 : 2;
            RunResult r = nodes[static_cast<size_t>(winner - 1)]->safe_psql(
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND application_name = 'node" +
                    std::to_string(other) + "'");
            if (r.ok() && r.out.find('1') != std::string::npos) {
                streaming_s = std::chrono::duration<double>(Clock::now() - t0).count();
            }
        }
        std::this_thread::sleep_for(10ms);
    }
    if (loader.joinable()) loader.join();
    if (!write_s || !streaming_s) throw HarnessError("failover did not complete within 60 s");
    return {*write_s, *streaming_s};
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

long rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

double memory_after_a_minute() {
    TempDir dir("bench-rss");
    PortAllocator ports;
    PgTestNode p("node1", dir.path(), ports.lease());
    p.init();
    p.append_conf("shared_preload_libraries = 'repmgr'");
    p.start();
    p.create_user("repmgr");
    p.create_db("repmgr", "repmgr");
    std::string conf = write_conf(p, 1);
    check(run_repmgr({"-f", conf, "primary", "register"}), "primary register");
    Daemon d;
    d.pid = start_daemon(p, conf);
    std::this_thread::sleep_for(60s);
    return static_cast<double>(rss_kib(d.pid)) / 1024.0;
}

}  // namespace

int main() {
    try {
        std::printf("failover after kill -9 of the primary (2 standbys + witness, monitor 1 s, 2 x 1 s reconnect)\n");
        for (bool load : {false, true}) {
            std::vector<double> a;
            std::vector<double> b;
            for (int i = 0; i < 5; ++i) {
                Sample s = one_run(load);
                a.push_back(s.write_s);
                b.push_back(s.streaming_s);
                std::printf("  %s run %d: write %.2f s, all streaming %.2f s\n", load ? "loaded" : "idle", i + 1,
                            s.write_s, s.streaming_s);
                std::fflush(stdout);
            }
            std::printf("%s: (a) new primary accepts a write: median %.2f s; (b) every standby streaming: median %.2f s\n",
                        load ? "under pgbench load" : "idle", median(a), median(b));
        }
        std::printf("repmgrd resident memory after 60 s of monitoring: %.1f MB\n", memory_after_a_minute());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_failover: %s\n", e.what());
        return 1;
    }
}
