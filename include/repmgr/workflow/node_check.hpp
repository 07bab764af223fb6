// node check: the individual health checks of the local node (commands.md §13). Each
// check is a function returning a CheckResult; printing them as text, CSV, Nagios or
// optformat lines is the CLI's job.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "repmgr/config/config.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/metadata/node_record.hpp"

namespace repmgr::workflow {

// Values are the Nagios plugin exit codes (exit-codes.md §2.1).
enum class CheckStatus : int { kOk = 0, kWarning = 1, kCritical = 2, kUnknown = 3 };
std::string_view check_status_name(CheckStatus status);

struct CheckResult {
    CheckStatus status = CheckStatus::kUnknown;
    std::string detail;         // text mode "(<detail>)"
    std::string nagios_detail;  // after "<NAME> <STATUS>: "
    std::string perfdata;       // after " | " in Nagios output; "" = none
    std::string optformat;      // "--key=value ..." line; "" = prints nothing
};

struct CheckTarget {
    const config::Config& cfg;
    db::Connection& conn;
    const metadata::NodeRecord& record;
};

CheckResult check_role(CheckTarget& t);
CheckResult check_replication_lag(CheckTarget& t);
CheckResult check_archive_ready(CheckTarget& t);
// Connects to the upstream with connect-or-die semantics: throws db::DbConnectError.
CheckResult check_upstream(CheckTarget& t);
CheckResult check_downstream(CheckTarget& t);
CheckResult check_slots(CheckTarget& t);
CheckResult check_missing_slots(CheckTarget& t);
// `text_mode` prints repmgr's INFO/HINT when falling back to the simple check.
CheckResult check_data_directory(CheckTarget& t, bool text_mode);
CheckResult check_repmgrd(CheckTarget& t);
CheckResult check_replication_config_owner(const config::Config& cfg, db::Connection& conn);

// Number of *.ready files in <data_directory>/pg_wal/archive_status; nullopt on error.
std::optional<int> count_archive_ready_files(const std::string& data_directory, int server_version_num);

// A directory that looks like a PostgreSQL data directory (has PG_VERSION).
bool is_pg_data_directory(const std::string& dir);

}  // namespace repmgr::workflow
