#include <gtest/gtest.h>

#include "cli/app.hpp"
#include "cli/checks.hpp"

namespace repmgr::cli {
namespace {

ParsedCommandLine parse(std::vector<std::string> args) {
    args.insert(args.begin(), "repmgr");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    CliContext ctx;
    return parse_command_line(static_cast<int>(args.size()), argv.data(), ctx);
}

TEST(CliParseTest, OptionsBeforeAndAfterTheVerb) {
    auto p = parse({"-f", "/etc/r.conf", "cluster", "show", "--csv", "-v"});
    EXPECT_EQ(p.action, Action::kClusterShow);
    EXPECT_EQ(p.options.config_file, "/etc/r.conf");
    EXPECT_TRUE(p.options.csv);
    EXPECT_TRUE(p.options.verbose);
    EXPECT_TRUE(p.errors.empty());
    EXPECT_TRUE(p.getopt_errors.empty());
}

TEST(CliParseTest, MasterAliasAndCaseInsensitiveWords) {
    EXPECT_EQ(parse({"master", "register"}).action, Action::kPrimaryRegister);
    EXPECT_EQ(parse({"PRIMARY", "Register"}).action, Action::kPrimaryRegister);
    EXPECT_EQ(parse({"cluster", "events"}).action, Action::kClusterEvent);
    EXPECT_EQ(parse({"primary", "check"}).action, Action::kNodeCheck);
    EXPECT_EQ(parse({"standby", "status"}).action, Action::kNodeStatus);
}

TEST(CliParseTest, CommandWordErrors) {
    EXPECT_EQ(parse({}).errors, std::vector<std::string>{"no repmgr command provided"});
    EXPECT_EQ(parse({"foo"}).errors, std::vector<std::string>{"unknown repmgr command 'foo'"});
    EXPECT_EQ(parse({"foo", "bar"}).errors, std::vector<std::string>{"unknown repmgr action 'foo bar'"});
    EXPECT_EQ(parse({"cluster"}).errors,
              std::vector<std::string>{"no action provided for command 'cluster'"});
    auto p = parse({"cluster", "foo"});
    EXPECT_EQ(p.errors, std::vector<std::string>{"unknown repmgr action 'cluster foo'"});
    EXPECT_TRUE(p.command_valid);
    EXPECT_EQ(parse({"cluster", "show", "extra"}).errors,
              std::vector<std::string>{"too many command-line arguments (first extra is \"extra\")"});
    // standby clone takes the source host as one extra argument
    auto clone = parse({"standby", "clone", "db1"});
    EXPECT_TRUE(clone.errors.empty());
    EXPECT_EQ(clone.positional, std::vector<std::string>{"db1"});
}

TEST(CliParseTest, GetoptStyleErrors) {
    auto p = parse({"--bogus", "cluster", "show"});
    EXPECT_EQ(p.getopt_errors, std::vector<std::string>{"repmgr: unrecognized option '--bogus'"});
    EXPECT_EQ(parse({"cluster", "show", "-f"}).getopt_errors,
              std::vector<std::string>{"repmgr: option requires an argument -- 'f'"});
    EXPECT_EQ(parse({"cluster", "show", "--config-file"}).getopt_errors,
              std::vector<std::string>{"repmgr: option '--config-file' requires an argument"});
}

TEST(CliParseTest, OptionalValuesOnlyWithEquals) {
    auto p = parse({"node", "rejoin", "--force-rewind", "-d", "host=x"});
    EXPECT_TRUE(p.options.force_rewind);
    EXPECT_FALSE(p.options.force_rewind_path);
    EXPECT_EQ(p.options.dbname, "host=x");
    auto q = parse({"--force-rewind=/usr/bin/pg_rewind", "node", "rejoin"});
    EXPECT_EQ(q.options.force_rewind_path, "/usr/bin/pg_rewind");
    EXPECT_EQ(q.action, Action::kNodeRejoin);
    auto w = parse({"standby", "follow", "--wait"});
    EXPECT_TRUE(w.options.wait);
    EXPECT_TRUE(parse({"-?"}).options.help);
}

TEST(CliParseTest, EmptyAttachedValueIsAValue) {
    auto p = parse({"node", "service", "--action=", "--list-actions"});
    EXPECT_TRUE(p.getopt_errors.empty());
    EXPECT_EQ(p.options.action, "");
    EXPECT_TRUE(p.options.list_actions);
}

TEST(CliParseTest, ValueValidation) {
    auto p = parse({"cluster", "event", "--limit=0", "--node-id=x", "-p", "0", "-L", "LOUD"});
    std::vector<std::string> warnings;
    auto errors = validate_option_values(p, warnings);
    EXPECT_EQ(errors, (std::vector<std::string>{
                          "\"-p/--port\": must be 1 or greater (provided: \"0\")",
                          "\"--node-id\": invalid value (provided: \"x\")",
                          "\"--limit\": must be 1 or greater (provided: \"0\")",
                          "invalid log level \"LOUD\" provided"}));
    auto n = parse({"cluster", "event", "--node-name", std::string(64, 'n')});
    EXPECT_EQ(validate_option_values(n, warnings),
              std::vector<std::string>{"value for \"--node-name\" must contain fewer than 64 characters"});
}

TEST(CliParseTest, DbnameConninfoOverridesHostPortUser) {
    auto p = parse({"cluster", "show", "-h", "a", "-d", "host=b port=6000 user=u dbname=repmgr"});
    std::vector<std::string> warnings;
    EXPECT_TRUE(validate_option_values(p, warnings).empty());
    EXPECT_EQ(p.options.host, "b");
    EXPECT_EQ(p.options.port, "6000");
    EXPECT_EQ(p.options.username, "u");
    auto bad = parse({"cluster", "show", "-d", "host=b bogus=1"});
    auto errors = validate_option_values(bad, warnings);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].rfind("error parsing conninfo:\n", 0), 0u);
}

