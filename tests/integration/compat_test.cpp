// Side by side with the real repmgr 5.3.3 (Debian's postgresql-15-repmgr, fetched by
// scripts/fetch-reference-repmgr): both binaries run the same command against the same
// servers, and stdout, stderr and the exit code must be identical. Clusters are registered
// by one tool and read by the other, in both directions.
#include <gtest/gtest.h>

#include <fstream>

#include "compat_fixture.hpp"

namespace repmgr::test {
namespace {

const std::vector<std::vector<std::string>> kReportCommands{
    {"cluster", "show"},
    {"cluster", "show", "--compact"},
    {"cluster", "show", "--csv"},
    {"cluster", "show", "-v"},
    {"cluster", "show", "--terse"},
    {"cluster", "event"},
    {"cluster", "event", "--compact"},
    {"cluster", "event", "--csv", "--all"},
    {"cluster", "event", "--limit=2", "--event=standby_register"},
    {"node", "status"},
    {"node", "status", "--csv"},
    {"node", "status", "-v"},
    {"node", "check"},
    {"node", "check", "--csv"},
};

std::vector<std::vector<std::string>> single_checks() {
    std::vector<std::vector<std::string>> out;
    for (const char* check : {"--role", "--replication-lag", "--archive-ready", "--downstream", "--upstream",
                              "--slots", "--missing-slots", "--data-directory-config", "--repmgrd"}) {
        out.push_back({"node", "check", check});
        out.push_back({"node", "check", check, "--nagios"});
        out.push_back({"node", "check", check, "--optformat"});
    }
    out.push_back({"node", "check", "--db-connection"});
    out.push_back({"node", "check", "--replication-config-owner", "--optformat"});
    out.push_back({"node", "check", "--replication-connection", "--remote-node-id=1"});
    out.push_back({"node", "status", "--is-shutdown-cleanly"});
    return out;
}

TEST_F(CompatTest, ReportsOnAHealthyClusterRegisteredByRepmgr) {
    reference_cluster();
    expect_same_everywhere({c1_, c2_, c3_}, kReportCommands);
    expect_same_everywhere({c1_, c2_}, single_checks());
}

TEST_F(CompatTest, ReportsWithAStandbyDownThenThePrimaryDown) {
    reference_cluster();
    s3_->stop();
    expect_same_everywhere({c1_, c2_}, kReportCommands);
    expect_same(c3_, {"node", "status", "--is-shutdown-cleanly"});
    p_->stop("immediate");
    expect_same_everywhere({c2_}, kReportCommands);
    expect_same_everywhere({c2_}, {{"node", "check", "--upstream", "--nagios"},
                                   {"primary", "unregister"},
                                   {"node", "status", "--is-shutdown-cleanly"}});
    expect_same(c1_, {"node", "status", "--is-shutdown-cleanly"});
}

TEST_F(CompatTest, ReportsOnUnusualMetadata) {
    reference_cluster();
    // node3's record is inactive although it runs, node2 expects a slot that does not
    // exist, an unused slot is inactive, and three records point at nothing.
    p_->psql("UPDATE repmgr.nodes SET active = false WHERE node_id = 3", "repmgr");
    p_->psql("UPDATE repmgr.nodes SET slot_name = 'repmgr_slot_2' WHERE node_id = 2", "repmgr");
    p_->psql("SELECT pg_create_physical_replication_slot('repmgr_slot_9')");
    p_->psql("INSERT INTO repmgr.nodes (node_id, upstream_node_id, node_name, type, priority, conninfo, repluser, "
             "config_file) VALUES "
             "(4, 1, 'witness4', 'witness', 0, 'host=127.0.0.1 port=1 connect_timeout=1', 'repmgr', '/x'), "
             "(5, NULL, 'bdr5', 'bdr', 100, 'host=127.0.0.1 port=1 connect_timeout=1', 'repmgr', '/x'), "
             "(6, 2, 'cascaded6', 'standby', 100, 'host=127.0.0.1 port=1 connect_timeout=1', 'repmgr', '/x')",
             "repmgr");
    ASSERT_TRUE(s2_->poll_until("SELECT count(*) FROM repmgr.nodes", "6", std::chrono::seconds(30), "repmgr"));
    expect_same_everywhere({c1_, c2_, c3_}, kReportCommands);
    expect_same_everywhere({c1_, c2_}, single_checks());
}

TEST_F(CompatTest, RepmgrReadsWhatWeRegistered) {
    p_ = &repmgr_primary("node1");
    c1_ = register_primary(*p_, 1, {"use_replication_slots=true", "location='dc1'", "priority=42"});
    s2_ = &repmgr_standby("node2", *p_);
    c2_ = conf(*s2_, 2);
    RunResult r = reference(c2_, {"standby", "register"});  // the reference's own standby register
    ASSERT_TRUE(r.ok()) << r;
    ASSERT_TRUE(s2_->poll_until("SELECT count(*) FROM repmgr.nodes", "2", std::chrono::seconds(30), "repmgr"));
    expect_same_everywhere({c1_, c2_}, kReportCommands);
    expect_same(c1_, {"primary", "register"});  // already registered: same refusal
}

// Metadata a register leaves behind, without timestamps.
std::string register_effects(PgTestNode& node) {
    RunResult ext = node.safe_psql("SELECT count(*) FROM pg_extension WHERE extname = 'repmgr'", "repmgr");
    if (ext.out.find('1') == std::string::npos) return "no extension";
    return node.psql("SELECT string_agg(n::text, ';' ORDER BY node_id) FROM repmgr.nodes n", "repmgr") + "|" +
           node.psql("SELECT string_agg(node_id || ',' || event || ',' || successful || ',' || COALESCE(details, '<null>'), ';' "
                     "ORDER BY event_timestamp, event) FROM repmgr.events",
                     "repmgr") +
           "|" + node.psql("SELECT string_agg(term::text, ',') FROM repmgr.voting_term", "repmgr");
}

TEST_F(CompatTest, PrimaryRegisterFromScratch) {
    p_ = &repmgr_primary("node1");
    p_->create_user("plain", RoleKind::kPlain);
    p_->psql("GRANT CREATE ON DATABASE repmgr TO plain");
    c1_ = conf(*p_, 1, {"use_replication_slots=true"});
    const std::string plain = ConfigFile::for_node(*p_, 1, "plain").write(p_->basedir() / "plain.conf").string();
    const std::vector<std::pair<std::string, std::vector<std::string>>> cases{
        {c1_, {"primary", "register"}},
        {c1_, {"primary", "register", "--dry-run"}},
        {c1_, {"primary", "register", "-F", "-v"}},
        {plain, {"primary", "register"}},
        {plain, {"primary", "register", "--dry-run"}},
        {plain, {"primary", "register", "-S", "plain"}},
        {plain, {"primary", "register", "-S", "nosuchuser"}},
        {plain, {"primary", "register", "-S", "postgres"}},
    };
    auto reset = [&] {
        p_->psql("DROP EXTENSION IF EXISTS repmgr CASCADE", "repmgr");
        p_->psql("DROP SCHEMA IF EXISTS repmgr CASCADE", "repmgr");
    };
    for (const auto& [conf_path, args] : cases) {
        reset();
        RunResult ref = reference(conf_path, args);
        std::string ref_effects = register_effects(*p_);
        reset();
        RunResult our = ours(conf_path, args);
        std::string our_effects = register_effects(*p_);
        EXPECT_EQ(our.exit_code, ref.exit_code) << args.back() << "\n" << ref << our;
        EXPECT_EQ(our.out, ref.out) << ref << our;
        EXPECT_EQ(our.err, ref.err) << ref << our;
        EXPECT_EQ(our_effects, ref_effects);
    }
}

// An event row the server refuses: the same WARNING and DETAIL lines, the command goes on.
TEST_F(CompatTest, EventRecordThatCannotBeWritten) {
    p_ = &repmgr_primary("node1");
    c1_ = register_primary(*p_, 1);
    p_->psql("CREATE FUNCTION no_events() RETURNS trigger LANGUAGE plpgsql AS "
             "$$BEGIN RAISE EXCEPTION 'no events today'; END$$",
             "repmgr");
    p_->psql("CREATE TRIGGER no_events BEFORE INSERT ON repmgr.events "
             "FOR EACH ROW EXECUTE FUNCTION no_events()",
             "repmgr");
    RunResult ref = reference(c1_, {"primary", "register", "-F"});
    RunResult our = ours(c1_, {"primary", "register", "-F"});
    ASSERT_NE(ref.err.find("WARNING: unable to create event record\n"), std::string::npos) << ref;
    EXPECT_EQ(our.exit_code, ref.exit_code) << ref << our;
    EXPECT_EQ(our.err, ref.err) << ref << our;
    EXPECT_EQ(p_->psql("SELECT count(*) FROM repmgr.events WHERE event = 'primary_register'",
                       "repmgr"),
              "1");  // the first register's only
}

TEST_F(CompatTest, CommandLineAndConfigurationErrors) {
    p_ = &repmgr_primary("node1");
    c1_ = conf(*p_, 1);
    const std::vector<std::vector<std::string>> usage{
        {},
        {"foo"},
        {"foo", "bar"},
        {"cluster"},
        {"cluster", "foo"},
        {"cluster", "show", "--bogus"},
        {"cluster", "show", "-x"},
        {"cluster", "show", "extra"},
        {"cluster", "show", "--node-id=2", "--dry-run", "-W", "--siblings-follow", "--compact", "--detail"},
        {"cluster", "show", "--node-id=abc"},
        {"cluster", "event", "--limit=0"},
        {"cluster", "show", "-L", "bogus"},
        {"cluster", "show", "-p", "0"},
        {"cluster", "show", "--csv", "--nagios"},
        {"cluster", "show", "-d", "host=x bogus=1"},
        {"cluster", "show", "--wait", "--no-wait"},
        {"cluster", "event", "--all", "--limit=1", "--node-name=node1", "--node-id=1"},
        {"node", "status", "--node-id=1"},
        {"node", "check", "--nagios"},
        {"node", "check", "--role", "--csv"},
        {"node", "check", "--replication-config-owner"},
        {"node", "check", "--db-connection", "--nagios"},
        {"primary", "register", "--upstream-node-id=3", "--replication-user=x", "-S", "postgres", "--dry-run"},
        {"--dump-config", "cluster", "show"},
        {"cluster", "event", "--node-id=9"},
        {"cluster", "event", "--node-name=zz"},
    };
    // No configuration file yet: every command needs one or fails before using it.
    for (const auto& args : usage) expect_same("", args);
    RunResult reg = ours(c1_, {"primary", "register"});
    ASSERT_TRUE(reg.ok()) << reg;
    for (const auto& args : usage) expect_same(c1_, args);

    const std::string base = "node_name='node1'\nconninfo='" + p_->connstr("repmgr", "repmgr") +
                             "'\ndata_directory='" + p_->data_dir().string() + "'\n";
    const std::vector<std::string> files{
        "node_id=1\n" + base + "log_file=/var/log/x\n",
        "node_id=1\n" + base + "no_such_key=1\nnode=3\nloglevel=INFO\ncluster=x\n",
        "node_id=0\n" + base,
        "node_id=abc\n" + base,
        base,
        "node_id=1\n" + base + "node_name='" + std::string(70, 'n') + "'\n",
        "node_id=1\n" + base + "conninfo='host=127.0.0.1 bogus_key=1'\n",
        "node_id=1\n" + base + "failover=auto\npriority=-5\nuse_replication_slots=maybe\n",
        "node_id=1\n" + base + "archive_ready_critical=abc\nreplication_lag_warning=900\n",
        "node_id=1\n" + base + "connection_check_type=PING\nrecovery_min_apply_delay='5 min'\n",
        "node_id=1\n" + base + "barman_host=b\n",
        "node_id=1\n" + base + "include 'nonexistent.conf'\n",
        "node_id=1\n" + base + "= oops\n'unterminated\n",
    };
    int n = 0;
    for (const auto& text : files) {
        fs::path path = p_->basedir() / ("case" + std::to_string(++n) + ".conf");
        {
            std::ofstream out(path);
            out << text;
        }
        give_to_postgres(path);
        expect_same(path.string(), {"cluster", "show"});
        expect_same(path.string(), {"node", "check", "-t"});
    }
    expect_same("/nonexistent/repmgr.conf", {"cluster", "show"});
}

}  // namespace
}  // namespace repmgr::test
