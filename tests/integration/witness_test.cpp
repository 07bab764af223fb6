// repmgr witness register / witness unregister against real servers (commands.md §10, §11):
// a separate PostgreSQL instance holding a copy of the node records, -F, and the refusals
// (a witness in recovery, a "primary" that is a standby, the same system identifier).
#include <gtest/gtest.h>

#include "repmgr_fixture.hpp"

namespace repmgr::test {
namespace {

using std::chrono::seconds;

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

class WitnessTest : public RepmgrTest {
protected:
    // node1 primary and node2 standby, both registered; node3 an independent instance
    // (its own initdb, hence its own system identifier) to be the witness.
    void cluster_and_witness() {
        p_ = &repmgr_primary("node1");
        c1_ = register_primary(*p_, 1);
        s2_ = &repmgr_standby("node2", *p_);
        c2_ = conf(*s2_, 2);
        ASSERT_TRUE(p_->poll_until("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", "1"));
        RunResult r = repmgr(c2_, {"standby", "register"});
        ASSERT_TRUE(r.ok()) << r;
        w_ = &witness_node("node3", false);
        cw_ = conf(*w_, 3);
    }

    // A running instance with the repmgr role and database. `from_template` gives it the same
    // system identifier as the primary (both copy the harness's initdb template).
    PgTestNode& witness_node(const std::string& name, bool from_template) {
        PgTestNode& node = add_node(name);
        node.init(from_template);
        node.append_conf("shared_preload_libraries = 'repmgr'");
        node.start();
        node.create_user("repmgr");
        node.create_db("repmgr", "repmgr");
        return node;
    }

    std::vector<std::string> primary_args() { return {"-h", "127.0.0.1", "-p", std::to_string(p_->port())}; }

    RunResult witness(const std::string& conf_path, const std::string& verb, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"witness", verb};
        args.insert(args.end(), extra.begin(), extra.end());
        return repmgr(conf_path, args);
    }

    std::string nodes(PgTestNode& node) {
        return node.psql("SELECT string_agg(n::text, E'\\n' ORDER BY node_id) FROM repmgr.nodes n", "repmgr");
    }

    std::string events(PgTestNode& node) {
        return node.psql("SELECT string_agg(node_id || '|' || event || '|' || successful || '|' || "
                         "COALESCE(details, '<null>'), E'\\n' ORDER BY event_timestamp) FROM repmgr.events",
                         "repmgr");
    }

    PgTestNode* p_ = nullptr;
    PgTestNode* s2_ = nullptr;
    PgTestNode* w_ = nullptr;
    std::string c1_, c2_, cw_;
};

TEST_F(WitnessTest, RegistersAndCopiesTheNodeRecords) {
    cluster_and_witness();
    RunResult r = witness(cw_, "register", primary_args());
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.err,
              "INFO: connecting to witness node \"node3\" (ID: 3)\n"
              "INFO: connecting to primary node\n"
              "NOTICE: attempting to install extension \"repmgr\"\n"
              "NOTICE: \"repmgr\" extension successfully installed\n"
              "INFO: witness registration complete\n"
              "NOTICE: witness node \"node3\" (ID: 3) successfully registered\n");
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(p_->psql("SELECT n::text FROM repmgr.nodes n WHERE node_id = 3", "repmgr"),
              "(3,1,t,node3,witness,default,0,\"" + w_->connstr("repmgr", "repmgr") + "\",repmgr,," + cw_ + ")");
    EXPECT_EQ(nodes(*w_), nodes(*p_));
    EXPECT_EQ(events(*w_), "3|cluster_created|true|<null>");
    EXPECT_TRUE(contains(events(*p_), "\n3|witness_register|true|witness registration succeeded; upstream node ID is 1"));

    RunResult show = repmgr(cw_, {"cluster", "show", "--compact"});
    ASSERT_TRUE(show.ok()) << show;
    EXPECT_TRUE(contains(show.out, " 3  | node3 | witness | * running | node1    | default  | 0     | n/a ")) << show;
}

