// Questions standby clone asks about the server it copies from: raw pg_settings values,
// walsender usage, the REPLICATION attribute, tablespace locations and where the
// configuration files live. One function per question; the SQL lives here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "repmgr/db/connection.hpp"

namespace repmgr::pg {

// pg_settings.setting for `name` (the unit-less value: wal_keep_size "128", not "128MB");
// nullopt if there is no such setting. Throws db::DbQueryError.
std::optional<std::string> get_pg_setting(db::Connection& conn, const std::string& name);

struct WalsenderUsage {
    int max_wal_senders = 0;
    int attached = 0;  // rows of pg_stat_replication
    int free() const { return max_wal_senders - attached; }
};
// Throws db::DbQueryError.
WalsenderUsage get_walsender_usage(db::Connection& conn);

// The connected role has the REPLICATION attribute. Throws db::DbQueryError.
bool has_replication_attribute(db::Connection& conn);

// pg_tablespace_location() of every user tablespace. Throws db::DbQueryError.
std::vector<std::string> get_tablespace_locations(db::Connection& conn);

struct ConfigFileLocation {
    std::string path;      // absolute path on the server
    std::string filename;  // last path component
    bool in_data_directory = false;
};
// The files the server read its settings from (pg_settings.sourcefile: postgresql.conf and
// its includes), in path order, then hba_file and ident_file, in path order. A file counts as
// inside the data directory when its path starts with data_directory. Needs a role that may
// read every setting. Throws db::DbQueryError.
std::vector<ConfigFileLocation> get_config_file_locations(db::Connection& conn);

}  // namespace repmgr::pg
