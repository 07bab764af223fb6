// standby switchover side by side with the real repmgr 5.3.3 (REPMGR_TEST_REFERENCE_REPMGR):
// the dry runs and refusals must give the same stdout, stderr and exit code, each tool running
// its own binary on the other nodes over the test sshd (repmgr_bindir; the reference uses the
// ssh binary with the same ssh_options). Then a cluster registered by the real repmgr is
// switched over by ours and back by the real one, and the two runs' messages are compared.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "follow_fixture.hpp"

namespace repmgr::test {
namespace {

namespace fs = std::filesystem;

bool is_log_line(const std::string& line) {
    static const std::regex kLevel("^(DEBUG|INFO|NOTICE|WARNING|ERROR|DETAIL|HINT): .*");
    return std::regex_match(line, kLevel);
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

class CompatSwitchoverTest : public FollowFixture<CompatTest> {
  protected:
    fs::path reference_bindir() const { return reference_.parent_path(); }
    static fs::path our_bindir() { return RepmgrBinary::repmgr().path().parent_path(); }

    // node1 primary, node2..node<standbys+1> standbys of node1 (records inserted directly);
    // every repmgr.conf runs our repmgr on the other nodes until use_bindir() says otherwise.
    void make_ssh_cluster(int standbys = 2, std::vector<std::string> extra = {}) {
        init_ssh(standbys + 1, std::move(extra));
        if (HasFatalFailure()) return;
        make_cluster(standbys, bindir_lines(our_bindir()));
        if (HasFatalFailure()) return;
        settle();
    }

    // The test sshd's ssh_options line (scripts/test starts it and exports REPMGR_TEST_SSH_*),
    // the number of nodes and the lines every repmgr.conf gets.
    void init_ssh(int nodes, std::vector<std::string> extra) {
        std::vector<std::string> lines = ssh_conf_lines();
        ASSERT_FALSE(lines.empty());
        ssh_line_ = lines[0];
        nodes_ = nodes;
        extra_more_ = std::move(extra);
    }

    std::vector<std::string> bindir_lines(const fs::path& bindir) const {
        std::vector<std::string> lines{ssh_line_, "repmgr_bindir='" + bindir.string() + "'"};
        lines.insert(lines.end(), extra_more_.begin(), extra_more_.end());
        return lines;
    }

    // Rewrites every node's repmgr.conf so that remote commands run `bindir`'s repmgr.
    void use_bindir(const fs::path& bindir) {
        extra_ = bindir_lines(bindir);
        for (int id = 1; id <= nodes_; ++id) conf_[id] = write_conf(id);
    }

    // The first reads after a checkpoint set hint bits, which (wal_log_hints = on) writes
    // full-page images; a standby replaying them reports its lag as the seconds since the last
    // replayed transaction, whichever tool asks. Freeze everything once, then before each run
    // wait until every running standby has replayed what it received.
    void settle() {
        node_[1]->psql("VACUUM (FREEZE)", "repmgr");
        wait_for_replay();
    }
    void wait_for_replay() {
        for (int id = 1; id <= nodes_; ++id) {
            if (!node_[id]->is_running() || !in_recovery(*node_[id])) continue;
            ASSERT_TRUE(node_[id]->poll_until(
                "SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"));
        }
    }

    // node `id`'s repmgr.conf variant <basedir>/<file>, running `bindir`'s repmgr remotely
    // unless `more` names its own repmgr_bindir (or ssh_options).
    std::string variant(int id, const fs::path& bindir, const std::vector<std::string>& more,
                        const std::string& file) {
        auto has = [&more](const char* key) {
            return std::any_of(more.begin(), more.end(),
                               [key](const std::string& l) { return l.rfind(key, 0) == 0; });
        };
        ConfigFile c = ConfigFile::for_node(*node_[id], id);
        c.extra_lines = {"pg_ctl_options='-l " + node_[id]->log_file().string() + "'"};
        if (!has("ssh_options")) c.extra_lines.push_back(ssh_line_);
        if (!has("repmgr_bindir"))
            c.extra_lines.push_back("repmgr_bindir='" + bindir.string() + "'");
        c.extra_lines.insert(c.extra_lines.end(), extra_more_.begin(), extra_more_.end());
        c.extra_lines.insert(c.extra_lines.end(), more.begin(), more.end());
        return c.write(node_[id]->basedir() / file).string();
    }

    // `repmgr standby switchover <args>` on node `id`, first the reference and then ours, each
    // with its own repmgr on the other nodes (the same repmgr.conf path, rewritten in between;
    // `more` lines go into a variant of node `id`'s file). `deliberate` removes from our stderr
    // what differs by design; everything else must be identical.
    void expect_same_switchover(
        int id, const std::vector<std::string>& args, const std::vector<std::string>& more = {},
        const std::function<std::string(const std::string&)>& deliberate = {}) {
        std::vector<std::string> full{"standby", "switchover"};
        full.insert(full.end(), args.begin(), args.end());
        const std::string file = more.empty() ? "repmgr.conf" : "variant.conf";
        use_bindir(reference_bindir());
        const std::string conf = variant(id, reference_bindir(), more, file);
        wait_for_replay();
        RunResult ref = reference(conf, full);
        use_bindir(our_bindir());
        variant(id, our_bindir(), more, file);
        wait_for_replay();
        RunResult our = ours(conf, full);
        std::string what = "repmgr -f " + conf;
        for (const auto& a : full) what += " " + a;
        const std::string our_err = deliberate ? deliberate(our.err) : our.err;
        EXPECT_EQ(our.exit_code, ref.exit_code) << what << "\nreference:\n"
                                                << ref << "\nours:\n"
                                                << our;
        EXPECT_EQ(our.out, ref.out) << what;
        EXPECT_EQ(any_lag(our_err), any_lag(ref.err)) << what << "\nours unfiltered:\n" << our.err;
    }

    // The lag a standby reports is 0 while everything received is replayed, else the seconds
    // since its last replayed transaction: WAL without a transaction (autovacuum, hint-bit
    // images) arriving just before either tool asks makes it 1 on an idle cluster.
    static std::string any_lag(const std::string& text) {
        static const std::regex kLag("replication lag on this standby is [0-9]+ seconds");
        return std::regex_replace(text, kLag, "replication lag on this standby is N seconds");
    }

    // Our stderr without the DETAIL (and its continuation lines) that follows the line
    // `after`: where we say why a remote step failed and repmgr, which never learns the
    // remote exit status, cannot (docs/ARCHITECTURE.md, "Switchover"). Fails the test when
    // that DETAIL is not there.
    static std::string without_detail_after(const std::string& err, const std::string& after) {
        std::vector<std::string> lines = lines_of(err);
        std::vector<std::string> kept;
        bool found = false;
        for (size_t i = 0; i < lines.size(); ++i) {
            kept.push_back(lines[i]);
            if (lines[i] != after || i + 1 >= lines.size() ||
                lines[i + 1].rfind("DETAIL: ", 0) != 0) {
                continue;
            }
            found = true;
            ++i;
            while (i + 1 < lines.size() && !is_log_line(lines[i + 1])) ++i;
        }
        EXPECT_TRUE(found) << "no DETAIL after \"" << after << "\" in:\n" << err;
        return join_lines(kept);
    }

    // One writable primary, every other listed node a standby streaming from it, and the
    // metadata saying so (read with psql, independent of either tool).
    void expect_cluster(int primary, const std::vector<int>& standbys) {
        EXPECT_FALSE(in_recovery(*node_[primary])) << "node" << primary << " should be primary";
        EXPECT_EQ(record(*node_[primary], primary), "primary||true");
        for (int id : standbys) {
            EXPECT_TRUE(in_recovery(*node_[id])) << "node" << id << " should be a standby";
            EXPECT_TRUE(streaming(*node_[primary], node_[id]->name()))
                << "node" << id << " should stream from node" << primary;
            EXPECT_EQ(record(*node_[primary], id), "standby|" + std::to_string(primary) + "|true");
            // The standby's own copy of the metadata agrees.
            EXPECT_TRUE(node_[id]->poll_until(
                "SELECT type || '|' || upstream_node_id FROM repmgr.nodes WHERE node_id = " +
                    std::to_string(id),
                "standby|" + std::to_string(primary), std::chrono::seconds(30), "repmgr"));
        }
    }

    int nodes_ = 0;
    std::string ssh_line_;
    std::vector<std::string> extra_more_;
};

// ---- dry runs and refusals --------------------------------------------------------------

TEST_F(CompatSwitchoverTest, DryRunsOnAStandby) {
    ASSERT_NO_FATAL_FAILURE(make_ssh_cluster(2, {"use_replication_slots=true"}));
    node_[1]->create_user("plain", RoleKind::kPlain);
    const std::string before = metadata_snapshot(*node_[1]);
    for (int id : {2, 3}) {
        expect_same_switchover(id, {"--dry-run"});
        expect_same_switchover(id, {"--dry-run", "--siblings-follow"});
    }
    expect_same_switchover(2, {"--dry-run", "-S", "postgres"});
    expect_same_switchover(2, {"--dry-run", "--superuser=postgres", "--siblings-follow"});
    expect_same_switchover(2, {"--dry-run", "-S", "nosuch"});
    expect_same_switchover(2, {"--dry-run", "-S", "plain"});
    expect_same_switchover(2, {"--dry-run", "--force-rewind", "--always-promote"});
    expect_same_switchover(2, {"--dry-run", "--repmgrd-no-pause", "-R", "postgres"});
    expect_same_switchover(3, {"--dry-run", "--siblings-follow", "-v"});
    EXPECT_EQ(metadata_snapshot(*node_[1]), before);
    expect_cluster(1, {2, 3});
}

TEST_F(CompatSwitchoverTest, OnThePrimary) {
    ASSERT_NO_FATAL_FAILURE(make_ssh_cluster(2));
    const std::string before = metadata_snapshot(*node_[1]);
    expect_same_switchover(1, {"--dry-run"});
    expect_same_switchover(1, {"--dry-run", "--siblings-follow", "-S", "postgres"});
    expect_same_switchover(1, {});
    expect_same_switchover(1, {"--siblings-follow", "-F"});
    EXPECT_EQ(metadata_snapshot(*node_[1]), before);
    expect_cluster(1, {2, 3});
}

TEST_F(CompatSwitchoverTest, NodeDownStopsThePauseOfRepmgrd) {
    ASSERT_NO_FATAL_FAILURE(make_ssh_cluster(2));
    node_[3]->stop();
    const std::string before = metadata_snapshot(*node_[1]);
    expect_same_switchover(2, {"--dry-run"});
    expect_same_switchover(2, {"--dry-run", "--siblings-follow"});
    expect_same_switchover(2, {"--dry-run", "-F"});
    expect_same_switchover(2, {"--siblings-follow"});
    EXPECT_EQ(metadata_snapshot(*node_[1]), before);
    expect_cluster(1, {2});
}

TEST_F(CompatSwitchoverTest, RepmgrdRunningOnOneNode) {
    ASSERT_NO_FATAL_FAILURE(make_ssh_cluster(2));
    // A "running repmgrd" on node3: the extension only checks that the registered PID is
    // alive, and node3's postmaster stays up throughout.
    node_[3]->psql("SELECT repmgr.set_repmgrd_pid(" + std::to_string(*node_[3]->pid()) + ", NULL)",
                   "repmgr");
    const std::string paused = "SELECT repmgr.repmgrd_is_paused()";
    expect_same_switchover(2, {"--dry-run"});
    expect_same_switchover(2, {"--dry-run", "--repmgrd-force-unpause"});
    EXPECT_EQ(node_[3]->psql(paused, "repmgr"), "f");
    node_[3]->psql("SELECT repmgr.repmgrd_pause(true)", "repmgr");
    expect_same_switchover(2, {"--dry-run"});
    EXPECT_EQ(node_[3]->psql(paused, "repmgr"), "t");
    expect_cluster(1, {2, 3});
}

TEST_F(CompatSwitchoverTest, RemoteProblems) {
    ASSERT_NO_FATAL_FAILURE(make_ssh_cluster(2));
    const std::string before = metadata_snapshot(*node_[1]);
    // The remote repmgr cannot be found.
    const auto missing_repmgr = [](const std::string& err) {
        return without_detail_after(err, "ERROR: unable to execute \"repmgr\" on \"127.0.0.1\"");
    };
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--dry-run"}, {"--dry-run", "--siblings-follow"}, {}}) {
        expect_same_switchover(2, args, {"repmgr_bindir='/nonexistent'"}, missing_repmgr);
    }
    // No sshd where ssh_options point.
    const auto no_ssh = [](const std::string& err) {
        return without_detail_after(
            err, "ERROR: unable to connect via SSH to host \"127.0.0.1\", user \"\"");
    };
    expect_same_switchover(2, {"--dry-run"}, {"ssh_options='-p 1 -o ConnectTimeout=2'"}, no_ssh);
    expect_same_switchover(2, {}, {"ssh_options='-p 1 -o ConnectTimeout=2'"}, no_ssh);
    // The demotion candidate's registered configuration file does not exist.
    node_[1]->psql(
        "UPDATE repmgr.nodes SET config_file = '/nonexistent/repmgr.conf' "
        "WHERE node_id = 1",
        "repmgr");
    expect_same_switchover(2, {"--dry-run"});
    node_[1]->psql("UPDATE repmgr.nodes SET config_file = '" + conf_[1] + "' WHERE node_id = 1",
                   "repmgr");
    EXPECT_EQ(metadata_snapshot(*node_[1]), before);
    expect_cluster(1, {2, 3});
}

// ---- a real switchover by each tool on a cluster registered by repmgr 5.3.3 -------------

// `text` with the promoted node called NEW and the demoted one OLD, LSNs as X/X and without
// the lines of the waits whose number depends on timing: the shutdown checks (and "still
// shutting down"), and the wait for the demoted node to attach (INFO + DETAIL).
std::string by_role(const std::string& text, int promoted, int demoted) {
    static const std::regex kLsn("[0-9A-F]+/[0-9A-F]+");
    static const std::regex kTiming(
        "^INFO: (checking for primary shutdown; |remote node is still shutting down$|waiting for "
        "node .* to connect to new primary; ).*");
    std::string out;
    bool skip_detail = false;
    for (const auto& line : lines_of(std::regex_replace(text, kLsn, "X/X"))) {
        if (skip_detail && line.rfind("DETAIL: ", 0) == 0) continue;
        skip_detail = std::regex_match(line, kTiming);
        if (skip_detail) continue;
        std::string l = line;
        for (const auto& [id, role] : {std::pair{promoted, "NEW"}, std::pair{demoted, "OLD"}}) {
            l = replace_all(l, "node" + std::to_string(id), role);
            l = replace_all(l, "(ID: " + std::to_string(id) + ")",
                            std::string("(ID: ") + role + ")");
        }
        out += l + "\n";
    }
    return out;
}

std::vector<std::string> notices(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& line : lines_of(text)) {
        if (line.rfind("NOTICE: ", 0) == 0) out.push_back(line);
    }
    return out;
}

// A cluster set up and registered by repmgr 5.3.3 (`extra` in every repmgr.conf): node2 takes
// over with our repmgr, then node1 takes back over with repmgr 5.3.3, node3 following each
// time. After each: one writable primary, the others streaming from it, the metadata and the
// events saying so; and both runs print the same lines, roles aside.
class CompatSwitchoverRoundTrip : public CompatSwitchoverTest {
  protected:
    void round_trip(const std::vector<std::string>& extra) {
        reference_registered_cluster(extra);
        if (HasFatalFailure()) return;
        const RunResult our = switch_over(2, 1, false);
        if (HasFailure()) return;
        const RunResult ref = switch_over(1, 2, true);
        if (HasFailure()) return;
        expect_same_by_role(our, 2, 1, ref);
        if (!uses_slots()) return;
        // Once more with ours, from the mirror image of where repmgr 5.3.3 started (node3's
        // slot on the primary to be demoted included): the slots on the new primary and on
        // node3 end up the same. node3's old slot on the demoted node is dropped by node3's
        // follow if the demoted node accepts connections by then; repmgr 5.3.3 sometimes
        // leaves it (timing), ours must not.
        const std::vector<std::string> after_reference = lines_of(slots_by_role(1, 2));
        const RunResult again = switch_over(2, 1, false);
        expect_same_by_role(again, 2, 1, ref);
        const std::vector<std::string> after_ours = lines_of(slots_by_role(2, 1));
        ASSERT_EQ(after_ours.size(), 3u);
        ASSERT_EQ(after_reference.size(), 3u);
        EXPECT_EQ(after_ours[0], after_reference[0]);
        EXPECT_EQ(after_ours[1], "OLD: ");
        EXPECT_EQ(after_ours[2], after_reference[2]);
    }

