#include <gtest/gtest.h>

#include "repmgr/metadata/events.hpp"

namespace repmgr::metadata {
namespace {

Event sample() {
    Event e;
    e.node_id = 2;
    e.event = "standby_clone";
    e.successful = true;
    e.details = "cloned from host \"127.0.0.1\", port 5501; backup method: pg_basebackup; --force: N";
    return e;
}

TEST(EventCommandTest, ExpandsEveryPlaceholder) {
    Event e = sample();
    e.other = {7, "host=x port=1", "node7"};
    std::string out = expand_event_command("/bin/log %n %e %s \"%t\" \"%d\" %p \"%c\" \"%a\" %% %x %",
                                           e, "2026-11-27 12:11:44.916615+00");
    EXPECT_EQ(out,
              "/bin/log 2 standby_clone 1 \"2026-11-27 12:11:44.916615+00\" \"cloned from host "
              "\\\"127.0.0.1\\\", port 5501; backup method: pg_basebackup; --force: N\" 7 "
              "\"host=x port=1\" \"node7\" % %x %");
}

TEST(EventCommandTest, EmptyPlaceholdersForMissingValues) {
    Event e = sample();
    e.successful = false;
    e.details.reset();
    EXPECT_EQ(expand_event_command("[%s][%d][%p][%c][%a]", e, "t"), "[0][][][][]");
}

TEST(EventCommandTest, OutputIsLimitedLikeRepmgr) {
    Event e = sample();
    e.details = std::string(5000, 'x');
    EXPECT_EQ(expand_event_command("%d", e, "t").size(), 1023u);
}

}  // namespace
}  // namespace repmgr::metadata
