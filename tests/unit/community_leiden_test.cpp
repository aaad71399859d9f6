// The node-local Leiden driver against the serial reference Louvain, plus the properties the
// issue asks for: connected communities, resolution effect, CPM, thread-count independence.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <map>
#include <set>
#include <tuple>

#include "kernels/community/fixtures.hpp"
#include "kernels/community/leiden.hpp"
#include "kernels/community/serial_reference.hpp"

using namespace ch::community;

namespace {

LeidenResult run(std::uint64_t n, const std::vector<ReferenceEdge>& edges, LeidenOptions o = {}) {
  const auto g = fixtures::slice_of(n, edges);
  return leiden(g, o);
}

std::uint64_t count_distinct(const std::vector<std::uint64_t>& c) {
  return std::set<std::uint64_t>(c.begin(), c.end()).size();
}

}  // namespace

TEST(CommunityLeiden, KarateModularityAndConnected) {
  const auto edges = fixtures::karate();
  const auto r = run(34, edges);
  // igraph's Leiden reaches 0.4198 (the optimum is 0.4198); Louvain typically 0.4188.
  EXPECT_GE(r.modularity, 0.41);
  EXPECT_NEAR(r.modularity, reference_modularity(34, edges, r.membership), 1e-12);
  EXPECT_TRUE(all_connected(34, edges, r.membership));
  EXPECT_EQ(r.communities, count_distinct(r.membership));
  // Canonical ids: sizes never increase with the id.
  for (std::size_t i = 1; i < r.totals.size(); ++i) EXPECT_GE(r.totals[i - 1].size, r.totals[i].size);
}

TEST(CommunityLeiden, MatchesSerialReferenceOnPlantedPartitions) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const auto p = fixtures::planted_partition(8, 25 + seed * 5, 6, 2 + seed % 3, seed);
    const auto r = run(p.n, p.edges);
    const auto ref = reference_louvain(p.n, p.edges);
    const double q_ref = reference_modularity(p.n, p.edges, ref);
    const double q = reference_modularity(p.n, p.edges, r.membership);
    EXPECT_NEAR(q, r.modularity, 1e-12) << "seed " << seed;
    // The synchronous sub-rounds may land elsewhere than strictly sequential moves, but never
    // noticeably worse: Leiden's refinement usually makes up for it.
    EXPECT_GE(q, q_ref - 0.005) << "seed " << seed << " reference " << q_ref;
    EXPECT_TRUE(all_connected(p.n, p.edges, r.membership)) << "seed " << seed;
    EXPECT_TRUE(all_connected(p.n, p.edges, ref)) << "seed " << seed;
  }
}

TEST(CommunityLeiden, ConnectedEvenOnSparseNoisyGraphs) {
  // Sparse graphs with many weakly attached vertices are where Louvain leaves communities
  // disconnected (Traag et al. 2019, Fig. 1); ours must not.
  for (std::uint64_t seed = 10; seed < 16; ++seed) {
    const auto p = fixtures::planted_partition(20, 15, 2, 2, seed);
    const auto r = run(p.n, p.edges);
    EXPECT_TRUE(all_connected(p.n, p.edges, r.membership)) << "seed " << seed;
  }
}

TEST(CommunityLeiden, ConnectedEvenWithoutRefinement) {
  // Plain Louvain aggregation leaves disconnected communities on such graphs (a bridge vertex
  // moves out after its community was aggregated); the final split must repair every one.
  for (std::uint64_t seed = 20; seed < 40; ++seed) {
    const auto p = fixtures::planted_partition(30, 12, 2, 2, seed);
    LeidenOptions o;
    o.refinement = false;
    o.max_iterations = 1;
    const auto r = run(p.n, p.edges, o);
    EXPECT_TRUE(all_connected(p.n, p.edges, r.membership)) << "seed " << seed;
  }
}

TEST(CommunityLeiden, DisconnectedStartIsSplit) {
  // Two separate 5-cliques given as one community: no vertex has a better neighbouring community
  // and, without refinement, nothing would separate them; the final split must (Q: 0 → 0.5).
  std::vector<ReferenceEdge> edges;
  for (std::uint64_t a = 0; a < 5; ++a)
    for (std::uint64_t b = a + 1; b < 5; ++b) {
      edges.push_back({a, b});
      edges.push_back({a + 5, b + 5});
    }
  LeidenOptions o;
  o.refinement = false;
  o.initial.assign(10, 0);
  const auto r = run(10, edges, o);
  EXPECT_EQ(r.communities, 2u);
  EXPECT_TRUE(all_connected(10, edges, r.membership));
  EXPECT_NEAR(r.modularity, 0.5, 1e-12);
  o.initial.assign(9, 0);
  EXPECT_THROW(run(10, edges, o), std::invalid_argument);
}

