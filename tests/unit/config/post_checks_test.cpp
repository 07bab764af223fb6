// Checks made after the whole file is read (spec/config.md §5).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "repmgr/config/config_file.hpp"

namespace repmgr::config {
namespace {

using Strings = std::vector<std::string>;

const std::string kRequired =
    "node_id=1\nnode_name=node1\nconninfo='host=node1 dbname=repmgr'\n"
    "data_directory='/srv/data'\n";

ParseOutcome parse(const std::string& text) { return parse_config_text(text, "/etc/r.conf"); }
Strings errors_for(const std::string& extra) { return parse(kRequired + extra).errors; }

TEST(ConfigPostChecks, RequiredParametersInOrder) {
    EXPECT_EQ(parse("").errors, (Strings{"\"node_id\": required parameter was not found",
                                         "\"node_name\": required parameter was not found",
                                         "\"data_directory\": required parameter was not found",
                                         "\"conninfo\": required parameter was not found"}));
    EXPECT_EQ(parse("node_id=2\nconninfo='host=x'\n").errors,
              (Strings{"\"node_name\": required parameter was not found",
                       "\"data_directory\": required parameter was not found"}));
    EXPECT_EQ(parse("node_name=''\n").errors.at(1),
              "\"node_name\": required parameter was not found");
}

TEST(ConfigPostChecks, ConninfoRejectedByLibpq) {
    EXPECT_EQ(
        errors_for("conninfo = 'foo=bar'"),
        Strings{"\"conninfo\": invalid connection option \"foo\"\n\t(provided: \"foo=bar\")"});
    EXPECT_EQ(errors_for("conninfo = 'host'"),
              Strings{"\"conninfo\": missing \"=\" after \"host\" in connection info string\n"
                      "\t(provided: \"host\")"});
}

TEST(ConfigPostChecks, ConninfoUriAccepted) {
    EXPECT_EQ(errors_for("conninfo = 'postgresql://repmgr@node1:5432/repmgr'"), Strings{});
}

TEST(ConfigPostChecks, StandbyStartupTimeoutDefaultsToReconnectTimeout) {
    EXPECT_EQ(parse(kRequired).config.repmgrd_standby_startup_timeout, Seconds{60});
    EXPECT_EQ(
        parse(kRequired + "standby_reconnect_timeout = 90").config.repmgrd_standby_startup_timeout,
        Seconds{90});
    EXPECT_EQ(parse(kRequired + "repmgrd_standby_startup_timeout = 0")
                  .config.repmgrd_standby_startup_timeout,
              Seconds{0});
}

TEST(ConfigPostChecks, BarmanHostAndServerGoTogether) {
    const Strings pair_errors{
        "use \"barman_host\" for the hostname of the Barman server",
        "use \"barman_server\" for the name of the [server] section in the Barman configuration "
        "file"};
    EXPECT_EQ(errors_for("barman_host = backup1"), pair_errors);
    EXPECT_EQ(errors_for("barman_server = pg"), pair_errors);
    EXPECT_EQ(errors_for("barman_host = backup1\nbarman_server = pg"), Strings{});
}

TEST(ConfigPostChecks, ArchiveReadyThresholds) {
    const Strings error{
        "\"archive_ready_critical\" must be greater than  \"archive_ready_warning\""};
    EXPECT_EQ(errors_for("archive_ready_warning = 128"), error);
    EXPECT_EQ(errors_for("archive_ready_warning = 200"), error);
    EXPECT_EQ(errors_for("archive_ready_critical = 16"), error);
    EXPECT_EQ(errors_for("archive_ready_warning = 127"), Strings{});
}

TEST(ConfigPostChecks, ReplicationLagThresholds) {
    const Strings error{
        "\"replication_lag_critical\" must be greater than  \"replication_lag_warning\""};
    EXPECT_EQ(errors_for("replication_lag_warning = 600"), error);
    EXPECT_EQ(errors_for("replication_lag_critical = 100"), error);
    EXPECT_EQ(errors_for("replication_lag_warning = 599"), Strings{});
}

TEST(ConfigPostChecks, StandbyReconnectVersusRejoinTimeout) {
    const Strings error{
        "\"standby_reconnect_timeout\" must be equal to or greater than \"node_rejoin_timeout\""};
    EXPECT_EQ(errors_for("node_rejoin_timeout = 61"), error);
    EXPECT_EQ(errors_for("standby_reconnect_timeout = 59"), error);
    EXPECT_EQ(errors_for("standby_reconnect_timeout = 60\nnode_rejoin_timeout = 60"), Strings{});
}

TEST(ConfigPostChecks, AllChecksInRepmgrOrder) {
    EXPECT_EQ(parse("conninfo='x'\nbarman_host=b\narchive_ready_warning=500\n"
                    "replication_lag_critical=1\nnode_rejoin_timeout=100\npriority=-5\n")
                  .errors,
              (Strings{
                  "\"priority\": must be 0 or greater (provided: \"-5\")",
                  "\"node_id\": required parameter was not found",
                  "\"node_name\": required parameter was not found",
                  "\"data_directory\": required parameter was not found",
                  "\"conninfo\": missing \"=\" after \"x\" in connection info string\n"
                  "\t(provided: \"x\")",
                  "use \"barman_host\" for the hostname of the Barman server",
                  "use \"barman_server\" for the name of the [server] section in the Barman "
                  "configuration file",
                  "\"archive_ready_critical\" must be greater than  \"archive_ready_warning\"",
                  "\"replication_lag_critical\" must be greater than  \"replication_lag_warning\"",
                  "\"standby_reconnect_timeout\" must be equal to or greater than "
                  "\"node_rejoin_timeout\"",
              }));
}

TEST(ConfigPostChecks, CheckParsedConfigDirectly) {
    Config config;
    config.node_id = 3;
    config.node_name = "n3";
    config.data_directory = "/d";
    config.conninfo = "host=n3";
    std::vector<std::string> errors;
    check_parsed_config(config, errors);
    EXPECT_EQ(errors, Strings{});
    EXPECT_EQ(config.repmgrd_standby_startup_timeout, Seconds{60});
}

TEST(ConfigReloadChecks, AutomaticFailoverNeedsCommands) {
    Config current;
    Config reloaded;
    reloaded.failover = FailoverMode::kAutomatic;
    EXPECT_EQ(check_reloaded_config(current, reloaded, true),
              (Strings{"\"promote_command\": required parameter was not found",
                       "\"follow_command\": required parameter was not found"}));
    EXPECT_EQ(check_reloaded_config(current, reloaded, false), Strings{});  // witness
    reloaded.promote_command = "repmgr standby promote";
    EXPECT_EQ(check_reloaded_config(current, reloaded, true),
              Strings{"\"follow_command\": required parameter was not found"});
    reloaded.follow_command = "repmgr standby follow --upstream-node-id=%n";
    EXPECT_EQ(check_reloaded_config(current, reloaded, true), Strings{});
    reloaded.failover = FailoverMode::kManual;
    reloaded.promote_command.clear();
    EXPECT_EQ(check_reloaded_config(current, reloaded, true), Strings{});
}

TEST(ConfigReloadChecks, NodeIdentityCannotChange) {
    Config current;
    current.node_id = 2;
    current.node_name = "node2";
    Config reloaded = current;
    EXPECT_EQ(check_reloaded_config(current, reloaded, true), Strings{});
    reloaded.node_id = 5;
    reloaded.node_name = "other";
    EXPECT_EQ(check_reloaded_config(current, reloaded, true),
              (Strings{"\"node_id\" cannot be changed, retaining current configuration 5 2",
                       "\"node_name\" cannot be changed, keeping current configuration"}));
}

}  // namespace
}  // namespace repmgr::config
