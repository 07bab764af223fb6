#include "repmgr/common/error.hpp"

#include <gtest/gtest.h>

namespace repmgr {
namespace {

// The numeric exit codes are a public contract with scripts written for repmgr 5.3.
TEST(ExitCodeTest, ValuesMatchRepmgr53) {
    EXPECT_EQ(to_int(ExitCode::kSuccess), 0);
    EXPECT_EQ(to_int(ExitCode::kBadConfig), 1);
    EXPECT_EQ(to_int(ExitCode::kBadRsync), 2);
    EXPECT_EQ(to_int(ExitCode::kBadPidfile), 3);
    EXPECT_EQ(to_int(ExitCode::kNoRestart), 4);
    EXPECT_EQ(to_int(ExitCode::kLocalCommand), 5);
    EXPECT_EQ(to_int(ExitCode::kDbConn), 6);
    EXPECT_EQ(to_int(ExitCode::kDbQuery), 7);
    EXPECT_EQ(to_int(ExitCode::kPromotionFail), 8);
    EXPECT_EQ(to_int(ExitCode::kMonitoringTimeout), 9);
    EXPECT_EQ(to_int(ExitCode::kStrOverflow), 10);
    EXPECT_EQ(to_int(ExitCode::kFailoverFail), 11);
    EXPECT_EQ(to_int(ExitCode::kBadSsh), 12);
    EXPECT_EQ(to_int(ExitCode::kSysFailure), 13);
    EXPECT_EQ(to_int(ExitCode::kBadBasebackup), 14);
    EXPECT_EQ(to_int(ExitCode::kInternal), 15);
    EXPECT_EQ(to_int(ExitCode::kMonitoringFail), 16);
    EXPECT_EQ(to_int(ExitCode::kBadBackupLabel), 17);
    EXPECT_EQ(to_int(ExitCode::kSwitchoverFail), 18);
    EXPECT_EQ(to_int(ExitCode::kBarman), 19);
    EXPECT_EQ(to_int(ExitCode::kRegistrationSync), 20);
    EXPECT_EQ(to_int(ExitCode::kOutOfMemory), 21);
    EXPECT_EQ(to_int(ExitCode::kSwitchoverIncomplete), 22);
    EXPECT_EQ(to_int(ExitCode::kFollowFail), 23);
    EXPECT_EQ(to_int(ExitCode::kRejoinFail), 24);
    EXPECT_EQ(to_int(ExitCode::kNodeStatus), 25);
    EXPECT_EQ(to_int(ExitCode::kRepmgrdPause), 26);
    EXPECT_EQ(to_int(ExitCode::kRepmgrdService), 27);
    EXPECT_EQ(to_int(ExitCode::kPgBackupApiService), 28);
}

TEST(ErrorTest, CarriesCodeAndNotesInOrder) {
    Error e(ExitCode::kDbConn, "connection to database failed");
    e.hint("h1").detail("d1");
    EXPECT_EQ(e.code(), ExitCode::kDbConn);
    EXPECT_STREQ(e.what(), "connection to database failed");
    ASSERT_EQ(e.notes().size(), 2u);
    EXPECT_EQ(e.notes()[0].kind, ErrorNote::Kind::kHint);
    EXPECT_EQ(e.notes()[1].text, "d1");
}

}  // namespace
}  // namespace repmgr
