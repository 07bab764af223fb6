#include "support/initdb_template.hpp"

#include <unistd.h>

#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <system_error>

#include "support/harness_error.hpp"
#include "support/pg_bin.hpp"
#include "support/postgres_user.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace repmgr::test {

namespace fs = std::filesystem;

namespace {

constexpr const char* kInitdbFlags[] = {
    "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C", "--no-instructions"};

fs::path template_path() {
    std::string key = pg_bindir().string();
    for (const char* flag : kInitdbFlags) key += std::string(" ") + flag;
    std::ostringstream name;
    name << "template-" << ::geteuid() << "-" << std::hex << std::hash<std::string>{}(key);
    return pgt_root() / name.str();
}

const fs::path& template_data_dir() {
    static const fs::path data = [] {
        const fs::path final_dir = template_path();
        if (fs::exists(final_dir / "data" / "PG_VERSION")) return final_dir / "data";
        const fs::path build = process_dir() / "template-build";
        std::error_code ec;
        fs::remove_all(build, ec);
        make_postgres_dir(build, fs::perms::owner_all | fs::perms::group_read |
                                     fs::perms::group_exec | fs::perms::others_read |
                                     fs::perms::others_exec);
        run_initdb(build / "data");
        // Another test process may have won the race; its template is as good as ours.
        if (std::rename(build.c_str(), final_dir.c_str()) != 0) fs::remove_all(build, ec);
        if (!fs::exists(final_dir / "data" / "PG_VERSION")) {
            throw HarnessError("template data directory " + final_dir.string() +
                               " is incomplete; remove it");
        }
        return final_dir / "data";
    }();
    return data;
}

}  // namespace

void run_initdb(const fs::path& data_dir) {
    std::vector<std::string> argv{pg_bin("initdb").string(), "-D", data_dir.string()};
    for (const char* flag : kInitdbFlags) argv.emplace_back(flag);
    RunOptions opts;
    opts.timeout = std::chrono::seconds(120);
    const RunResult r = run_as_postgres(argv, opts);
    if (!r.ok()) {
        std::ostringstream msg;
        msg << "initdb failed\n" << r;
        throw HarnessError(msg.str());
    }
}

void copy_template(const fs::path& data_dir) {
    const fs::path source = template_data_dir();
    // `cp -a` as postgres keeps the template's owner and its 0700 mode, as initdb would.
    const RunResult r = run_as_postgres({"/bin/cp", "-a", source.string(), data_dir.string()});
    if (!r.ok()) {
        std::ostringstream msg;
        msg << "copying the template data directory failed\n" << r;
        throw HarnessError(msg.str());
    }
}

}  // namespace repmgr::test
