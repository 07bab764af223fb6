// Include directives, file location and loading, using a private temporary directory
// (spec/config.md §1, §2.4, §5).

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config_file.hpp"

namespace repmgr::config {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

const std::string kRequired =
    "node_id=1\nnode_name=node1\nconninfo='host=node1 dbname=repmgr'\n"
    "data_directory='/srv/data'\n";

class ConfigInclude : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "repmgr-config-test-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        // Canonical, so that expected messages match the parser's canonical paths.
        dir_ = fs::canonical(pattern).string();
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string path(const std::string& relative) const { return dir_ + "/" + relative; }

    std::string write(const std::string& relative, const std::string& text) const {
        const std::string p = path(relative);
        fs::create_directories(fs::path(p).parent_path());
        std::ofstream(p) << text;
        return p;
    }

    ParseOutcome parse_main(const std::string& text) const {
        return parse_config_file(write("repmgr.conf", text));
    }

    std::string dir_;
};

TEST_F(ConfigInclude, RelativeIncludeResolvesAgainstIncludingFile) {
    write("conf/extra.conf", "priority = 5\ninclude 'more.conf'\n");
    write("conf/more.conf", "location = dc9\n");
    ParseOutcome out = parse_main(kRequired + "include 'conf/extra.conf'\n");
    EXPECT_EQ(out.errors, Strings{});
    EXPECT_EQ(out.config.priority, 5);
    EXPECT_EQ(out.config.location, "dc9");
    EXPECT_EQ(out.config.config_file, path("repmgr.conf"));
}

TEST_F(ConfigInclude, AbsoluteIncludeAndLaterLinesOverride) {
    const std::string extra = write("x/abs.conf", "priority = 5\nlocation = inc\n");
    ParseOutcome out = parse_main(kRequired + "include = '" + extra + "'\nlocation = main\n");
    EXPECT_EQ(out.errors, Strings{});
    EXPECT_EQ(out.config.priority, 5);
    EXPECT_EQ(out.config.location, "main");
}

TEST_F(ConfigInclude, DirectiveNamesAreCaseInsensitive) {
    write("a.conf", "priority = 6\n");
    write("d/b.conf", "location = fromdir\n");
    ParseOutcome out = parse_main(kRequired + "INCLUDE 'a.conf'\nInclude_Dir 'd'\n");
    EXPECT_EQ(out.errors, Strings{});
    EXPECT_EQ(out.config.priority, 6);
    EXPECT_EQ(out.config.location, "fromdir");
}

TEST_F(ConfigInclude, MissingIncludeIsAnErrorAndSkipsPostChecks) {
    ParseOutcome out = parse_main("include 'nope.conf'\npriority = 3\n");
    EXPECT_EQ(out.errors, Strings{"could not open configuration file \"" + path("nope.conf") +
                                  "\": No such file or directory"});
    EXPECT_EQ(out.config.priority, 3);  // parsing went on
}

TEST_F(ConfigInclude, IncludeOfADirectoryFails) {
    fs::create_directories(path("adir"));
    ParseOutcome out = parse_main(kRequired + "include 'adir'\n");
    EXPECT_EQ(out.errors, Strings{"could not open configuration file \"" + path("adir") +
                                  "\": Is a directory"});
}

TEST_F(ConfigInclude, MissingIncludeIfExistsIsListedAsErrorButChecksStillRun) {
    ParseOutcome out = parse_main("include_if_exists 'nope.conf'\nnode_id = 2\n");
    EXPECT_EQ(out.errors, (Strings{"skipping configuration file \"" + path("nope.conf") + "\"",
                                   "\"node_name\": required parameter was not found",
                                   "\"data_directory\": required parameter was not found",
                                   "\"conninfo\": required parameter was not found"}));
}

TEST_F(ConfigInclude, ExistingIncludeIfExists) {
    write("opt.conf", "priority = 8\n");
    ParseOutcome out = parse_main(kRequired + "include_if_exists 'opt.conf'\n");
    EXPECT_EQ(out.errors, Strings{});
    EXPECT_EQ(out.config.priority, 8);
}

TEST_F(ConfigInclude, BlankIncludeNameFailsSilently) {
    ParseOutcome out = parse_main("include ''\ninclude_if_exists ' '\n");
    EXPECT_EQ(out.errors, Strings{});  // no message, but no post-parse checks either
    EXPECT_EQ(out.config.repmgrd_standby_startup_timeout, Seconds{-1});
}

