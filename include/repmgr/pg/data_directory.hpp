// The local data directory as standby clone sees it: does it exist, is it empty, is it a
// PostgreSQL data directory, is a postmaster running there; creating, emptying and fixing
// its permissions. Knows nothing about what gets copied into it.
#pragma once

#include <string>

namespace repmgr::pg {

enum class DirectoryState { kMissing, kEmpty, kNotEmpty, kUnreadable };

// `error` receives strerror() text for kUnreadable.
DirectoryState check_directory(const std::string& path, std::string* error = nullptr);

// PG_VERSION exists in `path`.
bool is_pg_data_directory(const std::string& path);

// postmaster.pid in `path` names a live process (kill(pid, 0) succeeds or says EPERM).
bool postmaster_running(const std::string& path);

// Creates `path` (and missing parents) with mode 0700. Throws repmgr::Error(kBadConfig)
// with the reason in a DETAIL.
void create_directory(const std::string& path);

// Removes `path` and everything below it, then creates it again with mode 0700.
// Throws repmgr::Error(kBadConfig).
void recreate_directory(const std::string& path);

// Sets mode 0700 unless the directory has 0700 or 0750 (group access, PostgreSQL >= 11).
// Throws repmgr::Error(kBadConfig).
void set_data_directory_permissions(const std::string& path);

}  // namespace repmgr::pg
