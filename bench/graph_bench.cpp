// Google Benchmark for the serial union-find (kernels/graph/union_find.hpp): component labels
// of every vertex from an edge list (unite every edge, then find every vertex). Items = edges.
//
// Two shapes, both drawn from the counter-based RNG:
//   random    n vertices, n random edges (mean degree 2): one giant component plus many small
//             ones, long find paths before halving flattens them — the worst case.
//   clusters  the resolve shape: match pairs inside small clusters (1–8 observations of one
//             person) whose members are scattered over the row ids; most unites join two
//             short trees.
//
// And the owner of a vertex under the even split of n vertices over p ranks
// (community::vertex_owner), which shuffles ask for every item they send. Items = lookups.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <utility>
#include <vector>

#include "kernels/community/graph.hpp"
#include "kernels/graph/union_find.hpp"
#include "kernels/rng.hpp"

namespace {

using Edges = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

Edges random_edges(std::uint64_t n) {
  ch::Rng rng(11, n);
  Edges e(n);
  for (auto& [a, b] : e) a = rng.below(n), b = rng.below(n);
  return e;
}

Edges cluster_edges(std::uint64_t n) {
  ch::Rng rng(12, n);
  // Fisher–Yates permutation: cluster members are consecutive in `perm`, scattered in id space.
  std::vector<std::uint64_t> perm(n);
  std::iota(perm.begin(), perm.end(), std::uint64_t{0});
  for (std::uint64_t i = n - 1; i > 0; --i) std::swap(perm[i], perm[rng.below(i + 1)]);
  Edges e;
  for (std::uint64_t start = 0; start < n;) {
    const std::uint64_t size = std::min<std::uint64_t>(1 + rng.below(8), n - start);
    // Every pair of a cluster, as pairwise matching yields them (at most 28 per cluster).
    for (std::uint64_t i = start; i < start + size; ++i)
      for (std::uint64_t j = i + 1; j < start + size; ++j) e.emplace_back(perm[i], perm[j]);
    start += size;
  }
  // Pairs arrive in block order, not cluster order.
  for (std::uint64_t i = e.size() - 1; i > 0; --i) std::swap(e[i], e[rng.below(i + 1)]);
  return e;
}

const Edges& edges(bool clusters, std::uint64_t n) {
  static std::map<std::pair<bool, std::uint64_t>, Edges> cache;  // generating is not measured
  auto it = cache.find({clusters, n});
  if (it == cache.end()) it = cache.emplace(std::pair{clusters, n}, clusters ? cluster_edges(n) : random_edges(n)).first;
  return it->second;
}

void run(benchmark::State& state, bool clusters) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const auto& e = edges(clusters, n);
  for (auto _ : state) {
    auto labels = ch::graph::component_labels(n, e);
    benchmark::DoNotOptimize(labels.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(e.size()));
  state.counters["edges"] = static_cast<double>(e.size());
}

void BM_UnionFindRandom(benchmark::State& state) { run(state, false); }
void BM_UnionFindClusters(benchmark::State& state) { run(state, true); }
BENCHMARK(BM_UnionFindRandom)->Arg(1 << 16)->Arg(1 << 20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_UnionFindClusters)->Arg(1 << 16)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

// `medium`'s 5.4 M observations over 2 and 64 ranks, vertices at random.
void BM_VertexOwner(benchmark::State& state) {
  constexpr std::uint64_t n = 5'409'777;
  const int ranks = static_cast<int>(state.range(0));
  ch::Rng rng(11, ch::stream_key(3, 4));
  std::vector<std::uint64_t> v(1 << 16);
  for (auto& x : v) x = rng.below(n);
  for (auto _ : state) {
    int sum = 0;
    for (const auto x : v) sum += ch::community::vertex_owner(x, n, ranks);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(v.size()));
}
BENCHMARK(BM_VertexOwner)->Arg(2)->Arg(64);

}  // namespace

BENCHMARK_MAIN();
