#include "remote/tcp_connect.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace repmgr::remote {
namespace {

struct AddrInfoDeleter {
    void operator()(addrinfo* p) const { freeaddrinfo(p); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoDeleter>;

struct Resolved {
    AddrInfoPtr list;
    int status = 0;  // getaddrinfo's return value
};

addrinfo make_hints(AddressFamily family, int flags) {
    addrinfo hints{};
    hints.ai_family = family == AddressFamily::kInet    ? AF_INET
                      : family == AddressFamily::kInet6 ? AF_INET6
                                                        : AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    return hints;
}

Resolved resolve_now(const std::string& host, const std::string& port, const addrinfo& hints) {
    addrinfo* list = nullptr;
    Resolved r;
    r.status = getaddrinfo(host.c_str(), port.c_str(), &hints, &list);
    r.list.reset(list);
    return r;
}

// getaddrinfo cannot be given a timeout, so a name that needs DNS is resolved on a detached
// thread; when the deadline passes first, that thread finishes (and frees) on its own.
struct PendingLookup {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    Resolved result;
};

std::optional<Resolved> resolve(const std::string& host, int port, AddressFamily family,
                                const Deadline& deadline) {
    const std::string service = std::to_string(port);
    Resolved numeric = resolve_now(host, service, make_hints(family, AI_NUMERICHOST));
    if (numeric.status == 0) return numeric;

    auto pending = std::make_shared<PendingLookup>();
    const addrinfo hints = make_hints(family, AI_ADDRCONFIG);
    std::thread([pending, host, service, hints] {
        Resolved r = resolve_now(host, service, hints);
        std::lock_guard lock(pending->mutex);
        pending->result = std::move(r);
        pending->done = true;
        pending->done_cv.notify_all();
    }).detach();

    std::unique_lock lock(pending->mutex);
    if (deadline.is_never()) {
        pending->done_cv.wait(lock, [&] { return pending->done; });
    }
    while (!pending->done) {
        if (deadline.expired()) return std::nullopt;
        pending->done_cv.wait_for(lock, std::chrono::milliseconds(deadline.poll_timeout_ms()));
    }
    return std::move(pending->result);
}

// Waits for a non-blocking connect; returns 0, an errno value, or ETIMEDOUT at the deadline.
int finish_connect(int fd, const Deadline& deadline) {
    for (;;) {
        pollfd p{fd, POLLOUT, 0};
        const int rc = poll(&p, 1, deadline.poll_timeout_ms());
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) return errno;
        if (rc == 0) {
            if (deadline.expired()) return ETIMEDOUT;
            continue;
        }
        int so_error = 0;
        socklen_t len = sizeof(so_error);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0) return errno;
        return so_error;
    }
}

std::string errno_text(int err) {
    char buffer[256];
    return strerror_r(err, buffer, sizeof(buffer));  // GNU variant: returns the text
}

std::string where(const std::string& host, int port) {
    return "host \"" + host + "\" port " + std::to_string(port);
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

UniqueFd::~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
}

TcpConnectResult tcp_connect(const std::string& host, int port, AddressFamily family,
                             const Deadline& deadline, const std::string& timeout_text) {
    TcpConnectResult out;
    const std::optional<Resolved> resolved = resolve(host, port, family, deadline);
    if (!resolved) {
        out.timed_out = true;
        out.error = "timed out after " + timeout_text + " resolving host name \"" + host + "\"";
        return out;
    }
    if (resolved->status != 0) {
        out.error =
            "could not resolve host name \"" + host + "\": " + gai_strerror(resolved->status);
        return out;
    }
    int last_errno = EHOSTUNREACH;
    for (const addrinfo* ai = resolved->list.get(); ai != nullptr; ai = ai->ai_next) {
        UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                             ai->ai_protocol));
        if (!fd.valid()) {
            last_errno = errno;
            continue;
        }
        int rc = ::connect(fd.get(), ai->ai_addr, ai->ai_addrlen);
        int err = rc == 0 ? 0 : errno;
        if (err == EINPROGRESS) err = finish_connect(fd.get(), deadline);
        if (err == 0) {
            const int one = 1;  // SSH exchanges small packets; do not let Nagle delay them
            setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            out.socket = std::move(fd);
            return out;
        }
        if (err == ETIMEDOUT && deadline.expired()) {
            out.timed_out = true;
            out.error = "connection to " + where(host, port) + " timed out after " + timeout_text +
                        " (TCP connect)";
            return out;
        }
        last_errno = err;
    }
    out.error = "could not connect to " + where(host, port) + ": " + errno_text(last_errno);
    return out;
}

}  // namespace repmgr::remote
