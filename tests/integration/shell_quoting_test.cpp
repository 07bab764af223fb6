// Quoting of data that reaches /bin/sh, proved by running a real shell.
#include <gtest/gtest.h>

#include "repmgr/common/process.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/metadata/events.hpp"

namespace repmgr {
namespace {

// A quoted value must reach the program unchanged through /bin/sh: this is what makes
// every command we build from data safe.
TEST(ShellQuotingTest, QuotedArgumentRoundTripsThroughSh) {
    const std::string nasty = "it's \"quoted\"; $(echo pwned) `id` \\ & | > <";
    CommandResult r = run_argv({"/bin/sh", "-c", "printf '%s' " + shell_quote(nasty)});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.out, nasty);
}

metadata::Event sample_event() {
    metadata::Event e;
    e.node_id = 2;
    e.event = "standby_clone";
    return e;
}

// Node names and details come from users; inside "..." they must not run anything.
TEST(ShellQuotingTest, EventPlaceholdersCannotInjectShellCode) {
    metadata::Event e = sample_event();
    e.details = "x\"; echo INJECTED; \" $(echo INJECTED) `echo INJECTED` \\";
    e.other.node_name = "n\"$(echo INJECTED)";
    std::string cmd = metadata::expand_event_command("printf '%%s|%%s' \"%d\" \"%a\"", e, "t");
    CommandResult r = run_shell(cmd);
    ASSERT_TRUE(r.ok()) << r.err;
    EXPECT_EQ(r.out, std::string(*e.details) + "|" + e.other.node_name);
}

}  // namespace
}  // namespace repmgr
