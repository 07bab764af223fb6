#include "support/repmgr_binary.hpp"

#include <system_error>

#include "support/harness_error.hpp"
#include "support/temp_dir.hpp"

namespace repmgr::test {

namespace fs = std::filesystem;

const fs::path& RepmgrBinary::path() const {
    if (!copy_.empty()) return copy_;
    if (!fs::is_regular_file(built_)) {
        throw HarnessError("binary " + built_.string() + " does not exist: build it first");
    }
    const auto readable = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                          fs::perms::others_read | fs::perms::others_exec;
    const fs::path dir = process_dir() / "bin";
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::permissions(dir, readable, fs::perm_options::replace, ec);
    const fs::path target = dir / built_.filename();
    fs::copy_file(built_, target, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::permissions(target, readable, fs::perm_options::replace, ec);
    if (ec) {
        throw HarnessError("cannot copy " + built_.string() + " to " + target.string() + ": " +
                           ec.message());
    }
    copy_ = target;
    return copy_;
}

RunResult RepmgrBinary::run(const std::vector<std::string>& args, const RunOptions& opts) const {
    std::vector<std::string> argv{path().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_as_postgres(argv, opts);
}

const RepmgrBinary& RepmgrBinary::repmgr() {
    static const RepmgrBinary binary(REPMGR_BINARY_PATH);
    return binary;
}

const RepmgrBinary& RepmgrBinary::repmgrd() {
#ifdef REPMGRD_BINARY_PATH
    static const RepmgrBinary binary(REPMGRD_BINARY_PATH);
    return binary;
#else
    throw HarnessError(
        "REPMGRD_BINARY_PATH is not defined: add it to repmgr_test_support in "
        "tests/CMakeLists.txt once the repmgrd target exists");
#endif
}

RunResult run_repmgr(const std::vector<std::string>& args, const RunOptions& opts) {
    return RepmgrBinary::repmgr().run(args, opts);
}

}  // namespace repmgr::test
