// The distributed community driver under 1, 2 and 4 ranks: the membership (and the key-actor
// rows) must equal, bit for bit, the single-process run every rank computes locally (for any
// cut of the vertices into ranges), on a
// planted partition drawn from the counter-based RNG; karate must reach Leiden-level modularity.
#include <gtest/gtest.h>

#include "cluster/collectives.hpp"
#include "cluster/louvain.hpp"
#include "kernels/community/fixtures.hpp"
#include "kernels/community/serial_reference.hpp"

using namespace ch::community;
using ch::cluster::Context;

namespace {

std::uint64_t digest(const std::vector<std::uint64_t>& v) {
  std::uint64_t h = 0x243f6a8885a308d3ULL;
  for (const auto x : v) h = ch::mix64(h ^ x);
  return h;
}

LeidenResult distributed(const Context& ctx, std::uint64_t n, const std::vector<ReferenceEdge>& edges,
                         const LeidenOptions& o) {
  const auto slice = fixtures::slice_of(n, edges, ctx.rank(), ctx.size());
  return ch::cluster::detect_communities(ctx, slice, o);
}

// Cuts of the vertices other than the even one: by arcs, and lopsided (rank r starts at
// n·r²/p², the first rank holding little and, on 4 ranks, some ranges nearly empty).
std::vector<VertexSplit> other_splits(std::uint64_t n, const std::vector<ReferenceEdge>& edges, int ranks) {
  std::vector<std::uint64_t> count(n, 0);
  for (const auto& x : edges) ++count[x.u], ++count[x.v];
  VertexSplit lopsided;
  lopsided.bounds.clear();
  for (int r = 0; r <= ranks; ++r)
    lopsided.bounds.push_back(n * static_cast<std::uint64_t>(r * r) / static_cast<std::uint64_t>(ranks * ranks));
  return {VertexSplit::by_arcs(count, ranks), lopsided};
}

}  // namespace

TEST(CommunitiesDistributed, PlantedPartitionSameAsSerialForAnyRankCount) {
  auto ctx = Context::world();
  ctx.set_max_message_bytes(4096);  // several shuffle rounds even on this small graph
  const auto p = fixtures::planted_partition(16, 40, 7, 3, 2024);
  for (const auto kind : {ObjectiveKind::kModularity, ObjectiveKind::kCpm}) {
    LeidenOptions o;
    o.objective = {kind, kind == ObjectiveKind::kCpm ? 0.05 : 1.0};
    const auto dist = distributed(ctx, p.n, p.edges, o);
    const auto serial = leiden(fixtures::slice_of(p.n, p.edges), o);
    EXPECT_EQ(digest(dist.membership), digest(serial.membership)) << objective_name(kind);
    EXPECT_EQ(dist.membership, serial.membership);
    EXPECT_EQ(dist.quality, serial.quality);  // exact: same integer totals, same order
    EXPECT_EQ(dist.levels, serial.levels);
    // Every rank holds the same replicated result.
    const auto all = ch::cluster::allgather<std::uint64_t>(ctx, digest(dist.membership));
    for (const auto d : all) EXPECT_EQ(d, all.front());
    EXPECT_TRUE(all_connected(p.n, p.edges, dist.membership));
    if (kind == ObjectiveKind::kModularity) {
      EXPECT_GT(dist.modularity, 0.5);
    }
    // The cut decides only who does what.
    for (auto split : other_splits(p.n, p.edges, ctx.size())) {
      const auto bounds = split.bounds;
      const auto cut = ch::cluster::detect_communities(ctx, fixtures::slice_of(std::move(split), p.edges, ctx.rank()), o);
      EXPECT_EQ(cut.membership, serial.membership) << objective_name(kind) << " cut at " << bounds[1];
      EXPECT_EQ(cut.quality, serial.quality);
    }
  }
}

TEST(CommunitiesDistributed, SplitByArcsBalancesWorkAndFindsOwners) {
  // A star with its hub first, then a path: an even cut gives the first rank the hub's arcs.
  const std::uint64_t n = 100;
  std::vector<std::uint64_t> arcs(n, 2);
  arcs[0] = 300;
  const auto s = VertexSplit::by_arcs(arcs, 4);
  ASSERT_EQ(s.bounds.size(), 5u);
  EXPECT_EQ(s.bounds.front(), 0u);
  EXPECT_EQ(s.bounds.back(), n);
  EXPECT_EQ(s.bounds[1], 1u);  // the hub alone is more than a quarter of the work
  for (int r = 1; r < 4; ++r) {
    const auto [b, e] = s.range(r);
    EXPECT_GE(e - b, 32u) << r;  // the rest split three ways
    EXPECT_LE(e - b, 34u) << r;
  }
  for (std::uint64_t v = 0; v < n; ++v) {
    const int o = s.owner(v);
    EXPECT_GE(v, s.range(o).first);
    EXPECT_LT(v, s.range(o).second);
  }
  VertexSplit with_empty;
  with_empty.bounds = {0, 5, 5, 10};
  EXPECT_EQ(with_empty.owner(4), 0);
  EXPECT_EQ(with_empty.owner(5), 2);
  EXPECT_EQ(VertexSplit::even(10, 3).bounds, (std::vector<std::uint64_t>{0, 3, 6, 10}));
  // Fewer vertices than ranks: one each, the last ranks empty; no vertices at all.
  EXPECT_EQ(VertexSplit::by_arcs({0, 0, 0}, 4).bounds, (std::vector<std::uint64_t>{0, 1, 2, 3, 3}));
  EXPECT_EQ(VertexSplit::by_arcs({}, 2).bounds, (std::vector<std::uint64_t>{0, 0, 0}));
}

