// standby register / unregister and witness register / unregister side by side with the real
// repmgr 5.3.3: each case starts both tools from the same metadata, and stdout, stderr, the exit
// code and the metadata each tool leaves behind (node records, events without timestamps, the
// witness's copy) must be identical.
#include <gtest/gtest.h>

#include <functional>

#include "compat_fixture.hpp"

namespace repmgr::test {
namespace {

using std::chrono::seconds;

struct Case {
    std::string conf;
    std::vector<std::string> args;
    std::string setup_sql = "";     // run on the primary after the baseline is restored
    bool compare_effects = true;
};

class CompatRegisterTest : public CompatTest {
protected:
    // node1 primary (registered), node2 standby of node1 (registered), node3 standby of node2,
    // node4 standby of node1 that does not stream, node5 a stopped standby; all three unregistered.
    void standby_cluster() {
        p_ = &repmgr_primary("node1");
        c1_ = conf(*p_, 1);
        ASSERT_TRUE(ours(c1_, {"primary", "register"}).ok());
        s2_ = &repmgr_standby("node2", *p_);
        c2_ = conf(*s2_, 2);
        ASSERT_TRUE(ours(c2_, {"standby", "register"}).ok());
        s3_ = &repmgr_standby("node3", *s2_);
        c3_ = conf(*s3_, 3);
        s4_ = &repmgr_standby("node4", *p_);
        c4_ = conf(*s4_, 4);
        s5_ = &repmgr_standby("node5", *p_);
        c5_ = conf(*s5_, 5);
        ASSERT_TRUE(s2_->poll_until("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", "1"));
        s4_->psql("ALTER SYSTEM SET primary_conninfo = 'host=127.0.0.1 port=1 application_name=node4'");
        s4_->psql("SELECT pg_reload_conf()");
        ASSERT_TRUE(p_->poll_until("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'node4'", "0"));
        s5_->stop();
        save_baseline();
    }

    void save_baseline() {
        p_->psql("DROP TABLE IF EXISTS public.baseline", "repmgr");
        p_->psql("CREATE TABLE public.baseline AS SELECT * FROM repmgr.nodes", "repmgr");
    }

    // The baseline records, no events, then `sql`; waits until the streaming standbys replayed it.
    void restore(const std::string& sql) {
        p_->psql("BEGIN; SET CONSTRAINTS ALL DEFERRED; DELETE FROM repmgr.nodes; "
                 "INSERT INTO repmgr.nodes SELECT * FROM public.baseline; DELETE FROM repmgr.events; COMMIT;",
                 "repmgr");
        if (!sql.empty()) p_->psql(sql, "repmgr");
        const std::string lsn = p_->psql("SELECT pg_current_wal_insert_lsn()");
        for (PgTestNode* s : {s2_, s3_}) {
            if (s == nullptr) continue;
            ASSERT_TRUE(s->poll_until("SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'", "t", seconds(30)));
        }
    }

    std::string effects(PgTestNode& node) {
        RunResult ext = node.safe_psql("SELECT count(*) FROM pg_extension WHERE extname = 'repmgr'", "repmgr");
        if (ext.out.find('1') == std::string::npos) return "no extension";
        return node.psql("SELECT string_agg(n::text, ';' ORDER BY node_id) FROM repmgr.nodes n", "repmgr") + "|" +
               node.psql("SELECT string_agg(node_id || ',' || event || ',' || successful || ',' || "
                         "COALESCE(details, '<null>'), ';' ORDER BY event_timestamp, event) FROM repmgr.events",
                         "repmgr");
    }

    // Runs the case with each tool from the same starting point and compares.
    void compare(const Case& c, const std::function<void()>& reset, const std::vector<PgTestNode*>& observed) {
        std::string what = "repmgr";
        for (const auto& a : c.args) what += " " + a;
        auto collect = [&] {
            std::string all;
            for (PgTestNode* n : observed) all += n->name() + ": " + effects(*n) + "\n";
            return all;
        };
        reset();
        RunResult ref = reference(c.conf, c.args);
        const std::string ref_effects = collect();
        reset();
        RunResult our = ours(c.conf, c.args);
        const std::string our_effects = collect();
        EXPECT_EQ(our.exit_code, ref.exit_code) << what << "\nreference:\n" << ref << "\nours:\n" << our;
        EXPECT_EQ(our.err, ref.err) << what;
        EXPECT_EQ(our.out, ref.out) << what;
        if (c.compare_effects) {
            EXPECT_EQ(our_effects, ref_effects) << what;
        }
    }