TEST(CommunityLeiden, HigherResolutionGivesMoreCommunities) {
  const auto p = fixtures::planted_partition(6, 40, 8, 3, 7);
  std::vector<std::uint64_t> counts;
  for (const double gamma : {0.25, 1.0, 4.0}) {
    LeidenOptions o;
    o.objective.resolution = gamma;
    counts.push_back(run(p.n, p.edges, o).communities);
  }
  EXPECT_LT(counts[0], counts[1]);
  EXPECT_LT(counts[1], counts[2]);
}

TEST(CommunityLeiden, CpmRecoversDensePlantedBlocks) {
  // Blocks of 30 with ~10 internal partners each (density ≈ 0.3) and 1 outside partner: CPM with
  // γ = 0.1 between the two densities finds exactly the planted blocks.
  const auto p = fixtures::planted_partition(5, 30, 5, 1, 3);
  LeidenOptions o;
  o.objective = {ObjectiveKind::kCpm, 0.1};
  const auto r = run(p.n, p.edges, o);
  EXPECT_EQ(r.communities, 5u);
  for (std::uint64_t v = 0; v < p.n; ++v)
    for (std::uint64_t u = v + 1; u < p.n; ++u)
      ASSERT_EQ(r.membership[v] == r.membership[u], p.block[v] == p.block[u]) << v << " " << u;
  EXPECT_GT(r.quality, 0.0);
  // A resolution above every block's density leaves only sub-block pieces.
  o.objective.resolution = 0.9;
  EXPECT_GT(run(p.n, p.edges, o).communities, 5u);
}

TEST(CommunityLeiden, SameResultForAnyThreadCount) {
  const auto p = fixtures::planted_partition(10, 50, 6, 3, 11);
  std::vector<std::uint64_t> first;
  for (const std::size_t threads : {1, 2, 4}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    const auto r = run(p.n, p.edges);
    if (first.empty())
      first = r.membership;
    else
      EXPECT_EQ(r.membership, first) << threads << " threads";
  }
}

TEST(CommunityLeiden, IsolatedVerticesAndEmptyGraph) {
  const std::vector<ReferenceEdge> edges{{0, 1}, {1, 2}, {0, 2}};
  const auto r = run(5, edges);  // vertices 3 and 4 have no edges
  EXPECT_EQ(r.communities, 3u);
  EXPECT_EQ(r.membership[0], 0u);
  EXPECT_EQ(r.membership[3], 1u);
  EXPECT_EQ(r.membership[4], 2u);
  const auto empty = run(0, {});
  EXPECT_EQ(empty.communities, 0u);
}

namespace {

void expect_same_result(const LeidenResult& a, const LeidenResult& b, const std::string& where) {
  EXPECT_EQ(a.membership, b.membership) << where;
  EXPECT_EQ(a.communities, b.communities) << where;
  EXPECT_EQ(a.quality, b.quality) << where;  // exact: same integer totals, same order
  EXPECT_EQ(a.modularity, b.modularity) << where;
  EXPECT_EQ(a.levels, b.levels) << where;
  EXPECT_EQ(a.iterations, b.iterations) << where;
  ASSERT_EQ(a.totals.size(), b.totals.size()) << where;
  for (std::size_t c = 0; c < a.totals.size(); ++c) {
    EXPECT_EQ(a.totals[c].internal, b.totals[c].internal) << where;
    EXPECT_EQ(a.totals[c].degree, b.totals[c].degree) << where;
  }
}

// The safe points a run passes, in order.
std::vector<LeidenProgress> safe_points(const GraphSlice& g, LeidenOptions o) {
  std::vector<LeidenProgress> seen;
  o.stop_at = [&](const LeidenProgress& at) {
    seen.push_back(at);
    return false;
  };
  leiden(g, o);
  return seen;
}

}  // namespace

