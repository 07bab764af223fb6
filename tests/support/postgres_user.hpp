// Who the PostgreSQL tools and repmgr run as: the `postgres` account when the test process is
// root (CI), the current user otherwise (a developer). Owns the account lookup and handing
// files over to that account; running processes is process.hpp's job.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace repmgr::test {

struct Account {
    uid_t uid = 0;
    gid_t gid = 0;
    std::string name;
    std::string home;
    std::vector<gid_t> groups;  // supplementary groups, as initgroups() would set them
};

// True when geteuid() == 0: every child then runs as `postgres`.
bool running_as_root();

// The `postgres` account, looked up once.
// Throws HarnessError when the account does not exist.
const Account& postgres_account();

// When running as root, makes `path` (and everything below it if `recursive`) owned by
// postgres; a no-op otherwise. Throws HarnessError when a chown fails.
void give_to_postgres(const std::filesystem::path& path, bool recursive = false);

// Creates `dir` (and missing parents) with `mode`, ignoring the umask, and gives it to
// postgres when running as root. An existing directory is only re-owned, not re-moded.
// Throws HarnessError when it cannot be created.
void make_postgres_dir(const std::filesystem::path& dir, std::filesystem::perms mode);

}  // namespace repmgr::test
