// Processes this test started, seen through /proc: waiting for them to end and reaping the ones
// re-parented to the test process (it is a child subreaper, see process.cpp). Never signals
// anything; stopping servers is PgTestNode's job.
#pragma once

#include <chrono>
#include <vector>

namespace repmgr::test {

// Makes this process a child subreaper (once): orphans of its children, e.g. postmasters
// started by pg_ctl, become its children instead of init's, so it can reap them. Needed because
// init in a container may never reap, and a zombie postmaster still answers `kill(pid, 0)`.
void become_subreaper();

// Waits for (reaps) zombie children of this process that no run is waiting for. The test process
// is a child subreaper, so postmasters started by pg_ctl become its children when pg_ctl exits;
// a postmaster killed with SIGKILL would otherwise stay a zombie that `kill(pid, 0)` still
// finds, and PostgreSQL would refuse to start on that data directory again.
// REQUIRES: no other code in this process waits for a particular child by pid; a future helper
// for long-running background children (repmgrd) must be excluded here.
void reap_orphan_zombies();

// Waits up to `timeout` for `pid` (a process this test started, directly or through pg_ctl) to
// be gone; reaps it if it is our child. Returns false if it is still alive at the deadline.
bool wait_for_pid_exit(int pid, std::chrono::milliseconds timeout);

// The pids whose parent is `pid` right now (from /proc).
std::vector<int> children_of(int pid);

// After the process group `pgrp` was sent SIGKILL: waits up to 5 s until its members are gone,
// reaping those re-parented to us, so a timed-out run leaves no zombies behind.
void reap_process_group(int pgrp);

}  // namespace repmgr::test
