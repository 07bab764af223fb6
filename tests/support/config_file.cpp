#include "support/config_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "support/harness_error.hpp"
#include "support/pg_bin.hpp"
#include "support/pg_test_node.hpp"
#include "support/postgres_user.hpp"

namespace repmgr::test {

namespace fs = std::filesystem;

namespace {

std::string quoted(std::string_view key, std::string_view value) {
    if (value.find('\'') != std::string_view::npos) {
        throw HarnessError("repmgr.conf value for " + std::string(key) +
                           " contains a single quote: " + std::string(value));
    }
    return std::string(key) + "='" + std::string(value) + "'\n";
}

}  // namespace

ConfigFile ConfigFile::for_node(const PgTestNode& node, int node_id, std::string_view user,
                                std::string_view dbname) {
    ConfigFile conf;
    conf.node_id = node_id;
    conf.node_name = node.name();
    conf.conninfo = node.connstr(dbname, user);
    conf.data_directory = node.data_dir();
    conf.pg_bindir = repmgr::test::pg_bindir();
    return conf;
}

std::string ConfigFile::text() const {
    std::string text = "node_id=" + std::to_string(node_id) + "\n";
    text += quoted("node_name", node_name);
    text += quoted("conninfo", conninfo);
    text += quoted("data_directory", data_directory.string());
    if (!pg_bindir.empty()) text += quoted("pg_bindir", pg_bindir.string());
    for (const auto& line : extra_lines) text += line + "\n";
    return text;
}

fs::path ConfigFile::write(const fs::path& path) const {
    const std::string content = text();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw HarnessError("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    ::fchmod(fd, 0600);
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n <= 0) {
            ::close(fd);
            throw HarnessError("cannot write " + path.string() + ": " + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    give_to_postgres(path);
    return path;
}

fs::path write_repmgr_conf(const PgTestNode& node, int node_id,
                           const std::vector<std::string>& extra_lines) {
    ConfigFile conf = ConfigFile::for_node(node, node_id);
    conf.extra_lines = extra_lines;
    return conf.write(node.basedir() / "repmgr.conf");
}

}  // namespace repmgr::test