    void compare_standby_cases(const std::vector<Case>& cases) {
        for (const auto& c : cases) {
            compare(c, [&] { restore(c.setup_sql); }, {p_});
        }
    }

    std::string primary_port() { return std::to_string(p_->port()); }

    PgTestNode* s4_ = nullptr;
    PgTestNode* s5_ = nullptr;
    std::string c4_, c5_;
};

TEST_F(CompatRegisterTest, StandbyRegister) {
    standby_cluster();
    const std::string unregistered2 = "DELETE FROM repmgr.nodes WHERE node_id = 2";
    compare_standby_cases({
        {c2_, {"standby", "register"}, unregistered2},
        {c2_, {"standby", "register", "--dry-run"}, unregistered2},
        {c2_, {"standby", "register", "-v"}, unregistered2},
        {c2_, {"standby", "register", "-h", "127.0.0.1"}, unregistered2},
        {c2_, {"standby", "register"}},
        {c2_, {"standby", "register", "--dry-run"}},
        {c2_, {"standby", "register", "-F"}},
        {c2_, {"standby", "register", "-F", "--wait-sync=10"}},
        {c2_, {"standby", "register", "-F", "--wait-sync=0"}},
        {c2_, {"standby", "register", "-F"}, "UPDATE repmgr.nodes SET slot_name = 'kept' WHERE node_id = 2"},
        {c2_, {"standby", "register", "-F", "--upstream-node-id=1", "--wait-sync"}},
        {c1_, {"standby", "register"}},
        {c1_, {"standby", "register", "-F", "-p", primary_port()}},
    });
}

TEST_F(CompatRegisterTest, CascadedStandbyRegister) {
    standby_cluster();
    ASSERT_TRUE(s3_->poll_until("SELECT count(*) FROM repmgr.nodes", "2", seconds(30), "repmgr"));
    const std::string registered3 =
        "INSERT INTO repmgr.nodes (node_id, upstream_node_id, node_name, type, conninfo, repluser, config_file) "
        "VALUES (3, 2, 'node3', 'standby', '" + s3_->connstr("repmgr", "repmgr") + "', 'repmgr', '" + c3_ + "')";
    const std::string inactive_same_name =
        "INSERT INTO repmgr.nodes (node_id, upstream_node_id, active, node_name, type, conninfo, repluser, "
        "config_file, slot_name) VALUES (7, 1, false, 'node3', 'standby', 'host=127.0.0.1 port=1', 'r', '/x', 's7')";
    compare_standby_cases({
        {c3_, {"standby", "register"}},
        {c3_, {"standby", "register", "--dry-run"}},
        {c3_, {"standby", "register", "--upstream-node-id=2"}},
        {c3_, {"standby", "register", "--upstream-node-id=2", "--dry-run", "-v"}},
        // The record is already there with the same values, so the standby's copy matches at
        // once and both tools report the same number of seconds.
        {c3_, {"standby", "register", "--upstream-node-id=2", "-F", "--wait-sync=20"}, registered3},
        {c3_, {"standby", "register", "--upstream-node-id=3"}},
        {c3_, {"standby", "register", "--upstream-node-id=9"}},
        {c3_, {"standby", "register", "--upstream-node-id=9", "-F", "--upstream-conninfo=host=127.0.0.1 port=1"}},
        {c3_, {"standby", "register", "--upstream-node-id=1"}},
        {c3_, {"standby", "register", "--upstream-node-id=1", "-F"}},
        {c3_, {"standby", "register", "-F"}},
        {c3_, {"standby", "register", "--upstream-node-id=2", "-F"}, inactive_same_name},
        {c3_, {"standby", "register", "--upstream-node-id=2"}, inactive_same_name},
        {c3_, {"standby", "register"}, "UPDATE repmgr.nodes SET node_name = 'node3' WHERE node_id = 2"},
        {c3_, {"standby", "register", "--upstream-node-id=2"},
         "UPDATE repmgr.nodes SET conninfo = 'host=127.0.0.1 port=1' WHERE node_id = 2"},
        {c3_, {"standby", "register", "--upstream-node-id=2", "-F"},
         "UPDATE repmgr.nodes SET conninfo = 'host=127.0.0.1 port=1' WHERE node_id = 2"},
    });
    // repmgr writes the placeholder record even in a dry run; we do not (documented deviation),
    // so only the output is compared.
    compare_standby_cases({{c3_, {"standby", "register", "--upstream-node-id=9", "-F", "--dry-run"}, "", false}});

    // The cascade as cluster show displays it, whichever tool registered node3.
    for (bool reference_registers : {true, false}) {
        restore("");
        std::vector<std::string> args{"standby", "register", "--upstream-node-id=2"};
        RunResult r = reference_registers ? reference(c3_, args) : ours(c3_, args);
        ASSERT_TRUE(r.ok()) << r;
        ASSERT_TRUE(s3_->poll_until("SELECT count(*) FROM repmgr.nodes", "3", seconds(30), "repmgr"));
        expect_same_everywhere({c1_, c3_}, {{"cluster", "show"}, {"cluster", "show", "--compact"}});
    }
}

TEST_F(CompatRegisterTest, StandbyRegisterNotStreamingOrStopped) {
    standby_cluster();
    const std::string port = primary_port();
    compare_standby_cases({
        {c4_, {"standby", "register"}},
        {c4_, {"standby", "register", "--dry-run"}},
        {c4_, {"standby", "register", "--upstream-node-id=1"}},
        {c4_, {"standby", "register", "-F"}},
        {c4_, {"standby", "register", "--upstream-node-id=1", "-F", "--wait-sync=1"}},
        {c5_, {"standby", "register", "--wait-start=0"}},
        {c5_, {"standby", "register", "--wait-start=1", "-v"}},
        {c5_, {"standby", "register", "-F"}},
        {c5_, {"standby", "register", "-F", "-h", "127.0.0.1", "-p", "1"}},
        {c5_, {"standby", "register", "-F", "-h", "127.0.0.1", "-p", port, "-U", "repmgr", "-d", "repmgr"}},
        {c5_, {"standby", "register", "-F", "-d", "host=127.0.0.1 port=" + port + " user=repmgr dbname=repmgr",
               "--upstream-node-id=2", "--dry-run"}},
        {c5_, {"standby", "register", "-F", "-d", "host=127.0.0.1 port=" + port + " user=repmgr dbname=repmgr",
               "--upstream-node-id=2", "--wait-sync=3"}},
        {c5_, {"standby", "register", "-F", "-h", "127.0.0.1", "-p", port, "-U", "repmgr", "-d", "repmgr",
               "--upstream-node-id=5"}},
    });
}

TEST_F(CompatRegisterTest, StandbyRegisterEventNotification) {
    standby_cluster();
    const std::string log = (p_->basedir() / "events.log").string();
    const std::string c2e = conf(*s2_, 2, {"event_notification_command='echo %n %e %s %p %a %c \"%d\" >> " + log + "'"});
    compare_standby_cases({
        {c2e, {"standby", "register"}, "DELETE FROM repmgr.nodes WHERE node_id = 2"},
        {c2e, {"standby", "register", "-F", "--wait-sync=10"}},
        {c2e, {"standby", "unregister"}},
    });
}

TEST_F(CompatRegisterTest, StandbyUnregister) {
    standby_cluster();
    ASSERT_TRUE(s3_->poll_until("SELECT count(*) FROM repmgr.nodes", "2", seconds(30), "repmgr"));
    const std::string with3 =
        "INSERT INTO repmgr.nodes (node_id, upstream_node_id, node_name, type, conninfo, repluser, config_file) "
        "VALUES (3, 2, 'node3', 'standby', 'host=127.0.0.1 port=1', 'repmgr', '/x')";
    compare_standby_cases({
        {c3_, {"standby", "unregister"}, with3},
        {c3_, {"standby", "unregister"}},
        {c3_, {"standby", "unregister", "-v"}, with3},
        {c2_, {"standby", "unregister", "--dry-run"}},
        {c1_, {"standby", "unregister", "--node-id=2"}},
        {c1_, {"standby", "unregister", "--node-id=1"}},
        {c1_, {"standby", "unregister", "--node-id=9"}},
        {c2_, {"standby", "unregister", "--node-name=node2"}},
        {c5_, {"standby", "unregister"}},
        {c4_, {"standby", "unregister", "--node-id=2"}},
    });
    // The primary down: the standby cannot find it.
    p_->stop();
    for (const auto& args : std::vector<std::vector<std::string>>{{"standby", "unregister"},
                                                                  {"standby", "register", "-F"},
                                                                  {"standby", "register", "-F", "-v"}}) {
        expect_same(c2_, args);
    }
}

class CompatWitnessTest : public CompatRegisterTest {
protected:
    // node1 primary and node2 standby (registered); node3 an independent instance; node4 an
    // instance with the primary's system identifier.
    void witness_cluster() {
        p_ = &repmgr_primary("node1");
        c1_ = conf(*p_, 1);
        ASSERT_TRUE(ours(c1_, {"primary", "register"}).ok());
        s2_ = &repmgr_standby("node2", *p_);
        c2_ = conf(*s2_, 2);
        ASSERT_TRUE(ours(c2_, {"standby", "register"}).ok());
        w_ = &instance("node3", false);
        cw_ = conf(*w_, 3);
        same_ = &instance("node4", true);
        csame_ = conf(*same_, 4);
        save_baseline();
    }