    // `repmgr standby switchover --siblings-follow` on node `candidate`, by our repmgr or by
    // repmgr 5.3.3 (each running its own binary on the other nodes), which must succeed and
    // leave `candidate` the primary with `former` and node3 streaming from it, the metadata and
    // the events saying so, and (with slots) a slot in use for each standby.
    RunResult switch_over(int candidate, int former, bool with_reference) {
        use_bindir(with_reference ? reference_bindir() : our_bindir());
        wait_for_replay();
        const std::vector<std::string> args{"standby", "switchover", "--siblings-follow"};
        RunResult r =
            with_reference ? reference(conf_[candidate], args) : ours(conf_[candidate], args);
        EXPECT_TRUE(r.ok()) << r;
        expect_cluster(candidate, {former, 3});
        // node3's standby_follow comes from its own follow, which may end after we return.
        const std::string c = std::to_string(candidate);
        events_ += (events_.empty() ? "" : ",") + c + ":standby_promote:true," + c +
                   ":standby_switchover:true,3:standby_follow:true";
        EXPECT_TRUE(
            node_[candidate]->poll_until(kEvents, events_, std::chrono::seconds(30), "repmgr"));
        EXPECT_EQ(node_[candidate]->psql("SELECT details FROM repmgr.events WHERE event = "
                                         "'standby_switchover' ORDER BY event_timestamp DESC "
                                         "LIMIT 1",
                                         "repmgr"),
                  "node \"node" + c + "\" (ID: " + c + ") promoted to primary, node \"node" +
                      std::to_string(former) + "\" (ID: " + std::to_string(former) +
                      ") demoted to standby");
        if (uses_slots()) expect_slots(candidate, former);
        return r;
    }

