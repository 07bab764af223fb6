// The repmgr binary's command-line behaviour: version, help, root refusal, command-line
// and configuration errors with their exact output and exit codes (commands.md §1,
// config.md §5). Each bad input must leave the metadata unchanged.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "repmgr_fixture.hpp"

namespace repmgr::test {
namespace {

using CliTest = RepmgrTest;

TEST_F(CliTest, VersionAndHelp) {
    RunResult v = run_repmgr({"--version"});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_EQ(v.out, "repmgr 5.3.3\n");
    RunResult n = run_repmgr({"cluster", "show", "--version-number"});
    EXPECT_EQ(n.out, "50303\n");
    RunResult h = run_repmgr({"--help"});
    EXPECT_EQ(h.exit_code, 0);
    EXPECT_NE(h.out.find("repmgr home page: <https://repmgr.org/>"), std::string::npos);
    RunResult ch = run_repmgr({"cluster", "-?"});
    EXPECT_EQ(ch.exit_code, 0);
    EXPECT_NE(ch.out.find("CLUSTER SHOW"), std::string::npos) << ch;
}

TEST_F(CliTest, RefusesToRunAsRoot) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (CI runs as root)";
    RunResult r = run_process({RepmgrBinary::repmgr().path().string(), "cluster", "show"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err,
              "repmgr: cannot be run as root\n"
              "Please log in (using, e.g., \"su\") as the (unprivileged) user that owns the data directory.\n");
    RunResult help = run_process({RepmgrBinary::repmgr().path().string(), "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("*** repmgr must be executed by a non-superuser ***"), std::string::npos);
}

TEST_F(CliTest, CommandLineErrors) {
    RunResult unknown = run_repmgr({"cluster", "foo"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_EQ(unknown.err,
              "The following command line errors were encountered:\n"
              "  unknown repmgr action 'cluster foo'\n"
              "Try \"repmgr --help\" or \"repmgr cluster --help\" for more information.\n");
    RunResult opt = run_repmgr({"cluster", "show", "--bogus"});
    EXPECT_EQ(opt.exit_code, 1);
    EXPECT_NE(opt.err.find("unrecognized option '--bogus'"), std::string::npos) << opt;
    EXPECT_EQ(opt.out, "Try \"repmgr --help\" or \"repmgr cluster --help\" for more information.\n");
    RunResult nocmd = run_repmgr({});
    EXPECT_EQ(nocmd.exit_code, 1);
    EXPECT_NE(nocmd.err.find("  no repmgr command provided\nTry \"repmgr --help\" for more information.\n"),
              std::string::npos)
        << nocmd;
    RunResult dump = run_repmgr({"--dump-config", "cluster", "show"});
    EXPECT_EQ(dump.exit_code, 1);
    EXPECT_EQ(dump.err, "--dump-config cannot be used in combination with a repmgr command");
    RunResult later = run_repmgr({"-f", "/dev/null", "standby", "clone", "-h", "x"});
    EXPECT_EQ(later.exit_code, 1) << later;
}

class ConfigErrorTest : public RepmgrTest {
protected:
    void SetUp() override {
        node_ = &repmgr_primary();
        good_ = register_primary(*node_, 1);
        before_ = metadata_snapshot(*node_);
    }
    // Writes a config with `lines` and runs `primary register -F` with it.
    RunResult register_with(const std::string& text) {
        std::filesystem::path p = node_->basedir() / "bad.conf";
        std::string path = p.string();
        {
            std::ofstream out(p);
            out << text;
        }
        ::chmod(path.c_str(), 0644);
        return repmgr(path, {"primary", "register", "-F"});
    }
    void expect_unchanged() { EXPECT_EQ(metadata_snapshot(*node_), before_); }
    std::string base() {
        return "node_id=1\nnode_name='node1'\nconninfo='" + node_->connstr("repmgr", "repmgr") +
               "'\ndata_directory='" + node_->data_dir().string() + "'\n";
    }
    PgTestNode* node_ = nullptr;
    std::string good_;
    std::string before_;
};

TEST_F(ConfigErrorTest, MissingFile) {
    RunResult r = repmgr("/nonexistent/repmgr.conf", {"primary", "register"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "ERROR: provided configuration file \"/nonexistent/repmgr.conf\" not found\n"
                     "DETAIL: No such file or directory\n");
    expect_unchanged();
}

TEST_F(ConfigErrorTest, UnparsableLine) {
    RunResult r = register_with(base() + "log_file=/var/log/x\n");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "ERROR: following errors were found in the configuration file:\n"
                     "  syntax error in file \"" + (node_->basedir() / "bad.conf").string() +
                         "\" line 5, near token \"/\"\n");
    expect_unchanged();
}

TEST_F(ConfigErrorTest, UnknownParameterIsAWarning) {
    RunResult r = register_with(base() + "no_such_key=1\n");
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_NE(r.err.find("WARNING: the following problems were found in the configuration file:\n"
                         "  no_such_key='1': unknown name/value pair provided; ignoring\n"),
              std::string::npos)
        << r;
}

TEST_F(ConfigErrorTest, NodeIdZeroOrMissing) {
    std::string text = base();
    RunResult zero = register_with("node_id=0\n" + text.substr(text.find('\n') + 1));
    EXPECT_EQ(zero.exit_code, 1);
    EXPECT_NE(zero.err.find("  \"node_id\": must be 1 or greater (provided: \"0\")\n"), std::string::npos) << zero;
    RunResult missing = register_with(text.substr(text.find('\n') + 1));
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_NE(missing.err.find("  \"node_id\": required parameter was not found\n"), std::string::npos) << missing;
    expect_unchanged();
}

TEST_F(ConfigErrorTest, NodeNameTooLong) {
    RunResult r = register_with(base() + "node_name='" + std::string(70, 'n') + "'\n");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("  value for \"node_name\" must contain fewer than 64 characters (current length: 70)\n"),
              std::string::npos)
        << r;
    expect_unchanged();
}

TEST_F(ConfigErrorTest, BadConninfo) {
    RunResult r = register_with(base() + "conninfo='host=127.0.0.1 bogus_key=1'\n");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("  \"conninfo\": invalid connection option \"bogus_key\"\n\t(provided: \"host=127.0.0.1 bogus_key=1\")"),
              std::string::npos)
        << r;
    expect_unchanged();
}

}  // namespace
}  // namespace repmgr::test
