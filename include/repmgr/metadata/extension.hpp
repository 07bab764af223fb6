// The repmgr extension in the repmgr database: status, installation, privileges, the
// voting term row. Owns the SQL; the register workflows decide when to call it.
#pragma once

#include <string>

#include "repmgr/db/connection.hpp"

namespace repmgr::metadata {

enum class ExtensionStatus { kUnknown, kUnavailable, kAvailable, kOldVersionInstalled, kInstalled };

struct ExtensionInfo {
    ExtensionStatus status = ExtensionStatus::kUnknown;
    std::string default_version;    // e.g. "5.3"
    std::string installed_version;  // "" when not installed
};

// Derived from pg_available_extensions / pg_extension (schema.md §1). Never throws: a failed
// query gives kUnknown.
ExtensionInfo get_extension_info(db::Connection& conn);

// CREATE EXTENSION repmgr. Throws db::DbQueryError.
void create_extension(db::Connection& conn);

// GRANT USAGE ON SCHEMA repmgr / GRANT ALL ON ALL TABLES IN SCHEMA repmgr to `user`.
void grant_repmgr_access(db::Connection& conn, const std::string& user);

// voting_term := 1 (INSERT if empty, else UPDATE), as primary register does.
void init_voting_term(db::Connection& conn);

// The numeric form repmgr uses: floor(v)*10000 + fraction*1000 ("5.3" → 50300).
int extension_version_num(const std::string& version);

}  // namespace repmgr::metadata
