// Steps shared by standby follow and node rejoin (and later switchover and repmgrd): the
// "can attach" check with its facts gathered from the servers, the follow procedure that
// points a standby at a new upstream, and the waits for it to appear in the upstream's
// pg_stat_replication. Private to src/workflow.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "repmgr/common/error.hpp"
#include "repmgr/config/config.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/pg/controldata.hpp"
#include "repmgr/pg/server.hpp"
#include "workflow/follow_attach.hpp"

namespace repmgr::workflow {

// Where the local node is, for decide_attach(): timeline, compared LSN, recovery point and
// system identifier.
struct LocalPosition {
    int timeline = 0;
    std::uint64_t lsn = 0;
    std::uint64_t recovery_point = 0;
    std::optional<std::string> system_identifier;  // nullopt: take IDENTIFY_SYSTEM's
};

// A stopped node (node rejoin): minimum recovery ending location and its timeline when set,
// else the latest checkpoint's.
LocalPosition local_position_from_control(const pg::ControlData& control);

// check_node_can_attach (commands.md §8 step 8, §14 step 8). For standby follow (`local_conn`
// set) the local node is running: its timeline comes from IDENTIFY_SYSTEM on a local
// replication connection as `local_repluser`, its positions from the server, its system
// identifier from pg_control of data_directory. For node rejoin `local` holds what
// local_position_from_control() read. Logs repmgr's INFO lines (dry-run ones only in dry
// run) and the decision's message. Throws Error with exit code 23 (follow) / 24 (rejoin) when
// the node cannot attach, or ReportedError after a NOTICE for rejoin's "pg_rewind execution
// required". Returns the decision and the target's current timeline otherwise.
struct AttachCheck {
    AttachMode mode = AttachMode::kFollow;
    bool dry_run = false;
    bool force_rewind = false;
    int local_node_id = -1;
    db::Connection* local_conn = nullptr;  // follow only
    std::string local_repluser;            // follow only
    std::optional<LocalPosition> local;    // rejoin only
};
struct AttachOutcome {
    AttachDecision decision;
    int target_timeline = 0;
};
AttachOutcome check_node_can_attach(const config::Config& cfg, const AttachCheck& check,
                                    const metadata::NodeRecord& target);

// The follow procedure (commands.md §8 step 11), used by standby follow and node rejoin:
// slot on the target, replication configuration, reload/restart/start of the local server,
// old upstream's slot, own record. Logs as repmgr does and never throws for the expected
// failures: they come back as the result.
struct FollowRequest {
    db::Connection* primary_conn = nullptr;  // metadata: own record read and updated here
    db::Connection* target_conn = nullptr;   // the new upstream: slot created here
    metadata::NodeRecord target;
    bool host_given = false;      // -h given: the old upstream's slot is left alone
    int primary_version_num = 0;  // decides reload (>= 13) or restart
    ExitCode failure_code = ExitCode::kFollowFail;  // 23 follow, 24 rejoin
};
struct FollowOutcome {
    bool success = false;
    ExitCode code = ExitCode::kSuccess;  // stays kSuccess for a failed record update (quirk)
    std::string detail;  // "node <N> is now attached to node <M>" or the failure text
};
FollowOutcome follow_new_upstream(const config::Config& cfg, const FollowRequest& request);

// One test of `node_name`'s row in the upstream's pg_stat_replication, logging repmgr's WARNING
// for a missing row, several rows, or a row not in state "streaming" (the non-quiet
// is_downstream_node_attached). `state` gets the row's state when there is one.
pg::AttachState test_attachment(db::Connection& upstream, const std::string& node_name,
                                std::string* state = nullptr);

// standby follow's wait (commands.md §8 step 13): up to standby_follow_timeout tests, the first
// at once, 1 s apart. The result is not used (repmgr reports success anyway, §24 quirk 1).
bool wait_for_attachment(const config::Config& cfg, db::Connection& upstream);

// check_standby_join (commands.md §9 step 32, §14 step 12): ping `joining` for up to
// standby_reconnect_timeout attempts, then test its attachment to `upstream` until
// node_rejoin_timeout attempts in all, 1 s apart.
enum class JoinResult { kAttached, kNoPing, kNotAttached };
JoinResult check_standby_join(const config::Config& cfg, db::Connection& upstream,
                              const metadata::NodeRecord& upstream_record,
                              const metadata::NodeRecord& joining);

// Sleeps for `d` (the one place these workflows wait).
void sleep_for(std::chrono::milliseconds d);

}  // namespace repmgr::workflow
