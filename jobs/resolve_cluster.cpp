#include "jobs/resolve_cluster.hpp"

#include <algorithm>

#include "cluster/collectives.hpp"
#include "cluster/components.hpp"
#include "cluster/shuffle.hpp"
#include "kernels/memory.hpp"

namespace ch::jobs {

namespace {

// The components of `edges` as stars: an edge from every other vertex of a component to its
// smallest one, found by union-find over the endpoints. Matches are dense inside entities (k
// observations, up to k(k-1)/2 edges), the distributed components hold several words per edge
// and iteration, and their iterations grow with the depth of the trees they start from: stars
// (depth 1) rather than a spanning forest of the matches (chains of them) took them to 3
// iterations per pass on medium, 1.7–2.1 → 0.6 s per pass on 2 ranks.
// Union-find over the endpoints: indexed by row directly when the rows are few against the
// edges (no sort of the endpoints, no binary search per edge), else by the rank of the row among
// the sorted endpoints. Either way a smaller row is a smaller index, so each root is its
// component's smallest row.
void keep_component_stars(std::vector<std::pair<std::uint64_t, std::uint64_t>>& edges, std::uint64_t n) {
  const bool dense = n <= 4 * edges.size();
  std::vector<std::uint64_t> ids;
  if (!dense) {
    ids.reserve(2 * edges.size());
    for (const auto& [a, b] : edges) ids.push_back(a), ids.push_back(b);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }
  std::vector<std::size_t> parent(dense ? n : ids.size());
  for (std::size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  const auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  const auto index = [&](std::uint64_t v) {
    if (dense) return static_cast<std::size_t>(v);
    return static_cast<std::size_t>(std::lower_bound(ids.begin(), ids.end(), v) - ids.begin());
  };
  for (const auto& e : edges) {
    const auto ra = find(index(e.first)), rb = find(index(e.second));
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
  }
  // Vertices in index order, which is row order: the same stars for the same edges.
  std::size_t kept = 0;
  const auto row = [&](std::size_t i) { return dense ? static_cast<std::uint64_t>(i) : ids[i]; };
  for (std::size_t i = 0; i < parent.size(); ++i)
    if (const auto root = find(i); root != i) edges[kept++] = {row(i), row(root)};
  edges.resize(kept);
  edges.shrink_to_fit();
}

}  // namespace

std::vector<std::uint64_t> component_sizes(const cluster::Context& ctx, std::uint64_t n,
                                           const std::vector<std::uint64_t>& owned_labels) {
  const int p = ctx.size();
  const auto at_owner = cluster::shuffle<std::uint64_t>(
      ctx, owned_labels, [p](std::uint64_t label) { return cluster::vertex_owner(label, p); });
  std::vector<std::uint64_t> size(cluster::owned_vertex_count(n, ctx.rank(), p), 0);
  for (auto label : at_owner) ++size[label / static_cast<std::uint64_t>(p)];
  return size;
}

std::vector<std::uint64_t> guarded_components_distributed(const cluster::Context& ctx, std::uint64_t n,
                                                          std::span<const match::MatchEdge> edges,
                                                          const match::ChainingGuard& guard,
                                                          GuardStats* stats) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> all;
  all.reserve(edges.size());
  for (const auto& e : edges) all.emplace_back(e.a, e.b);
  keep_component_stars(all, n);
  auto first = cluster::connected_components(ctx, n, all);
  all = std::vector<std::pair<std::uint64_t, std::uint64_t>>();
  const auto sizes = component_sizes(ctx, n, first.label);

  // Size of each edge's component: every vertex's size at its owner (one request per vertex),
  // then each edge's from its endpoint. Asking each edge's label and then the label's size took
  // two requests per edge (medium: 20 M per rank each, resolve's peak in clustering).
  const auto vertex_sizes = cluster::fetch_owned(ctx, first.label, sizes);
  std::vector<std::uint64_t> ends(edges.size());
  for (std::size_t i = 0; i < edges.size(); ++i) ends[i] = edges[i].a;
  const auto edge_sizes = cluster::fetch_owned(ctx, ends, vertex_sizes);
  ch::free_storage(ends);

  // At most every edge: reserved once (the tail never written is not resident) instead of grown
  // by doubling, which copied and held up to twice the kept edges at clustering's peak.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> kept;
  kept.reserve(edges.size());
  std::uint64_t dropped = 0;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (edge_sizes[i] <= guard.max_size || edges[i].probability >= guard.strong_probability)
      kept.emplace_back(edges[i].a, edges[i].b);
    else
      ++dropped;
  }
  dropped = cluster::allreduce_sum<std::uint64_t>(ctx, dropped);
  std::uint64_t large = 0, largest = 0;
  for (auto s : sizes) {
    large += s > guard.max_size;
    largest = std::max(largest, s);
  }
  large = cluster::allreduce_sum<std::uint64_t>(ctx, large);
  largest = cluster::allreduce_max<std::uint64_t>(ctx, largest);
  // Without large components nothing changes: skip the second pass.
  if (dropped == 0) {
    if (stats) *stats = {large, 0, largest, largest};
    return std::move(first.label);
  }
  keep_component_stars(kept, n);
  auto second = cluster::connected_components(ctx, n, kept);
  if (stats) {
    std::uint64_t after = 0;
    for (auto s : component_sizes(ctx, n, second.label)) after = std::max(after, s);
    *stats = {large, dropped, largest, cluster::allreduce_max<std::uint64_t>(ctx, after)};
  }
  return std::move(second.label);
}

}  // namespace ch::jobs
