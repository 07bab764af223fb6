// Side-by-side fixture: runs the real repmgr 5.3.3 (Debian's postgresql-15-repmgr, fetched by
// scripts/fetch-reference-repmgr; REPMGR_TEST_REFERENCE_REPMGR points at it) and our repmgr
// on the same servers and compares stdout, stderr and exit codes.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "repmgr_fixture.hpp"

namespace repmgr::test {

namespace fs = std::filesystem;

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
        s.replace(pos, from.size(), to);
    }
    return s;
}

// reference_cluster(): three nodes registered by the reference implementation.
class CompatTest : public RepmgrTest {
protected:
    void SetUp() override {
        const char* env = std::getenv("REPMGR_TEST_REFERENCE_REPMGR");
        ASSERT_TRUE(env != nullptr && fs::exists(env))
            << "REPMGR_TEST_REFERENCE_REPMGR must point at repmgr 5.3.3; scripts/test sets it "
               "(run scripts/fetch-reference-repmgr to get the binary)";
        // Copied where postgres can run it (the build tree may be under /root).
        fs::path dir = temp_dir().make_subdir("reference", fs::perms::owner_all | fs::perms::group_read |
                                                              fs::perms::group_exec | fs::perms::others_read |
                                                              fs::perms::others_exec);
        reference_ = dir / "repmgr";
        fs::copy_file(env, reference_);
        fs::permissions(reference_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                        fs::perms::others_read | fs::perms::others_exec);
    }

    RunResult reference(const std::string& conf_path, std::vector<std::string> args) {
        if (!conf_path.empty()) args.insert(args.begin(), {"-f", conf_path});
        args.insert(args.begin(), reference_.string());
        return normalise(run_as_postgres(args));
    }
    RunResult ours(const std::string& conf_path, std::vector<std::string> args) {
        if (!conf_path.empty()) args.insert(args.begin(), {"-f", conf_path});
        return normalise(run_repmgr(args));
    }

    // Runs both binaries; their stdout, stderr and exit codes must be the same.
    void expect_same(const std::string& conf_path, const std::vector<std::string>& args) {
        RunResult ref = reference(conf_path, args);
        RunResult our = ours(conf_path, args);
        std::string what = "repmgr";
        for (const auto& a : args) what += " " + a;
        EXPECT_EQ(our.exit_code, ref.exit_code) << what << "\nreference:\n" << ref << "\nours:\n" << our;
        EXPECT_EQ(our.out, ref.out) << what;
        EXPECT_EQ(our.err, ref.err) << what;
    }

    void expect_same_everywhere(const std::vector<std::string>& confs,
                                const std::vector<std::vector<std::string>>& commands) {
        for (const auto& c : confs) {
            for (const auto& args : commands) expect_same(c, args);
        }
    }

    // The program's own path shows up in getopt messages; both are "repmgr" to the user.
    RunResult normalise(RunResult r) {
        for (auto* s : {&r.out, &r.err}) {
            *s = replace_all(*s, reference_.string(), "repmgr");
            *s = replace_all(*s, RepmgrBinary::repmgr().path().string(), "repmgr");
        }
        return r;
    }

    // Three nodes registered by the reference implementation.
    void reference_cluster() {
        p_ = &repmgr_primary("node1");
        c1_ = conf(*p_, 1);
        RunResult reg = reference(c1_, {"primary", "register"});
        ASSERT_TRUE(reg.ok()) << reg;
        s2_ = &repmgr_standby("node2", *p_);
        s3_ = &repmgr_standby("node3", *p_);
        c2_ = conf(*s2_, 2);
        c3_ = conf(*s3_, 3);
        for (const auto& c : {c2_, c3_}) {
            RunResult r = reference(c, {"standby", "register"});
            ASSERT_TRUE(r.ok()) << r;
        }
        ASSERT_TRUE(p_->poll_until("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", "2"));
        ASSERT_TRUE(s3_->poll_until("SELECT count(*) FROM repmgr.nodes", "3", std::chrono::seconds(30), "repmgr"));
    }

    fs::path reference_;
    PgTestNode* p_ = nullptr;
    PgTestNode* s2_ = nullptr;
    PgTestNode* s3_ = nullptr;
    std::string c1_, c2_, c3_;
};

}  // namespace repmgr::test