    PgTestNode& instance(const std::string& name, bool from_template) {
        PgTestNode& node = add_node(name);
        node.init(from_template);
        node.append_conf("shared_preload_libraries = 'repmgr'");
        node.start();
        node.create_user("repmgr");
        node.create_db("repmgr", "repmgr");
        return node;
    }

    // The baseline on the primary; the witness without extension, or registered by our tool.
    void reset_witness(bool registered, const std::string& sql) {
        restore("");
        w_->psql("DROP EXTENSION IF EXISTS repmgr CASCADE", "repmgr");
        w_->psql("DROP SCHEMA IF EXISTS repmgr CASCADE", "repmgr");
        if (registered) {
            RunResult r = ours(cw_, {"witness", "register", "-h", "127.0.0.1", "-p", primary_port()});
            ASSERT_TRUE(r.ok()) << r;
            p_->psql("DELETE FROM repmgr.events", "repmgr");
            w_->psql("DELETE FROM repmgr.events", "repmgr");
        }
        if (!sql.empty()) p_->psql(sql, "repmgr");
    }

    void compare_witness_cases(bool registered, const std::vector<Case>& cases) {
        for (const auto& c : cases) {
            compare(c, [&] { reset_witness(registered, c.setup_sql); }, {p_, w_});
        }
    }

