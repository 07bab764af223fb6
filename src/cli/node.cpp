// repmgr node {status|check|rejoin|service|control}.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <functional>

#include "cli/app.hpp"
#include "cli/handlers.hpp"
#include "repmgr/common/strings.hpp"
#include "repmgr/db/connection.hpp"
#include "repmgr/log/logger.hpp"
#include "repmgr/metadata/node_record.hpp"
#include "repmgr/workflow/node_check.hpp"
#include "repmgr/workflow/node_status.hpp"

namespace repmgr::cli {
namespace {

using workflow::CheckResult;
using workflow::CheckStatus;
using workflow::CheckTarget;

// ---- node status ---------------------------------------------------------------------

void print_status_csv(const workflow::NodeStatusReport& r) {
    std::string out = fmt::format("\"Node name\",\"{}\"\n\"Node ID\",\"{}\"\n", r.node_name, r.node_id);
    for (const auto& item : r.items) out += fmt::format("\"{}\",\"{}\"\n", item.key, item.csv_value);
    out += fmt::format("\"max_wal_senders\",{}\n", r.max_wal_senders);
    out += fmt::format("\"occupied_wal_senders\",{}\n", r.occupied_wal_senders);
    out += fmt::format("\"max_replication_slots\",{}\n", r.max_replication_slots);
    out += fmt::format("\"active_replication_slots\",{}\n", r.active_slots);
    out += fmt::format("\"inactive_replication_slots\",{}", r.inactive_slots.size());
    for (const auto& s : r.inactive_slots) out += fmt::format(",\"{}\"", s);
    out += fmt::format("\n\"missing_replication_slots\",{}", r.missing_slots.size());
    for (const auto& s : r.missing_slots) out += fmt::format(",\"{}\"", s);
    out += "\n";
    std::fputs(out.c_str(), stdout);
}

void print_status_text(const workflow::NodeStatusReport& r) {
    std::string out = fmt::format("Node \"{}\":\n", r.node_name);
    for (const auto& item : r.items) {
        if (item.text_visible) out += fmt::format("\t{}: {}\n", item.key, item.text_value);
    }
    out += "\n";
    std::fputs(out.c_str(), stdout);
}

// ---- node check ----------------------------------------------------------------------

struct SingleCheck {
    bool CliOptions::*flag;
    const char* option;       // for "--csv output not provided with --<option> option"
    const char* nagios_name;
    std::function<CheckResult(CheckTarget&, bool text_mode)> run;
};

const std::vector<SingleCheck>& single_checks() {
    static const std::vector<SingleCheck> checks{
        {&CliOptions::archive_ready, "archive-ready", "REPMGR_ARCHIVE_READY",
         [](CheckTarget& t, bool) { return workflow::check_archive_ready(t); }},
        {&CliOptions::upstream, "upstream", "REPMGR_UPSTREAM_SERVER",
         [](CheckTarget& t, bool) { return workflow::check_upstream(t); }},
        {&CliOptions::downstream, "downstream", "REPMGR_DOWNSTREAM_SERVERS",
         [](CheckTarget& t, bool) { return workflow::check_downstream(t); }},
        {&CliOptions::replication_lag, "replication-lag", "REPMGR_REPLICATION_LAG",
         [](CheckTarget& t, bool) { return workflow::check_replication_lag(t); }},
        {&CliOptions::role, "role", "REPMGR_SERVER_ROLE",
         [](CheckTarget& t, bool) { return workflow::check_role(t); }},
        {&CliOptions::slots, "slots", "REPMGR_INACTIVE_SLOTS",
         [](CheckTarget& t, bool) { return workflow::check_slots(t); }},
        {&CliOptions::missing_slots, "missing-slots", "REPMGR_MISSING_SLOTS",
         [](CheckTarget& t, bool) { return workflow::check_missing_slots(t); }},
        {&CliOptions::data_directory_config, "data-directory-config", "REPMGR_DATA_DIRECTORY",
         [](CheckTarget& t, bool text) { return workflow::check_data_directory(t, text); }},
        {&CliOptions::repmgrd, "repmgrd", "REPMGRD",
         [](CheckTarget& t, bool) { return workflow::check_repmgrd(t); }},
    };
    return checks;
}

ExitCode nagios_exit(CheckStatus s) { return static_cast<ExitCode>(static_cast<int>(s)); }

ExitCode print_single(const SingleCheck& check, const CheckResult& r, const CliOptions& o) {
    if (o.nagios) {
        std::string line = fmt::format("{} {}: {}", check.nagios_name,
                                       workflow::check_status_name(r.status), r.nagios_detail);
        if (!r.perfdata.empty()) line += " | " + r.perfdata;
        fmt::print("{}\n", line);
    } else if (o.optformat) {
        if (!r.optformat.empty()) fmt::print("{}\n", r.optformat);
    } else {
        fmt::print("{} ({})\n", workflow::check_status_name(r.status), r.detail);
    }
    return nagios_exit(r.status);
}

struct ReportLine {
    const char* label;
    CheckResult result;
    bool in_csv = true;
    bool csv_detail = true;
};

ExitCode full_report(CheckTarget& t, const CliOptions& o) {
    const bool text = !o.csv;
    std::vector<ReportLine> lines;
    lines.push_back({"Server role", workflow::check_role(t)});
    lines.push_back({"Replication lag", workflow::check_replication_lag(t), true, false});
    lines.push_back({"WAL archiving", workflow::check_archive_ready(t), true, false});
    lines.push_back({"Upstream connection", workflow::check_upstream(t), false});
    lines.push_back({"Downstream servers", workflow::check_downstream(t)});
    lines.push_back({"Replication slots", workflow::check_slots(t)});
    lines.push_back({"Missing physical replication slots", workflow::check_missing_slots(t)});
    lines.push_back({"Configured data directory", workflow::check_data_directory(t, text)});

    bool all_ok = true;
    std::string out;
    if (o.csv) {
        out = fmt::format("\"Node name\",\"{}\"\n\"Node ID\",\"{}\"\n", t.record.node_name, t.record.node_id);
    } else {
        out = fmt::format("Node \"{}\":\n", t.record.node_name);
    }
    for (const auto& l : lines) {
        all_ok = all_ok && l.result.status == CheckStatus::kOk;
        const auto status = workflow::check_status_name(l.result.status);
        if (o.csv) {
            // repmgr drops the upstream row and the lag/archiving details in CSV.
            if (!l.in_csv) continue;
            out += fmt::format("\"{}\",\"{}\"", l.label, status);
            if (l.csv_detail && !l.result.detail.empty()) out += fmt::format(",\"{}\"", l.result.detail);
            out += "\n";
        } else {
            out += fmt::format("\t{}: {}", l.label, status);
            if (!l.result.detail.empty()) out += fmt::format(" ({})", l.result.detail);
            out += "\n";
        }
    }
    std::fputs(out.c_str(), stdout);
    return all_ok ? ExitCode::kSuccess : ExitCode::kNodeStatus;
}

bool libpq_supports_passfile() {
    auto defaults = db::ConnInfo::try_parse("passfile=x", nullptr);
    return defaults.has_value();
}

ExitCode replication_connection_check(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    auto print = [](std::string_view s) { fmt::print("--connection={}\n", s); };
    if (!o.remote_node_id) {
        print("UNKNOWN");
        return ExitCode::kSuccess;
    }
    auto local = db::Connection::try_connect(db::ConnInfo::parse(ctx.config.conninfo));
    if (!local.ok()) {
        print("CONNECTION_ERROR");
        return ExitCode::kSuccess;
    }
    auto rec = metadata::get_node_record(local.value(), parse_int_strict(*o.remote_node_id).value_or(-1));
    if (!rec) {
        print("UNKNOWN");
        return ExitCode::kSuccess;
    }
    db::ConnInfo info = db::ConnInfo::parse(rec->conninfo);
    if (!rec->repluser.empty()) info.set("user", rec->repluser);
    db::ConnectOptions options;
    options.replication = true;
    print(db::Connection::try_connect(info, options).ok() ? "OK" : "BAD");
    return ExitCode::kSuccess;
}

ExitCode db_connection_check(const CliOptions& o, const db::ConnInfo& info) {
    if (o.csv) throw Error(ExitCode::kBadConfig, "--csv output not provided with --db-connection option");
    if (o.nagios) throw Error(ExitCode::kBadConfig, "--nagios output not provided with --db-connection option");
    auto conn = db::Connection::try_connect(info);
    CheckStatus status = conn.ok() ? CheckStatus::kOk : CheckStatus::kCritical;
    if (o.optformat) {
        fmt::print("--db-connection={}\n", workflow::check_status_name(status));
    } else if (conn.ok()) {
        fmt::print("OK ()\n");
    } else {
        fmt::print("CRITICAL (connection parameters used: {})\n",
                   db::Connection::effective_conninfo(info, {}).to_display_string());
    }
    return nagios_exit(status);
}

}  // namespace

ExitCode node_status(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    if (o.is_shutdown_cleanly) {
        fmt::print("{}\n", workflow::node_shutdown_state(ctx.config));
        return ExitCode::kSuccess;
    }
    workflow::NodeStatusReport r = workflow::node_status(ctx.config, o.verbose);
    if (o.csv) {
        print_status_csv(r);
    } else {
        print_status_text(r);
        std::fflush(stdout);
        if (!r.warnings.empty() && !o.terse) {
            std::string text = "following issue(s) were detected:";
            for (const auto& w : r.warnings) text += "\n  " + w;
            log::warning("{}", text);
            log::hint("execute \"repmgr node check\" for more details");
        }
    }
    return r.warnings.empty() ? ExitCode::kSuccess : ExitCode::kNodeStatus;
}

ExitCode node_check(const CommandContext& ctx) {
    const CliOptions& o = ctx.options;
    if (o.has_passfile) return libpq_supports_passfile() ? ExitCode::kSuccess : ExitCode::kBadConfig;
    if (o.replication_connection) return replication_connection_check(ctx);

    std::string parse_error;
    auto info = db::ConnInfo::try_parse(ctx.config.conninfo, &parse_error);
    if (!info) {
        if (o.optformat) {
            fmt::print("--error=CONNINFO_PARSE\n");
            return ExitCode::kBadConfig;
        }
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to parse conninfo string \"{}\" for local node", ctx.config.conninfo))
            .detail(trim(parse_error));
    }
    if (o.superuser) info->set("user", *o.superuser);
    if (o.db_connection) return db_connection_check(o, *info);

    auto connected = db::Connection::try_connect(*info);
    if (!connected.ok()) {
        if (o.optformat) {
            fmt::print("--error=DB_CONNECTION\n");
            return ExitCode::kDbConn;
        }
        throw connected.error();
    }
    db::Connection& conn = connected.value();
    auto record = metadata::get_node_record(conn, ctx.config.node_id);
    if (!record) {
        throw Error(ExitCode::kBadConfig, fmt::format("no record found for node {}", ctx.config.node_id));
    }
    CheckTarget target{ctx.config, conn, *record};
    for (const auto& check : single_checks()) {
        if (!(o.*check.flag)) continue;
        if (o.csv) {
            throw Error(ExitCode::kBadConfig,
                        fmt::format("--csv output not provided with --{} option", check.option));
        }
        return print_single(check, check.run(target, !o.nagios && !o.optformat), o);
    }
    if (o.replication_config_owner) {
        if (!o.optformat) {
            throw Error(ExitCode::kBadConfig,
                        "--replication-config-owner option can only be used with --optformat");
        }
        CheckResult r = workflow::check_replication_config_owner(ctx.config, conn);
        fmt::print("{}\n", r.optformat);
        return nagios_exit(r.status);
    }
    if (o.nagios) {
        throw Error(ExitCode::kBadConfig, "--nagios can only be used with a specific check")
            .hint("execute \"repmgr node --help\" for details");
    }
    return full_report(target, o);
}

void register_node_commands(CLI::App& root, CliContext& ctx) {
    CLI::App* noun = add_noun(root, "node", "operations on the local node");
    ctx.add_verb(add_verb(*noun, "status", "overview of the local node"), Action::kNodeStatus, node_status);
    ctx.add_verb(add_verb(*noun, "check", "health checks of the local node"), Action::kNodeCheck, node_check);
    ctx.add_verb(add_verb(*noun, "rejoin", "rejoin a node to the cluster"), Action::kNodeRejoin, node_rejoin);
    ctx.add_verb(add_verb(*noun, "service", "control the PostgreSQL service"), Action::kNodeService, node_service);
    ctx.add_verb(add_verb(*noun, "control", "internal"), Action::kNodeControl, nullptr);
}

}  // namespace repmgr::cli
