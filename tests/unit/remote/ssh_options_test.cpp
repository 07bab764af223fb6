// ssh_options as the libssh2 executor reads it: which options are honoured, how values are
// taken (first wins, identity files accumulate) and what produces a warning.
#include "repmgr/remote/ssh_options.hpp"

#include <gtest/gtest.h>

#include "repmgr/config/config.hpp"

namespace repmgr::remote {
namespace {

using std::chrono::seconds;
using Strings = std::vector<std::string>;

const LocalAccount kAccount{"alice", "/home/alice"};

TEST(SshOptionsTest, SplitsLikeTheShell) {
    EXPECT_EQ(split_shell_words("  -q   -o ConnectTimeout=10 "),
              (Strings{"-q", "-o", "ConnectTimeout=10"}));
    EXPECT_EQ(split_shell_words("-i '/a b/key' -o \"User x\" c\\ d"),
              (Strings{"-i", "/a b/key", "-o", "User x", "c d"}));
    EXPECT_EQ(split_shell_words("'it'\"'\"'s' \"a\\\"b\\$\\x\""), (Strings{"it's", "a\"b$\\x"}));
    EXPECT_EQ(split_shell_words("''"), (Strings{""}));
    std::vector<std::string> warnings;
    EXPECT_EQ(split_shell_words("-i 'open", &warnings), (Strings{"-i", "open"}));
    ASSERT_EQ(warnings.size(), 1U);
    EXPECT_EQ(warnings[0], "ssh_options: unterminated single quote");
}

TEST(SshOptionsTest, RepmgrDefaultIsQuietWithTenSecondConnectTimeout) {
    const SshOptions o = parse_ssh_options(config::Config{}.ssh_options);
    EXPECT_TRUE(o.quiet);
    EXPECT_EQ(o.connect_timeout, seconds(10));
    EXPECT_TRUE(o.warnings.empty());
}

TEST(SshOptionsTest, HonoursPortUserIdentityAndTheirConfigForms) {
    const SshOptions o = parse_ssh_options(
        "-p 2222 -l postgres -i ~/.ssh/a -o IdentityFile=/k/b -iC -o 'IdentityFile /k/c'");
    EXPECT_EQ(o.port, 2222);
    EXPECT_EQ(o.user, "postgres");
    EXPECT_EQ(o.identity_files, (Strings{"~/.ssh/a", "/k/b", "C", "/k/c"}));
    EXPECT_TRUE(o.warnings.empty()) << o.warnings.front();

    const SshOptions forms = parse_ssh_options("-oPort=23 -o User=bob -p2 -o 'User = carol'");
    EXPECT_EQ(forms.port, 23) << "the first value wins, as in ssh";
    EXPECT_EQ(forms.user, "bob");
    EXPECT_TRUE(forms.warnings.empty()) << forms.warnings.front();
    EXPECT_EQ(parse_ssh_options("-o 'User = carol'").user, "carol");
}

TEST(SshOptionsTest, BundledFlagsTakeTheirValueFromTheRestOrTheNextWord) {
    const SshOptions o = parse_ssh_options("-qTp 2200 -4");
    EXPECT_TRUE(o.quiet);
    EXPECT_EQ(o.port, 2200);
    EXPECT_EQ(o.address_family, AddressFamily::kInet);
    EXPECT_TRUE(o.warnings.empty());
    EXPECT_EQ(parse_ssh_options("-qp2201").port, 2201);
    EXPECT_EQ(parse_ssh_options("-qC").compression, true);
}

TEST(SshOptionsTest, HostKeyCheckingOptions) {
    EXPECT_EQ(parse_ssh_options("-o StrictHostKeyChecking=no").strict_host_key_checking,
              StrictHostKeyChecking::kNo);
    EXPECT_EQ(parse_ssh_options("-o stricthostkeychecking=OFF").strict_host_key_checking,
              StrictHostKeyChecking::kNo);
    EXPECT_EQ(parse_ssh_options("-o StrictHostKeyChecking=accept-new").strict_host_key_checking,
              StrictHostKeyChecking::kAcceptNew);
    EXPECT_EQ(parse_ssh_options("-o StrictHostKeyChecking=ask").strict_host_key_checking,
              StrictHostKeyChecking::kYes);
    const SshOptions bad = parse_ssh_options("-o StrictHostKeyChecking=maybe");
    EXPECT_FALSE(bad.strict_host_key_checking.has_value());
    ASSERT_EQ(bad.warnings.size(), 1U);
    EXPECT_NE(bad.warnings[0].find("\"-o StrictHostKeyChecking=maybe\" is ignored"),
              std::string::npos);

    const SshOptions files =
        parse_ssh_options("-o 'UserKnownHostsFile=/a/kh ~/kh2' -o GlobalKnownHostsFile=none");
    EXPECT_EQ(files.user_known_hosts_files, (Strings{"/a/kh", "~/kh2"}));
    EXPECT_EQ(files.global_known_hosts_files, Strings{});
    EXPECT_EQ(parse_ssh_options("-o UserKnownHostsFile=/dev/null").user_known_hosts_files,
              Strings{"/dev/null"});
}

TEST(SshOptionsTest, AcceptedWithoutEffect) {
    const SshOptions o = parse_ssh_options(
        "-o BatchMode=yes -o BatchMode=no -o IdentitiesOnly=yes -o LogLevel=ERROR -T -n -a -x -k");
    EXPECT_TRUE(o.warnings.empty()) << o.warnings.front();
    EXPECT_TRUE(o.quiet) << "LogLevel=ERROR is as quiet as -q";
}

TEST(SshOptionsTest, ConnectTimeoutUsesSshTimeFormat) {
    EXPECT_EQ(parse_ssh_options("-o ConnectTimeout=5").connect_timeout, seconds(5));
    EXPECT_EQ(parse_ssh_options("-o ConnectTimeout=1m30s").connect_timeout, seconds(90));
    EXPECT_EQ(parse_ssh_options("-o ConnectTimeout=0").connect_timeout, seconds(0));
    EXPECT_EQ(parse_ssh_time("2H"), seconds(7200));
    EXPECT_FALSE(parse_ssh_time(""));
    EXPECT_FALSE(parse_ssh_time("ten"));
    EXPECT_FALSE(parse_ssh_time("5x"));
    EXPECT_FALSE(parse_ssh_time("-5"));
    const SshOptions bad = parse_ssh_options("-o ConnectTimeout=soon");
    EXPECT_FALSE(bad.connect_timeout.has_value());
    EXPECT_EQ(bad.warnings.size(), 1U);
}

TEST(SshOptionsTest, EverythingElseIsWarnedAboutByName) {
    const SshOptions o = parse_ssh_options(
        "-v -F /etc/other_config -J jump -o ProxyCommand=nc -o ServerAliveInterval=5 -Z stray "
        "-p 99999 -o Port");
    EXPECT_EQ(o.warnings,
              (Strings{
                  "ssh option \"-v\" is not supported by this implementation and is ignored",
                  "ssh option \"-F /etc/other_config\" is not supported by this implementation "
                  "and is ignored",
                  "ssh option \"-J jump\" is not supported by this implementation and is ignored",
                  "ssh option \"-o ProxyCommand=nc\" is not supported by this implementation and "
                  "is ignored",
                  "ssh option \"-o ServerAliveInterval=5\" is not supported by this "
                  "implementation and is ignored",
                  "ssh option \"-Z\" is ignored: not an option of ssh",
                  "ssh option \"stray\" is not supported by this implementation and is ignored",
                  "ssh option \"-p 99999\" is ignored: not a valid port number",
                  "ssh option \"-o Port\" is ignored: missing value",
              }));
    EXPECT_FALSE(o.port.has_value());
    const SshOptions dangling = parse_ssh_options("-q -i");
    EXPECT_EQ(dangling.warnings, Strings{"ssh option \"-i\" is ignored: missing value"});
}

TEST(SshOptionsTest, ResolveAppliesDefaults) {
    const SshSettings s = resolve_ssh_settings(parse_ssh_options(""), "", kAccount);
    EXPECT_EQ(s.port, 22);
    EXPECT_EQ(s.user, "alice");
    EXPECT_EQ(s.identity_files, (Strings{"/home/alice/.ssh/id_ed25519", "/home/alice/.ssh/id_ecdsa",
                                         "/home/alice/.ssh/id_rsa"}));
    EXPECT_EQ(s.connect_timeout, std::chrono::milliseconds(10000));
    EXPECT_EQ(s.strict_host_key_checking, StrictHostKeyChecking::kYes);
    EXPECT_EQ(s.user_known_hosts_files,
              (Strings{"/home/alice/.ssh/known_hosts", "/home/alice/.ssh/known_hosts2"}));
    EXPECT_EQ(s.global_known_hosts_files,
              (Strings{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"}));
    EXPECT_EQ(s.address_family, AddressFamily::kAny);
    EXPECT_FALSE(s.compression);
    EXPECT_FALSE(s.quiet);
}

TEST(SshOptionsTest, ResolveUserOrderIsOptionsThenRemoteUserThenLocalUser) {
    EXPECT_EQ(resolve_ssh_settings(parse_ssh_options("-l bob"), "carol", kAccount).user, "bob");
    EXPECT_EQ(resolve_ssh_settings(parse_ssh_options("-o User=bob"), "carol", kAccount).user,
              "bob");
    EXPECT_EQ(resolve_ssh_settings(parse_ssh_options("-q"), "carol", kAccount).user, "carol");
    EXPECT_EQ(resolve_ssh_settings(parse_ssh_options("-q"), "", kAccount).user, "alice");
}

TEST(SshOptionsTest, ResolveExpandsTildeAndHonoursExplicitChoices) {
    const SshSettings s = resolve_ssh_settings(
        parse_ssh_options("-p 2022 -i ~/k1 -i /abs/k2 -i rel/k3 -o ConnectTimeout=0 "
                          "-o UserKnownHostsFile=~/kh -o GlobalKnownHostsFile=none -6 -C "
                          "-o StrictHostKeyChecking=accept-new -q"),
        "", kAccount);
    EXPECT_EQ(s.port, 2022);
    EXPECT_EQ(s.identity_files, (Strings{"/home/alice/k1", "/abs/k2", "rel/k3"}))
        << "-i replaces the default keys";
    EXPECT_FALSE(s.connect_timeout.has_value()) << "ConnectTimeout=0 means no separate limit";
    EXPECT_EQ(s.user_known_hosts_files, Strings{"/home/alice/kh"});
    EXPECT_EQ(s.global_known_hosts_files, Strings{});
    EXPECT_EQ(s.address_family, AddressFamily::kInet6);
    EXPECT_TRUE(s.compression);
    EXPECT_EQ(s.strict_host_key_checking, StrictHostKeyChecking::kAcceptNew);
    EXPECT_TRUE(s.quiet);
}

}  // namespace
}  // namespace repmgr::remote
