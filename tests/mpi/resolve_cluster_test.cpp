// Distributed pieces of resolve under 1, 2 and 4 ranks: the row partition agrees with
// TableReader::read_my_share, and the chaining-guarded components equal the serial reference
// (kernels/match/chaining.hpp) on random graphs whose edges are spread over ranks arbitrarily.
#include <gtest/gtest.h>

#include "cluster/collectives.hpp"
#include "cluster/components.hpp"
#include "io/table.hpp"
#include "jobs/resolve_cluster.hpp"
#include "kernels/match/chaining.hpp"
#include "kernels/rng.hpp"

using namespace ch;

TEST(RowPartition, MatchesEvenShare) {
  const auto ctx = cluster::Context::world();
  for (std::uint64_t n : {0ull, 1ull, 3ull, 10ull, 1001ull}) {
    const jobs::RowPartition part{n, ctx.size()};
    for (int r = 0; r < ctx.size(); ++r) {
      const auto [b, e] = io::even_share(n, r, ctx.size());
      EXPECT_EQ(part.begin(r), b);
      for (std::uint64_t row = b; row < e; ++row) ASSERT_EQ(part.owner(row), r) << "n=" << n;
    }
  }
  // Rank counts other than this run's, against the community kernel's split it must equal.
  for (int ranks : {1, 2, 3, 4, 7, 64})
    for (std::uint64_t n : {0ull, 1ull, 5ull, 63ull, 1000ull, 4097ull}) {
      const jobs::RowPartition part{n, ranks};
      for (std::uint64_t row = 0; row < n; ++row)
        ASSERT_EQ(part.owner(row), community::vertex_owner(row, n, ranks)) << "n=" << n << " ranks=" << ranks;
      for (int r = 0; r < ranks; ++r) ASSERT_EQ(part.begin(r), community::vertex_range(n, r, ranks).first);
    }
}

TEST(GuardedComponents, EqualSerialReference) {
  const auto ctx = cluster::Context::world();
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const std::uint64_t n = 400;
    // Dense little groups with strong links, chained by weak ones: some chains grow beyond
    // the guard size, others stay small.
    std::vector<match::MatchEdge> all;
    Rng rng(seed, 99);
    for (std::uint64_t g = 0; g < n; g += 8)
      for (std::uint64_t i = g; i + 1 < g + 8; ++i) all.push_back({i, i + 1, 0.99999});
    for (int k = 0; k < 40; ++k) {
      const auto a = rng.below(n), b = rng.below(n);
      if (a != b) all.push_back({std::min(a, b), std::max(a, b), 0.9 + 0.0999 * rng.uniform()});
    }
    const match::ChainingGuard guard{20, 0.995};
    const auto expected = match::guarded_components(n, all, guard);
    // Each rank takes an arbitrary (seeded) subset of the edges.
    std::vector<match::MatchEdge> mine;
    for (std::size_t i = 0; i < all.size(); ++i)
      if (static_cast<int>(mix64(i * 31 + seed) % static_cast<std::uint64_t>(ctx.size())) == ctx.rank())
        mine.push_back(all[i]);
    jobs::GuardStats stats;
    const auto owned = jobs::guarded_components_distributed(ctx, n, mine, guard, &stats);
    const auto p = static_cast<std::uint64_t>(ctx.size());
    for (std::size_t i = 0; i < owned.size(); ++i) {
      const std::uint64_t v = static_cast<std::uint64_t>(ctx.rank()) + i * p;
      ASSERT_EQ(owned[i], expected[v]) << "vertex " << v << " seed " << seed;
    }
    EXPECT_LE(stats.largest_after, stats.largest_before);
  }
}
