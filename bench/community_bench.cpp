// Google Benchmark for the community kernels: one local-moving decision pass (the inner loop of
// Louvain/Leiden), one aggregation step (collapse communities into vertices) and the whole
// node-local Leiden driver, on planted partitions drawn from the counter-based RNG.
// Items = arcs examined (both directions of every edge). The second argument is the TBB thread
// count. With 1 thread the rate is per CPU second like every other kernel; with 2 it is per wall
// second (UseRealTime: the speed-up shows on an idle machine) and the CPU time is the whole
// process's (MeasureProcessCPUTime: all TBB workers, which bench/compare.py compares).
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include <map>
#include <numeric>
#include <utility>
#include <vector>

#include "kernels/community/fixtures.hpp"
#include "kernels/community/leiden.hpp"
#include "kernels/community/local_moving.hpp"
#include "kernels/community/subgraph.hpp"
#include "kernels/rng.hpp"

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
BENCHMARK(BM_DecideMoves)->ArgsProduct({{100, 1000}, {1}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecideMoves)->ArgsProduct({{100, 1000}, {2}})->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// Aggregation as Leiden's level loop does it: group_arcs (relabel every arc by the new vertex of
// its endpoints' (sub-)communities, drop arcs that became internal, merge) and build_slice. Argument 0 is the group size: 10 stands for refined sub-communities (many
// surviving arcs), 100 for the planted communities (Louvain's aggregate, few survive). Groups
// get new ids in a scrambled order, as labels do not follow vertex ids in real graphs.
void BM_Aggregate(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(state.range(1)));
  const auto& g = graph(1000);
  const auto group = static_cast<std::uint64_t>(state.range(0));
  const std::uint64_t n_next = (g.n + group - 1) / group;
  std::vector<std::uint64_t> perm(n_next), new_id(g.n);
  std::iota(perm.begin(), perm.end(), std::uint64_t{0});
  ch::Rng rng(7, group);
  for (std::uint64_t i = n_next - 1; i > 0; --i) std::swap(perm[i], perm[rng.below(i + 1)]);
  for (std::uint64_t v = 0; v < g.n; ++v) new_id[v] = perm[v / group];
  std::size_t arcs_out = 0;
  for (auto _ : state) {
    auto arcs = group_arcs(g, new_id);
    const auto next = build_graph(n_next, std::move(arcs));
    arcs_out = next.targets.size();
    benchmark::DoNotOptimize(next.targets.data());
  }
  state.counters["arcs_out"] = static_cast<double>(arcs_out);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(g.targets.size()));
}
BENCHMARK(BM_Aggregate)->ArgsProduct({{10, 100}, {1}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Aggregate)->ArgsProduct({{10, 100}, {2}})->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

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
BENCHMARK(BM_Leiden)->ArgsProduct({{100, 1000}, {1}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Leiden)->ArgsProduct({{100, 1000}, {2}})->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// One community as the key-actor step sees it: a planted block of `size` members with 12
// partners drawn inside (about 24 arcs per member), built once per size.
const CommunitySubgraph& community(std::uint64_t size) {
  static std::map<std::uint64_t, CommunitySubgraph> cache;
  auto it = cache.find(size);
  if (it == cache.end()) {
    const auto p = fixtures::planted_partition(1, size, 12, 0, 3);
    std::vector<MemberRecord> members;
    for (std::uint64_t v = 0; v < p.n; ++v) members.push_back({0, v, to_fixed(1.0)});
    std::vector<InternalArc> arcs;
    for (const auto& e : p.edges) {
      arcs.push_back({e.u, e.v, to_fixed(e.w)});
      arcs.push_back({e.v, e.u, to_fixed(e.w)});
    }
    it = cache.emplace(size, std::move(assemble_subgraphs(std::move(members), std::move(arcs)).front())).first;
  }
  return it->second;
}

// Sampled Brandes betweenness with the stage's default of 64 sources. Items = arcs visited by
// the 64 breadth-first searches (each search walks every arc forward and back).
void BM_Betweenness(benchmark::State& state) {
  const auto& c = community(static_cast<std::uint64_t>(state.range(0)));
  for (auto _ : state) {
    const auto bc = betweenness(c, 64, 42);
    benchmark::DoNotOptimize(bc.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 64 *
                          static_cast<std::int64_t>(c.targets.size()));
}
BENCHMARK(BM_Betweenness)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

// PageRank to the stage's tolerance. Items = arcs (per call, not per iteration).
void BM_PageRank(benchmark::State& state) {
  const auto& c = community(static_cast<std::uint64_t>(state.range(0)));
  for (auto _ : state) {
    const auto pr = pagerank(c);
    benchmark::DoNotOptimize(pr.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(c.targets.size()));
}
BENCHMARK(BM_PageRank)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
