#include "repmgr/pg/data_directory.hpp"

#include <dirent.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "repmgr/common/error.hpp"

namespace repmgr::pg {
namespace fs = std::filesystem;

DirectoryState check_directory(const std::string& path, std::string* error) {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) {
        if (errno == ENOENT) return DirectoryState::kMissing;
        if (error) *error = std::strerror(errno);
        return DirectoryState::kUnreadable;
    }
    DirectoryState state = DirectoryState::kEmpty;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string_view name = entry->d_name;
        if (name != "." && name != "..") {
            state = DirectoryState::kNotEmpty;
            break;
        }
    }
    ::closedir(dir);
    return state;
}

bool is_pg_data_directory(const std::string& path) {
    std::error_code ec;
    return fs::exists(fs::path(path) / "PG_VERSION", ec);
}

bool postmaster_running(const std::string& path) {
    std::ifstream in(fs::path(path) / "postmaster.pid");
    long pid = 0;
    if (!(in >> pid) || pid <= 0) return false;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

void create_directory(const std::string& path) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec || ::chmod(path.c_str(), 0700) != 0) {
        throw Error(ExitCode::kBadConfig, fmt::format("unable to create directory \"{}\"", path))
            .detail(ec ? ec.message() : std::strerror(errno));
    }
}

void recreate_directory(const std::string& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) {
        throw Error(ExitCode::kBadConfig, fmt::format("unable to remove directory \"{}\"", path))
            .detail(ec.message());
    }
    create_directory(path);
}

void set_data_directory_permissions(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to read permissions of directory \"{}\"", path))
            .detail(std::strerror(errno));
    }
    const mode_t mode = st.st_mode & 0777;
    if (mode == 0700 || mode == 0750) return;
    if (::chmod(path.c_str(), 0700) != 0) {
        throw Error(ExitCode::kBadConfig,
                    fmt::format("unable to change permissions of directory \"{}\"", path))
            .detail(std::strerror(errno));
    }
}

}  // namespace repmgr::pg
