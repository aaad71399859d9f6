// Distributed connected components (FastSV: Zhang, Azad & Hu, "FastSV: A distributed-memory
// connected component algorithm with fast convergence", SIAM PP 2020; after Shiloach & Vishkin
// 1982). Vertices 0..n-1 are owned round-robin (owner = v mod P); each rank holds the parent
// pointers of its vertices and any subset of the edges.
//
// Every iteration does, with the grandparent gf = f[f[·]]:
//   stochastic hooking   f[f[u]] ← min(f[f[u]], gf[v])   for every edge (u,v) in both directions
//   aggressive hooking   f[u]    ← min(f[u],    gf[v])
//   shortcutting         f[u]    ← min(f[u],    gf[u])
// until no grandparent changes. Minimum-label hooking makes the final label of a component its
// smallest vertex id — canonical, so the result is the same for any rank count. O(log n)
// iterations in practice; each is three key-partitioned exchanges.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "cluster/context.hpp"

namespace ch::cluster {

struct ComponentsResult {
  // label[i] is the component of vertex rank + i·P (the vertices this rank owns, in order).
  std::vector<std::uint64_t> label;
  int iterations = 0;
};

inline int vertex_owner(std::uint64_t v, int ranks) { return static_cast<int>(v % static_cast<std::uint64_t>(ranks)); }
std::uint64_t owned_vertex_count(std::uint64_t n, int rank, int ranks);

ComponentsResult connected_components(const Context& ctx, std::uint64_t n,
                                      std::span<const std::pair<std::uint64_t, std::uint64_t>> edges);

// Values of a round-robin-distributed array at arbitrary keys (one request/reply exchange).
std::vector<std::uint64_t> fetch_owned(const Context& ctx, std::span<const std::uint64_t> keys,
                                       const std::vector<std::uint64_t>& owned_values);

}  // namespace ch::cluster
