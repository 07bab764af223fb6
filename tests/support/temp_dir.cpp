#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <system_error>

#include "support/harness_error.hpp"
#include "support/postgres_user.hpp"

namespace repmgr::test {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxLabel = 32;  // keeps socket paths well under 107 bytes

fs::path create_world_dir(const fs::path& dir, fs::perms mode) {
    std::error_code ec;
    if (!fs::is_directory(dir)) {
        fs::create_directories(dir, ec);
        if (!ec) fs::permissions(dir, mode, fs::perm_options::replace, ec);
        if (!fs::is_directory(dir)) {
            throw HarnessError("cannot create " + dir.string() + ": " + ec.message());
        }
    }
    return dir;
}

// Removes the process directory at normal exit (a killed process leaves it for scripts/test).
struct ProcessDirOwner {
    fs::path path;
    ~ProcessDirOwner() {
        std::error_code ec;
        if (!path.empty()) fs::remove_all(path, ec);
    }
};

std::string default_label() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    if (info == nullptr) return "test";
    return std::string(info->test_suite_name()) + "." + info->name();
}

std::string sanitize(std::string_view label) {
    std::string out;
    for (const char c : label.substr(0, kMaxLabel)) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '_';
        out += plain ? c : '_';
    }
    return out;
}

bool keep_requested() {
    const char* env = std::getenv("REPMGR_TEST_KEEP");
    return env != nullptr && std::string_view(env) == "1";
}

}  // namespace

const fs::path& pgt_root() {
    static const fs::path root =
        create_world_dir("/tmp/pgt", fs::perms::all | fs::perms::sticky_bit);
    return root;
}

const fs::path& process_dir() {
    static ProcessDirOwner owner{
        create_world_dir(pgt_root() / (std::to_string(::getpid()) + "-proc"),
                         fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec)};
    return owner.path;
}

bool current_test_failed() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return info != nullptr && info->result()->Failed();
}

TempDir::TempDir(std::string_view label) {
    static int sequence = 0;
    const std::string name = std::to_string(::getpid()) + "-" + std::to_string(++sequence) + "-" +
                             sanitize(label.empty() ? default_label() : label);
    path_ = pgt_root() / name;
    std::error_code ec;
    if (!fs::create_directory(path_, ec)) {
        throw HarnessError("cannot create test directory " + path_.string() + ": " +
                           (ec ? ec.message() : "already exists"));
    }
    fs::permissions(path_,
                    fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                        fs::perms::others_read | fs::perms::others_exec,
                    fs::perm_options::replace, ec);
    give_to_postgres(path_);
}

TempDir::~TempDir() {
    if (keep_ || keep_requested() || current_test_failed()) {
        std::cerr << "[ harness  ] keeping test directory " << path_.string()
                  << (current_test_failed() ? " (test failed)" : "") << "\n";
        return;
    }
    std::error_code ec;
    fs::remove_all(path_, ec);
    if (ec)
        std::cerr << "[ harness  ] cannot remove " << path_.string() << ": " << ec.message()
                  << "\n";
}

fs::path TempDir::make_subdir(std::string_view name, fs::perms mode) const {
    const fs::path dir = path_ / name;
    make_postgres_dir(dir, mode);
    return dir;
}

}  // namespace repmgr::test