TEST_F(ConfigInclude, IncludeDirReadsConfFilesInByteOrder) {
    write("conf.d/b.conf", "location = b\nevent_notifications = b\n");
    write("conf.d/a.conf", "location = a\nevent_notifications = a\n");
    write("conf.d/Z.conf", "event_notifications = Z\n");
    write("conf.d/s.conf", "event_notifications = s\n");  // 6 characters: read
    write("conf.d/.hidden.conf", "event_notifications = hidden\n");
    write("conf.d/notes.txt", "event_notifications = txt\n");
    write("conf.d/x.conf.bak", "event_notifications = bak\n");
    fs::create_directories(path("conf.d/sub.conf"));  // directories are skipped
    ParseOutcome out = parse_main(kRequired + "include_dir 'conf.d'\n");
    EXPECT_EQ(out.errors, Strings{});
    EXPECT_EQ(out.config.event_notifications, (Strings{"Z", "a", "b", "s"}));
    EXPECT_EQ(out.config.location, "b");
}

TEST_F(ConfigInclude, IncludeDirErrors) {
    EXPECT_EQ(parse_main(kRequired + "include_dir 'missing'\n").errors,
              Strings{"could not open configuration directory \"" + path("missing") +
                      "\": No such file or directory"});
    EXPECT_EQ(parse_main(kRequired + "include_dir ''\n").errors,
              Strings{"empty configuration directory name: \"\""});
    EXPECT_EQ(parse_main(kRequired + "include_dir '  '\n").errors,
              Strings{"empty configuration directory name: \"  \""});
}

TEST_F(ConfigInclude, IncludeDirDanglingSymlinkCannotBeStatted) {
    fs::create_directories(path("links"));
    fs::create_symlink(path("links/target-gone"), path("links/bad.conf"));
    EXPECT_EQ(parse_main(kRequired + "include_dir 'links'\n").errors,
              Strings{"could not stat file \"" + path("links/bad.conf") +
                      "\": No such file or directory"});
}

TEST_F(ConfigInclude, SelfInclusionIsRecursion) {
    ParseOutcome out = parse_main(kRequired + "include 'repmgr.conf'\n");
    EXPECT_EQ(out.errors,
              Strings{"configuration file recursion in \"" + path("repmgr.conf") + "\""});
}

TEST_F(ConfigInclude, NestingDepthLimit) {
    // repmgr.conf includes f1, f1 includes f2, ...: ten levels below the top are fine.
    for (int i = 1; i <= 11; ++i) {
        write("f" + std::to_string(i) + ".conf", "include 'f" + std::to_string(i + 1) + ".conf'\n");
    }
    write("f10.conf", "priority = 10\n");
    ParseOutcome ok = parse_main(kRequired + "include 'f1.conf'\n");
    EXPECT_EQ(ok.errors, Strings{});
    EXPECT_EQ(ok.config.priority, 10);

    write("f10.conf", "include 'f11.conf'\n");
    write("f11.conf", "priority = 11\n");
    ParseOutcome deep = parse_main(kRequired + "include 'f1.conf'\n");
    EXPECT_EQ(deep.errors, Strings{"could not open configuration file \"f11.conf\": maximum "
                                   "nesting depth exceeded"});
    EXPECT_EQ(deep.config.priority, 100);
}

TEST_F(ConfigInclude, SyntaxErrorInIncludedFileNamesThatFile) {
    write("inc/bad.conf", "\n\npriority = 1 2\n");
    ParseOutcome out = parse_main(kRequired + "include 'inc/bad.conf'\n");
    EXPECT_EQ(out.errors, Strings{"syntax error in file \"" + path("inc/bad.conf") +
                                  "\" line 3, near token \"2\""});
}

TEST_F(ConfigInclude, FatalErrorInIncludedFileStopsEverything) {
    write("ts.conf", "tablespace_mapping = 'nonsense'\n");
    ParseOutcome out = parse_main("include 'ts.conf'\nlocation = after\n");
    EXPECT_EQ(out.fatal_error,
              "invalid tablespace mapping format \"nonsense\", must be \"OLDDIR=NEWDIR\"");
    EXPECT_EQ(out.config.location, "default");
}

TEST_F(ConfigInclude, UnreadableTopLevelFile) {
    ParseOutcome out = parse_config_file(path("absent.conf"));
    EXPECT_EQ(out.errors, Strings{"could not open configuration file \"" + path("absent.conf") +
                                  "\": No such file or directory"});
}

// ---- locating and loading ------------------------------------------------------------