    PgTestNode* w_ = nullptr;
    PgTestNode* same_ = nullptr;
    std::string cw_, csame_;
};

TEST_F(CompatWitnessTest, WitnessRegister) {
    witness_cluster();
    const std::string port = primary_port();
    compare_witness_cases(false, {
        {cw_, {"witness", "register"}},
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", port}},
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", port, "--dry-run", "-v"}},
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", port, "-F", "-v"}},
        {cw_, {"witness", "register", "-d", "host=127.0.0.1 port=" + port + " user=repmgr dbname=repmgr"}},
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", std::to_string(s2_->port())}},
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", "1"}},
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", port, "-U", "nosuchuser"}},
        {c2_, {"witness", "register", "-h", "127.0.0.1", "-p", port}},
        {csame_, {"witness", "register", "-h", "127.0.0.1", "-p", port}},
        {csame_, {"witness", "register", "-h", "127.0.0.1", "-p", port, "-F", "--dry-run"}},
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", port}, "UPDATE repmgr.nodes SET active = false"},
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", port},
         "UPDATE repmgr.nodes SET conninfo = 'host=127.0.0.1 port=1' WHERE node_id = 1"},
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", port, "-F"},
         "INSERT INTO repmgr.nodes (node_id, upstream_node_id, node_name, type, conninfo, repluser, config_file) "
         "VALUES (7, 1, 'node3', 'standby', 'host=127.0.0.1 port=1', 'repmgr', '/x')"},
    });
    const std::string taken = ConfigFile::for_node(*w_, 2).write(w_->basedir() / "taken.conf").string();
    compare_witness_cases(false, {{taken, {"witness", "register", "-h", "127.0.0.1", "-p", port, "-F"}}});
    compare_witness_cases(true, {
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", port}},
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", port, "--dry-run"}},
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", port, "-F"}},
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", port, "-F"},
         "UPDATE repmgr.nodes SET slot_name = 'kept' WHERE node_id = 3"},
        // Registered, then its record removed: the witness still holds node records.
        {cw_, {"witness", "register", "-h", "127.0.0.1", "-p", port}, "DELETE FROM repmgr.nodes WHERE node_id = 3"},
    });
    reset_witness(true, "");
    expect_same_everywhere({c1_, cw_}, {{"cluster", "show"}, {"cluster", "show", "--compact"}});

    // A repmgr user that is not a superuser on the witness: the extension needs -S.
    w_->create_user("plain", RoleKind::kPlain);
    w_->psql("GRANT CREATE ON DATABASE repmgr TO plain");
    const std::string plain = ConfigFile::for_node(*w_, 3, "plain").write(w_->basedir() / "plain.conf").string();
    compare_witness_cases(false, {
        {plain, {"witness", "register", "-h", "127.0.0.1", "-p", port, "-U", "repmgr"}},
        {plain, {"witness", "register", "-h", "127.0.0.1", "-p", port, "-U", "repmgr", "-S", "plain"}},
        {plain, {"witness", "register", "-h", "127.0.0.1", "-p", port, "-U", "repmgr", "-S", "postgres"}},
    });
}

