// The replication configuration standby clone / follow / rejoin write (config.md §8).
#include "repmgr/pg/recovery_config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "repmgr/db/conninfo.hpp"

namespace repmgr::pg {
namespace {

db::ConnInfo params(std::initializer_list<std::pair<const char*, const char*>> kv) {
    db::ConnInfo info;
    for (const auto& [k, v] : kv) info.set(k, v);
    return info;
}

// Sets or clears PGPASSWORD for one test and restores it afterwards.
class ScopedPgPassword {
public:
    explicit ScopedPgPassword(const char* value) {
        if (const char* old = std::getenv("PGPASSWORD")) old_ = old;
        if (value) {
            ::setenv("PGPASSWORD", value, 1);
        } else {
            ::unsetenv("PGPASSWORD");
        }
    }
    ~ScopedPgPassword() {
        if (old_) {
            ::setenv("PGPASSWORD", old_->c_str(), 1);
        } else {
            ::unsetenv("PGPASSWORD");
        }
    }

private:
    std::optional<std::string> old_;
};

TEST(PrimaryConninfoTest, KeepsOrderSkipsDbnameReplicationAndEmptyValues) {
    ScopedPgPassword pw(nullptr);
    config::Config cfg;
    auto p = params({{"host", "node1"}, {"dbname", "repmgr"}, {"port", "5432"},
                     {"replication", "1"}, {"sslmode", ""}, {"user", "repmgr"},
                     {"application_name", "node2"}});
    EXPECT_EQ(format_primary_conninfo(p, "fallback", cfg),
              "host=node1 port=5432 user=repmgr application_name=node2");
}

TEST(PrimaryConninfoTest, QuotesValuesWithOtherThanWordCharacters) {
    ScopedPgPassword pw(nullptr);
    config::Config cfg;
    auto p = params({{"host", "db-1.example.com"}, {"password", "it's a \\secret"},
                     {"options", "-csearch_path="}, {"user", "rep_user.x"}});
    EXPECT_EQ(format_primary_conninfo(p, "node2", cfg),
              "host='db-1.example.com' password='it\\'s a \\\\secret' "
              "options='-csearch_path=' user=rep_user.x application_name=node2");
}

TEST(PrimaryConninfoTest, AppendsFallbackApplicationNameOnlyWhenAbsent) {
    ScopedPgPassword pw(nullptr);
    config::Config cfg;
    EXPECT_EQ(format_primary_conninfo(params({{"host", "h"}}), "repmgr", cfg),
              "host=h application_name=repmgr");
    EXPECT_EQ(format_primary_conninfo(params({{"application_name", "x"}, {"host", "h"}}), "repmgr", cfg),
              "application_name=x host=h");
    EXPECT_EQ(format_primary_conninfo(params({{"host", "h"}}), "my node", cfg),
              "host=h application_name='my node'");
}

TEST(PrimaryConninfoTest, PasswordFromEnvironmentOnlyWhenConfiguredAndAbsent) {
    ScopedPgPassword pw("s3cr'et");
    config::Config cfg;
    EXPECT_EQ(format_primary_conninfo(params({{"host", "h"}}), "n", cfg), "host=h application_name=n");
    cfg.use_primary_conninfo_password = true;
    EXPECT_EQ(format_primary_conninfo(params({{"host", "h"}}), "n", cfg),
              "host=h application_name=n password='s3cr\\'et'");
    EXPECT_EQ(format_primary_conninfo(params({{"host", "h"}, {"password", "given"}}), "n", cfg),
              "host=h password=given application_name=n");
}

TEST(PrimaryConninfoTest, EmptyPgPasswordAddsNothing) {
    ScopedPgPassword pw("");
    config::Config cfg;
    cfg.use_primary_conninfo_password = true;
    EXPECT_EQ(format_primary_conninfo(params({{"host", "h"}}), "n", cfg), "host=h application_name=n");
}

TEST(PrimaryConninfoTest, PassfileFromConfigComesLast) {
    ScopedPgPassword pw("pw");
    config::Config cfg;
    cfg.use_primary_conninfo_password = true;
    cfg.passfile = "/var/lib/postgresql/.pgpass";
    EXPECT_EQ(format_primary_conninfo(params({{"host", "h"}}), "n", cfg),
              "host=h application_name=n password=pw passfile='/var/lib/postgresql/.pgpass'");
}

TEST(FollowConninfoTest, DropsApplicationNamePassfileServicefileAndSetsUser) {
    db::ConnInfo p = follow_conninfo_params(
        "host=node1 port=5432 user=repmgr dbname=repmgr application_name=old passfile=/x "
        "connect_timeout=5",
        "node2", "repl");
    // libpq's keyword order, user replaced in place, application_name appended.
    EXPECT_EQ(p.to_display_string(),
              "user=repl connect_timeout=5 dbname=repmgr host=node1 port=5432 application_name=node2");
    config::Config cfg;
    EXPECT_EQ(format_primary_conninfo(p, "node2", cfg),
              "user=repl connect_timeout=5 host=node1 port=5432 application_name=node2");
}

TEST(FollowConninfoTest, EmptyReplicationUserKeepsConninfoUser) {
    db::ConnInfo p = follow_conninfo_params("host=node1 user=repmgr", "node2", "");
    EXPECT_EQ(p.get("user"), "repmgr");
}

TEST(ReplicationItemsTest, Pg12AndLaterInRepmgrsOrder) {
    config::Config cfg;
    cfg.restore_command = "cp /arch/%f %p";
    cfg.archive_cleanup_command = "pg_archivecleanup /arch %r";
    ConfigItems items = replication_config_items(cfg, "host=a", "repmgr_slot_2", "5min", 150000);
    ConfigItems expected{{"primary_conninfo", "host=a"},
                         {"recovery_min_apply_delay", "5min"},
                         {"primary_slot_name", "repmgr_slot_2"},
                         {"restore_command", "cp /arch/%f %p"},
                         {"archive_cleanup_command", "pg_archivecleanup /arch %r"}};
    EXPECT_EQ(items, expected);
}

TEST(ReplicationItemsTest, BeforePg12AddsStandbyModeAndTimeline) {
    config::Config cfg;
    ConfigItems items = replication_config_items(cfg, "host=a", "", "", 110000);
    ConfigItems expected{{"standby_mode", "on"},
                         {"primary_conninfo", "host=a"},
                         {"recovery_target_timeline", "latest"}};
    EXPECT_EQ(items, expected);
}

TEST(MergeAutoConfTest, EmptyFileGetsHeaderAndItems) {
    EXPECT_EQ(merge_auto_conf("", {{"primary_conninfo", "host=a application_name=n"}}),
              "# Do not edit this file manually!\n"
              "# It will be overwritten by the ALTER SYSTEM command.\n"
              "primary_conninfo = 'host=a application_name=n'\n");
}

TEST(MergeAutoConfTest, KeepsOtherLinesInOrderAndMovesReplacedKeysToTheEnd) {
    const std::string existing =
        "# Do not edit this file manually!\n"
        "# It will be overwritten by the ALTER SYSTEM command.\n"
        "work_mem = '8MB'\n"
        "primary_conninfo = 'host=old'\n"
        "max_connections = 50\n"
        "primary_slot_name='old_slot'\n"
        "shared_buffers = '128MB'\n";
    EXPECT_EQ(merge_auto_conf(existing, {{"primary_conninfo", "host=new"},
                                         {"primary_slot_name", "repmgr_slot_2"}}),
              "# Do not edit this file manually!\n"
              "# It will be overwritten by the ALTER SYSTEM command.\n"
              "work_mem = '8MB'\n"
              "max_connections = '50'\n"
              "shared_buffers = '128MB'\n"
              "primary_conninfo = 'host=new'\n"
              "primary_slot_name = 'repmgr_slot_2'\n");
}

TEST(MergeAutoConfTest, QuotesAndBackslashesSurviveARoundTrip) {
    const std::string first = merge_auto_conf("", {{"restore_command", "cp '/a b'/%f \\x %p"}});
    EXPECT_EQ(first,
              "# Do not edit this file manually!\n"
              "# It will be overwritten by the ALTER SYSTEM command.\n"
              "restore_command = 'cp ''/a b''/%f \\\\x %p'\n");
    // Merging something else keeps the value exactly.
    EXPECT_EQ(merge_auto_conf(first, {{"primary_conninfo", "host=a"}}),
              "# Do not edit this file manually!\n"
              "# It will be overwritten by the ALTER SYSTEM command.\n"
              "restore_command = 'cp ''/a b''/%f \\\\x %p'\n"
              "primary_conninfo = 'host=a'\n");
}

TEST(MergeAutoConfTest, DuplicateKeysAndCommentsAreDropped) {
    const std::string existing =
        "primary_conninfo = 'a'   # trailing comment\n"
        "\n"
        "# a comment line\n"
        "primary_conninfo = 'b'\n"
        "work_mem = 4MB\n";
    EXPECT_EQ(merge_auto_conf(existing, {{"primary_conninfo", "c"}}),
              "# Do not edit this file manually!\n"
              "# It will be overwritten by the ALTER SYSTEM command.\n"
              "work_mem = '4MB'\n"
              "primary_conninfo = 'c'\n");
}

TEST(MergeAutoConfTest, NoTrailingNewlineAndNoEqualsSign) {
    EXPECT_EQ(merge_auto_conf("work_mem '4MB'\nmax_connections=5", {}),
              "# Do not edit this file manually!\n"
              "# It will be overwritten by the ALTER SYSTEM command.\n"
              "work_mem = '4MB'\n"
              "max_connections = '5'\n");
}

TEST(RecoveryConfTest, OneQuotedLinePerItem) {
    EXPECT_EQ(render_recovery_conf({{"standby_mode", "on"},
                                    {"primary_conninfo", "host=a password='x'"},
                                    {"restore_command", "cp /a\\b %p"}}),
              "standby_mode = 'on'\n"
              "primary_conninfo = 'host=a password=''x'''\n"
              "restore_command = 'cp /a\\\\b %p'\n");
    EXPECT_EQ(render_recovery_conf({}), "");
}

}  // namespace
}  // namespace repmgr::pg
