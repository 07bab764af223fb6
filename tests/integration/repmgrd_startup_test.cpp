// repmgrd start-up: command line, configuration and environment errors, PID file rules,
// signals and reload (repmgrd.md §1-§4), against real servers.
#include <gtest/gtest.h>
#include <unistd.h>

#include "repmgrd_fixture.hpp"

namespace repmgr::test {
namespace {

class RepmgrdStartupTest : public RepmgrTest {
protected:
    PgTestNode* node_ = nullptr;
    std::string conf_;
    void registered_primary(const std::vector<std::string>& extra = {}) {
        node_ = &repmgr_primary();
        std::vector<std::string> lines{"log_file='" + (node_->basedir() / "repmgrd.log").string() + "'",
                                       "monitor_interval_secs=1"};
        lines.insert(lines.end(), extra.begin(), extra.end());
        conf_ = register_primary(*node_, 1, lines);
    }
    std::string log() { return read_text(node_->basedir() / "repmgrd.log"); }
};

TEST_F(RepmgrdStartupTest, CommandLine) {
    RunResult v = RepmgrBinary::repmgrd().run({"--version"});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.out, "repmgrd 5.3.3\n");
    RunResult h = RepmgrBinary::repmgrd().run({"--help"});
    EXPECT_EQ(h.exit_code, 0);
    EXPECT_NE(h.out.find("--daemonize"), std::string::npos);
    RunResult bad = RepmgrBinary::repmgrd().run({"--bogus"});
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.err.find("unrecognized option '--bogus'\nrepmgrd: replication management daemon for PostgreSQL\n"
                           "Try \"repmgrd --help\" for more information.\n"),
              std::string::npos)
        << bad;
    RunResult level = RepmgrBinary::repmgrd().run({"-L", "LOUD"});
    EXPECT_EQ(level.exit_code, 1);
    EXPECT_EQ(level.err, "The following command line errors were encountered:\n  invalid log level \"LOUD\" provided\n"
                         "Try \"repmgrd --help\" for more information.\n");
    if (geteuid() == 0) {
        RunResult root = run_process({RepmgrBinary::repmgrd().path().string(), "--help"});
        EXPECT_EQ(root.exit_code, 1);
        EXPECT_NE(root.err.find("repmgrd: cannot be run as root"), std::string::npos);
    }
}

