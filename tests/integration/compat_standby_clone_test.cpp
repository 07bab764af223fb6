// standby clone side by side with the real repmgr 5.3.3: the same commands against the same
// servers must print the same stdout/stderr, exit with the same code and leave the same
// effects (data directory, postgresql.auto.conf, standby.signal, slots, events). Both tools
// clone into the same directory one after the other, so paths need no normalising; only the
// installation size (which the clone itself changes) is masked.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>

#include "compat_fixture.hpp"

namespace repmgr::test {
namespace {

std::string file_text(const fs::path& path) {
    if (!fs::exists(path)) return "<missing>";
    std::ifstream in(path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string mask_size(const std::string& text) {
    return std::regex_replace(text, std::regex("current installation size is [0-9]+ [kMG]?B"),
                              "current installation size is <size>");
}

class CompatStandbyCloneTest : public CompatTest {
protected:
    // node1 registered by the reference implementation; node2 an empty node to clone into.
    void primary_and_target() {
        p_ = &repmgr_primary("node1");
        c1_ = conf(*p_, 1);
        RunResult reg = reference(c1_, {"primary", "register"});
        ASSERT_TRUE(reg.ok()) << reg;
        t_ = &add_node("node2");
    }

    std::string target_conf(const std::vector<std::string>& extra = {}, int node_id = 2) {
        ConfigFile c = ConfigFile::for_node(*t_, node_id);
        c.extra_lines = extra;
        return c.write(t_->basedir() / ("repmgr" + std::to_string(++confs_) + ".conf")).string();
    }

    std::vector<std::string> args(const PgTestNode& source, std::vector<std::string> extra = {}) {
        std::vector<std::string> a{"standby", "clone", "-h", "127.0.0.1", "-p", std::to_string(source.port()),
                                   "-U", "repmgr", "-d", "repmgr"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }

    // What a clone leaves behind, without timestamps.
    std::string effects() {
        struct stat st {};
        const bool exists = ::stat(t_->data_dir().c_str(), &st) == 0;
        std::string out = exists ? "mode=" + std::to_string(st.st_mode & 0777) : "no data directory";
        out += "\nauto.conf:\n" + file_text(t_->data_dir() / "postgresql.auto.conf");
        out += "\nstandby.signal:\n" + file_text(t_->data_dir() / "standby.signal");
        out += "\nslots: " + p_->psql("SELECT string_agg(slot_name || ':' || active, ',' ORDER BY slot_name) "
                                      "FROM pg_replication_slots");
        out += "\nevents: " + p_->psql("SELECT string_agg(node_id || ',' || event || ',' || successful || ',' || "
                                       "COALESCE(details, ''), ';' ORDER BY event_timestamp) FROM repmgr.events "
                                       "WHERE event = 'standby_clone'",
                                       "repmgr");
        return out;
    }

    // Back to the state before a clone: no data directory, no slot, no standby_clone events.
    void reset_target() {
        fs::remove_all(t_->data_dir());
        p_->psql("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active");
        p_->psql("DELETE FROM repmgr.events WHERE event = 'standby_clone'", "repmgr");
    }

    // Runs the reference and then ours from the same starting state (`prepare` after each
    // reset) and compares output, exit code and effects.
    void expect_same_clone(const std::string& conf_path, const std::vector<std::string>& a,
                           const std::function<void()>& prepare = [] {}) {
        reset_target();
        prepare();
        RunResult ref = reference(conf_path, a);
        const std::string ref_effects = effects();
        reset_target();
        prepare();
        RunResult our = ours(conf_path, a);
        const std::string our_effects = effects();
        std::string what;
        for (const auto& x : a) what += " " + x;
        EXPECT_EQ(our.exit_code, ref.exit_code) << what << "\nreference:\n" << ref << "\nours:\n" << our;
        EXPECT_EQ(our.out, ref.out) << what;
        EXPECT_EQ(mask_size(our.err), mask_size(ref.err)) << what;
        EXPECT_EQ(our_effects, ref_effects) << what;
    }

    // Commands that change nothing (dry runs, refusals before any change).
    void expect_same_output(const std::string& conf_path, const std::vector<std::string>& a) {
        RunResult ref = reference(conf_path, a);
        RunResult our = ours(conf_path, a);
        std::string what;
        for (const auto& x : a) what += " " + x;
        EXPECT_EQ(our.exit_code, ref.exit_code) << what << "\nreference:\n" << ref << "\nours:\n" << our;
        EXPECT_EQ(our.out, ref.out) << what;
        EXPECT_EQ(mask_size(our.err), mask_size(ref.err)) << what;
    }

    PgTestNode* t_ = nullptr;
    int confs_ = 0;
};

TEST_F(CompatStandbyCloneTest, DryRuns) {
    primary_and_target();
    const std::string plain = target_conf();
    const std::string slots = target_conf({"use_replication_slots=true"});
    const std::string port = std::to_string(p_->port());
    const std::vector<std::vector<std::string>> variants{
        args(*p_, {"--dry-run"}),
        args(*p_, {"--dry-run", "-c"}),
        args(*p_, {"--dry-run", "-v"}),
        args(*p_, {"--dry-run", "-t"}),
        args(*p_, {"--dry-run", "-F"}),
        args(*p_, {"--dry-run", "--copy-external-config-files"}),
        args(*p_, {"--dry-run", "--upstream-node-id=9"}),
        args(*p_, {"--dry-run", "--replication-user=nosuchuser"}),
        args(*p_, {"--dry-run", "--upstream-conninfo=host=10.0.0.1 port=1"}),
        {"standby", "clone", "-U", "repmgr", "-d", "repmgr", "-p", port, "-h", "127.0.0.1", "--dry-run"},
        {"standby", "clone", "127.0.0.1", "-p", port, "-U", "repmgr", "-d", "repmgr", "--dry-run"},
        {"standby", "clone", "-d", "host=127.0.0.1 port=" + port + " user=repmgr dbname=repmgr", "--dry-run"},
        {"standby", "clone", "-d", "host=127.0.0.1 port=" + port + " user=repmgr", "--dry-run"},
        {"standby", "clone", "-U", "repmgr", "-d", "postgresql://127.0.0.1:" + port + "/repmgr", "--dry-run"},
        {"standby", "clone", "-h", "127.0.0.1", "-p", port, "-U", "repmgr", "-d", "postgres", "--dry-run"},
        {"standby", "clone", "-h", "127.0.0.1", "-p", "1", "-U", "repmgr", "-d", "repmgr", "--dry-run"},
    };
    for (const auto& conf_path : {plain, slots}) {
        for (const auto& a : variants) expect_same_output(conf_path, a);
    }
    // Without a configuration file: -D, or nothing at all.
    expect_same_output("", args(*p_, {"--dry-run", "-D", t_->data_dir().string()}));
    expect_same_output("", args(*p_, {"--dry-run"}));
}

TEST_F(CompatStandbyCloneTest, ConfigurationVariantsInDryRun) {
    primary_and_target();
    const std::vector<std::vector<std::string>> confs{
        {"pg_basebackup_options='--no-slot'", "use_replication_slots=true"},
        {"pg_basebackup_options='-S foo --no-slot'"},
        {"pg_basebackup_options='--waldir=relative'"},
        {"pg_basebackup_options='-X fetch'", "use_replication_slots=true"},
        {"pg_basebackup_options='--wal-method=none'"},
        {"pg_basebackup_options='--max-rate=100M -S myslot'", "use_replication_slots=true"},
        {"pg_basebackup_options='--bogus'"},
        {"tablespace_mapping='/nonexistent/a=/tmp/b'", "tablespace_mapping='/nonexistent/c=/tmp/d'"},
        {"restore_command='cp /arch/%f %p'", "recovery_min_apply_delay='5min'"},
        {"service_start_command='/bin/true start'"},
    };
    for (const auto& extra : confs) {
        const std::string c = target_conf(extra);
        expect_same_output(c, args(*p_, {"--dry-run"}));
    }
    // node_name of another node.
    ConfigFile dup = ConfigFile::for_node(*t_, 2);
    dup.node_name = "node1";
    expect_same_output(dup.write(t_->basedir() / "dup.conf").string(), args(*p_, {"--dry-run"}));
}

TEST_F(CompatStandbyCloneTest, Clones) {
    primary_and_target();
    const std::string plain = target_conf();
    const std::string settings = target_conf({"use_replication_slots=true", "restore_command='cp /arch/%f %p'",
                                              "archive_cleanup_command='echo it''s'",
                                              "recovery_min_apply_delay='5min'"});
    expect_same_clone(plain, args(*p_, {"-c"}));
    expect_same_clone(plain, args(*p_, {"-c", "-v"}));
    expect_same_clone(settings, args(*p_, {"-c"}));
    expect_same_clone(settings, args(*p_, {"-c", "-v", "--recovery-min-apply-delay=10s",
                                           "--upstream-conninfo=host=10.0.0.1 port=1 user=foo "
                                           "sslmode=prefer password='a b'"}));
    expect_same_clone(plain, {"standby", "clone", "-d",
                              "host=127.0.0.1 port=" + std::to_string(p_->port()) + " user=repmgr", "-c"});
    expect_same_clone("", args(*p_, {"-c", "-D", t_->data_dir().string()}));
}

TEST_F(CompatStandbyCloneTest, ExistingTargets) {
    primary_and_target();
    const std::string plain = target_conf();
    auto non_empty = [this] {
        make_postgres_dir(t_->data_dir(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
        { std::ofstream(t_->data_dir() / "file") << "x\n"; }
        give_to_postgres(t_->data_dir() / "file");
    };
    auto empty = [this] { make_postgres_dir(t_->data_dir(), fs::perms::owner_all | fs::perms::others_read); };
    auto data_dir = [this, non_empty] {
        non_empty();
        { std::ofstream(t_->data_dir() / "PG_VERSION") << "15\n"; }
        give_to_postgres(t_->data_dir() / "PG_VERSION");
    };
    expect_same_clone(plain, args(*p_, {"-c"}), non_empty);
    expect_same_clone(plain, args(*p_, {"-c", "-F"}), non_empty);
    expect_same_clone(plain, args(*p_, {"-c"}), empty);
    expect_same_clone(plain, args(*p_, {"-c"}), data_dir);
    expect_same_clone(plain, args(*p_, {"-c", "-F"}), data_dir);
    expect_same_clone(plain, args(*p_, {"-c", "--dry-run"}), data_dir);
}

TEST_F(CompatStandbyCloneTest, Failures) {
    primary_and_target();
    expect_same_clone(target_conf({"use_replication_slots=true", "pg_basebackup_options='--max-rate=1'"}),
                      args(*p_, {"-c"}));
    expect_same_clone(target_conf({"tablespace_mapping='/nonexistent/a=/tmp/b'"}), args(*p_, {"-c"}));
    // Barman mode itself is not provided (we refuse it); --without-barman ignores barman_host.
    expect_same_clone(target_conf({"barman_host='127.0.0.1'", "barman_server='main'"}),
                      args(*p_, {"-c", "--without-barman"}));
    // The source's node record disappears: "unable to retrieve record for upstream node -1".
    p_->psql("DELETE FROM repmgr.nodes", "repmgr");
    expect_same_clone(target_conf(), args(*p_, {"-c"}));
}

TEST_F(CompatStandbyCloneTest, FromAStandbyWithSlots) {
    primary_and_target();
    PgTestNode& s3 = repmgr_standby("node3", *p_);
    const std::string c3 = conf(s3, 3);
    RunResult reg = reference(c3, {"standby", "register"});
    ASSERT_TRUE(reg.ok()) << reg;
    ASSERT_TRUE(s3.poll_until("SELECT count(*) FROM repmgr.nodes", "2", std::chrono::seconds(30), "repmgr"));
    const std::string slots = target_conf({"use_replication_slots=true"});
    auto clean_standby_slot = [&s3] {
        s3.psql("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots");
    };
    expect_same_clone(slots, args(s3, {"-c"}), clean_standby_slot);
    expect_same_clone(slots, args(s3, {"-c", "-v"}), clean_standby_slot);
    expect_same_output(slots, args(s3, {"--dry-run"}));
}

TEST_F(CompatStandbyCloneTest, SettingsOfTheSource) {
    primary_and_target();
    const std::string plain = target_conf();
    const std::string fetch = target_conf({"pg_basebackup_options='-X fetch'"});
    const std::string fetch_slots = target_conf({"pg_basebackup_options='-X fetch'", "use_replication_slots=true"});
    auto run_all = [&] {
        for (const auto& c : {plain, fetch, fetch_slots}) {
            expect_same_output(c, args(*p_, {"--dry-run"}));
            expect_same_output(c, args(*p_, {"--dry-run", "-c"}));
        }
    };
    p_->append_conf("wal_log_hints = off\nmax_wal_senders = 1\nwal_keep_size = 0");
    p_->restart();
    run_all();
    expect_same_clone(fetch_slots, args(*p_, {"-c"}));
    reset_target();  // no slot may exist when max_replication_slots becomes 0
    p_->append_conf("max_wal_senders = 0\nmax_replication_slots = 0");
    p_->restart();
    run_all();
    p_->append_conf("max_wal_senders = 10\nhot_standby = off\narchive_mode = on\narchive_command = ''");
    p_->restart();
    run_all();
}

TEST_F(CompatStandbyCloneTest, ReplicationConfOnly) {
    primary_and_target();
    PgTestNode& s3 = add_node("node3");
    s3.init_standby_from(*p_);
    const std::string plain = conf(s3, 3);
    const std::string slots = ConfigFile{3, "node3", s3.connstr("repmgr", "repmgr"), s3.data_dir(), pg_bindir(),
                                         {"use_replication_slots=true"}}
                                  .write(s3.basedir() / "slots.conf")
                                  .string();
    const std::vector<std::string> conf_only{"--replication-conf-only"};
    // Not registered, then registered by the reference.
    expect_same_output(plain, args(*p_, conf_only));
    s3.start();
    ASSERT_TRUE(p_->poll_until("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", "1"));
    RunResult reg = reference(plain, {"standby", "register"});
    ASSERT_TRUE(reg.ok()) << reg;
    expect_same_output(plain, args(*p_, {"--replication-conf-only"}));  // running, no -F
    s3.stop();

    const std::string original = file_text(s3.data_dir() / "postgresql.auto.conf");
    auto run_both = [&](const std::string& c, const std::vector<std::string>& extra) {
        std::vector<std::string> a = args(*p_, conf_only);
        a.insert(a.end(), extra.begin(), extra.end());
        auto reset = [&] {
            std::ofstream(s3.data_dir() / "postgresql.auto.conf") << original;
            fs::remove(s3.data_dir() / "standby.signal");
            p_->psql("UPDATE repmgr.nodes SET slot_name = NULL WHERE node_id = 3", "repmgr");
            p_->psql("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots");
        };
        auto state = [&] {
            return file_text(s3.data_dir() / "postgresql.auto.conf") + file_text(s3.data_dir() / "standby.signal") +
                   p_->psql("SELECT COALESCE(slot_name, '-') FROM repmgr.nodes WHERE node_id = 3", "repmgr") +
                   p_->psql("SELECT string_agg(slot_name, ',') FROM pg_replication_slots");
        };
        reset();
        RunResult ref = reference(c, a);
        const std::string ref_state = state();
        reset();
        RunResult our = ours(c, a);
        const std::string our_state = state();
        EXPECT_EQ(our.exit_code, ref.exit_code) << ref << our;
        EXPECT_EQ(our.err, ref.err);
        EXPECT_EQ(our.out, ref.out);
        EXPECT_EQ(our_state, ref_state);
    };
    for (const auto& c : {plain, slots}) {
        run_both(c, {"--dry-run"});
        run_both(c, {});
        run_both(c, {"-v", "--recovery-min-apply-delay=1min"});
        run_both(c, {"--upstream-node-id=7"});
    }
    expect_same_output("", args(*p_, {"--replication-conf-only", "-D", (t_->basedir() / "none").string()}));
    make_postgres_dir(t_->data_dir(), fs::perms::owner_all);
    expect_same_output("", args(*p_, {"--replication-conf-only", "-D", t_->data_dir().string()}));
}

}  // namespace
}  // namespace repmgr::test