// Checkpoints (jobs/communities.cpp): a run stopped at any safe point and resumed from the state
// it returned — after a level, between iterations, or after the last iteration — gives exactly
// the uninterrupted result. The resumed run rebuilds the aggregated graph from the stored
// numbering of the original vertices, so this also checks that the numbering reproduces it.
TEST(CommunityLeiden, ResumesFromEverySafePointToTheSameResult) {
  const auto p = fixtures::planted_partition(12, 30, 5, 3, 5);
  const auto g = fixtures::slice_of(p.n, p.edges);
  for (const auto kind : {ObjectiveKind::kModularity, ObjectiveKind::kCpm})
    for (const bool refinement : {true, false}) {
      LeidenOptions o;
      o.objective = {kind, kind == ObjectiveKind::kCpm ? 0.05 : 1.0};
      o.refinement = refinement;
      o.tolerance = 0;  // iterate while there is any gain: more iterations, more safe points
      const auto full = leiden(g, o);
      ASSERT_FALSE(full.stopped);
      const auto points = safe_points(g, o);
      ASSERT_GE(points.size(), 3u);
      EXPECT_TRUE(points.back().done);
      EXPECT_EQ(points.back().iteration, full.iterations);
      bool saw_level = false, saw_iteration = false;
      for (std::size_t k = 0; k < points.size(); ++k) {
        const std::string where = std::string(objective_name(kind)) + (refinement ? "" : " louvain") +
                                  ", stopped at point " + std::to_string(k);
        LeidenOptions stopping = o;
        std::size_t calls = 0;
        stopping.stop_at = [&](const LeidenProgress&) { return calls++ == k; };
        const auto stopped = leiden(g, stopping);
        ASSERT_TRUE(stopped.stopped) << where;
        const LeidenState state = *stopped.stopped;
        EXPECT_EQ(state.at.iteration, points[k].iteration) << where;
        EXPECT_EQ(state.at.level, points[k].level) << where;
        EXPECT_EQ(state.at.levels_total, points[k].levels_total) << where;
        saw_level |= state.at.level > 0;
        saw_iteration |= state.at.level == 0 && !state.at.done;
        EXPECT_EQ(state.vertex_of.size(), state.at.level > 0 ? p.n : 0) << where;
        LeidenOptions resuming = o;
        resuming.resume = &state;
        std::vector<LeidenProgress> after;  // the remaining safe points, as in the full run
        resuming.stop_at = [&](const LeidenProgress& at) {
          after.push_back(at);
          return false;
        };
        expect_same_result(leiden(g, resuming), full, where);
        ASSERT_EQ(after.size(), points.size() - k - 1) << where;
        for (std::size_t i = 0; i < after.size(); ++i)
          EXPECT_EQ(after[i].levels_total, points[k + 1 + i].levels_total) << where;
      }
      EXPECT_TRUE(saw_level);
      EXPECT_TRUE(saw_iteration) << "the graph should need more than one iteration";
    }
}

TEST(CommunityLeiden, RejectsAResumeStateOfAnotherGraph) {
  const auto p = fixtures::planted_partition(6, 20, 5, 2, 9);
  const auto g = fixtures::slice_of(p.n, p.edges);
  LeidenOptions o;
  o.stop_at = [](const LeidenProgress& at) { return at.level == 1; };
  const auto stopped = leiden(g, o);
  ASSERT_TRUE(stopped.stopped);
  LeidenOptions resuming;
  auto state = *stopped.stopped;
  resuming.resume = &state;
  state.partition.pop_back();
  EXPECT_THROW(leiden(g, resuming), std::invalid_argument);
  // Two members of one aggregated vertex in different (valid) communities.
  state = *stopped.stopped;
  std::uint64_t mate = 0, other = 0;
  for (std::uint64_t v = 1; v < p.n; ++v) {
    if (state.vertex_of[v] == state.vertex_of[0] && mate == 0) mate = v;
    if (state.community_of[v] != state.community_of[0] && other == 0) other = v;
  }
  ASSERT_NE(mate, 0u);
  ASSERT_NE(other, 0u);
  state.community_of[mate] = state.community_of[other];
  EXPECT_THROW(leiden(g, resuming), std::invalid_argument);
  state = *stopped.stopped;
  EXPECT_NO_THROW(leiden(g, resuming));
}

// sort_and_merge's three paths (already in order; a few sorted runs, as a shuffle of sorted
// pieces delivers; scattered) all give the arcs sorted by (source, target), parallel ones summed.
TEST(CommunityGraph, SortAndMergeEveryInputShape) {
  ch::Rng rng(7, ch::stream_key(1, 2));
  std::vector<Arc> arcs;
  for (int i = 0; i < 5000; ++i) arcs.push_back({rng.below(300), rng.below(300), static_cast<Weight>(1 + rng.below(9))});
  std::map<std::pair<std::uint64_t, std::uint64_t>, Weight> want;
  for (const auto& a : arcs) want[{a.source, a.target}] += a.weight;
  auto check = [&](std::vector<Arc> v, const char* shape) {
    sort_and_merge(v);
    ASSERT_EQ(v.size(), want.size()) << shape;
    std::size_t i = 0;
    for (const auto& [k, w] : want) {
      EXPECT_EQ(v[i].source, k.first) << shape;
      EXPECT_EQ(v[i].target, k.second) << shape;
      EXPECT_EQ(v[i].weight, w) << shape;
      ++i;
    }
  };
  check(arcs, "scattered");
  auto by = [](const Arc& x, const Arc& y) { return std::tie(x.source, x.target) < std::tie(y.source, y.target); };
  for (const std::size_t runs : {1u, 2u, 3u, 7u, 100u}) {
    auto v = arcs;
    for (std::size_t r = 0; r < runs; ++r)
      std::sort(v.begin() + static_cast<std::ptrdiff_t>(v.size() * r / runs),
                v.begin() + static_cast<std::ptrdiff_t>(v.size() * (r + 1) / runs), by);
    check(v, "runs");
  }
}

