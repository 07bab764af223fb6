// TCP ports for test servers, leased so that parallel test processes never share one. Owns the
// lock files and the bind probe (TESTING.md "Ports"); does not start anything on the port.
#pragma once

#include <filesystem>

namespace repmgr::test {

// One leased port. Holds an flock()ed lock file for as long as it lives; the kernel drops the
// lock if the test process dies. Move-only.
class PortLease {
  public:
    PortLease(int port, int lock_fd) : port_(port), lock_fd_(lock_fd) {}
    PortLease(PortLease&& other) noexcept;
    PortLease& operator=(PortLease&& other) noexcept;
    PortLease(const PortLease&) = delete;
    PortLease& operator=(const PortLease&) = delete;
    ~PortLease();

    int port() const { return port_; }

  private:
    int port_;
    int lock_fd_;
};

// Hands out ports from [first, last] (default 20000-29999: below the Linux ephemeral range, so
// no outgoing connection can be sitting on one). A port is leased when its lock file
// <lock_dir>/<port>.lock can be flock(LOCK_EX|LOCK_NB)ed and a bind() probe on 127.0.0.1 with
// SO_REUSEADDR succeeds (without SO_REUSEADDR, TIME_WAIT from earlier servers makes every port
// look busy). Distinct allocators, in this process or others, never lease the same port at
// once, because flock locks belong to the open file, not to the process.
class PortAllocator {
  public:
    static constexpr int kFirstPort = 20000;
    static constexpr int kLastPort = 29999;

    // The shared lock directory, /tmp/pgt-ports, mode 1777 so root and developers share it.
    static std::filesystem::path default_lock_dir();

    // Creates lock_dir (mode 1777) if missing. Throws HarnessError if it cannot.
    // REQUIRES: 0 < first <= last < 65536.
    explicit PortAllocator(std::filesystem::path lock_dir = default_lock_dir(),
                           int first = kFirstPort, int last = kLastPort);

    // Leases the next free port, scanning from a per-process starting point.
    // Throws HarnessError when every port in the range is taken.
    PortLease lease();

  private:
    bool try_port(int port, int& lock_fd) const;

    std::filesystem::path lock_dir_;
    int first_;
    int last_;
    int next_;
};

}  // namespace repmgr::test