TEST_F(CompatWitnessTest, WitnessUnregister) {
    witness_cluster();
    const std::string port = primary_port();
    compare_witness_cases(true, {
        {cw_, {"witness", "unregister"}},
        {cw_, {"witness", "unregister", "--dry-run"}},
        {cw_, {"witness", "unregister", "-v"}},
        {cw_, {"witness", "unregister", "--node-id=1"}},
        {cw_, {"witness", "unregister"}, "DELETE FROM repmgr.nodes WHERE node_id = 3"},
        {c1_, {"witness", "unregister"}},
        {c1_, {"witness", "unregister", "--node-id=3", "--dry-run"}},
    });
    // The witness stopped.
    auto stopped = [&](const std::string& sql) {
        reset_witness(true, sql);
        w_->stop();
    };
    const std::vector<Case> cases{
        {cw_, {"witness", "unregister"}},
        {cw_, {"witness", "unregister", "-F"}},
        {cw_, {"witness", "unregister", "-F", "-h", "127.0.0.1", "-p", "1"}},
        {cw_, {"witness", "unregister", "-F", "-h", "127.0.0.1", "-p", port, "-U", "repmgr", "-d", "repmgr",
               "--dry-run"}},
        {cw_, {"witness", "unregister", "-F", "-h", "127.0.0.1", "-p", port, "-U", "repmgr", "-d", "repmgr"}},
        {cw_, {"witness", "unregister", "-F", "-h", "127.0.0.1", "-p", port, "-U", "repmgr", "-d", "repmgr",
               "--node-id=2"}},
    };
    for (const auto& c : cases) {
        compare(c, [&] {
            if (!w_->is_running()) w_->start();
            stopped(c.setup_sql);
        }, {p_});
    }
    // The witness running, the primary down.
    w_->start();
    reset_witness(true, "");
    p_->stop();
    expect_same_everywhere({cw_}, {{"witness", "unregister"},
                                   {"witness", "unregister", "-v"},
                                   {"witness", "register", "-h", "127.0.0.1", "-p", port, "-F"}});
}

}  // namespace
}  // namespace repmgr::test
