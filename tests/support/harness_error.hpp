// The one exception type tests/support throws when the harness cannot do what a test asked
// (binaries missing, a server that will not start, a failing psql). GoogleTest reports an
// exception escaping a test body or fixture as a test failure, with this message.
#pragma once

#include <stdexcept>

namespace repmgr::test {

class HarnessError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace repmgr::test