// vertex_owner's closed form against the ranges it inverts: every vertex of small splits
// (more ranks than vertices included, whose empty ranges own nothing), and the vertices around
// each range's edges where n · ranks overflows 64 bits (the 128-bit paths).
TEST(CommunityGraph, VertexOwnerHoldsTheVertexInItsRange) {
  auto check = [](std::uint64_t v, std::uint64_t n, int ranks) {
    const int r = vertex_owner(v, n, ranks);
    ASSERT_GE(r, 0);
    ASSERT_LT(r, ranks);
    const auto [b, e] = vertex_range(n, r, ranks);
    ASSERT_LE(b, v) << "v=" << v << " n=" << n << " ranks=" << ranks;
    ASSERT_LT(v, e) << "v=" << v << " n=" << n << " ranks=" << ranks;
  };
  for (int ranks : {1, 2, 3, 4, 7, 64, 1000})
    for (std::uint64_t n : {1ull, 2ull, 5ull, 63ull, 999ull, 1000ull, 1001ull, 4097ull})
      for (std::uint64_t v = 0; v < n; ++v) check(v, n, ranks);
  for (int ranks : {2, 3, 1000, 65536})
    for (std::uint64_t n : {std::uint64_t{UINT64_MAX}, std::uint64_t{UINT64_MAX / 3}, (std::uint64_t{1} << 63) + 12345}) {
      std::uint64_t previous_end = 0;
      for (int r = 0; r < ranks; r += std::max(1, ranks / 50)) {
        const auto [b, e] = vertex_range(n, r, ranks);
        if (r == 0) {
          EXPECT_EQ(b, 0u);
        } else {
          EXPECT_GE(b, previous_end);
        }
        previous_end = e;
        for (std::uint64_t v : {b, b + 1, e - 2, e - 1})
          if (v >= b && v < e) check(v, n, ranks);
      }
    }
}

// build_slice from arcs in any order, with parallel arcs, self-loops and zero weights, and from
// the same arcs sorted and merged, for each rank of a 3-way split: each owned row holds its
// distinct targets ascending, weights summed, loops and zero-weight arcs left out.
TEST(CommunityGraph, BuildSliceRowsSortedAndMerged) {
  ch::Rng rng(9, ch::stream_key(5, 6));
  const std::uint64_t n = 200;
  std::vector<Arc> all;
  for (int i = 0; i < 6000; ++i)
    all.push_back({rng.below(n), rng.below(n), static_cast<Weight>(rng.below(4))});  // weight 0 sometimes
  for (std::uint64_t v = 0; v < n; v += 3) all.push_back({v, v + 1 < n ? v + 1 : 0, 5});  // rows in order
  const auto split = VertexSplit::even(n, 3);
  for (int rank = 0; rank < 3; ++rank) {
    const auto [b, e] = split.range(rank);
    std::vector<Arc> mine;
    std::map<std::pair<std::uint64_t, std::uint64_t>, Weight> want;
    for (const auto& a : all)
      if (a.source >= b && a.source < e) {
        mine.push_back(a);
        if (a.source != a.target && a.weight != 0) want[{a.source, a.target}] += a.weight;
      }
    // As they come, then already sorted and merged (aggregation's arcs: copied, not counted).
    std::vector<Arc> merged;
    for (const auto& [k, w] : want) merged.push_back({k.first, k.second, w});
    for (const auto* input : {&mine, &merged}) {
      const auto g = build_slice(split, rank, *input);
      ASSERT_EQ(g.offsets.size(), e - b + 1);
      ASSERT_EQ(g.targets.size(), want.size());
      auto it = want.begin();
      for (std::uint64_t v = 0; v < g.owned(); ++v) {
        const auto nb = g.neighbours(v);
        const auto ws = g.neighbour_weights(v);
        for (std::size_t k = 0; k < nb.size(); ++k, ++it) {
          ASSERT_NE(it, want.end());
          EXPECT_EQ(it->first.first, b + v);
          EXPECT_EQ(it->first.second, nb[k]);
          EXPECT_EQ(it->second, ws[k]);
        }
      }
      EXPECT_EQ(it, want.end());
    }
  }
}
