// pg_basebackup_options parsing and the pg_basebackup command line standby clone prints/runs.
#include "repmgr/pg/basebackup.hpp"

#include <gtest/gtest.h>

namespace repmgr::pg {
namespace {

TEST(BasebackupOptionsTest, EmptyStreamsWal) {
    BasebackupOptionsInfo info = parse_basebackup_options("", 150000);
    EXPECT_TRUE(info.errors.empty());
    EXPECT_FALSE(info.slot);
    EXPECT_FALSE(info.wal_method);
    EXPECT_TRUE(info.streams_wal());
}

TEST(BasebackupOptionsTest, ShortAndLongForms) {
    EXPECT_EQ(parse_basebackup_options("-X fetch", 150000).wal_method, "fetch");
    EXPECT_EQ(parse_basebackup_options("-Xnone", 150000).wal_method, "none");
    EXPECT_EQ(parse_basebackup_options("--wal-method=stream", 150000).wal_method, "stream");
    EXPECT_EQ(parse_basebackup_options("--wal-method fetch", 150000).wal_method, "fetch");
    EXPECT_EQ(parse_basebackup_options("--max-rate=100M -S myslot", 150000).slot, "myslot");
    EXPECT_EQ(parse_basebackup_options("--slot=s1", 150000).slot, "s1");
    EXPECT_EQ(parse_basebackup_options("-vPS s2", 150000).slot, "s2");
    EXPECT_EQ(parse_basebackup_options("--waldir /wal", 150000).waldir, "/wal");
    EXPECT_FALSE(parse_basebackup_options("-X fetch", 150000).streams_wal());
    EXPECT_TRUE(parse_basebackup_options("-X stream", 150000).streams_wal());
}

TEST(BasebackupOptionsTest, UnknownOptionsAreIgnored) {
    BasebackupOptionsInfo info = parse_basebackup_options("--bogus -r 10M  --label=x", 150000);
    EXPECT_TRUE(info.errors.empty());
    EXPECT_FALSE(info.slot);
    EXPECT_FALSE(info.wal_method);
}

TEST(BasebackupOptionsTest, UnambiguousLongPrefixesMatchAsWithGetopt) {
    EXPECT_EQ(parse_basebackup_options("--sl=x", 150000).slot, "x");
    EXPECT_EQ(parse_basebackup_options("--wal-m=fetch", 150000).wal_method, "fetch");
    // "--wal" could be --wal-method or --waldir: getopt rejects it, repmgr ignores it.
    BasebackupOptionsInfo ambiguous = parse_basebackup_options("--wal=fetch", 150000);
    EXPECT_FALSE(ambiguous.wal_method);
    EXPECT_FALSE(ambiguous.waldir);
}

TEST(BasebackupOptionsTest, Errors) {
    EXPECT_EQ(parse_basebackup_options("-S foo --no-slot", 150000).errors,
              std::vector<std::string>{"--no-slot cannot be used with -S/--slot"});
    EXPECT_EQ(parse_basebackup_options("--waldir=rel", 150000).errors,
              std::vector<std::string>{"--waldir must be provided with an absolute path"});
    EXPECT_EQ(parse_basebackup_options("--xlogdir=rel", 90600).errors,
              std::vector<std::string>{"--xlogdir must be provided with an absolute path"});
    EXPECT_TRUE(parse_basebackup_options("--no-slot", 150000).errors.empty());
    EXPECT_TRUE(parse_basebackup_options("--no-slot", 150000).no_slot);
}

TEST(BasebackupOptionsTest, OldNamesBeforePg10) {
    EXPECT_EQ(parse_basebackup_options("--xlog-method=fetch", 90600).wal_method, "fetch");
    EXPECT_FALSE(parse_basebackup_options("--xlog-method=fetch", 150000).wal_method);
}

BasebackupRequest request() {
    BasebackupRequest r;
    r.program = "/usr/lib/postgresql/15/bin/pg_basebackup";
    r.data_directory = "/srv/pg data";
    r.host = "127.0.0.1";
    r.port = "5432";
    r.user = "repmgr";
    r.wal_method_stream = true;
    return r;
}

TEST(BasebackupCommandTest, DisplayIsRepmgrsLineWithTrailingSpace) {
    BasebackupCommand cmd = build_basebackup_command(request());
    EXPECT_EQ(cmd.display,
              "/usr/lib/postgresql/15/bin/pg_basebackup -l \"repmgr base backup\"  -D /srv/pg data "
              "-h 127.0.0.1 -p 5432 -U repmgr -X stream ");
    EXPECT_EQ(cmd.shell,
              "'/usr/lib/postgresql/15/bin/pg_basebackup' -l 'repmgr base backup' -D '/srv/pg data' "
              "-h '127.0.0.1' -p '5432' -U 'repmgr' -X stream ");
}

TEST(BasebackupCommandTest, AllPartsInRepmgrsOrder) {
    BasebackupRequest r = request();
    r.fast_checkpoint = true;
    r.tablespaces = {{"/ts/a", "/ts/b"}, {"/ts/c", "/ts/d"}};
    r.slot = "repmgr_slot_3";
    r.extra_options = "--max-rate=100M";
    r.progress = true;
    BasebackupCommand cmd = build_basebackup_command(r);
    EXPECT_EQ(cmd.display,
              "/usr/lib/postgresql/15/bin/pg_basebackup -l \"repmgr base backup\"  -D /srv/pg data "
              "-h 127.0.0.1 -p 5432 -U repmgr -c fast -T /ts/a=/ts/b -T /ts/c=/ts/d -X stream "
              "-S repmgr_slot_3 --max-rate=100M");
    // --progress runs but is not printed.
    EXPECT_NE(cmd.shell.find("-S 'repmgr_slot_3' --progress --max-rate=100M"), std::string::npos)
        << cmd.shell;
}

TEST(BasebackupCommandTest, ConninfoFormAndEmptyParts) {
    BasebackupRequest r = request();
    r.conninfo = db::ConnInfo::parse("host=127.0.0.1 port=5501 user=repmgr dbname=repmgr");
    r.wal_method_stream = false;
    r.extra_options = "-X fetch";
    BasebackupCommand cmd = build_basebackup_command(r);
    EXPECT_EQ(cmd.display,
              "/usr/lib/postgresql/15/bin/pg_basebackup -l \"repmgr base backup\"  -D /srv/pg data "
              "-d 'user=repmgr dbname=repmgr host=127.0.0.1 port=5501' -X fetch");

    BasebackupRequest bare = request();
    bare.host.clear();
    bare.user.clear();
    EXPECT_EQ(build_basebackup_command(bare).display,
              "/usr/lib/postgresql/15/bin/pg_basebackup -l \"repmgr base backup\"  -D /srv/pg data "
              "-p 5432 -X stream ");
}

TEST(BasebackupCommandTest, ShellQuotesHostileValues) {
    BasebackupRequest r = request();
    r.data_directory = "/tmp/x'; touch /tmp/pwned; '";
    r.conninfo = db::ConnInfo::parse("host=127.0.0.1 application_name='a b'");
    BasebackupCommand cmd = build_basebackup_command(r);
    EXPECT_NE(cmd.shell.find("-D '/tmp/x'\"'\"'; touch /tmp/pwned; '\"'\"''"), std::string::npos)
        << cmd.shell;
    EXPECT_NE(cmd.shell.find("-d 'host=127.0.0.1 application_name='\"'\"'a b'\"'\"''"),
              std::string::npos)
        << cmd.shell;
}

}  // namespace
}  // namespace repmgr::pg
