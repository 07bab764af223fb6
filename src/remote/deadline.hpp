// A point in time every blocking step of a remote run must finish by (private to src/remote).
#pragma once

#include <algorithm>
#include <chrono>
#include <string>

namespace repmgr::remote {

class Deadline {
  public:
    using Clock = std::chrono::steady_clock;

    static Deadline never() { return Deadline(Clock::time_point::max()); }
    // A limit <= 0 means none, as for Executor::run.
    static Deadline after(std::chrono::milliseconds limit) {
        if (limit.count() <= 0) return never();
        return Deadline(Clock::now() + limit);
    }

    Deadline earlier(const Deadline& other) const { return Deadline(std::min(at_, other.at_)); }
    bool is_never() const { return at_ == Clock::time_point::max(); }
    bool expired() const { return !is_never() && Clock::now() >= at_; }
    bool operator==(const Deadline& other) const { return at_ == other.at_; }

    // Milliseconds left for poll(2): -1 = wait for ever, else 0..cap (cap < 0 = no cap).
    int poll_timeout_ms(int cap = -1) const {
        if (is_never()) return cap;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(at_ - Clock::now()).count();
        long long ms = std::max<long long>(0, left);
        if (cap >= 0) ms = std::min<long long>(ms, cap);
        return static_cast<int>(std::min<long long>(ms, 1 << 30));
    }

  private:
    explicit Deadline(Clock::time_point at) : at_(at) {}
    Clock::time_point at_;
};

// "10 seconds", "1 second", "1500 ms": durations in user messages.
inline std::string describe_duration(std::chrono::milliseconds d) {
    const long long ms = d.count();
    if (ms % 1000 == 0) {
        const long long s = ms / 1000;
        return std::to_string(s) + (s == 1 ? " second" : " seconds");
    }
    return std::to_string(ms) + " ms";
}

}  // namespace repmgr::remote
