// The pg_rewind command node rejoin runs, and PG_VERSION parsing (commands.md §14 steps 2, 9).
#include "repmgr/pg/rewind.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace repmgr::pg {
namespace {

namespace fs = std::filesystem;

TEST(PgRewindCommand, RepmgrsLayout) {
    config::Config cfg;
    cfg.pg_bindir = "/usr/lib/postgresql/15/bin/";
    EXPECT_EQ(pg_rewind_command(cfg, "/srv/data", "host=db2 port=5432 user=repmgr dbname=repmgr",
                                std::nullopt),
              "/usr/lib/postgresql/15/bin/pg_rewind -D '/srv/data' "
              "--source-server='host=db2 port=5432 user=repmgr dbname=repmgr'");
    EXPECT_EQ(pg_rewind_command(cfg, "/srv/data", "host=db2", std::string("/opt/pg/bin/pg_rewind")),
              "/opt/pg/bin/pg_rewind -D '/srv/data' --source-server='host=db2'");
}

TEST(PgRewindCommand, QuotesWhatTheShellWouldInterpret) {
    config::Config cfg;
    EXPECT_EQ(
        pg_rewind_command(cfg, "/srv/it's data", "password='a b'", std::string("/opt/x;rm -rf /")),
        "'/opt/x;rm -rf /' -D '/srv/it'\"'\"'s data' --source-server='password='\"'\"'a b'\"'\"''");
    EXPECT_EQ(pg_rewind_command(cfg, "/d", "host=x", std::nullopt),
              "pg_rewind -D '/d' --source-server='host=x'");
}

TEST(DataDirectoryVersion, ReadsPgVersion) {
    const fs::path dir = fs::temp_directory_path() / ("rewind_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    EXPECT_FALSE(read_data_directory_version(dir.string()));
    std::ofstream(dir / "PG_VERSION") << "15\n";
    EXPECT_EQ(read_data_directory_version(dir.string()), 150000);
    std::ofstream(dir / "PG_VERSION") << "9.6\n";
    EXPECT_EQ(read_data_directory_version(dir.string()), 90600);
    std::ofstream(dir / "PG_VERSION") << "garbage\n";
    EXPECT_FALSE(read_data_directory_version(dir.string()));
    fs::remove_all(dir);
}

}  // namespace
}  // namespace repmgr::pg
