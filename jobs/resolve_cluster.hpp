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
// kernel's vertex ranges). Resolve asks for the owner of a row once or more per candidate pair
// (twice per pair in each shuffle of them: 10^8 per rank on medium), so the ranks' first rows
// are kept and a row's owner costs one division and a comparison or two, not vertex_owner's four
// divisions (an out-of-line 128-bit division before that cost 3 % of resolve's CPU).
class RowPartition {
 public:
  RowPartition(std::uint64_t rows, int rank_count) : n(rows), ranks(rank_count), starts_(static_cast<std::size_t>(rank_count) + 1) {
    for (int r = 0; r < ranks; ++r) starts_[static_cast<std::size_t>(r)] = community::vertex_range(n, r, ranks).first;
    starts_.back() = n;
  }
  std::uint64_t n = 0;
  int ranks = 1;
  std::uint64_t begin(int rank) const { return starts_[static_cast<std::size_t>(rank)]; }
  int owner(std::uint64_t row) const {
    if (ranks == 1 || n == 0) return 0;
    // floor(row · p / n) is at most one rank past the owner (community::vertex_owner).
    const auto p = static_cast<std::uint64_t>(ranks);
    auto r = static_cast<std::size_t>(row <= UINT64_MAX / p ? row * p / n
                                                            : static_cast<std::uint64_t>(static_cast<community::Wide>(row) * p / n));
    while (r > 0 && starts_[r] > row) --r;
    while (r + 1 < starts_.size() && starts_[r + 1] <= row) ++r;
    return static_cast<int>(r);
  }

 private:
  std::vector<std::uint64_t> starts_;  // starts_[r]: rank r's first row; starts_[ranks] = n
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
