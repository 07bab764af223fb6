// Stops a primary in the middle of a WAL record, the case repmgr 5.3.3 cannot follow
// (commands.md §8 step 8 "Known refusal"): the primary dies after its WAL writer flushed up to
// a page boundary in the middle of a record — full-page images of hint-bit changes
// (wal_log_hints = on) from a scan whose transaction never ended, so nothing asked for the
// rest to be flushed. The standbys receive WAL up to that page boundary but can replay only up
// to the end of the last complete record, which is where a promoted standby's new timeline
// begins.
#pragma once

#include <string>
#include <vector>

#include "repmgr/db/connection.hpp"
#include "support/support.hpp"

namespace repmgr::test {

// Returns true once every standby holds a partial last record and the primary has been
// killed (-9); false after three attempts that did not stop mid-record.
inline bool crash_primary_mid_record(PgTestNode& primary, const std::vector<PgTestNode*>& standbys) {
    for (int attempt = 1; attempt <= 3; ++attempt) {
        const std::string table = "hinted" + std::to_string(attempt);
        // < shared_buffers / 4 (16MB here), so the scan does not use a ring buffer whose
        // evictions would flush WAL to a record boundary.
        primary.psql("CREATE TABLE " + table +
                       " WITH (autovacuum_enabled = off) AS "
                       "SELECT g AS i, repeat('x', 100) AS t FROM generate_series(1, 20000) g");
        primary.psql("CHECKPOINT");
        db::Connection scan =
            db::Connection::connect(primary.connstr("postgres", "postgres"));
        scan.execute("BEGIN");
        // (search_path is empty on our connections.)
        scan.query("SELECT count(*) FROM public." + table);  // hint bits: FPI_FOR_HINT records
        // The WAL writer flushes up to the last completed page, not to the end of the
        // last record; wait until it has done so and both standbys have it.
        const std::string flushed_to_page =
            "SELECT pg_current_wal_flush_lsn() < pg_current_wal_insert_lsn() "
            "   AND (pg_current_wal_flush_lsn() - '0/0')::bigint % 8192 = 0 "
            "   AND (pg_current_wal_insert_lsn() - pg_current_wal_flush_lsn()) < 8192";
        if (!primary.poll_until(flushed_to_page, "t", std::chrono::seconds(5))) {
            scan.execute("ROLLBACK");
            continue;
        }
        const std::string flush = primary.psql("SELECT pg_current_wal_flush_lsn()");
        bool received = true;
        for (PgTestNode* standby : standbys) {
            received =
                received && standby->poll_until(
                                "SELECT pg_last_wal_receive_lsn() >= '" + flush + "'::pg_lsn",
                                "t", std::chrono::seconds(10));
        }
        if (!received || primary.psql("SELECT pg_current_wal_flush_lsn()") != flush) {
            scan.execute("ROLLBACK");
            continue;
        }
        primary.kill9();
        return true;
    }
    return false;
}

}  // namespace repmgr::test