TEST(CommunitiesDistributed, KarateReachesLeidenModularity) {
  const auto ctx = Context::world();
  const auto edges = fixtures::karate();
  const auto r = distributed(ctx, 34, edges, LeidenOptions{});
  EXPECT_GE(r.modularity, 0.41);  // igraph's Leiden: 0.4198
  EXPECT_NEAR(r.modularity, reference_modularity(34, edges, r.membership), 1e-12);
  EXPECT_TRUE(all_connected(34, edges, r.membership));
}

TEST(CommunitiesDistributed, KeyActorsSameAsSerial) {
  const auto ctx = Context::world();
  const auto p = fixtures::planted_partition(6, 50, 6, 2, 77);
  const auto r = distributed(ctx, p.n, p.edges, LeidenOptions{});
  KeyActorOptions ko;
  ko.betweenness_sources = 16;  // sampled: communities have ~50 members
  const auto slice = fixtures::slice_of(p.n, p.edges, ctx.rank(), ctx.size());
  const auto rows = ch::cluster::key_actors(ctx, slice, r.membership, ko);
  const auto all = key_actors(fixtures::slice_of(p.n, p.edges), r.membership, ko, SerialExchange{});
  ASSERT_EQ(rows.size(), slice.owned());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& want = all[slice.begin + i];
    EXPECT_EQ(rows[i].vertex, want.vertex);
    EXPECT_EQ(rows[i].community, r.membership[want.vertex]);
    EXPECT_EQ(rows[i].weighted_degree, want.weighted_degree);
    EXPECT_EQ(rows[i].pagerank, want.pagerank);
    EXPECT_EQ(rows[i].betweenness, want.betweenness);
  }
}

// Checkpoints: the state at every safe point is the same on any rank count as in one process
// (so a run stopped on P ranks may resume on Q), and a distributed run resumed from the
// single-process state ends with the single-process result.
TEST(CommunitiesDistributed, SafePointStatesSameAsSerialAndResumable) {
  auto ctx = Context::world();
  ctx.set_max_message_bytes(4096);
  const auto p = fixtures::planted_partition(10, 30, 5, 3, 99);
  const auto serial_slice = fixtures::slice_of(p.n, p.edges);
  LeidenOptions o;
  o.tolerance = 0;
  const auto full = leiden(serial_slice, o);
  std::size_t points = 0;
  {
    LeidenOptions counting = o;
    counting.stop_at = [&](const LeidenProgress&) { return ++points, false; };
    leiden(serial_slice, counting);
  }
  ASSERT_GE(points, 3u);
  for (std::size_t k = 0; k < points; ++k) {
    LeidenOptions stopping = o;
    std::size_t calls = 0;
    stopping.stop_at = [&](const LeidenProgress&) { return calls++ == k; };
    const auto serial = leiden(serial_slice, stopping);
    calls = 0;
    const auto dist = distributed(ctx, p.n, p.edges, stopping);
    ASSERT_TRUE(serial.stopped && dist.stopped) << k;
    const auto& s = *serial.stopped;
    const auto& d = *dist.stopped;
    EXPECT_EQ(d.at.iteration, s.at.iteration) << k;
    EXPECT_EQ(d.at.level, s.at.level) << k;
    EXPECT_EQ(d.at.levels_total, s.at.levels_total) << k;
    EXPECT_EQ(d.at.done, s.at.done) << k;
    EXPECT_EQ(d.levels, s.levels) << k;
    EXPECT_EQ(d.best_quality, s.best_quality) << k;
    EXPECT_EQ(d.partition, s.partition) << k;
    EXPECT_EQ(d.vertex_of, s.vertex_of) << k;
    EXPECT_EQ(d.community_of, s.community_of) << k;
    LeidenOptions resuming = o;
    resuming.resume = &s;
    const auto resumed = distributed(ctx, p.n, p.edges, resuming);
    EXPECT_EQ(resumed.membership, full.membership) << k;
    EXPECT_EQ(resumed.quality, full.quality) << k;
    EXPECT_EQ(resumed.levels, full.levels) << k;
    EXPECT_EQ(resumed.iterations, full.iterations) << k;
  }
}
