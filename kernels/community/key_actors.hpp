// Key actors of every community: weighted degree (in the whole graph), PageRank and betweenness
// inside the community (kernels/community/subgraph.hpp).
//
// Each community's subgraph is gathered on one rank (round robin over canonical ids, which are
// ordered by size, so the largest communities land on different ranks) and computed there
// sequentially, communities in parallel with oneTBB. This suits the stage's communities
// (organizations: tens to thousands of members); a community of millions would be computed by
// one thread — see docs/algorithms.md. Every value depends only on the community's subgraph,
// so the rows are identical for any rank and thread count.
#pragma once

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/community/leiden.hpp"

namespace ch::community {

struct KeyActorOptions {
  double damping = 0.85;
  std::size_t betweenness_sources = 64;  // exact below this community size
  std::uint64_t seed = 42;
};

struct KeyActorRow {
  std::uint64_t vertex;
  std::uint64_t community;
  double weighted_degree;
  double pagerank;
  double betweenness;
};

// Collective. `membership` is replicated (size n, canonical ids < communities). Returns the rows
// of this rank's vertices [g.begin, g.end), in vertex order.
// O(Σ_c k_c · (n_c + m_c) / p) with k_c ≤ betweenness_sources.
template <class Exchange>
std::vector<KeyActorRow> key_actors(const GraphSlice& g, const std::vector<std::uint64_t>& membership,
                                    const KeyActorOptions& o, const Exchange& x) {
  const int p = x.size();
  std::vector<Weight> degree(g.n, 0);  // only owned entries are read by the gather
  for (std::uint64_t v = 0; v < g.owned(); ++v)
    for (const Weight w : g.neighbour_weights(v)) degree[g.begin + v] += w;
  const auto subs = detail::gather_communities(g, membership, degree, x, [p](std::uint64_t c) {
    return static_cast<int>(c % static_cast<std::uint64_t>(p));
  });
  std::vector<std::vector<KeyActorRow>> rows(subs.size());
  tbb::parallel_for(std::size_t{0}, subs.size(), [&](std::size_t i) {
    const auto& c = subs[i];
    const auto pr = pagerank(c, o.damping);
    const auto bc = betweenness(c, o.betweenness_sources, mix64(o.seed ^ c.community));
    for (std::size_t k = 0; k < c.size(); ++k)
      rows[i].push_back({c.members[k], c.community, to_real(c.node_weight[k]), pr[k], bc[k]});
  });
  std::vector<KeyActorRow> flat;
  for (auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  auto mine = x.shuffle(std::move(flat), [&](const KeyActorRow& r) {
    return g.split.owner(r.vertex);
  });
  std::sort(mine.begin(), mine.end(), [](const KeyActorRow& a, const KeyActorRow& b) { return a.vertex < b.vertex; });
  return mine;
}

}  // namespace ch::community
