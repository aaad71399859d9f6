// Per-community kernels on graphs whose answers are known by hand.
#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "kernels/community/fixtures.hpp"
#include "kernels/community/subgraph.hpp"

using namespace ch::community;

namespace {

// One community holding all of `edges` (undirected, weight 1), members 0..n-1 (+ offset).
CommunitySubgraph community_of(std::uint64_t n, const std::vector<std::pair<int, int>>& edges,
                               std::uint64_t offset = 0) {
  std::vector<MemberRecord> m;
  std::vector<InternalArc> a;
  for (std::uint64_t v = 0; v < n; ++v) m.push_back({7, offset + v, 1});
  for (const auto& [u, v] : edges) {
    a.push_back({offset + u, offset + v, to_fixed(1.0)});
    a.push_back({offset + v, offset + u, to_fixed(1.0)});
  }
  auto subs = assemble_subgraphs(m, a);
  return subs.at(0);
}

}  // namespace

TEST(CommunitySubgraph, AssembleSortsWhateverTheArrivalOrder) {
  std::vector<MemberRecord> m{{5, 11, 1}, {2, 3, 1}, {5, 10, 1}, {2, 4, 1}};
  std::vector<InternalArc> a{{11, 10, 3}, {4, 3, 1}, {10, 11, 3}, {3, 4, 1}};
  const auto subs = assemble_subgraphs(m, a);
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0].community, 2u);
  EXPECT_EQ(subs[0].members, (std::vector<std::uint64_t>{3, 4}));
  EXPECT_EQ(subs[1].members, (std::vector<std::uint64_t>{10, 11}));
  EXPECT_EQ(subs[1].targets, (std::vector<std::uint32_t>{1, 0}));
  EXPECT_EQ(subs[1].weights[0], 3);
}

TEST(CommunitySubgraph, ComponentsAreLabelledBySmallestMember) {
  const auto c = community_of(6, {{0, 3}, {3, 5}, {1, 4}}, 100);
  EXPECT_EQ(components(c), (std::vector<std::uint64_t>{100, 101, 102, 100, 101, 100}));
}

TEST(CommunitySubgraph, RefinementMergesOnlyAlongEdges) {
  // Sparse planted blocks treated as one community: every refined sub-community must be
  // connected, labelled by its smallest member, and refinement must merge something.
  const auto p = fixtures::planted_partition(4, 20, 3, 1, 5);
  std::vector<std::pair<int, int>> e;
  for (const auto& x : p.edges) e.emplace_back(static_cast<int>(x.u), static_cast<int>(x.v));
  const auto c = community_of(p.n, e);
  for (const double penalty : {0.0, 0.02 * kWeightScale, 0.05 * kWeightScale}) {
    const auto labels = refine(c, penalty, 2);
    EXPECT_TRUE(all_connected(p.n, p.edges, labels)) << penalty;
    std::set<std::uint64_t> distinct(labels.begin(), labels.end());
    EXPECT_LT(distinct.size(), p.n) << penalty;
    for (std::uint64_t v = 0; v < p.n; ++v) EXPECT_LE(labels[v], v);
    for (const auto l : distinct) EXPECT_EQ(labels[l], l);
  }
  // Disconnected members stay apart however small the penalty.
  auto two = community_of(4, {{0, 1}, {2, 3}});
  const auto l2 = refine(two, 0.0, 3);
  EXPECT_NE(l2[0], l2[2]);
  EXPECT_EQ(l2[0], l2[1]);
  EXPECT_EQ(l2[2], l2[3]);
}

TEST(CommunitySubgraph, AViewOfTheWholeGraphIsTheGatheredSubgraph) {
  // The driver reads communities in place when one rank holds the graph, and gathers them
  // otherwise: both must give refine and components the same members, weights and arcs.
  const auto p = fixtures::planted_partition(6, 15, 3, 2, 9);
  const auto g = fixtures::slice_of(p.n, p.edges);
  std::vector<std::uint64_t> label(p.n);
  std::vector<std::uint32_t> index(p.n);
  std::vector<std::vector<std::uint64_t>> members(p.n);
  std::vector<std::vector<Weight>> weights(p.n);
  for (std::uint64_t v = 0; v < p.n; ++v) {
    label[v] = p.block[v] * 15 + (v % 2);  // two communities per planted block, not connected inside
    index[v] = static_cast<std::uint32_t>(members[label[v]].size());
    members[label[v]].push_back(v);
    weights[label[v]].push_back(static_cast<Weight>(1 + v % 3));
  }
  std::vector<MemberRecord> m;
  std::vector<InternalArc> a;
  for (std::uint64_t v = 0; v < p.n; ++v) {
    m.push_back({label[v], v, weights[label[v]][index[v]]});
    const auto nb = g.neighbours(v);
    const auto ws = g.neighbour_weights(v);
    for (std::size_t j = 0; j < nb.size(); ++j)
      if (label[nb[j]] == label[v]) a.push_back({v, nb[j], ws[j]});
  }
  const auto gathered = assemble_subgraphs(m, a);
  std::size_t checked = 0;
  for (const auto& sub : gathered) {
    const auto c = sub.community;
    const CommunityView view{c, members[c], weights[c], &g, label.data(), index.data()};
    for (const double penalty : {0.0, 0.03 * kWeightScale})
      EXPECT_EQ(refine(view, penalty, 5 ^ c), refine(sub, penalty, 5 ^ c)) << c;
    EXPECT_EQ(components(view), components(sub)) << c;
    checked += sub.size();
  }
  EXPECT_EQ(checked, p.n);
}

TEST(CommunitySubgraph, PageRankOfAStar) {
  // Star with centre 0 and 4 leaves, d = 0.85: centre r0 = 0.15/5 + 0.85·4·r_leaf and
  // r_leaf = 0.15/5 + 0.85·r0/4 → r0 = (0.03 + 0.102)/(1 − 0.7225) = 0.475675...
  const auto c = community_of(5, {{0, 1}, {0, 2}, {0, 3}, {0, 4}});
  const auto pr = pagerank(c);
  EXPECT_NEAR(std::accumulate(pr.begin(), pr.end(), 0.0), 1.0, 1e-12);
  EXPECT_NEAR(pr[0], 0.132 / 0.2775, 1e-9);
  for (int v = 1; v < 5; ++v) EXPECT_NEAR(pr[v], (1 - pr[0]) / 4, 1e-12);
}

TEST(CommunitySubgraph, BetweennessOfAPathExactAndSampled) {
  // Path 0-1-2-3-4: vertex i lies on i·(4−i) shortest paths.
  const auto c = community_of(5, {{0, 1}, {1, 2}, {2, 3}, {3, 4}});
  const auto bc = betweenness(c, 64, 1);
  const std::vector<double> expected{0, 3, 4, 3, 0};
  for (int v = 0; v < 5; ++v) EXPECT_NEAR(bc[v], expected[v], 1e-12);
  // Sampling: same seed, same answer; the centre still ranks first on a longer path.
  std::vector<std::pair<int, int>> path;
  for (int v = 0; v + 1 < 41; ++v) path.emplace_back(v, v + 1);
  const auto long_path = community_of(41, path);
  const auto s1 = betweenness(long_path, 16, 9), s2 = betweenness(long_path, 16, 9);
  EXPECT_EQ(s1, s2);
  EXPECT_GT(s1[20], s1[2]);
  EXPECT_EQ(s1[0], 0.0);
}
