// `repmgr standby clone -c` against a bare `pg_basebackup -X stream -c fast` of the same
// source in the same run: a primary with pgbench scale-30 data (about 500 MB), then 5 rounds
// of (bare pg_basebackup into a fresh directory, repmgr standby clone into a fresh directory),
// alternating which goes first. Prints both medians and their ratio; the target is <= 1.05
// (repmgr 5.3.3 measured 1.07 on the same machine). One unmeasured warm-up round first.
// With REPMGR_TEST_REFERENCE_REPMGR set, the reference repmgr's clone is timed in the same
// rounds too.
//
// Run as root (PostgreSQL and repmgr run as postgres) or as the postgres user:
//   cmake --build build --target bench_clone && build/bench/bench_clone
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "support/support.hpp"

namespace {

using namespace repmgr::test;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr int kRounds = 5;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double timed(const std::vector<std::string>& argv, const char* what) {
    RunOptions opts;
    opts.timeout = std::chrono::minutes(10);
    const auto start = Clock::now();
    RunResult r = run_as_postgres(argv, opts);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!r.ok()) throw HarnessError(std::string(what) + " failed:\n" + r.err);
    return seconds;
}

}  // namespace

int main() {
    try {
        TempDir dir("bench-clone");
        PortAllocator ports;
        PgTestNode primary("node1", dir.path(), ports.lease());
        primary.init();
        primary.append_conf("shared_preload_libraries = 'repmgr'");
        primary.start();
        primary.create_user("repmgr");
        primary.create_db("repmgr", "repmgr");
        const std::string port = std::to_string(primary.port());
        RunResult reg = run_repmgr({"-f", write_repmgr_conf(primary, 1).string(), "primary", "register"});
        if (!reg.ok()) throw HarnessError("primary register failed: " + reg.err);

        std::printf("pgbench -i -s 30 ...\n");
        std::fflush(stdout);
        timed({pg_bin("pgbench").string(), "-i", "-q", "-s", "30", "-h", primary.socket_dir().string(), "-p",
               port, "-U", "postgres", "postgres"},
              "pgbench -i");
        primary.psql("CHECKPOINT");
        std::printf("source size: %s\n",
                    primary.psql("SELECT pg_size_pretty(SUM(pg_database_size(oid))::bigint) FROM pg_database").c_str());

        PgTestNode target("node2", dir.path(), ports.lease());
        const std::string conf = write_repmgr_conf(target, 2).string();
        const fs::path bare_dir = dir.path() / "bare";
        const std::vector<std::string> bare{pg_bin("pg_basebackup").string(), "-h", "127.0.0.1", "-p", port,
                                            "-U", "repmgr", "-D", bare_dir.string(), "-X", "stream", "-c", "fast"};
        const std::vector<std::string> clone{RepmgrBinary::repmgr().path().string(), "-f", conf, "standby", "clone",
                                             "-h", "127.0.0.1", "-p", port, "-U", "repmgr", "-d", "repmgr", "-c"};
        // Each run starts with no dirty pages left over from removing the previous copy.
        auto run_bare = [&] {
            const double t = timed(bare, "pg_basebackup");
            fs::remove_all(bare_dir);
            ::sync();
            return t;
        };
        auto run_clone = [&] {
            const double t = timed(clone, "repmgr standby clone");
            fs::remove_all(target.data_dir());
            ::sync();
            return t;
        };
        std::vector<std::function<double()>> runs{run_bare, run_clone};
        if (const char* ref = std::getenv("REPMGR_TEST_REFERENCE_REPMGR"); ref && *ref) {
            const fs::path copy = dir.make_subdir("reference", fs::perms::owner_all | fs::perms::group_exec |
                                                                   fs::perms::others_exec) / "repmgr";
            fs::copy_file(ref, copy);
            fs::permissions(copy, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
            std::vector<std::string> reference = clone;
            reference[0] = copy.string();
            runs.emplace_back([&, reference] {
                const double t = timed(reference, "reference repmgr standby clone");
                fs::remove_all(target.data_dir());
                ::sync();
                return t;
            });
        }
        for (auto& run : runs) run();  // warm-up: page cache, checkpoint

        std::vector<std::vector<double>> times(runs.size());
        for (int i = 0; i < kRounds; ++i) {
            for (size_t k = 0; k < runs.size(); ++k) {  // rotate which goes first
                const size_t which = (k + static_cast<size_t>(i)) % runs.size();
                times[which].push_back(runs[which]());
            }
            std::printf("round %d: pg_basebackup %.2f s, repmgr standby clone %.2f s", i + 1,
                        times[0].back(), times[1].back());
            if (runs.size() > 2) std::printf(", reference repmgr 5.3.3 %.2f s", times[2].back());
            std::printf("\n");
            std::fflush(stdout);
        }
        const double b = median(times[0]);
        const double c = median(times[1]);
        std::printf("median pg_basebackup -X stream -c fast: %.2f s\n", b);
        std::printf("median repmgr standby clone -c:        %.2f s\n", c);
        std::printf("ratio: %.3f (target <= 1.05)\n", c / b);
        if (runs.size() > 2) {
            const double r = median(times[2]);
            std::printf("median reference repmgr 5.3.3 clone -c: %.2f s (ratio %.3f)\n", r, r / b);
        }
        primary.stop();
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_clone: %s\n", e.what());
        return 1;
    }
}
