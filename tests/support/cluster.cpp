#include "support/cluster.hpp"

namespace repmgr::test {

Cluster::~Cluster() {
    while (!nodes_.empty()) nodes_.pop_back();
}

PgTestNode& Cluster::add_node(const std::string& name) {
    nodes_.push_back(std::make_unique<PgTestNode>(name, temp_.path(), ports_.lease()));
    return *nodes_.back();
}

PgTestNode& Cluster::add_primary(const std::string& name) {
    PgTestNode& node = add_node(name);
    node.init();
    node.start();
    return node;
}

PgTestNode& Cluster::add_standby(const std::string& name, const PgTestNode& upstream) {
    PgTestNode& node = add_node(name);
    node.init_standby_from(upstream);
    node.start();
    return node;
}

}  // namespace repmgr::test