// Restores the working directory and $PWD changed by a test.
class ConfigLocate : public ConfigInclude {
  protected:
    void SetUp() override {
        ConfigInclude::SetUp();
        old_cwd_ = fs::current_path();
        if (const char* pwd = std::getenv("PWD")) old_pwd_ = pwd;
    }
    void TearDown() override {
        fs::current_path(old_cwd_);
        if (old_pwd_) {
            setenv("PWD", old_pwd_->c_str(), 1);
        } else {
            unsetenv("PWD");
        }
        ConfigInclude::TearDown();
    }

    fs::path old_cwd_;
    std::optional<std::string> old_pwd_;
};

TEST_F(ConfigLocate, MissingCliFileIsFatal) {
    try {
        locate_config_file(path("no/such.conf"), false);
        FAIL() << "expected ReportedError";
    } catch (const ReportedError& e) {
        EXPECT_EQ(e.code(), ExitCode::kBadConfig);
    }
}

TEST_F(ConfigLocate, RelativeCliPathUsesPwdAndIsCanonicalised) {
    write("etc/repmgr.conf", kRequired);
    setenv("PWD", dir_.c_str(), 1);  // getcwd() is elsewhere: $PWD must win
    std::optional<LocatedFile> found = locate_config_file("etc/./sub/../repmgr.conf", false);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->path, path("etc/repmgr.conf"));
    EXPECT_TRUE(found->from_cli);
}

TEST_F(ConfigLocate, RelativeCliPathFallsBackToGetcwd) {
    write("repmgr-test.conf", kRequired);
    fs::current_path(dir_);
    unsetenv("PWD");
    std::optional<LocatedFile> found = locate_config_file("repmgr-test.conf", false);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->path, path("repmgr-test.conf"));
}

TEST_F(ConfigLocate, CurrentDirectoryIsSearchedFirst) {
    write("repmgr.conf", kRequired);
    fs::current_path(dir_);
    setenv("PWD", dir_.c_str(), 1);
    std::optional<LocatedFile> found = locate_config_file("", false);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->path, path("repmgr.conf"));
    EXPECT_FALSE(found->from_cli);
}

TEST_F(ConfigLocate, NoDefaultFile) {
    if (fs::exists("/etc/repmgr.conf") || fs::exists("/etc/postgresql-common/repmgr.conf")) {
        GTEST_SKIP() << "a system-wide repmgr.conf exists on this machine";
    }
    fs::current_path(dir_);
    EXPECT_EQ(locate_config_file("", false), std::nullopt);
    LoadOutcome out = load_config(LoadRequest{});
    EXPECT_FALSE(out.file_found);
    EXPECT_EQ(out.config.node_id, -1);
}

TEST_F(ConfigLocate, LoadValidFile) {
    const std::string file = write("ok.conf", kRequired + "priority = 42\n");
    LoadOutcome out = load_config(LoadRequest{.cli_path = file});
    EXPECT_TRUE(out.file_found);
    EXPECT_TRUE(out.from_cli);
    EXPECT_EQ(out.config.priority, 42);
    EXPECT_EQ(out.config.config_file, file);
    EXPECT_EQ(out.warnings, Strings{});
}

TEST_F(ConfigLocate, LoadWithWarningsOnlySucceeds) {
    const std::string file = write("warn.conf", kRequired + "cluster = x\nbogus = 1\n");
    LoadOutcome out = load_config(LoadRequest{.cli_path = file, .terse = true});
    EXPECT_EQ(out.warnings.size(), 2u);
}

TEST_F(ConfigLocate, LoadWithErrorsThrows) {
    const std::string file = write("bad.conf", "priority = x\nbogus = 1\n");
    try {
        load_config(LoadRequest{.cli_path = file, .terse = true});
        FAIL() << "expected ReportedError";
    } catch (const ReportedError& e) {
        EXPECT_EQ(e.code(), ExitCode::kBadConfig);
    }
}

TEST_F(ConfigLocate, LoadWithFatalTablespaceErrorThrowsError) {
    const std::string file = write("ts.conf", "tablespace_mapping = 'a=b=c'\n");
    try {
        load_config(LoadRequest{.cli_path = file});
        FAIL() << "expected Error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ExitCode::kBadConfig);
        EXPECT_STREQ(e.what(), "multiple \"=\" signs in tablespace mapping");
    }
}

TEST_F(ConfigLocate, LoadUnopenableFileThrows) {
    // A unix socket exists for stat() but cannot be opened, even by root (ENXIO).
    const std::string file = path("sock.conf");
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    ASSERT_LT(file.size(), sizeof addr.sun_path);
    file.copy(addr.sun_path, file.size());
    ASSERT_EQ(bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_THROW(load_config(LoadRequest{.cli_path = file}), ReportedError);
    close(fd);
}

}  // namespace
}  // namespace repmgr::config
