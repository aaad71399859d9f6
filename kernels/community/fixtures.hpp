// Graphs with known answers for tests and benchmarks: Zachary's karate club and planted
// partitions drawn from the counter-based RNG (so every rank can draw the same graph alone).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/community/graph.hpp"
#include "kernels/community/serial_reference.hpp"
#include "kernels/rng.hpp"

namespace ch::community::fixtures {

// W. W. Zachary, "An information flow model for conflict and fission in small groups",
// J. Anthropological Research 33 (1977): 34 members, 78 friendships (0-based ids).
inline std::vector<ReferenceEdge> karate() {
  static constexpr std::uint8_t e[78][2] = {
      {0, 1},   {0, 2},   {0, 3},   {0, 4},   {0, 5},   {0, 6},   {0, 7},   {0, 8},   {0, 10},
      {0, 11},  {0, 12},  {0, 13},  {0, 17},  {0, 19},  {0, 21},  {0, 31},  {1, 2},   {1, 3},
      {1, 7},   {1, 13},  {1, 17},  {1, 19},  {1, 21},  {1, 30},  {2, 3},   {2, 7},   {2, 8},
      {2, 9},   {2, 13},  {2, 27},  {2, 28},  {2, 32},  {3, 7},   {3, 12},  {3, 13},  {4, 6},
      {4, 10},  {5, 6},   {5, 10},  {5, 16},  {6, 16},  {8, 30},  {8, 32},  {8, 33},  {9, 33},
      {13, 33}, {14, 32}, {14, 33}, {15, 32}, {15, 33}, {18, 32}, {18, 33}, {19, 33}, {20, 32},
      {20, 33}, {22, 32}, {22, 33}, {23, 25}, {23, 27}, {23, 29}, {23, 32}, {23, 33}, {24, 25},
      {24, 27}, {24, 31}, {25, 31}, {26, 29}, {26, 33}, {27, 33}, {28, 31}, {28, 33}, {29, 32},
      {29, 33}, {30, 32}, {30, 33}, {31, 32}, {31, 33}, {32, 33}};
  std::vector<ReferenceEdge> out;
  for (const auto& x : e) out.push_back({x[0], x[1], 1.0});
  return out;
}
// The faction each member joined after the split ("Mr. Hi" = 0, "Officer" = 1).
inline std::vector<std::uint64_t> karate_factions() {
  std::vector<std::uint64_t> f(34, 1);
  for (const int v : {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 16, 17, 19, 21}) f[v] = 0;
  return f;
}

struct Planted {
  std::uint64_t n = 0;
  std::vector<ReferenceEdge> edges;   // u < v, no duplicates, weight 1
  std::vector<std::uint64_t> block;   // planted block of each vertex
};

// Stochastic-block-like graph: `blocks` blocks of `block_size`; every vertex draws `k_in`
// partners in its own block and `k_out` anywhere else; duplicates collapse. O(n (k_in + k_out)).
inline Planted planted_partition(std::uint64_t blocks, std::uint64_t block_size, std::uint64_t k_in,
                                 std::uint64_t k_out, std::uint64_t seed) {
  Planted p;
  p.n = blocks * block_size;
  p.block.resize(p.n);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs;
  for (std::uint64_t v = 0; v < p.n; ++v) {
    p.block[v] = v / block_size;
    Rng rng(seed, stream_key(0x5b3ULL, v));
    for (std::uint64_t i = 0; i < k_in; ++i) {
      const std::uint64_t u = p.block[v] * block_size + rng.below(block_size);
      if (u != v) pairs.emplace_back(std::min(u, v), std::max(u, v));
    }
    for (std::uint64_t i = 0; i < k_out && p.n > block_size; ++i) {
      const std::uint64_t u = rng.below(p.n);
      if (u / block_size != p.block[v]) pairs.emplace_back(std::min(u, v), std::max(u, v));
    }
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  for (const auto& [u, v] : pairs) p.edges.push_back({u, v, 1.0});
  return p;
}

// Rank `rank`'s slice of `split` of an undirected edge list (both arc directions).
inline GraphSlice slice_of(VertexSplit split, const std::vector<ReferenceEdge>& edges, int rank) {
  const auto [b, e] = split.range(rank);
  std::vector<Arc> arcs;
  for (const auto& x : edges) {
    const Weight w = to_fixed(x.w);
    if (x.u >= b && x.u < e) arcs.push_back({x.u, x.v, w});
    if (x.v >= b && x.v < e) arcs.push_back({x.v, x.u, w});
  }
  return build_slice(std::move(split), rank, std::move(arcs));
}
// The same with vertices cut evenly.
inline GraphSlice slice_of(std::uint64_t n, const std::vector<ReferenceEdge>& edges, int rank = 0, int ranks = 1) {
  return slice_of(VertexSplit::even(n, ranks), edges, rank);
}

}  // namespace ch::community::fixtures
