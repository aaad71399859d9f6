// A scratch directory for an MPI test: `prefix` and the rank count under the system's temporary
// directory (the n1, n2 and n4 runs of one test may run at once), created by rank 0 — emptied
// first when `fresh` — before any rank goes on. Collective.
#pragma once

#include <filesystem>
#include <string>

#include "cluster/collectives.hpp"

namespace ch::test {

inline std::filesystem::path scratch_dir(const std::string& prefix, bool fresh = false) {
  const auto ctx = cluster::Context::world();
  const auto dir = std::filesystem::temp_directory_path() / (prefix + std::to_string(ctx.size()));
  if (ctx.is_root()) {
    if (fresh) std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  cluster::barrier(ctx, "scratch directory exists");
  return dir;
}

}  // namespace ch::test
