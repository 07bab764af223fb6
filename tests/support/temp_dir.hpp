// Directories for test data under /tmp/pgt (short paths: a unix socket path is at most 107
// bytes). Owns naming, ownership (postgres when root) and the keep-on-failure rule; does not
// stop servers that live inside (PgTestNode does, and must be destroyed first).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace repmgr::test {

// /tmp/pgt, created mode 1777 on first use so root and developers can share it.
// Throws HarnessError when it cannot be created.
const std::filesystem::path& pgt_root();

// This process's private directory, /tmp/pgt/<pid>-proc (binaries copied for postgres live
// here). Created on first use, readable by everyone, removed when the process exits normally.
const std::filesystem::path& process_dir();

// True when the currently running GoogleTest test has failed so far (false outside a test).
bool current_test_failed();

// One test's root directory: /tmp/pgt/<pid>-<seq>-<label>, owned by postgres when running as
// root. On destruction it is removed if the current test passed, and kept, with its path
// printed to stderr, if it failed (or REPMGR_TEST_KEEP=1 is set, or keep() was called).
// scripts/test removes directories left by processes that no longer exist.
class TempDir {
  public:
    // `label` defaults to the current test's "Suite.Name" (shortened); it only helps humans.
    // Throws HarnessError when the directory cannot be created.
    explicit TempDir(std::string_view label = {});
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();

    const std::filesystem::path& path() const { return path_; }

    // Creates path()/name (mode 0700 unless given), owned by postgres when root; returns it.
    std::filesystem::path make_subdir(
        std::string_view name,
        std::filesystem::perms mode = std::filesystem::perms::owner_all) const;

    // Keep the directory whatever the test result.
    void keep() { keep_ = true; }

  private:
    std::filesystem::path path_;
    bool keep_ = false;
};

}  // namespace repmgr::test
