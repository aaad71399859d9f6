// Distributed pieces of resolve that tests run on their own: which rank holds a row, and the
// chaining-guarded connected components (the distributed form of
// kernels/match/chaining.hpp's serial reference; tests/mpi/resolve_cluster_test.cpp compares
// them on random graphs under 1, 2 and 4 ranks).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cluster/context.hpp"
#include "kernels/community/graph.hpp"
#include "kernels/match/chaining.hpp"

namespace ch::jobs {

// Rows 0..n-1 split evenly as io::TableReader::read_my_share does (the split of the community
// kernel's vertex ranges). Inline: resolve asks for the owner of a row once or more per candidate
// pair, and the out-of-line 128-bit division it used to do cost 3 % of resolve's CPU on two ranks.
struct RowPartition {
  std::uint64_t n = 0;
  int ranks = 1;
  std::uint64_t begin(int rank) const { return community::vertex_range(n, rank, ranks).first; }
  int owner(std::uint64_t row) const { return n == 0 ? 0 : community::vertex_owner(row, n, ranks); }
};

struct GuardStats {
  std::uint64_t large_components = 0;  // components above the guard size before the guard
  std::uint64_t dropped_edges = 0;     // weak edges removed inside them
  std::uint64_t largest_before = 0, largest_after = 0;
};

// Component label (smallest row) per vertex this rank owns round-robin (cluster::connected_
// components' layout), under the chaining guard. Collective. `edges` may be any subset per rank.
std::vector<std::uint64_t> guarded_components_distributed(const cluster::Context& ctx, std::uint64_t n,
                                                          std::span<const match::MatchEdge> edges,
                                                          const match::ChainingGuard& guard,
                                                          GuardStats* stats = nullptr);

// Component sizes per owned vertex (non-zero only at each component's label vertex).
std::vector<std::uint64_t> component_sizes(const cluster::Context& ctx, std::uint64_t n,
                                           const std::vector<std::uint64_t>& owned_labels);

}  // namespace ch::jobs
