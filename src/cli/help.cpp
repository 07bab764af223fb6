#include "cli/help.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "repmgr/common/strings.hpp"

namespace repmgr::cli {
namespace {

std::string os_user() {
    if (const passwd* pw = getpwuid(geteuid())) return pw->pw_name;
    return "";
}

std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

void print_common_options() {
    fmt::print(
        "General options:\n"
        "  -?, --help                 show this help and exit\n"
        "  -V, --version              show the version and exit\n"
        "  --version-number           show the version as a number and exit\n"
        "\n"
        "General configuration options:\n"
        "  -b, --pg_bindir=PATH       directory holding the PostgreSQL binaries\n"
        "  -f, --config-file=PATH     repmgr configuration file\n"
        "  -F, --force                override checks that would otherwise stop the action\n"
        "  --dry-run                  check prerequisites and show what would be done, change nothing\n"
        "\n");
    const std::string user = os_user();
    fmt::print(
        "Database connection options:\n"
        "  -d, --dbname=DBNAME        database to connect to, or a conninfo string (default: \"{}\")\n",
        env_or("PGDATABASE", user));
    if (const char* host = std::getenv("PGHOST"); host && *host) {
        fmt::print("  -h, --host=HOSTNAME        database server host (default: \"{}\")\n", host);
    } else {
        fmt::print("  -h, --host=HOSTNAME        database server host\n");
    }
    fmt::print(
        "  -p, --port=PORT            database server port (default: \"{}\")\n"
        "  -U, --username=USERNAME    database user name to connect as (default: \"{}\")\n"
        "\n",
        env_or("PGPORT", "5432"), user);
    fmt::print(
        "Node-specific options:\n"
        "  -D, --pgdata=DIR           location of the node's data directory\n"
        "  --node-id                  act on the node with this ID (where the action allows it)\n"
        "  --node-name                act on the node with this name (where the action allows it)\n"
        "\n"
        "Logging options:\n"
        "  --dry-run                  show what would happen without doing it\n"
        "  -L, --log-level            one of DEBUG, INFO, NOTICE, WARNING, ERROR, ALERT, CRIT or EMERG\n"
        "                             (default: NOTICE)\n"
        "  --log-to-file              write log messages to the file set by \"log_file\"\n"
        "  -q, --quiet                print only errors\n"
        "  -t, --terse                leave out DETAIL and HINT lines\n"
        "  -v, --verbose              print more detail about what is going on\n"
        "\n");
}

void print_primary_help(const std::string& progname) {
    fmt::print(
        "{0} primary: manage the primary node\n\n"
        "  {0} primary register     record this node as the primary in the repmgr metadata,\n"
        "                           installing the \"repmgr\" extension if needed\n"
        "  {0} primary unregister   remove the record of an inactive primary\n\n"
        "  PRIMARY REGISTER options:\n"
        "    --dry-run              check prerequisites, register nothing\n"
        "    -F, --force            overwrite an existing node record\n"
        "    -S, --superuser=USER   superuser used to install the extension\n\n"
        "  PRIMARY UNREGISTER options:\n"
        "    --dry-run              check prerequisites, unregister nothing\n"
        "    --node-id              ID of the inactive primary to remove\n"
        "    -F, --force            remove the record even if the node is marked active\n\n",
        progname);
}

void print_cluster_help(const std::string& progname) {
    fmt::print(
        "{0} cluster: information about the whole replication cluster\n\n"
        "  {0} cluster show         each registered node with its role and status\n"
        "  {0} cluster event        the most recent events recorded in the metadata\n"
        "  {0} cluster matrix       which node can connect to which (over SSH)\n"
        "  {0} cluster crosscheck   the matrix as seen from every node\n"
        "  {0} cluster cleanup      purge old monitoring history\n\n"
        "  CLUSTER SHOW options:\n"
        "    --csv                  machine-readable output: node_id,connected,in_recovery\n"
        "    --compact              narrower table (no connection strings)\n"
        "    --verbose              show the connection errors of unreachable nodes\n"
        "    --terse                leave out the warning list\n\n"
        "  CLUSTER EVENT options:\n"
        "    --limit=N              show at most N events (default: 20)\n"
        "    --all                  show every event (ignored together with --limit)\n"
        "    --node-id              only events of the node with this ID\n"
        "    --node-name            only events of the node with this name\n"
        "    --event                only events of this type\n"
        "    --compact              leave out the Details column\n"
        "    --csv                  comma-separated output\n\n"
        "  CLUSTER CLEANUP options:\n"
        "    -k, --keep-history=N   keep the monitoring history of the last N days\n"
        "    --node-id              only purge the history of this node\n\n",
        progname);
}

void print_node_help(const std::string& progname) {
    fmt::print(
        "{0} node: operations on the local node\n\n"
        "  {0} node status          overview of the local node\n"
        "  {0} node check           health checks of the local node\n"
        "  {0} node rejoin          attach a stopped node to a primary as a standby\n"
        "  {0} node service         start, stop, restart or reload the local PostgreSQL\n\n"
        "  NODE STATUS options:\n"
        "    --csv                  comma-separated output\n"
        "    --is-shutdown-cleanly  report whether PostgreSQL was shut down cleanly\n\n"
        "  NODE CHECK options:\n"
        "    --csv                  comma-separated output of the full report\n"
        "    --nagios               Nagios plugin output (single checks only)\n"
        "    -S, --superuser=USER   superuser for checks that need one\n"
        "  Single checks (the exit code is the Nagios status 0-3):\n"
        "    --archive-ready        WAL files waiting to be archived\n"
        "    --downstream           whether the expected standbys are attached\n"
        "    --upstream             whether this node is attached to its upstream\n"
        "    --replication-lag      replication lag of this standby\n"
        "    --role                 registered role against the actual role\n"
        "    --slots                inactive physical replication slots\n"
        "    --missing-slots        replication slots registered standbys need but lack\n"
        "    --data-directory-config  \"data_directory\" against the server's data directory\n"
        "    --repmgrd              whether repmgrd runs (and is not paused)\n"
        "    --db-connection        whether the node accepts a connection\n\n",
        progname);
}

void print_standby_help(const std::string& progname) {
    fmt::print(
        "{0} standby: manage standby servers\n\n"
        "  {0} standby clone        copy a primary (or another standby) into a new standby\n"
        "  {0} standby register     add the local standby to the repmgr metadata\n"
        "  {0} standby unregister   remove a standby from the repmgr metadata\n"
        "  {0} standby promote      make the local standby the primary\n"
        "  {0} standby follow       attach the local standby to another upstream node\n"
        "  {0} standby switchover   swap roles with the current primary (uses SSH)\n\n"
        "  STANDBY CLONE options:\n"
        "    -c, --fast-checkpoint  ask the source for a fast checkpoint\n"
        "    --copy-external-config-files[=samepath|pgdata]\n"
        "                           also copy configuration files kept outside the data directory\n"
        "    --upstream-conninfo=STR  primary_conninfo to write for the new standby\n"
        "    --replication-user=USER  user for the replication connection\n"
        "    --replication-conf-only  only write the replication configuration\n"
        "    --recovery-min-apply-delay=VAL  delay applying WAL by this much\n"
        "    --verify-backup        check the copy with pg_verifybackup (PostgreSQL 13+)\n"
        "    --without-barman       ignore \"barman_host\"\n\n"
        "  STANDBY REGISTER options:\n"
        "    --upstream-node-id=N   node the standby streams from (default: the primary)\n"
        "    --wait-start=N         seconds to wait for the standby to start (default 30)\n"
        "    --wait-sync[=N]        wait until the record reached the standby (N seconds)\n\n"
        "  STANDBY UNREGISTER options:\n"
        "    --node-id=N            unregister this node instead of the local one\n\n"
        "  STANDBY PROMOTE / SWITCHOVER options:\n"
        "    --siblings-follow      make the other standbys follow the new primary\n"
        "    --always-promote       promote even if this standby is behind the old primary\n"
        "                           (switchover)\n"
        "    --force-rewind[=PATH]  rejoin the old primary with pg_rewind if needed (switchover)\n"
        "    --repmgrd-no-pause     do not pause repmgrd during the switchover\n"
        "    --repmgrd-force-unpause  unpause every repmgrd afterwards, also ones paused before\n"
        "    -R, --remote-user=USER  SSH user on the other nodes\n"
        "    -S, --superuser=USER   superuser for the steps that need one\n\n"
        "  STANDBY FOLLOW options:\n"
        "    --upstream-node-id=N   node to follow (default: the primary)\n"
        "    -w, --wait             wait for a primary to appear (\"primary_follow_timeout\")\n\n",
        progname);
}

void print_witness_help(const std::string& progname) {
    fmt::print(
        "{0} witness: manage a witness server\n\n"
        "  {0} witness register     register the local server as the witness of a primary\n"
        "  {0} witness unregister   remove the witness from the repmgr metadata\n\n"
        "  Options:\n"
        "    -h, --host=HOST        host of the primary (with -p, -U, -d for the rest of\n"
        "                           the connection to it)\n"
        "    --node-id=N            unregister this witness instead of the local one\n\n",
        progname);
}

void print_service_help(const std::string& progname, const std::string& noun) {
    fmt::print(
        "{0} {1}: control the repmgrd daemons of the cluster\n\n"
        "  {0} service status       state of repmgrd on every node\n"
        "  {0} service pause        stop repmgrd from acting on failures, on every node\n"
        "  {0} service unpause      let repmgrd act on failures again\n"
        "  {0} daemon start         start repmgrd on the local node (\"repmgrd_service_start_command\")\n"
        "  {0} daemon stop          stop repmgrd on the local node (\"repmgrd_service_stop_command\")\n"
        "  (\"daemon status|pause|unpause\" are the same as \"service ...\")\n\n"
        "  SERVICE STATUS options:\n"
        "    --csv                  comma-separated output\n"
        "    --detail               extra columns\n"
        "    --verbose              more detail\n\n"
        "  DAEMON START / STOP options:\n"
        "    -w, --wait[=N]         wait up to N seconds (default 15) for the daemon\n"
        "    -W, --no-wait          do not wait\n\n",
        progname, noun);
}

}  // namespace

void print_general_help(const std::string& progname, bool running_as_root) {
    fmt::print("{}: replication management tool for PostgreSQL\n\n", progname);
    if (running_as_root) {
        fmt::print(
            "\t**************************************************\n"
            "\t*** repmgr must be executed by a non-superuser ***\n"
            "\t**************************************************\n\n");
    }
    fmt::print(
        "Usage:\n"
        "    {0} [OPTIONS] primary {{register|unregister|check|status}}\n"
        "    {0} [OPTIONS] standby {{clone|register|unregister|promote|follow|switchover|check|status}}\n"
        "    {0} [OPTIONS] node    {{status|check|rejoin|service}}\n"
        "    {0} [OPTIONS] cluster {{show|event|matrix|crosscheck|cleanup}}\n"
        "    {0} [OPTIONS] witness {{register|unregister}}\n"
        "    {0} [OPTIONS] service {{status|pause|unpause}}\n"
        "    {0} [OPTIONS] daemon  {{start|stop}}\n"
        "\n"
        "  \"primary\" may also be written \"master\".\n"
        "  Run \"{0} <command> --help\" to see the options of one command.\n\n",
        progname);
    print_common_options();
    fmt::print("{} home page: <https://repmgr.org/>\n", progname);
}

bool print_command_help(const std::string& progname, const std::string& command) {
    const std::string c = to_lower(command);
    if (c == "primary" || c == "master") {
        print_primary_help(progname);
        return true;
    }
    if (c == "cluster") {
        print_cluster_help(progname);
        return true;
    }
    if (c == "node") {
        print_node_help(progname);
        return true;
    }
    if (c == "standby") {
        print_standby_help(progname);
        return true;
    }
    if (c == "witness") {
        print_witness_help(progname);
        return true;
    }
    if (c == "service" || c == "daemon") {
        print_service_help(progname, c);
        return true;
    }
    return false;
}

}  // namespace repmgr::cli
