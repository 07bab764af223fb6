// repmgr.conf files for test nodes. Owns the file format the harness writes (key='value' lines)
// and the file's mode/owner; does not validate keys (that is what the tests check).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace repmgr::test {

class PgTestNode;

struct ConfigFile {
    int node_id = 0;
    std::string node_name;
    std::string conninfo;
    std::filesystem::path data_directory;
    // Written as pg_bindir='...' unless empty, so repmgr never depends on PATH for pg_ctl & co.
    std::filesystem::path pg_bindir;
    // Written verbatim after the keys above, one per line (e.g. "use_replication_slots=true").
    std::vector<std::string> extra_lines;

    // The usual file for `node`: its name, conninfo for user `user` on database `dbname`, its
    // data directory and pg_bindir from pg_bindir().
    static ConfigFile for_node(const PgTestNode& node, int node_id,
                               std::string_view user = "repmgr",
                               std::string_view dbname = "repmgr");

    // The file's text.
    // Throws HarnessError when a quoted value contains a single quote.
    std::string text() const;

    // Writes text() to `path` with mode 0600, owned by postgres when root; returns `path`.
    // Throws HarnessError when the file cannot be written.
    std::filesystem::path write(const std::filesystem::path& path) const;
};

// ConfigFile::for_node(node, node_id) plus `extra_lines`, written to <node basedir>/repmgr.conf.
std::filesystem::path write_repmgr_conf(const PgTestNode& node, int node_id,
                                        const std::vector<std::string>& extra_lines = {});

}  // namespace repmgr::test
