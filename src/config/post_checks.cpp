// Cross-parameter checks run after a whole configuration file has been read
// (spec/config.md §5), and the extra ones repmgrd makes on reload (§6). The order and texts
// are repmgr's, including its double space in the threshold messages.
//
// This is the one place outside db/ that calls libpq: config/ sits below db/ in the layer
// order, and only the conninfo syntax check is needed here (no connection is made).

#include <libpq-fe.h>

#include <memory>

#include "repmgr/config/config_file.hpp"

namespace repmgr::config {
namespace {

// libpq's complaint about a conninfo string, or nullopt if libpq accepts it.
std::optional<std::string> conninfo_error(const std::string& conninfo) {
    char* message = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &message);
    std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> owned(options, &PQconninfoFree);
    std::unique_ptr<char, void (*)(void*)> owned_message(message, &PQfreemem);
    if (options != nullptr) return std::nullopt;
    return message != nullptr ? std::string(message) : std::string("out of memory");
}

void require(bool present, std::string_view key, std::vector<std::string>& errors) {
    if (!present)
        errors.push_back("\"" + std::string(key) + "\": required parameter was not found");
}

}  // namespace

void check_parsed_config(Config& config, std::vector<std::string>& errors) {
    require(config.node_id != -1, "node_id", errors);
    require(!config.node_name.empty(), "node_name", errors);
    require(!config.data_directory.empty(), "data_directory", errors);
    if (config.conninfo.empty()) {
        require(false, "conninfo", errors);
    } else if (auto message = conninfo_error(config.conninfo)) {
        // libpq's message ends in a newline, so the tab starts the next line (as in repmgr).
        errors.push_back("\"conninfo\": " + *message + "\t(provided: \"" + config.conninfo + "\")");
    }

    if (config.repmgrd_standby_startup_timeout == Seconds{-1}) {
        config.repmgrd_standby_startup_timeout = config.standby_reconnect_timeout;
    }

    if (config.barman_host.empty() != config.barman_server.empty()) {
        errors.emplace_back("use \"barman_host\" for the hostname of the Barman server");
        errors.emplace_back(
            "use \"barman_server\" for the name of the [server] section in the Barman "
            "configuration file");
    }

    if (config.archive_ready_warning >= config.archive_ready_critical) {
        errors.emplace_back(
            "\"archive_ready_critical\" must be greater than  \"archive_ready_warning\"");
    }
    if (config.replication_lag_warning >= config.replication_lag_critical) {
        errors.emplace_back(
            "\"replication_lag_critical\" must be greater than  \"replication_lag_warning\"");
    }
    if (config.standby_reconnect_timeout < config.node_rejoin_timeout) {
        errors.emplace_back(
            "\"standby_reconnect_timeout\" must be equal to or greater than "
            "\"node_rejoin_timeout\"");
    }
}

std::vector<std::string> check_reloaded_config(const Config& current, const Config& reloaded,
                                               bool node_can_fail_over) {
    std::vector<std::string> errors;
    if (node_can_fail_over && reloaded.failover == FailoverMode::kAutomatic) {
        require(!reloaded.promote_command.empty(), "promote_command", errors);
        require(!reloaded.follow_command.empty(), "follow_command", errors);
    }
    if (reloaded.node_id != current.node_id) {
        // New value first, then the old one, as repmgr prints them.
        errors.push_back("\"node_id\" cannot be changed, retaining current configuration " +
                         std::to_string(reloaded.node_id) + " " + std::to_string(current.node_id));
    }
    if (reloaded.node_name != current.node_name) {
        errors.emplace_back("\"node_name\" cannot be changed, keeping current configuration");
    }
    return errors;
}

}  // namespace repmgr::config
