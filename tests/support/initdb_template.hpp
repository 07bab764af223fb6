// Fresh data directories for test nodes. Owns the initdb flags and a template data directory
// that is initdb'ed once and then copied (`cp -a` takes 0.1 s, initdb 0.5 s). Does not write
// node-specific settings (PgTestNode does).
#pragma once

#include <filesystem>

namespace repmgr::test {

// Runs initdb (as postgres when root) into `data_dir`, which must not exist yet:
// -A trust -U postgres --no-sync -E UTF8 --locale=C. Throws HarnessError on failure.
void run_initdb(const std::filesystem::path& data_dir);

// Copies the template into `data_dir` (which must not exist yet), making the template on first
// use: /tmp/pgt/template-<euid>-<hash of bindir and flags>/data, shared by every test process
// of this user and built atomically (initdb into a private dir, then rename()).
// Every copy has the same database system identifier: a test that needs two unrelated clusters
// must use run_initdb() for one of them. Throws HarnessError on failure.
void copy_template(const std::filesystem::path& data_dir);

}  // namespace repmgr::test
