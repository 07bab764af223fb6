#include "support/postgres_user.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "support/harness_error.hpp"

namespace repmgr::test {

namespace fs = std::filesystem;

bool running_as_root() { return ::geteuid() == 0; }

namespace {

Account lookup_postgres() {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) {
        throw HarnessError(
            "user 'postgres' does not exist; install postgresql-15 (scripts/install-deps)");
    }
    Account account;
    account.uid = pw->pw_uid;
    account.gid = pw->pw_gid;
    account.name = pw->pw_name;
    account.home = pw->pw_dir;
    // getgrouplist() here, setgroups() in the child: initgroups() reads /etc/group and is
    // not async-signal-safe, so it must not run between fork() and exec().
    int count = 32;
    account.groups.resize(static_cast<std::size_t>(count));
    while (::getgrouplist(pw->pw_name, pw->pw_gid, account.groups.data(), &count) < 0) {
        account.groups.resize(static_cast<std::size_t>(count) * 2);
        count = static_cast<int>(account.groups.size());
    }
    account.groups.resize(static_cast<std::size_t>(count));
    return account;
}

void chown_one(const fs::path& path, const Account& account) {
    if (::lchown(path.c_str(), account.uid, account.gid) != 0) {
        throw HarnessError("chown postgres " + path.string() + ": " + std::strerror(errno));
    }
}

}  // namespace

const Account& postgres_account() {
    static const Account account = lookup_postgres();
    return account;
}

void give_to_postgres(const fs::path& path, bool recursive) {
    if (!running_as_root()) return;
    const Account& account = postgres_account();
    chown_one(path, account);
    if (!recursive || !fs::is_directory(fs::symlink_status(path))) return;
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
        chown_one(entry.path(), account);
    }
}

void make_postgres_dir(const fs::path& dir, fs::perms mode) {
    std::error_code ec;
    if (!fs::is_directory(dir)) {
        fs::create_directories(dir, ec);
        if (ec && !fs::is_directory(dir)) {
            throw HarnessError("cannot create " + dir.string() + ": " + ec.message());
        }
        fs::permissions(dir, mode, fs::perm_options::replace, ec);
        if (ec) throw HarnessError("cannot chmod " + dir.string() + ": " + ec.message());
    }
    give_to_postgres(dir);
}

}  // namespace repmgr::test
