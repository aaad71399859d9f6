// Small text inputs (scenario, config, mapping and partner files): read once on rank 0 and shared
// with every rank, together with the verdict, so a missing file is the same error on every rank
// (a collective UsageError naming `what` and the path) and no rank reads what it need not.
#pragma once

#include <filesystem>
#include <string>

#include "cluster/context.hpp"

namespace ch::io {

std::string read_shared_text(const cluster::Context& ctx, const std::filesystem::path& path,
                             const std::string& what);

}  // namespace ch::io
