// The TCP part of an SSH connection: name resolution and a non-blocking connect, both bounded
// by a deadline (private to src/remote). Knows nothing about SSH.
#pragma once

#include <string>
#include <utility>

#include "remote/deadline.hpp"
#include "repmgr/remote/ssh_options.hpp"

namespace repmgr::remote {

// Owns a file descriptor; move-only.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd();
    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }

  private:
    int fd_ = -1;
};

struct TcpConnectResult {
    UniqueFd socket;  // non-blocking, close-on-exec; valid on success
    std::string error;
    bool timed_out = false;
};

// Resolves `host` and connects to the first address that accepts, trying them in order, all
// within `deadline`. `timeout_text` describes the limit for the error message. Never throws.
TcpConnectResult tcp_connect(const std::string& host, int port, AddressFamily family,
                             const Deadline& deadline, const std::string& timeout_text);

}  // namespace repmgr::remote
