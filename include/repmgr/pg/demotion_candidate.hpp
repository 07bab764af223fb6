// Questions standby switchover asks the primary it is about to demote: exclusive backup mode
// and the configuration files inside its data directory. One function per question; the SQL
// lives in demotion_candidate.cpp. Decides nothing.
#pragma once

#include <string>
#include <vector>

#include "repmgr/db/connection.hpp"

namespace repmgr::pg {

// pg_is_in_backup() on PostgreSQL < 15 (an exclusive backup is running); always false from 15
// on, where exclusive backups no longer exist. Throws db::DbQueryError.
bool in_exclusive_backup(db::Connection& conn);

// Names, relative to the data directory, of the configuration files that live inside it:
// postgresql.conf, pg_hba.conf, pg_ident.conf and every file a setting was read from
// (postgresql.auto.conf, included files). Sorted by name. Needs a role that may read
// pg_settings.sourcefile (superuser or pg_read_all_settings); others get only the three main
// files. Throws db::DbQueryError.
std::vector<std::string> get_datadir_configuration_files(db::Connection& conn);

}  // namespace repmgr::pg
