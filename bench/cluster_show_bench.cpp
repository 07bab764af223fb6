// `repmgr cluster show` with k registered nodes that accept TCP connections but never
// answer (a hung host, a stalled postmaster), connect_timeout=2. Prints the median wall
// time of 5 runs for k = 0, 1, 3, 5. repmgr 5.3.3 asks nodes one after the other and
// tries each silent node twice: 4.0 s for k = 1, about 4 s more per further node.
//
// Run as root (PostgreSQL and repmgr run as postgres) or as the postgres user:
//   cmake --build build --target benchmarks && build/bench/bench_cluster_show
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "support/support.hpp"

namespace {

using namespace repmgr::test;
using Clock = std::chrono::steady_clock;

// A socket in LISTEN state that nobody accepts from: the kernel completes the handshake,
// then nothing is ever sent back.
class SilentListener {
public:
    explicit SilentListener(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 64) != 0) {
            throw HarnessError("cannot listen on port " + std::to_string(port));
        }
    }
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;
    ~SilentListener() { ::close(fd_); }

private:
    int fd_;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main() {
    try {
        TempDir dir("bench-cluster-show");
        PortAllocator ports;
        PgTestNode node("node1", dir.path(), ports.lease());
        node.init();
        node.append_conf("shared_preload_libraries = 'repmgr'");
        node.start();
        node.create_user("repmgr");
        node.create_db("repmgr", "repmgr");
        const std::string conf = write_repmgr_conf(node, 1).string();
        RunResult reg = run_repmgr({"-f", conf, "primary", "register"});
        if (!reg.ok()) throw HarnessError("primary register failed: " + reg.err);

        std::vector<PortLease> leases;
        std::vector<std::unique_ptr<SilentListener>> listeners;
        std::printf("cluster show, connect_timeout=2, nodes that accept TCP but never answer\n");
        std::printf("%-16s %-14s %s\n", "silent nodes k", "median (s)", "runs (s)");
        int registered = 0;
        for (int k : {0, 1, 3, 5}) {
            while (registered < k) {
                leases.push_back(ports.lease());
                listeners.push_back(std::make_unique<SilentListener>(leases.back().port()));
                ++registered;
                node.psql("INSERT INTO repmgr.nodes (node_id, upstream_node_id, node_name, type, conninfo, "
                          "repluser, config_file) VALUES (" + std::to_string(registered + 1) +
                              ", 1, 'silent" + std::to_string(registered) +
                              "', 'standby', 'host=127.0.0.1 port=" + std::to_string(leases.back().port()) +
                              " dbname=repmgr user=repmgr connect_timeout=2', 'repmgr', '/dev/null')",
                          "repmgr");
            }
            std::vector<double> runs;
            for (int i = 0; i < 5; ++i) {
                auto start = Clock::now();
                RunResult r = run_repmgr({"-f", conf, "cluster", "show"});
                runs.push_back(std::chrono::duration<double>(Clock::now() - start).count());
                if (r.exit_code != (k == 0 ? 0 : 25)) throw HarnessError("unexpected exit: " + r.err);
            }
            std::printf("%-16d %-14.2f", k, median(runs));
            for (double t : runs) std::printf(" %.2f", t);
            std::printf("\n");
        }
        node.stop();
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_cluster_show: %s\n", e.what());
        return 1;
    }
}
