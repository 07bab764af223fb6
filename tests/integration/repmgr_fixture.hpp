// Shared set-up for tests that run the repmgr binary against real servers: a node with the
// `repmgr` superuser and database and the extension's library preloaded, its repmgr.conf,
// and helpers to read the metadata directly (through psql, independent of our code).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/support.hpp"

namespace repmgr::test {

class RepmgrTest : public Cluster {
protected:
    // A running primary with role and database "repmgr" (superuser) and the repmgr library
    // preloaded. The extension itself is created by `repmgr primary register`.
    PgTestNode& repmgr_primary(const std::string& name = "node1") {
        PgTestNode& node = add_node(name);
        node.init();
        node.append_conf("shared_preload_libraries = 'repmgr'");
        node.start();
        node.create_user("repmgr");
        node.create_db("repmgr", "repmgr");
        return node;
    }

    // A streaming standby of `upstream` with the library preloaded.
    PgTestNode& repmgr_standby(const std::string& name, PgTestNode& upstream) {
        PgTestNode& node = add_node(name);
        node.init_standby_from(upstream);
        node.start();
        return node;
    }

    // repmgr.conf for `node` in its base directory.
    std::string conf(const PgTestNode& node, int node_id, const std::vector<std::string>& extra = {}) {
        return write_repmgr_conf(node, node_id, extra).string();
    }

    // Runs `repmgr -f <conf> <args...>`.
    RunResult repmgr(const std::string& conf_path, std::vector<std::string> args) {
        args.insert(args.begin(), {"-f", conf_path});
        return run_repmgr(args);
    }

    // Registers `node` as primary and asserts it worked.
    std::string register_primary(PgTestNode& node, int node_id, const std::vector<std::string>& extra = {}) {
        std::string path = conf(node, node_id, extra);
        RunResult r = repmgr(path, {"primary", "register"});
        EXPECT_TRUE(r.ok()) << r;
        return path;
    }

    // Adds a standby record for `standby` directly in the metadata (standby register comes
    // with its own issue; these tests only need the record).
    void insert_standby_record(PgTestNode& primary, const PgTestNode& standby, int node_id,
                               int upstream_id, const std::string& extra_columns = "",
                               const std::string& extra_values = "") {
        primary.psql("INSERT INTO repmgr.nodes (node_id, upstream_node_id, active, node_name, type, "
                     "conninfo, repluser, config_file" + extra_columns + ") VALUES (" +
                         std::to_string(node_id) + ", " + std::to_string(upstream_id) + ", true, '" +
                         standby.name() + "', 'standby', '" + standby.connstr("repmgr", "repmgr") +
                         "', 'repmgr', '/dev/null'" + extra_values + ")",
                     "repmgr");
    }

    // Everything in repmgr.nodes and repmgr.events, for "nothing changed" checks.
    std::string metadata_snapshot(PgTestNode& node) {
        RunResult exists = node.safe_psql(
            "SELECT count(*) FROM pg_extension WHERE extname = 'repmgr'", "repmgr");
        if (exists.out.find('1') == std::string::npos) return "no extension";
        return node.psql("SELECT string_agg(n::text, E'\\n' ORDER BY node_id) FROM repmgr.nodes n", "repmgr") +
               "\n--\n" +
               node.psql("SELECT count(*)::text || ' ' || COALESCE(max(event_timestamp)::text, '') FROM repmgr.events",
                         "repmgr");
    }
};

}  // namespace repmgr::test