TEST_F(RepmgrdStartupTest, InvalidConfigurationAtStart) {
    registered_primary();
    std::ofstream(node_->basedir() / "bad.conf") << "node_id=0\nnode_name='x'\nconninfo='host=x'\ndata_directory='/x'\n"
                                                    "failover=sometimes\n";
    give_to_postgres(node_->basedir() / "bad.conf");
    RunResult r = RepmgrBinary::repmgrd().run({"-f", (node_->basedir() / "bad.conf").string(), "--daemonize=false"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(strip_timestamps(r.err),
              "[ts] [ERROR] following errors were found in the configuration file:\n"
              "  \"node_id\": must be 1 or greater (provided: \"0\")\n"
              "  value for \"failover\" must be \"automatic\" or \"manual\"\n\n");
    RunResult missing = RepmgrBinary::repmgrd().run({"-f", "/nonexistent.conf"});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_EQ(strip_timestamps(missing.err),
              "[ts] [ERROR] provided configuration file \"/nonexistent.conf\" not found\n"
              "[ts] [DETAIL] No such file or directory\n");
}

TEST_F(RepmgrdStartupTest, MissingExtensionAndLibrary) {
    node_ = &repmgr_primary();
    std::string conf = conf_ = write_repmgr_conf(*node_, 1, {"log_file='" + (node_->basedir() / "repmgrd.log").string() + "'"});
    RunResult no_ext = RepmgrBinary::repmgrd().run({"-f", conf, "--daemonize=false"});
    EXPECT_EQ(no_ext.exit_code, 1);
    EXPECT_NE(log().find("[ERROR] repmgr extension not found on this node"), std::string::npos) << log();
    EXPECT_NE(log().find("[DETAIL] repmgr extension is available but not installed in database \"repmgr\""),
              std::string::npos);

    // Extension present but the library not preloaded: shared memory cannot be written.
    RunResult reg = run_repmgr({"-f", conf, "primary", "register"});
    ASSERT_TRUE(reg.ok()) << reg;
    node_->append_conf("shared_preload_libraries = ''");
    node_->restart();
    RunResult no_lib = RepmgrBinary::repmgrd().run({"-f", conf, "--daemonize=false"});
    EXPECT_EQ(no_lib.exit_code, 1);
    EXPECT_NE(log().find("[ERROR] unable to write to shared memory\n"), std::string::npos) << log();
    EXPECT_NE(log().find("[HINT] ensure \"shared_preload_libraries\" includes \"repmgr\"\n"), std::string::npos);
    EXPECT_NE(log().find("[INFO] repmgrd terminating...\n"), std::string::npos);
}

TEST_F(RepmgrdStartupTest, FailoverAutomaticNeedsCommands) {
    registered_primary({"failover=automatic"});
    RunResult r = RepmgrBinary::repmgrd().run({"-f", conf_, "--daemonize=false"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(log().find("[ERROR] \"promote_command\" must be defined in the configuration file\n"), std::string::npos)
        << log();
    EXPECT_NE(log().find("[ERROR] \"follow_command\" must be defined in the configuration file\n"), std::string::npos);
    EXPECT_NE(log().find("[HINT] add the missing configuration parameter(s) and start repmgrd again\n"),
              std::string::npos);
}

TEST_F(RepmgrdStartupTest, PidFileHeldByLiveProcess) {
    registered_primary();
    const auto pid_file = node_->basedir() / "held.pid";
    std::ofstream(pid_file) << *node_->pid();  // the postmaster: alive, owned by postgres
    give_to_postgres(pid_file);
    RunResult r = RepmgrBinary::repmgrd().run({"-f", conf_, "-p", pid_file.string(), "--daemonize=false"});
    EXPECT_EQ(r.exit_code, 3) << r;
    EXPECT_NE(log().find("[ERROR] PID file \"" + pid_file.string() + "\" exists and seems to contain a valid PID\n"),
              std::string::npos)
        << log();
    EXPECT_EQ(read_text(pid_file), std::to_string(*node_->pid()));  // left alone
    RunResult show = RepmgrBinary::repmgrd().run({"-f", conf_, "-p", "/tmp/x.pid", "--show-pid-file"});
    EXPECT_EQ(show.out, "/tmp/x.pid\n");
}

TEST_F(RepmgrdStartupTest, StartStopAndReload) {
    registered_primary();
    RepmgrdProcess d;
    RunResult r = d.start(conf_, node_->basedir());
    ASSERT_TRUE(r.ok()) << r;
    ASSERT_TRUE(d.running());
    ASSERT_TRUE(node_->poll_until("SELECT repmgr.repmgrd_is_running()", "t", std::chrono::seconds(10), "repmgr"));
    EXPECT_EQ(node_->psql("SELECT repmgr.get_repmgrd_pid()", "repmgr"), std::to_string(*d.pid()));

    // SIGHUP with a changed reloadable value, then with an invalid file (old one kept).
    std::ofstream(conf_, std::ios::app) << "monitor_interval_secs=3\n";
    d.signal(SIGHUP);
    for (int i = 0; i < 50 && log().find("configuration was successfully changed") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_NE(strip_timestamps(log()).find("[NOTICE] configuration was successfully changed\n"
                                           "[ts] [DETAIL] following configuration items were changed:\n"
                                           "  \"monitor_interval_secs\" changed from \"1\" to \"3\""),
              std::string::npos)
        << log();
    std::ofstream(conf_, std::ios::app) << "node_id=7\n";
    d.signal(SIGHUP);
    for (int i = 0; i < 80 && log().find("the current configuration has been retained unchanged") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_NE(log().find("[NOTICE] the current configuration has been retained unchanged"), std::string::npos) << log();
    EXPECT_TRUE(d.running());

    d.stop();
    EXPECT_FALSE(d.running());
    EXPECT_NE(log().find("[NOTICE] TERM signal received\n"), std::string::npos);
    EXPECT_NE(log().find("[INFO] repmgrd terminating...\n"), std::string::npos);
    EXPECT_EQ(node_->psql("SELECT repmgr.get_repmgrd_pid()", "repmgr"), "-1");
    EXPECT_EQ(node_->psql("SELECT count(*) FROM repmgr.events WHERE event = 'repmgrd_shutdown'", "repmgr"), "1");
    EXPECT_FALSE(std::filesystem::exists(node_->basedir() / "repmgrd.pid"));
}

// logrotate's "postrotate kill -HUP": after the file is moved away, SIGHUP makes repmgrd
// write to a new file of the configured name.
TEST_F(RepmgrdStartupTest, SighupReopensTheLogFile) {
    registered_primary();
    RepmgrdProcess d;
    ASSERT_TRUE(d.start(conf_, node_->basedir()).ok());
    const auto log_path = node_->basedir() / "repmgrd.log";
    for (int i = 0; i < 100 && log().find("monitoring cluster primary") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::filesystem::rename(log_path, node_->basedir() / "repmgrd.log.1");
    d.signal(SIGHUP);
    for (int i = 0; i < 100 && !std::filesystem::exists(log_path); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(std::filesystem::exists(log_path));
    d.stop();
    EXPECT_NE(log().find("repmgrd terminating..."), std::string::npos) << log();
    EXPECT_EQ(read_text(node_->basedir() / "repmgrd.log.1").find("terminating"), std::string::npos);
}

}  // namespace
}  // namespace repmgr::test
