#include "support/port_allocator.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

#include "support/harness_error.hpp"

namespace repmgr::test {

namespace fs = std::filesystem;

PortLease::PortLease(PortLease&& other) noexcept
    : port_(other.port_), lock_fd_(std::exchange(other.lock_fd_, -1)) {}

PortLease& PortLease::operator=(PortLease&& other) noexcept {
    if (this != &other) {
        if (lock_fd_ >= 0) ::close(lock_fd_);
        port_ = other.port_;
        lock_fd_ = std::exchange(other.lock_fd_, -1);
    }
    return *this;
}

PortLease::~PortLease() {
    if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

fs::path PortAllocator::default_lock_dir() { return "/tmp/pgt-ports"; }

PortAllocator::PortAllocator(fs::path lock_dir, int first, int last)
    : lock_dir_(std::move(lock_dir)), first_(first), last_(last) {
    std::error_code ec;
    if (!fs::is_directory(lock_dir_)) {
        fs::create_directories(lock_dir_, ec);
        // Racing test processes may both create it; only the chmod of our own mkdir matters.
        if (!ec) fs::permissions(lock_dir_, fs::perms::all | fs::perms::sticky_bit, ec);
        if (!fs::is_directory(lock_dir_)) {
            throw HarnessError("cannot create port lock dir " + lock_dir_.string() + ": " +
                               ec.message());
        }
    }
    // Spread parallel processes over the range so they rarely contend for the same locks.
    const int span = last_ - first_ + 1;
    next_ = first_ + static_cast<int>((static_cast<unsigned>(::getpid()) * 97U) %
                                      static_cast<unsigned>(span));
}

PortLease PortAllocator::lease() {
    const int span = last_ - first_ + 1;
    for (int i = 0; i < span; ++i) {
        const int port = next_;
        next_ = next_ == last_ ? first_ : next_ + 1;
        int lock_fd = -1;
        if (try_port(port, lock_fd)) return PortLease(port, lock_fd);
    }
    throw HarnessError("no free port in " + std::to_string(first_) + "-" + std::to_string(last_) +
                       " (lock dir " + lock_dir_.string() + ")");
}

bool PortAllocator::try_port(int port, int& lock_fd) const {
    const fs::path file = lock_dir_ / (std::to_string(port) + ".lock");
    // Open an existing file without O_CREAT: with fs.protected_regular, O_CREAT on another
    // user's file in a sticky directory fails even for root.
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        fd = ::open(file.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) ::fchmod(fd, 0644);  // readable by every user whatever the umask
        if (fd < 0 && errno == EEXIST) fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) return false;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return false;
    }
    const int sock = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool bound = false;
    if (sock >= 0) {
        const int one = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bound = ::bind(sock, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
        ::close(sock);  // the server must be able to bind it next
    }
    if (!bound) {
        ::close(fd);
        return false;
    }
    lock_fd = fd;
    return true;
}

}  // namespace repmgr::test
