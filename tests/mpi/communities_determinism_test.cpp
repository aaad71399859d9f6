// The distributed community driver under 1, 2 and 4 ranks: the membership (and the key-actor
// rows) must equal, bit for bit, the single-process run every rank computes locally, on a
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
  }
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
