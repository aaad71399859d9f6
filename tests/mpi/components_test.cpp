// Distributed connected components against the serial union-find reference on random graphs
// (forests, chains, dense clusters): identical canonical labels under 1, 2 and 4 ranks, whatever
// rank holds which edge.
#include <gtest/gtest.h>

#include "cluster/collectives.hpp"
#include "cluster/components.hpp"
#include "kernels/graph/union_find.hpp"
#include "kernels/rng.hpp"

using ch::cluster::Context;
using Edge = std::pair<std::uint64_t, std::uint64_t>;

namespace {

std::vector<Edge> random_graph(std::uint64_t n, std::uint64_t m, std::uint64_t seed) {
  ch::Rng rng(seed, 11);
  std::vector<Edge> edges;
  for (std::uint64_t i = 0; i < m; ++i) {
    const auto a = rng.below(n);
    // Mostly local edges make many mid-sized components; a few long ones join them.
    const auto b = rng.chance(0.9) ? std::min(n - 1, a + rng.below(4)) : rng.below(n);
    edges.emplace_back(a, b);
  }
  return edges;
}

void check(std::uint64_t n, const std::vector<Edge>& all) {
  const auto ctx = Context::world();
  // Each rank holds an arbitrary slice of the edges (here: every P-th, offset by rank).
  std::vector<Edge> mine;
  for (std::size_t i = static_cast<std::size_t>(ctx.rank()); i < all.size(); i += static_cast<std::size_t>(ctx.size()))
    mine.push_back(all[i]);
  const auto result = ch::cluster::connected_components(ctx, n, mine);
  const auto expected = ch::graph::component_labels(n, all);
  ASSERT_EQ(result.label.size(), ch::cluster::owned_vertex_count(n, ctx.rank(), ctx.size()));
  for (std::size_t i = 0; i < result.label.size(); ++i) {
    const std::uint64_t v = static_cast<std::uint64_t>(ctx.rank()) + i * static_cast<std::uint64_t>(ctx.size());
    ASSERT_EQ(result.label[i], expected[v]) << "vertex " << v;
  }
}

}  // namespace

TEST(ConnectedComponents, MatchesUnionFindOnRandomGraphs) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) check(2000, random_graph(2000, 1200 + seed * 300, seed));
}

TEST(ConnectedComponents, LongChainReversedIds) {
  // A path whose ids decrease along it is the worst case for naive label propagation.
  std::vector<Edge> chain;
  for (std::uint64_t v = 999; v > 0; --v) chain.emplace_back(v, v - 1);
  check(1000, chain);
}

TEST(ConnectedComponents, NoEdgesAndFewerVerticesThanRanks) {
  check(3, {});
  check(1, {});
  check(0, {});
}

TEST(FetchOwned, ReturnsValuesAtArbitraryKeys) {
  const auto ctx = Context::world();
  const std::uint64_t n = 100;
  std::vector<std::uint64_t> owned(ch::cluster::owned_vertex_count(n, ctx.rank(), ctx.size()));
  for (std::size_t i = 0; i < owned.size(); ++i) owned[i] = 1000 + ctx.rank() + i * ctx.size();
  std::vector<std::uint64_t> keys = {99, 0, 50, 50, 7};
  const auto got = ch::cluster::fetch_owned(ctx, keys, owned);
  for (std::size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(got[i], 1000 + keys[i]);
}
