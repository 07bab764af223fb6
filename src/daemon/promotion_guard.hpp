// The last look before repmgrd promotes its node (ours; repmgr promotes on the election alone).
#pragma once

#include <optional>

#include "daemon/monitor.hpp"
#include "repmgr/metadata/node_record.hpp"

namespace repmgr::daemon {

// Asks every other active, non-witness node in the metadata except `failed` (the primary this
// failover replaces) whether it is already running as a primary: all at once, each bounded by
// its connect_timeout (2 s when the conninfo sets none) and a 2 s query deadline. Such a node
// exists when another repmgrd promoted first (one this node could not see in the election, for
// example because its repmgrd had not registered after a restart) or a DBA promoted one by
// hand; promoting this node as well would leave two primaries. Returns that node's record (the
// lowest node id if several), nullopt when there is none or the metadata cannot be read.
std::optional<metadata::NodeRecord> find_running_primary(DaemonState& st, const metadata::NodeRecord& failed);

}  // namespace repmgr::daemon