TEST(CliApplicabilityTest, WarningsAndDiscardedValues) {
    config::Config cfg;
    auto p = parse({"cluster", "show", "--node-id=3", "--dry-run", "--siblings-follow", "-W"});
    auto r = check_cli_parameters(p, cfg);
    EXPECT_EQ(r.warnings, (std::vector<std::string>{
                              "--node-id not required when executing CLUSTER SHOW",
                              "--no-wait will be ignored when executing CLUSTER SHOW",
                              "--dry-run is not effective when executing CLUSTER SHOW",
                              "----siblings-follow is not effective when executing CLUSTER SHOW"}));
    EXPECT_FALSE(p.options.node_id);
    EXPECT_TRUE(r.errors.empty());
}

TEST(CliApplicabilityTest, Errors) {
    config::Config cfg;
    auto p = parse({"node", "check", "--csv", "--nagios", "-w", "-W"});
    auto r = check_cli_parameters(p, cfg);
    EXPECT_EQ(r.errors, (std::vector<std::string>{"both --wait and --no-wait options provided",
                                                  "only one of --csv, --nagios and --optformat can be used"}));
    auto rejoin = parse({"node", "rejoin"});
    EXPECT_EQ(check_cli_parameters(rejoin, cfg).errors,
              std::vector<std::string>{"database connection parameters for an available node must be "
                                       "provided when executing NODE REJOIN"});
}

TEST(CliApplicabilityTest, ConfigRequirement) {
    config::Config cfg;
    auto with_params = parse({"cluster", "show", "-h", "db1"});
    EXPECT_FALSE(check_cli_parameters(with_params, cfg).config_required);
    auto without = parse({"cluster", "show"});
    EXPECT_TRUE(check_cli_parameters(without, cfg).config_required);
    auto passfile = parse({"node", "check", "--has-passfile"});
    EXPECT_FALSE(check_cli_parameters(passfile, cfg).config_required);
    auto event = parse({"cluster", "event", "--all", "--limit=3", "--node-id=1", "--node-name=x"});
    auto r = check_cli_parameters(event, cfg);
    EXPECT_EQ(r.warnings, (std::vector<std::string>{"--node-id provided, ignoring --node-name",
                                                    "--limit provided, ignoring --all"}));
}

}  // namespace
}  // namespace repmgr::cli
