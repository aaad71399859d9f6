// Google Benchmark for the community kernels: one local-moving decision pass (the inner loop of
// Louvain/Leiden) and the whole node-local Leiden driver, on planted partitions drawn from the
// counter-based RNG. Items = arcs examined (both directions of every edge).
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include <map>
#include <numeric>

#include "kernels/community/fixtures.hpp"
#include "kernels/community/leiden.hpp"
#include "kernels/community/local_moving.hpp"

namespace {

using namespace ch::community;

const GraphSlice& graph(std::uint64_t blocks) {
  // Built once per size: generating is not what is measured.
  static std::map<std::uint64_t, GraphSlice> cache;
  auto it = cache.find(blocks);
  if (it == cache.end()) {
    const auto p = fixtures::planted_partition(blocks, 100, 12, 4, 1);
    it = cache.emplace(blocks, fixtures::slice_of(p.n, p.edges)).first;
  }
  return it->second;
}

void BM_DecideMoves(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(state.range(1)));
  const auto& g = graph(static_cast<std::uint64_t>(state.range(0)));
  // The first pass of a level: singletons, every vertex a candidate (the most expensive pass).
  std::vector<std::uint64_t> comm(g.n), candidates(g.n), target(g.n);
  std::iota(comm.begin(), comm.end(), std::uint64_t{0});
  std::iota(candidates.begin(), candidates.end(), std::uint64_t{0});
  std::vector<Weight> degree(g.n, 0);
  Weight two_m = 0;
  for (std::uint64_t v = 0; v < g.n; ++v)
    for (const Weight w : g.neighbour_weights(v)) degree[v] += w;
  for (const Weight d : degree) two_m += d;
  const Snapshot snap{comm, degree, degree, Objective{}.penalty(two_m)};
  MoveWorkspace workspace(g.n);
  for (auto _ : state) {
    decide_moves(g, snap, candidates, target, workspace);
    benchmark::DoNotOptimize(target.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(g.targets.size()));
}
BENCHMARK(BM_DecideMoves)->ArgsProduct({{100, 1000}, {1, 2}})->Unit(benchmark::kMillisecond);

void BM_Leiden(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(state.range(1)));
  const auto& g = graph(static_cast<std::uint64_t>(state.range(0)));
  double q = 0;
  for (auto _ : state) {
    const auto r = leiden(g, LeidenOptions{});
    q = r.modularity;
    benchmark::DoNotOptimize(r.membership.data());
  }
  state.counters["modularity"] = q;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(g.targets.size()));
}
BENCHMARK(BM_Leiden)->ArgsProduct({{100, 1000}, {1, 2}})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
