// The replication ("recovery") configuration repmgr writes for a standby (config.md §8):
// the primary_conninfo string, the ordered key list, and writing it into
// postgresql.auto.conf + standby.signal (PostgreSQL >= 12) or recovery.conf (older).
// Decides nothing about which upstream to use (workflow/ does).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "repmgr/config/config.hpp"
#include "repmgr/db/conninfo.hpp"

namespace repmgr::pg {

using ConfigItems = std::vector<std::pair<std::string, std::string>>;

// primary_conninfo from connection parameters in the order given (config.md §8.2): dbname,
// replication and empty values are skipped; values quoted as libpq expects; then
// application_name=<fallback_application_name> if the list has none, password from
// PGPASSWORD when use_primary_conninfo_password is set and no password is present,
// and passfile=<passfile> when set in repmgr.conf.
std::string format_primary_conninfo(const db::ConnInfo& params,
                                    const std::string& fallback_application_name,
                                    const config::Config& cfg);

// The parameters for a standby following `upstream_conninfo` (standby follow, node rejoin,
// --replication-conf-only): the upstream's keywords minus application_name, passfile and
// servicefile, then application_name=<node_name> and user=<upstream repluser>.
db::ConnInfo follow_conninfo_params(const std::string& upstream_conninfo,
                                    const std::string& node_name,
                                    const std::string& upstream_repluser);

// The ordered key/value list: standby_mode (< 12), primary_conninfo,
// recovery_target_timeline (< 12), recovery_min_apply_delay, primary_slot_name,
// restore_command, archive_cleanup_command. `recovery_min_apply_delay` is the effective
// value (command line over repmgr.conf); "" omits it; `slot_name` "" omits the slot.
ConfigItems replication_config_items(const config::Config& cfg,
                                     const std::string& primary_conninfo,
                                     const std::string& slot_name,
                                     const std::string& recovery_min_apply_delay,
                                     int server_version_num);

// postgresql.auto.conf text after merging `items` into `existing` (each key removed and
// appended at the end, other lines' order kept), in ALTER SYSTEM's layout.
std::string merge_auto_conf(const std::string& existing, const ConfigItems& items);

// "key = 'value'" lines as recovery.conf holds them (quotes doubled).
std::string render_recovery_conf(const ConfigItems& items);

// Writes the configuration into `data_directory`: PostgreSQL >= 12 merges it into
// postgresql.auto.conf (via a temporary file and rename, same permission bits as the data
// directory) and creates standby.signal (0600, "# created by repmgr"); older versions
// write recovery.conf (0600). Throws repmgr::Error(kBadConfig) with the reason.
void write_replication_config(const std::string& data_directory, const ConfigItems& items,
                              int server_version_num);

// Creates <data_directory>/standby.signal as repmgr does. Throws repmgr::Error(kBadConfig).
void write_standby_signal(const std::string& data_directory);

}  // namespace repmgr::pg
