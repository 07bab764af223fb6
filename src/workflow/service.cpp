// service status / pause / unpause (commands.md §21).
#include "repmgr/workflow/service.hpp"

#include <fmt/format.h>

#include "repmgr/common/strings.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/repmgrd_state.hpp"

namespace repmgr::workflow {
namespace {

std::vector<metadata::NodeRecord> all_records_or_fail(db::Connection& conn) {
    auto records = metadata::get_all_node_records(conn);
    if (records.empty()) {
        throw Error(ExitCode::kBadConfig, "no node records were found")
            .hint("ensure at least one node is registered");
    }
    return records;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
        s.replace(pos, from.size(), to);
    }
    return s;
}

}  // namespace

ServiceStatusReport service_status(const db::ConnInfo& source, bool verbose) {
    log::verbose(log::Level::kInfo, "connecting to database");
    db::Connection conn = db::Connection::connect(source);
    auto records = all_records_or_fail(conn);
    auto probes = probe_nodes(records, std::chrono::seconds(10), true);
    ServiceStatusReport report;
    for (size_t i = 0; i < records.size(); ++i) {
        const auto& rec = records[i];
        const auto& probe = probes[i];
        const std::string label = fmt::format("node \"{}\" (ID: {})", rec.node_name, rec.node_id);
        ServiceStatusRow row;
        row.record = rec;
        row.reachable = probe.reach == NodeReach::kUp;
        if (!row.reachable) {
            report.had_connection_error = true;
            // "unable to  connect" (two spaces) is repmgr's text for this command.
            report.warnings.push_back(verbose ? fmt::format("when attempting to connect to {}, following error "
                                                            "encountered :\n\"{}\"",
                                                            label, trim(probe.connect_error))
                                              : fmt::format("unable to  connect to {}", label));
        } else {
            row.repmgrd = probe.repmgrd;
        }
        NodeStatusCells cells = format_node_status(records, probes, i);
        log_node_messages(probe, cells, probes, verbose);
        for (auto& w : cells.warnings) {
            // This command's text has two spaces in "promoted  until" (repmgr's wording).
            report.warnings.push_back(replace_all(w, "manually promoted until", "manually promoted  until"));
        }
        row.status = cells.status;
        row.upstream = cells.upstream;
        report.rows.push_back(std::move(row));
    }
    return report;
}

ExitCode service_pause(const db::ConnInfo& source, bool pause, bool dry_run) {
    db::Connection conn = db::Connection::connect(source);
    auto records = all_records_or_fail(conn);
    int errors = 0;
    const std::string_view verb = pause ? "pause" : "unpause";
    for (const auto& rec : records) {
        std::string err;
        auto info = db::ConnInfo::try_parse(rec.conninfo, &err);
        auto node = info ? db::Connection::try_connect(*info) : db::Connection::try_connect(db::ConnInfo());
        if (!node.ok()) {
            log::warning("unable to connect to node {}", rec.node_id);
            ++errors;
            continue;
        }
        if (dry_run) {
            log::info("would {} node {} ({}) ", verb, rec.node_id, rec.node_name);
            continue;
        }
        try {
            metadata::repmgrd_pause(node.value(), pause);
            log::notice("node {} ({}) {}d", rec.node_id, rec.node_name, verb);
        } catch (const db::DbQueryError&) {
            log::notice("node {} ({}) not {}d", rec.node_id, rec.node_name, verb);
            ++errors;
        }
    }
    if (errors > 0) {
        throw Error(ExitCode::kRepmgrdPause, fmt::format("unable to {} {} node(s)", verb, errors))
            .hint("execute \"repmgr service status\" to view current status");
    }
    return ExitCode::kSuccess;
}

}  // namespace repmgr::workflow
