// Verb handlers shared between nouns (`primary check` is `node check`, etc.).
#pragma once

#include "cli/app.hpp"

namespace repmgr::cli {

ExitCode node_status(const CommandContext& ctx);
ExitCode node_check(const CommandContext& ctx);

}  // namespace repmgr::cli
