// GoogleTest fixture base for tests with real PostgreSQL nodes. Owns the test's TempDir, its
// PortAllocator and its nodes, and the teardown order: servers stop (immediate) before the
// directory is removed (test passed) or kept and printed (test failed).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/pg_test_node.hpp"
#include "support/port_allocator.hpp"
#include "support/temp_dir.hpp"

namespace repmgr::test {

class Cluster : public ::testing::Test {
  protected:
    // Creates the temp dir. Throws HarnessError (reported as a failure) if it cannot.
    Cluster() = default;
    // Destroys nodes newest first (standbys before their primary), then the temp dir.
    ~Cluster() override;

    // A node with a port and base directory but no data directory yet.
    PgTestNode& add_node(const std::string& name);

    // add_node + init() + start().
    PgTestNode& add_primary(const std::string& name = "node1");

    // add_node + init_standby_from(upstream) + start(). REQUIRES: upstream is running.
    PgTestNode& add_standby(const std::string& name, const PgTestNode& upstream);

    TempDir& temp_dir() { return temp_; }
    PortAllocator& ports() { return ports_; }
    const std::vector<std::unique_ptr<PgTestNode>>& nodes() const { return nodes_; }

  private:
    TempDir temp_;  // declared first: destroyed after the nodes
    PortAllocator ports_;
    std::vector<std::unique_ptr<PgTestNode>> nodes_;
};

}  // namespace repmgr::test
