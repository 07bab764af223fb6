// Line grammar, syntax errors, warnings and accumulation of the repmgr.conf parser
// (spec/config.md §2, §4.13).

#include "repmgr/config/config_file.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace repmgr::config {
namespace {

using Strings = std::vector<std::string>;

const std::string kPath = "/etc/repmgr/repmgr.conf";

// The four required parameters, so that post-parse checks add nothing.
const std::string kRequired =
    "node_id=1\nnode_name=node1\nconninfo='host=node1 dbname=repmgr'\n"
    "data_directory='/srv/data'\n";

ParseOutcome parse(const std::string& text) { return parse_config_text(text, kPath); }

std::string syntax_error(int line, const std::string& near) {
    return "syntax error in file \"" + kPath + "\" line " + std::to_string(line) + ", " + near;
}

TEST(ConfigParse, EqualsSignIsOptional) {
    ParseOutcome out = parse(kRequired + "priority 50\nlocation = dc2\nfailover=automatic");
    EXPECT_EQ(out.errors, Strings{});
    EXPECT_EQ(out.config.priority, 50);
    EXPECT_EQ(out.config.location, "dc2");
    EXPECT_EQ(out.config.failover, FailoverMode::kAutomatic);
}

TEST(ConfigParse, AllValueTokenKindsAreAccepted) {
    ParseOutcome out = parse(kRequired +
                             "node_name = node-2\n"        // unquoted string
                             "location = 'a b'\n"          // quoted string
                             "ssh_options = -q\n"          // not a value: syntax error
                             "pg_ctl_options = 1.5\n"      // real
                             "rsync_options = abc\n"       // identifier
                             "restore_command = 5min\n");  // integer
    EXPECT_EQ(out.errors, Strings{syntax_error(7, "near token \"-\"")});
    EXPECT_EQ(out.config.node_name, "node-2");
    EXPECT_EQ(out.config.location, "a b");
    EXPECT_EQ(out.config.pg_ctl_options, "1.5");
    EXPECT_EQ(out.config.rsync_options, "abc");
    EXPECT_EQ(out.config.restore_command, "5min");
}

TEST(ConfigParse, CommentsBlankLinesAndCarriageReturns) {
    ParseOutcome out = parse("# header\n\n   \n" + kRequired +
                             "priority = 7   # trailing comment\r\n"
                             "location = 'x#y' # hash inside quotes is data\n");
    EXPECT_EQ(out.errors, Strings{});
    EXPECT_EQ(out.config.priority, 7);
    EXPECT_EQ(out.config.location, "x#y");
}

TEST(ConfigParse, QuotedValuesAreUnescaped) {
    ParseOutcome out = parse(kRequired + R"(promote_command = 'echo ''hi'' \"x\" \\ \101')");
    EXPECT_EQ(out.errors, Strings{});
    EXPECT_EQ(out.config.promote_command, "echo 'hi' \"x\" \\ A");
}

TEST(ConfigParse, LastValueWinsForScalars) {
    ParseOutcome out = parse(kRequired + "priority=1\npriority=2\nlocation=a\nlocation=b\n");
    EXPECT_EQ(out.config.priority, 2);
    EXPECT_EQ(out.config.location, "b");
}

TEST(ConfigParse, ValueStartingWithSlashIsSyntaxError) {
    ParseOutcome out = parse(kRequired + "log_file=/var/log/repmgr.log\n");
    EXPECT_EQ(out.errors, Strings{syntax_error(5, "near token \"/\"")});
}

TEST(ConfigParse, QualifiedIdIsNotAValue) {
    ParseOutcome out = parse(kRequired + "location = a.b\n");
    EXPECT_EQ(out.errors, Strings{syntax_error(5, "near token \"a.b\"")});
}

TEST(ConfigParse, SyntaxErrorNearEndOfLine) {
    // Name without value: the offending token is the newline, reported for its own line.
    EXPECT_EQ(parse("node_id\nnode_name=x\n").errors, Strings{syntax_error(1, "near end of line")});
    EXPECT_EQ(parse("\n\nnode_id =\n").errors, Strings{syntax_error(3, "near end of line")});
}

TEST(ConfigParse, SyntaxErrorAtEndOfInputNamesPreviousLine) {
    // No newline after the last line: the reported line is one less (PostgreSQL quirk).
    EXPECT_EQ(parse("a=1\nnode_id =").errors, Strings{syntax_error(1, "near end of line")});
    EXPECT_EQ(parse("node_id").errors, Strings{syntax_error(0, "near end of line")});
}

TEST(ConfigParse, SyntaxErrorNearToken) {
    EXPECT_EQ(parse("\nnode_id = 1 2\n").errors, Strings{syntax_error(2, "near token \"2\"")});
    EXPECT_EQ(parse("= 1\n").errors, Strings{syntax_error(1, "near token \"=\"")});
    EXPECT_EQ(parse("1 = 1\n").errors, Strings{syntax_error(1, "near token \"1\"")});
    EXPECT_EQ(parse("a = = 1\n").errors, Strings{syntax_error(1, "near token \"=\"")});
    EXPECT_EQ(parse("a = 'open\n").errors, Strings{syntax_error(1, "near token \"'\"")});
    EXPECT_EQ(parse("a = \"x\"\n").errors, Strings{syntax_error(1, "near token \"\"\"")});
}

TEST(ConfigParse, ParsingResumesOnTheNextLine) {
    ParseOutcome out = parse("priority = 1 2 3\nlocation = here\nnode_id\n");
    EXPECT_EQ(out.errors,
              (Strings{syntax_error(1, "near token \"2\""), syntax_error(3, "near end of line")}));
    EXPECT_EQ(out.config.location, "here");
    EXPECT_EQ(out.config.priority, 100);  // the bad line is not applied
}

TEST(ConfigParse, SyntaxErrorsSkipPostParseChecks) {
    // Without the syntax error, the four "required parameter" errors would be listed too.
    ParseOutcome out = parse("x = 1 2\n");
    EXPECT_EQ(out.errors, Strings{syntax_error(1, "near token \"2\"")});
    EXPECT_EQ(out.config.repmgrd_standby_startup_timeout, Seconds{-1});
}

TEST(ConfigParse, HundredSyntaxErrorsAbandonFile) {
    std::string text;
    for (int i = 0; i < 120; ++i) text += "bad bad bad\n";
    ParseOutcome out = parse(text + "location = never\n");
    ASSERT_EQ(out.errors.size(), 100u);
    EXPECT_EQ(out.errors.back(), syntax_error(100, "near token \"bad\""));
    EXPECT_EQ(out.immediate_messages,
              Strings{"too many syntax errors found, abandoning file \"" + kPath + "\""});
    EXPECT_EQ(out.config.location, "default");
}

TEST(ConfigParse, NinetyNineSyntaxErrorsDoNotAbandon) {
    std::string text;
    for (int i = 0; i < 99; ++i) text += "bad bad bad\n";
    ParseOutcome out = parse(text + "location = reached\n");
    EXPECT_EQ(out.errors.size(), 99u);
    EXPECT_EQ(out.immediate_messages, Strings{});
    EXPECT_EQ(out.config.location, "reached");
}

TEST(ConfigParse, NamesAreCaseSensitive) {
    ParseOutcome out = parse(kRequired + "Priority = 5\n");
    EXPECT_EQ(out.config.priority, 100);
    EXPECT_EQ(out.warnings, Strings{"Priority='5': unknown name/value pair provided; ignoring"});
}

TEST(ConfigParse, UnknownNamesWarn) {
    ParseOutcome out = parse(kRequired + "foo = 'a b'\nmy.setting = 3\n");
    EXPECT_EQ(out.errors, Strings{});
    EXPECT_EQ(out.warnings,
              (Strings{"foo='a b': unknown name/value pair provided; ignoring",
                       "my.setting='3': unknown name/value pair provided; ignoring"}));
}

TEST(ConfigParse, DeprecatedNamesWarnAndAreIgnored) {
    ParseOutcome out = parse(kRequired +
                             "cluster = test\nnode = 5\nupstream_node = 2\nloglevel = DEBUG\n"
                             "logfacility = LOCAL0\nlogfile = 'x'\nmaster_reponse_timeout = 3\n"
                             "retry_promote_interval_secs = 4\n");
    EXPECT_EQ(out.errors, Strings{});
    EXPECT_EQ(out.warnings,
              (Strings{
                  "parameter \"cluster\" is deprecated and will be ignored",
                  "parameter \"node\" has been renamed to \"node_id\"",
                  "parameter \"upstream_node\" has been removed; use \"--upstream-node-id\" when "
                  "cloning a standby",
                  "parameter \"loglevel\" has been renamed to \"log_level\"",
                  "parameter \"logfacility\" has been renamed to \"log_facility\"",
                  "parameter \"logfile\" has been renamed to \"log_file\"",
                  "parameter \"master_reponse_timeout\" has been removed; use "
                  "\"async_query_timeout\" instead",
                  "parameter \"retry_promote_interval_secs\" has been removed; use "
                  "\"primary_notification_timeout\" instead",
              }));
    EXPECT_EQ(out.config.node_id, 1);
    EXPECT_EQ(out.config.log_level, "");
    EXPECT_EQ(out.config.async_query_timeout, Seconds{60});
}

TEST(ConfigParse, EventNotificationsAccumulate) {
    ParseOutcome out = parse(kRequired +
                             "event_notifications = 'standby_promote, standby_follow'\n"
                             "event_notifications = ',,repmgrd_failover_promote,\t,'\n");
    EXPECT_EQ(out.config.event_notifications,
              (Strings{"standby_promote", "standby_follow", "repmgrd_failover_promote"}));
}

TEST(ConfigParse, TablespaceMappingAccumulates) {
    ParseOutcome out = parse(kRequired +
                             "tablespace_mapping = '/a/=/b//c'\n"
                             "tablespace_mapping = '/x\\\\=y=/z'\n");
    ASSERT_EQ(out.config.tablespace_mapping.size(), 2u);
    EXPECT_EQ(out.config.tablespace_mapping[0].old_dir, "/a");
    EXPECT_EQ(out.config.tablespace_mapping[0].new_dir, "/b/c");
    EXPECT_EQ(out.config.tablespace_mapping[1].old_dir, "/x=y");
    EXPECT_EQ(out.config.tablespace_mapping[1].new_dir, "/z");
}

TEST(ConfigParse, TablespaceMappingErrorIsFatalAndStopsParsing) {
    ParseOutcome out = parse("priority = x\ntablespace_mapping = '/a=/b=/c'\nlocation = later\n");
    EXPECT_EQ(out.fatal_error, "multiple \"=\" signs in tablespace mapping");
    EXPECT_EQ(out.config.location, "default");
    // Collected errors so far are kept, but no post-parse checks ran.
    EXPECT_EQ(out.errors, Strings{"\"priority\": invalid value (provided: \"x\")"});

    EXPECT_EQ(parse("tablespace_mapping = 'abc'\n").fatal_error,
              "invalid tablespace mapping format \"abc\", must be \"OLDDIR=NEWDIR\"");
    EXPECT_EQ(parse("tablespace_mapping = '=/b'\n").fatal_error,
              "invalid tablespace mapping format \"=/b\", must be \"OLDDIR=NEWDIR\"");
    EXPECT_EQ(parse("tablespace_mapping = '/a='\n").fatal_error,
              "invalid tablespace mapping format \"/a=\", must be \"OLDDIR=NEWDIR\"");
    EXPECT_EQ(parse("tablespace_mapping = '/" + std::string(1100, 'd') + "=/b'\n").fatal_error,
              "directory name too long");
}

TEST(ConfigParse, ConfigFileIsRecorded) { EXPECT_EQ(parse(kRequired).config.config_file, kPath); }

TEST(ConfigParse, ValidFileHasNoMessages) {
    ParseOutcome out = parse(kRequired);
    EXPECT_EQ(out.errors, Strings{});
    EXPECT_EQ(out.warnings, Strings{});
    EXPECT_FALSE(out.fatal_error.has_value());
    EXPECT_EQ(out.config.node_id, 1);
    EXPECT_EQ(out.config.node_name, "node1");
    EXPECT_EQ(out.config.conninfo, "host=node1 dbname=repmgr");
    EXPECT_EQ(out.config.data_directory, "/srv/data");
}

}  // namespace
}  // namespace repmgr::config