    // Our run (node `promoted` over node `demoted`) printed the same lines as the reference's
    // run from node1 over node2, roles aside; only LSNs and the lines of timed waits may
    // differ (by_role).
    static void expect_same_by_role(const RunResult& our, int promoted, int demoted,
                                    const RunResult& ref) {
        const std::string our_text = by_role(our.err, promoted, demoted);
        const std::string ref_text = by_role(ref.err, 1, 2);
        EXPECT_EQ(notices(our_text), notices(ref_text));
        EXPECT_EQ(our_text, ref_text) << "ours:\n" << our.err << "\nreference:\n" << ref.err;
        for (const RunResult* r : {&our, &ref}) {
            EXPECT_TRUE(contains(r->err, "INFO: checking for primary shutdown; 1 of 60 attempts"))
                << *r;
        }
    }

    // node1 primary, node2 and node3 standbys, registered by repmgr 5.3.3, which also runs on
    // the other nodes until use_bindir() says otherwise.
    void reference_registered_cluster(const std::vector<std::string>& extra) {
        init_ssh(3, extra);
        if (HasFatalFailure()) return;
        extra_ = bindir_lines(reference_bindir());
        node_[1] = &repmgr_primary("node1");
        conf_[1] = write_conf(1);
        RunResult reg = reference(conf_[1], {"primary", "register"});
        ASSERT_TRUE(reg.ok()) << reg;
        for (int id : {2, 3}) {
            node_[id] = &repmgr_standby("node" + std::to_string(id), *node_[1]);
            conf_[id] = write_conf(id);
        }
        for (int id : {2, 3}) {
            ASSERT_TRUE(streaming(*node_[1], node_[id]->name()));
            RunResult r = reference(conf_[id], {"standby", "register"});
            ASSERT_TRUE(r.ok()) << r;
        }
        ASSERT_TRUE(node_[3]->poll_until("SELECT count(*) FROM repmgr.nodes", "3",
                                         std::chrono::seconds(30), "repmgr"));
        settle();
    }

