#include "kernels/match/chaining.hpp"

#include "kernels/graph/union_find.hpp"

namespace ch::match {

std::vector<std::uint64_t> guarded_components(std::uint64_t n, std::span<const MatchEdge> edges,
                                              const ChainingGuard& guard) {
  graph::UnionFind all(n);
  for (const auto& e : edges) all.unite(e.a, e.b);
  std::vector<std::uint64_t> size(n, 0);
  for (std::uint64_t v = 0; v < n; ++v) ++size[all.find(v)];
  graph::UnionFind kept(n);
  for (const auto& e : edges) {
    const bool large = size[all.find(e.a)] > guard.max_size;
    if (!large || e.probability >= guard.strong_probability) kept.unite(e.a, e.b);
  }
  std::vector<std::uint64_t> label(n);
  for (std::uint64_t v = 0; v < n; ++v) label[v] = kept.find(v);
  return label;
}

}  // namespace ch::match
