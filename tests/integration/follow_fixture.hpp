// Shared set-up for the standby promote / standby follow / node rejoin tests: a primary and
// two streaming standbys with repmgr metadata, repmgr.conf files whose pg_ctl logs to the
// node's server.log, and helpers that read the servers directly (psql), independent of our
// code. FollowFixture<RepmgrTest> for our binary alone, FollowFixture<CompatTest> to run the
// real repmgr 5.3.3 side by side.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "compat_fixture.hpp"
#include "repmgr_fixture.hpp"

namespace repmgr::test {

// The stderr lines of a run, for order-sensitive checks of a subset.
inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

template <typename Base>
class FollowFixture : public Base {
  protected:
    // node1 primary (registered with our binary), node2..node<n> streaming standbys of node1
    // with records inserted directly (repmgr's layout, real config_file paths). `extra` goes
    // into every repmgr.conf.
    void make_cluster(int standbys = 2, std::vector<std::string> extra = {}) {
        extra_ = std::move(extra);
        node_[1] = &this->repmgr_primary("node1");
        conf_[1] = write_conf(1);
        RunResult reg = run(1, {"primary", "register"});
        ASSERT_TRUE(reg.ok()) << reg;
        for (int id = 2; id <= standbys + 1; ++id) {
            node_[id] = &this->repmgr_standby("node" + std::to_string(id), *node_[1]);
            conf_[id] = write_conf(id);
            insert_standby_record(id, 1);
        }
        for (int id = 2; id <= standbys + 1; ++id) {
            ASSERT_TRUE(streaming(*node_[1], node_[id]->name()));
            ASSERT_TRUE(node_[id]->poll_until("SELECT count(*) FROM repmgr.nodes",
                                              std::to_string(standbys + 1),
                                              std::chrono::seconds(30), "repmgr"));
        }
    }

    // repmgr.conf of node `id` with the fixture's extra lines plus `more`.
    std::string write_conf(int id, const std::vector<std::string>& more = {},
                           const std::string& file = "repmgr.conf") {
        ConfigFile c = ConfigFile::for_node(*node_[id], id);
        c.extra_lines = {"pg_ctl_options='-l " + node_[id]->log_file().string() + "'"};
        c.extra_lines.insert(c.extra_lines.end(), extra_.begin(), extra_.end());
        c.extra_lines.insert(c.extra_lines.end(), more.begin(), more.end());
        return c.write(node_[id]->basedir() / file).string();
    }

    void insert_standby_record(int id, int upstream) {
        const bool slots = uses_slots();
        node_[1]->psql(
            "INSERT INTO repmgr.nodes (node_id, upstream_node_id, active, node_name, type, "
            "conninfo, repluser, slot_name, config_file) VALUES (" +
                std::to_string(id) + ", " + std::to_string(upstream) + ", true, '" +
                node_[id]->name() + "', 'standby', '" + node_[id]->connstr("repmgr", "repmgr") +
                "', 'repmgr', " + (slots ? "'repmgr_slot_" + std::to_string(id) + "'" : "NULL") +
                ", '" + conf_[id] + "')",
            "repmgr");
    }

    bool uses_slots() const {
        for (const auto& line : extra_) {
            if (line == "use_replication_slots=true") return true;
        }
        return false;
    }

    // Our repmgr with node `id`'s repmgr.conf (or `conf` when given).
    RunResult run(int id, std::vector<std::string> args, const std::string& conf = "") {
        args.insert(args.begin(), {"-f", conf.empty() ? conf_[id] : conf});
        RunOptions opts;
        opts.timeout = std::chrono::seconds(120);
        return run_repmgr(args, opts);
    }

    ::testing::AssertionResult streaming(PgTestNode& upstream, const std::string& name,
                                         std::chrono::seconds timeout = std::chrono::seconds(30)) {
        return upstream.poll_until(
            "SELECT count(*) FROM pg_stat_replication WHERE application_name = '" + name +
                "' AND state = 'streaming'",
            "1", timeout);
    }

    // "type|upstream|active" of a record as `reader` sees it.
    std::string record(PgTestNode& reader, int id) {
        return reader.psql(
            "SELECT type || '|' || COALESCE(upstream_node_id::text, '') || '|' || active "
            "FROM repmgr.nodes WHERE node_id = " +
                std::to_string(id),
            "repmgr");
    }

    // "node_id|event|successful|details" lines, oldest first.
    std::string events(PgTestNode& reader) {
        return reader.psql(
            "SELECT string_agg(node_id || '|' || event || '|' || successful || '|' || "
            "COALESCE(details, ''), E'\\n' ORDER BY event_timestamp, event) FROM repmgr.events "
            "WHERE event NOT IN ('cluster_created', 'primary_register')",
            "repmgr");
    }

    bool in_recovery(PgTestNode& node) { return node.psql("SELECT pg_is_in_recovery()") == "t"; }

    std::string port(int id) const { return std::to_string(node_[id]->port()); }

    // The repmgr.conf lines that let our repmgr reach the other nodes over the test sshd, and
    // run our binary there (scripts/test starts the sshd and exports REPMGR_TEST_SSH_*).
    std::vector<std::string> ssh_conf_lines() {
        const char* port = std::getenv("REPMGR_TEST_SSH_PORT");
        const char* key = std::getenv("REPMGR_TEST_SSH_KEY");
        const char* known = std::getenv("REPMGR_TEST_SSH_KNOWN_HOSTS");
        if (port == nullptr || key == nullptr || known == nullptr) {
            ADD_FAILURE()
                << "REPMGR_TEST_SSH_PORT, REPMGR_TEST_SSH_KEY and REPMGR_TEST_SSH_KNOWN_HOSTS "
                   "must be set (scripts/test starts a private sshd)";
            return {};
        }
        return {std::string("ssh_options='-p ") + port + " -i " + key +
                    " -o UserKnownHostsFile=" + known + "'",
                "repmgr_bindir='" + RepmgrBinary::repmgr().path().parent_path().string() + "'"};
    }

    // The node's postmaster pid, to tell a reload from a restart.
    pid_t postmaster_pid(PgTestNode& node) { return node.pid().value_or(-1); }

    PgTestNode* node_[5] = {};
    std::string conf_[5];
    std::vector<std::string> extra_;
};

}  // namespace repmgr::test
