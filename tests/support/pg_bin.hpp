// Where the PostgreSQL programs are. Owns the lookup (REPMGR_TEST_PG_BINDIR, else
// `pg_config --bindir`); PATH is never used to find initdb, pg_ctl, psql and friends.
#pragma once

#include <filesystem>
#include <string_view>

namespace repmgr::test {

// The PostgreSQL bin directory, looked up once per process: $REPMGR_TEST_PG_BINDIR if set, else
// the output of `pg_config --bindir` (pg_config from $REPMGR_TEST_PG_CONFIG, /usr/bin or PATH).
// Throws HarnessError with an installation hint when it cannot be found or lacks initdb, pg_ctl,
// postgres, psql or pg_basebackup: integration tests FAIL, they are never skipped.
const std::filesystem::path& pg_bindir();

// pg_bindir() / name. Throws HarnessError when that file is not executable.
std::filesystem::path pg_bin(std::string_view name);

}  // namespace repmgr::test
