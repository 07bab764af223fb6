// Everything an integration test needs from tests/support, in one include.
#pragma once

#include "support/cluster.hpp"
#include "support/config_file.hpp"
#include "support/harness_error.hpp"
#include "support/pg_bin.hpp"
#include "support/pg_test_node.hpp"
#include "support/port_allocator.hpp"
#include "support/postgres_user.hpp"
#include "support/proc_table.hpp"
#include "support/process.hpp"
#include "support/repmgr_binary.hpp"
#include "support/temp_dir.hpp"