TEST_F(WitnessTest, DryRunChangesNothing) {
    cluster_and_witness();
    const std::string before = metadata_snapshot(*p_);
    RunResult r = witness(cw_, "register", {"-h", "127.0.0.1", "-p", std::to_string(p_->port()), "--dry-run"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.err,
              "INFO: connecting to witness node \"node3\" (ID: 3)\n"
              "INFO: connecting to primary node\n"
              "INFO: prerequisites for registering the witness node are met\n");
    EXPECT_EQ(metadata_snapshot(*p_), before);
    EXPECT_EQ(metadata_snapshot(*w_), "no extension");
}

TEST_F(WitnessTest, ReregisterNeedsForceAndRefreshesTheCopy) {
    cluster_and_witness();
    ASSERT_TRUE(witness(cw_, "register", primary_args()).ok());
    const std::string before_p = metadata_snapshot(*p_);
    const std::string before_w = metadata_snapshot(*w_);
    RunResult again = witness(cw_, "register", primary_args());
    EXPECT_EQ(again.exit_code, 1) << again;
    EXPECT_EQ(again.err,
              "INFO: connecting to witness node \"node3\" (ID: 3)\n"
              "INFO: connecting to primary node\n"
              "INFO: \"repmgr\" extension is already installed\n"
              "ERROR: witness node is already registered\n"
              "HINT: use option -F/--force to reregister the node\n");
    EXPECT_EQ(metadata_snapshot(*p_), before_p);
    EXPECT_EQ(metadata_snapshot(*w_), before_w);

    // A record the witness does not know yet arrives with -F; a stale one disappears.
    p_->psql("INSERT INTO repmgr.nodes (node_id, upstream_node_id, node_name, type, conninfo, repluser, config_file) "
             "VALUES (4, 2, 'node4', 'standby', 'host=127.0.0.1 port=1', 'repmgr', '/x')",
             "repmgr");
    w_->psql("INSERT INTO repmgr.nodes (node_id, node_name, type, conninfo, repluser, config_file) "
             "VALUES (8, 'stale', 'standby', 'host=127.0.0.1 port=1', 'repmgr', '/x')",
             "repmgr");
    RunResult forced = witness(cw_, "register", {"-d", "host=127.0.0.1 port=" + std::to_string(p_->port()) +
                                                     " user=repmgr dbname=repmgr", "-F"});
    ASSERT_TRUE(forced.ok()) << forced;
    EXPECT_EQ(forced.err,
              "INFO: connecting to witness node \"node3\" (ID: 3)\n"
              "INFO: connecting to primary node\n"
              "INFO: \"repmgr\" extension is already installed\n"
              "INFO: witness registration complete\n"
              "NOTICE: witness node \"node3\" (ID: 3) successfully registered\n");
    EXPECT_EQ(nodes(*w_), nodes(*p_));
    EXPECT_EQ(w_->psql("SELECT string_agg(node_id::text, ',' ORDER BY node_id) FROM repmgr.nodes", "repmgr"),
              "1,2,3,4");
}

TEST_F(WitnessTest, RefusesANodeInRecoveryAndAStandbyAsPrimary) {
    cluster_and_witness();
    const std::string before = metadata_snapshot(*p_);
    RunResult on_standby = witness(c2_, "register", primary_args());
    EXPECT_EQ(on_standby.exit_code, 1) << on_standby;
    EXPECT_EQ(on_standby.err,
              "INFO: connecting to witness node \"node2\" (ID: 2)\n"
              "ERROR: provided node is a standby\n"
              "HINT: a witness node must run on an independent primary server\n");

    RunResult against_standby = witness(cw_, "register", {"-h", "127.0.0.1", "-p", std::to_string(s2_->port())});
    EXPECT_EQ(against_standby.exit_code, 1) << against_standby;
    EXPECT_EQ(against_standby.err,
              "INFO: connecting to witness node \"node3\" (ID: 3)\n"
              "INFO: connecting to primary node\n"
              "ERROR: provided primary node is a standby\n"
              "HINT: provide the connection details of the cluster's primary server\n");
    EXPECT_EQ(metadata_snapshot(*p_), before);
    EXPECT_EQ(metadata_snapshot(*w_), "no extension");

    RunResult unreachable = witness(cw_, "register", {"-h", "127.0.0.1", "-p", "1"});
    EXPECT_EQ(unreachable.exit_code, 1) << unreachable;
    EXPECT_EQ(unreachable.err,
              "INFO: connecting to witness node \"node3\" (ID: 3)\n"
              "INFO: connecting to primary node\n"
              "ERROR: connection to database failed\n"
              "DETAIL: \n"
              "connection to server at \"127.0.0.1\", port 1 failed: Connection refused\n"
              "\tIs the server running on that host and accepting TCP/IP connections?\n\n"
              "ERROR: unable to connect to the primary node\n"
              "HINT: a primary node must be configured before registering a witness node\n");

    RunResult no_host = witness(cw_, "register");
    EXPECT_EQ(no_host.exit_code, 1) << no_host;
    EXPECT_TRUE(contains(no_host.err, "  host name for the source node must be provided with -h/--host when "
                                      "executing WITNESS REGISTER\n"))
        << no_host;
    EXPECT_EQ(metadata_snapshot(*p_), before);
    EXPECT_EQ(metadata_snapshot(*w_), "no extension");
}

TEST_F(WitnessTest, RefusesTheSameSystemIdentifier) {
    cluster_and_witness();
    PgTestNode& copy = witness_node("node4", true);
    const std::string c4 = conf(copy, 4);
    const std::string sysid = p_->psql("SELECT system_identifier FROM pg_control_system()");
    ASSERT_EQ(copy.psql("SELECT system_identifier FROM pg_control_system()"), sysid);
    const std::string before = metadata_snapshot(*p_);
    for (const char* force : {"--dry-run", "-F"}) {
        RunResult r = witness(c4, "register", {"-h", "127.0.0.1", "-p", std::to_string(p_->port()), force});
        EXPECT_EQ(r.exit_code, 1) << r;
        EXPECT_EQ(r.err,
                  "INFO: connecting to witness node \"node4\" (ID: 4)\n"
                  "INFO: connecting to primary node\n"
                  "ERROR: witness node cannot be in the same cluster as the primary node\n"
                  "DETAIL: database system identifiers on primary node and provided witness node match (" +
                      sysid + ")\n"
                      "HINT: the witness node must be created on a separate read/write node\n");
    }
    EXPECT_EQ(metadata_snapshot(*p_), before);
    EXPECT_EQ(metadata_snapshot(copy), "no extension");
}

TEST_F(WitnessTest, RefusesExistingRecords) {
    cluster_and_witness();
    // node_id 2 belongs to the standby.
    const std::string taken = ConfigFile::for_node(*w_, 2).write(w_->basedir() / "taken.conf").string();
    const std::string before = metadata_snapshot(*p_);
    RunResult as_standby = witness(taken, "register", primary_args());
    EXPECT_EQ(as_standby.exit_code, 1) << as_standby;
    EXPECT_TRUE(contains(as_standby.err, "ERROR: node \"node3\" (ID: 2) is already registered as a standby node\n"
                                         "HINT: use \"repmgr standby unregister\" to remove a non-witness node "
                                         "record\n"))
        << as_standby;
    EXPECT_EQ(metadata_snapshot(*p_), before);

    // Registered, then unregistered: the witness still holds its copy of the records.
    ASSERT_TRUE(witness(cw_, "register", primary_args()).ok());
    ASSERT_TRUE(witness(cw_, "unregister").ok());
    const std::string after = metadata_snapshot(*p_);
    RunResult initialised = witness(cw_, "register", primary_args());
    EXPECT_EQ(initialised.exit_code, 1) << initialised;
    EXPECT_TRUE(contains(initialised.err, "ERROR: witness node is already initialised and contains node records\n"
                                          "HINT: use option -F/--force to reinitialise the node\n"))
        << initialised;
    EXPECT_EQ(metadata_snapshot(*p_), after);

    // Another node with the same name.
    p_->psql("INSERT INTO repmgr.nodes (node_id, upstream_node_id, node_name, type, conninfo, repluser, config_file) "
             "VALUES (7, 1, 'node3', 'standby', 'host=127.0.0.1 port=1', 'repmgr', '/x')",
             "repmgr");
    RunResult clash = witness(cw_, "register", {"-h", "127.0.0.1", "-p", std::to_string(p_->port()), "-F"});
    EXPECT_EQ(clash.exit_code, 1) << clash;
    EXPECT_TRUE(contains(clash.err, "ERROR: node 7 exists already with node_name \"node3\"\n")) << clash;
}

TEST_F(WitnessTest, Unregister) {
    cluster_and_witness();
    ASSERT_TRUE(witness(cw_, "register", primary_args()).ok());
    const std::string before = metadata_snapshot(*p_);
    RunResult dry = witness(cw_, "unregister", {"--dry-run"});
    ASSERT_TRUE(dry.ok()) << dry;
    EXPECT_EQ(dry.err,
              "INFO: connecting to node \"node3\" (ID: 3)\n"
              "INFO: prerequisites for unregistering the witness node are met\n");
    RunResult not_witness = witness(cw_, "unregister", {"--node-id=1"});
    EXPECT_EQ(not_witness.exit_code, 1) << not_witness;
    EXPECT_EQ(not_witness.err,
              "INFO: connecting to node \"node3\" (ID: 3)\n"
              "ERROR: node 3 is not a witness node\n"
              "DETAIL: node 3 is a primary node\n");
    EXPECT_EQ(metadata_snapshot(*p_), before);

    RunResult r = witness(cw_, "unregister", {"-v"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.err,
              "NOTICE: using provided configuration file \"" + cw_ + "\"\n"
              "INFO: connecting to node \"node3\" (ID: 3)\n"
              "INFO: searching for primary node\n"
              "INFO: checking if node 1 is primary\n"
              "INFO: current primary node is 1\n"
              "INFO: unregistering witness node 3\n"
              "INFO: witness unregistration complete\n"
              "DETAIL: witness node with ID 3 successfully unregistered\n");
    EXPECT_EQ(p_->psql("SELECT count(*) FROM repmgr.nodes WHERE node_id = 3", "repmgr"), "0");
    EXPECT_EQ(w_->psql("SELECT count(*) FROM repmgr.nodes WHERE node_id = 3", "repmgr"), "1");
    EXPECT_TRUE(contains(events(*p_), "\n3|witness_unregister|true|witness unregistration succeeded")) << events(*p_);

    RunResult gone = witness(cw_, "unregister");
    EXPECT_EQ(gone.exit_code, 1) << gone;
    EXPECT_EQ(gone.err, "INFO: connecting to node \"node3\" (ID: 3)\nERROR: no record found for node 3\n");
}

TEST_F(WitnessTest, UnregisterAStoppedWitness) {
    cluster_and_witness();
    ASSERT_TRUE(witness(cw_, "register", primary_args()).ok());
    w_->stop();
    const std::string before = metadata_snapshot(*p_);
    RunResult refused = witness(cw_, "unregister");
    EXPECT_EQ(refused.exit_code, 1) << refused;
    EXPECT_EQ(refused.err,
              "INFO: connecting to node \"node3\" (ID: 3)\n"
              "ERROR: unable to connect to node \"node3\" (ID: 3)\n"
              "DETAIL: \n"
              "connection to server at \"127.0.0.1\", port " + std::to_string(w_->port()) +
                  " failed: Connection refused\n"
                  "\tIs the server running on that host and accepting TCP/IP connections?\n\n");
    RunResult no_params = witness(cw_, "unregister", {"-F"});
    EXPECT_EQ(no_params.exit_code, 1) << no_params;
    EXPECT_TRUE(contains(no_params.err, "NOTICE: unable to connect to witness node \"node3\" (ID: 3), removing node "
                                        "record on cluster primary only\n"))
        << no_params;
    EXPECT_TRUE(contains(no_params.err, "ERROR: unable to connect to primary\nDETAIL: \n")) << no_params;
    EXPECT_TRUE(contains(no_params.err, "HINT: provide connection details for the primary server\n")) << no_params;
    EXPECT_EQ(metadata_snapshot(*p_), before);

    RunResult r = witness(cw_, "unregister", {"-F", "-h", "127.0.0.1", "-p", std::to_string(p_->port()), "-U",
                                              "repmgr", "-d", "repmgr"});
    ASSERT_TRUE(r.ok()) << r;
    EXPECT_EQ(r.err,
              "INFO: connecting to node \"node3\" (ID: 3)\n"
              "NOTICE: unable to connect to witness node \"node3\" (ID: 3), removing node record on cluster "
              "primary only\n"
              "INFO: unregistering witness node 3\n"
              "INFO: witness unregistration complete\n"
              "DETAIL: witness node with ID 3 successfully unregistered\n");
    EXPECT_EQ(p_->psql("SELECT count(*) FROM repmgr.nodes WHERE node_id = 3", "repmgr"), "0");
}

}  // namespace
}  // namespace repmgr::test