    // The new primary holds an active slot for each standby; the demoted node kept none for
    // the new primary.
    void expect_slots(int primary, int demoted) {
        EXPECT_TRUE(node_[primary]->poll_until(
            "SELECT string_agg(slot_name || ':' || active, ',' ORDER BY slot_name) FROM "
            "pg_replication_slots",
            "repmgr_slot_" + std::to_string(demoted) + ":true,repmgr_slot_3:true"));
        EXPECT_EQ(node_[demoted]->psql("SELECT count(*) FROM pg_replication_slots WHERE "
                                       "slot_name = 'repmgr_slot_" +
                                       std::to_string(primary) + "'"),
                  "0");
    }

    // "NEW: slot:active,... / OLD: ... / node3: ..." with slot names by role.
    std::string slots_by_role(int promoted, int demoted) {
        std::string out;
        for (int id : {promoted, demoted, 3}) {
            out += (id == promoted  ? "NEW"
                    : id == demoted ? "OLD"
                                    : "node3") +
                   std::string(": ") +
                   node_[id]->psql(
                       "SELECT COALESCE(string_agg(slot_name || ':' || active, ',' "
                       "ORDER BY slot_name), '') FROM pg_replication_slots") +
                   "\n";
        }
        for (const auto& [id, role] : {std::pair{promoted, "NEW"}, std::pair{demoted, "OLD"}}) {
            out =
                replace_all(out, "repmgr_slot_" + std::to_string(id), std::string("slot_") + role);
        }
        return out;
    }

    static constexpr const char* kEvents =
        "SELECT string_agg(node_id || ':' || event || ':' || successful, ',' ORDER BY "
        "event_timestamp, event) FROM repmgr.events WHERE event NOT IN ('cluster_created', "
        "'primary_register', 'standby_register')";
    std::string events_;
};

TEST_F(CompatSwitchoverRoundTrip, RegisteredByRepmgrSwitchedOverByUsAndBack) { round_trip({}); }

TEST_F(CompatSwitchoverRoundTrip, WithReplicationSlots) {
    round_trip({"use_replication_slots=true"});
}

}  // namespace
}  // namespace repmgr::test
