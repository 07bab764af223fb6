#include "daemon/signals.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cerrno>

namespace repmgr::daemon {
namespace {

std::atomic<bool> g_reload{false};
std::atomic<int> g_stop{0};
// Self-pipe: the handler writes a byte so a sleeping poll() wakes up at once.
std::array<int, 2> g_wake{-1, -1};

extern "C" void on_signal(int signo) {
    int saved = errno;
    if (signo == SIGHUP) {
        g_reload.store(true);
    } else if (signo == SIGTERM) {
        g_stop.store(static_cast<int>(StopSignal::kTerm));
    } else if (signo == SIGINT) {
        g_stop.store(static_cast<int>(StopSignal::kInt));
    }
    char byte = 1;
    ssize_t ignored = ::write(g_wake[1], &byte, 1);
    (void)ignored;
    errno = saved;
}

void drain_wake_pipe() {
    std::array<char, 64> buf{};
    while (::read(g_wake[0], buf.data(), buf.size()) > 0) {
    }
}

}  // namespace

void install_signal_handlers() {
    if (g_wake[0] < 0) {
        if (::pipe2(g_wake.data(), O_NONBLOCK | O_CLOEXEC) != 0) g_wake = {-1, -1};
    }
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGHUP, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
}

bool take_reload_request() { return g_reload.exchange(false); }

StopSignal stop_requested() { return static_cast<StopSignal>(g_stop.load()); }

void interruptible_sleep(std::chrono::milliseconds duration) {
    if (stop_requested() != StopSignal::kNone || g_reload.load()) return;
    pollfd pfd{g_wake[0], POLLIN, 0};
    int timeout = static_cast<int>(duration.count());
    if (g_wake[0] < 0) {
        ::usleep(static_cast<useconds_t>(timeout) * 1000);
        return;
    }
    if (::poll(&pfd, 1, timeout) > 0) drain_wake_pipe();
}

bool sleep_or_readable(std::chrono::milliseconds duration, int fd) {
    if (fd < 0) {
        interruptible_sleep(duration);
        return false;
    }
    if (stop_requested() != StopSignal::kNone || g_reload.load()) return false;
    std::array<pollfd, 2> pfds{{{g_wake[0], POLLIN, 0}, {fd, POLLIN, 0}}};
    if (::poll(pfds.data(), pfds.size(), static_cast<int>(duration.count())) <= 0) return false;
    if (pfds[0].revents != 0) drain_wake_pipe();
    return pfds[1].revents != 0;
}

}  // namespace repmgr::daemon
