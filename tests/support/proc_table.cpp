#include "support/proc_table.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace repmgr::test {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct ProcState {
    char state = '\0';  // '\0' when the process is gone
    int ppid = 0;
    int pgrp = 0;
};

ProcState proc_state(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return {};
    const auto close_paren = line.rfind(')');  // comm may contain spaces and parentheses
    if (close_paren == std::string::npos || close_paren + 4 > line.size()) return {};
    ProcState ps;
    ps.state = line[close_paren + 2];
    char* end = nullptr;
    ps.ppid = static_cast<int>(std::strtol(line.c_str() + close_paren + 4, &end, 10));
    ps.pgrp = static_cast<int>(std::strtol(end, nullptr, 10));
    return ps;
}

std::vector<int> all_pids() {
    std::vector<int> pids;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        const bool numeric = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return c >= '0' && c <= '9';
        });
        if (numeric) pids.push_back(std::stoi(name));
    }
    return pids;
}

}  // namespace

void become_subreaper() {
    static const bool done = ::prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL) == 0;
    (void)done;
}

void reap_process_group(int pgrp) {
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    const int self = ::getpid();
    for (;;) {
        bool alive = false;
        for (const int pid : all_pids()) {
            const ProcState ps = proc_state(pid);
            if (ps.pgrp != pgrp || ps.state == '\0') continue;
            if (ps.state == 'Z' && ps.ppid == self) {
                ::waitpid(pid, nullptr, WNOHANG);
            } else if (ps.state != 'Z' && ps.state != 'X') {
                alive = true;
            }
        }
        if (!alive || Clock::now() >= deadline) return;
        std::this_thread::sleep_for(milliseconds(5));
    }
}

std::vector<int> children_of(int parent) {
    std::vector<int> children;
    for (const int pid : all_pids()) {
        if (proc_state(pid).ppid == parent) children.push_back(pid);
    }
    return children;
}

void reap_orphan_zombies() {
    for (const int pid : children_of(::getpid())) {
        if (proc_state(pid).state == 'Z') ::waitpid(pid, nullptr, WNOHANG);
    }
}

bool wait_for_pid_exit(int pid, milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const pid_t r = ::waitpid(pid, nullptr, WNOHANG);
        if (r == pid) return true;
        if (r < 0) {  // not our child: gone, or a zombie someone else must reap
            const char state = proc_state(pid).state;
            if (state == '\0' || state == 'Z' || state == 'X') return true;
        }
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(milliseconds(10));
    }
}

}  // namespace repmgr::test
