// The built repmgr (and later repmgrd) programs, runnable by postgres. Owns copying a binary out
// of the build tree, which postgres may not be able to enter (CI clones under /root, mode 0700),
// into a world-readable directory once per test process. Does not build anything.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace repmgr::test {

class RepmgrBinary {
  public:
    // `built` is the program in the build tree; nothing is copied until path() or run().
    explicit RepmgrBinary(std::filesystem::path built) : built_(std::move(built)) {}

    // The copy, <process_dir()>/bin/<file name>, mode 0755, made on first call (later calls
    // return the same path). Throws HarnessError when `built` does not exist.
    const std::filesystem::path& path() const;

    // Runs the copy with `args` as postgres (when root) via run_as_postgres().
    RunResult run(const std::vector<std::string>& args, const RunOptions& opts = {}) const;

    // The `repmgr` target (REPMGR_BINARY_PATH, set by tests/CMakeLists.txt).
    static const RepmgrBinary& repmgr();

    // The `repmgrd` target (REPMGRD_BINARY_PATH). Throws HarnessError while tests/CMakeLists.txt
    // does not define it yet.
    static const RepmgrBinary& repmgrd();

  private:
    std::filesystem::path built_;
    mutable std::filesystem::path copy_;
};

// RepmgrBinary::repmgr().run(args, opts): e.g. run_repmgr({"-f", conf, "primary", "register"}).
RunResult run_repmgr(const std::vector<std::string>& args, const RunOptions& opts = {});

}  // namespace repmgr::test
