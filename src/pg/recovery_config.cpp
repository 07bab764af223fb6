#include "repmgr/pg/recovery_config.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "repmgr/common/error.hpp"
#include "repmgr/config/lexer.hpp"

namespace repmgr::pg {
namespace {

// A value as ALTER SYSTEM writes it: single quotes doubled, backslashes doubled.
std::string quote_conf_value(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'') {
            out += "''";
        } else if (c == '\\') {
            out += "\\\\";
        } else {
            out += c;
        }
    }
    out += '\'';
    return out;
}

// key/value pairs of a postgresql.auto.conf; lines that are not "name [=] value" are
// dropped (PostgreSQL itself writes nothing else there).
ConfigItems parse_auto_conf(const std::string& text) {
    ConfigItems items;
    config::Lexer lexer(text);
    while (true) {
        config::Token name = lexer.next();
        if (name.kind == config::TokenKind::kEnd) break;
        if (name.kind == config::TokenKind::kEol) continue;
        config::Token value = lexer.next();
        if (value.kind == config::TokenKind::kEquals) value = lexer.next();
        const bool name_ok = name.kind == config::TokenKind::kId ||
                             name.kind == config::TokenKind::kQualifiedId;
        const bool value_ok = value.kind != config::TokenKind::kEnd &&
                              value.kind != config::TokenKind::kEol &&
                              value.kind != config::TokenKind::kError &&
                              value.kind != config::TokenKind::kEquals;
        if (name_ok && value_ok) {
            items.emplace_back(std::string(name.text),
                               value.kind == config::TokenKind::kString
                                   ? config::unescape_quoted(value.text)
                                   : std::string(value.text));
        }
        // skip to the end of the line
        config::Token t = value;
        while (t.kind != config::TokenKind::kEol && t.kind != config::TokenKind::kEnd) t = lexer.next();
        if (t.kind == config::TokenKind::kEnd) break;
    }
    return items;
}

std::string read_file(const std::string& path, bool* missing) {
    std::ifstream in(path);
    if (!in) {
        *missing = true;
        return "";
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Writes `content` to `path` through a temporary file and rename, fsyncing both.
void write_durably(const std::string& path, const std::string& content, mode_t mode) {
    const std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to open file \"{}\" for writing", tmp))
            .detail(std::strerror(errno));
    }
    ::fchmod(fd, mode);
    bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    ok = ok && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw Error(ExitCode::kBadConfig, fmt::format("unable to write file \"{}\"", path))
            .detail(std::strerror(err));
    }
    std::string dir = path.substr(0, path.find_last_of('/'));
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace

std::string format_primary_conninfo(const db::ConnInfo& params,
                                    const std::string& fallback_application_name,
                                    const config::Config& cfg) {
    std::string out;
    for (const auto& [key, value] : params.params()) {
        if (key == "dbname" || key == "replication" || value.empty()) continue;
        if (!out.empty()) out += ' ';
        out += key + "=" + db::quote_conninfo_value(value);
    }
    if (!params.has("application_name")) {
        if (!out.empty()) out += ' ';
        out += "application_name=" + db::quote_conninfo_value(fallback_application_name);
    }
    if (!params.has("password") && cfg.use_primary_conninfo_password) {
        if (const char* pw = std::getenv("PGPASSWORD"); pw && *pw) {
            out += " password=" + db::quote_conninfo_value(pw);
        }
    }
    if (!cfg.passfile.empty()) out += " passfile=" + db::quote_conninfo_value(cfg.passfile);
    return out;
}

db::ConnInfo follow_conninfo_params(const std::string& upstream_conninfo,
                                    const std::string& node_name,
                                    const std::string& upstream_repluser) {
    db::ConnInfo params = db::ConnInfo::parse(upstream_conninfo);
    params.erase("application_name");
    params.erase("passfile");
    params.erase("servicefile");
    params.set("application_name", node_name);
    if (!upstream_repluser.empty()) params.set("user", upstream_repluser);
    return params;
}

ConfigItems replication_config_items(const config::Config& cfg, const std::string& primary_conninfo,
                                     const std::string& slot_name,
                                     const std::string& recovery_min_apply_delay,
                                     int server_version_num) {
    ConfigItems items;
    const bool old_style = server_version_num < 120000;
    if (old_style) items.emplace_back("standby_mode", "on");
    items.emplace_back("primary_conninfo", primary_conninfo);
    if (old_style) items.emplace_back("recovery_target_timeline", "latest");
    if (!recovery_min_apply_delay.empty()) {
        items.emplace_back("recovery_min_apply_delay", recovery_min_apply_delay);
    }
    if (!slot_name.empty()) items.emplace_back("primary_slot_name", slot_name);
    if (!cfg.restore_command.empty()) items.emplace_back("restore_command", cfg.restore_command);
    if (!cfg.archive_cleanup_command.empty()) {
        items.emplace_back("archive_cleanup_command", cfg.archive_cleanup_command);
    }
    return items;
}

std::string merge_auto_conf(const std::string& existing, const ConfigItems& items) {
    ConfigItems merged = parse_auto_conf(existing);
    for (const auto& [key, value] : items) {
        std::erase_if(merged, [&](const auto& kv) { return kv.first == key; });
        merged.emplace_back(key, value);
    }
    std::string out =
        "# Do not edit this file manually!\n"
        "# It will be overwritten by the ALTER SYSTEM command.\n";
    for (const auto& [key, value] : merged) out += key + " = " + quote_conf_value(value) + "\n";
    return out;
}

std::string render_recovery_conf(const ConfigItems& items) {
    std::string out;
    for (const auto& [key, value] : items) out += key + " = " + quote_conf_value(value) + "\n";
    return out;
}

void write_standby_signal(const std::string& data_directory) {
    const std::string path = data_directory + "/standby.signal";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw Error(ExitCode::kBadConfig, fmt::format("unable to create file \"{}\"", path))
            .detail(std::strerror(errno));
    }
    static constexpr std::string_view kContent = "# created by repmgr\n";
    ssize_t n = ::write(fd, kContent.data(), kContent.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(kContent.size())) {
        throw Error(ExitCode::kBadConfig, fmt::format("unable to write file \"{}\"", path));
    }
}

void write_replication_config(const std::string& data_directory, const ConfigItems& items,
                              int server_version_num) {
    if (server_version_num < 120000) {
        write_durably(data_directory + "/recovery.conf", render_recovery_conf(items), 0600);
        return;
    }
    const std::string path = data_directory + "/postgresql.auto.conf";
    bool missing = false;
    std::string existing = read_file(path, &missing);
    struct stat st {};
    mode_t mode = ::stat(data_directory.c_str(), &st) == 0 ? (st.st_mode & 0666) : 0600;
    write_durably(path, merge_auto_conf(existing, items), mode);
    write_standby_signal(data_directory);
}

}  // namespace repmgr::pg
