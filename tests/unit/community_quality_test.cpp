// Modularity and CPM against values computed by hand from their definitions.
#include <gtest/gtest.h>

#include <map>

#include "kernels/community/fixtures.hpp"
#include "kernels/community/quality.hpp"
#include "kernels/community/serial_reference.hpp"

using namespace ch::community;

namespace {

// Two triangles {0,1,2} and {3,4,5} joined by the edge 2-3: m = 7, 2m = 14.
std::vector<ReferenceEdge> two_triangles() {
  return {{0, 1}, {0, 2}, {1, 2}, {3, 4}, {3, 5}, {4, 5}, {2, 3}};
}

// Exact totals per community from an edge list, the way the kernel keeps them.
std::vector<CommunityTotals> totals_of(std::uint64_t n, const std::vector<ReferenceEdge>& edges,
                                       const std::vector<std::uint64_t>& c) {
  std::map<std::uint64_t, CommunityTotals> t;
  for (std::uint64_t v = 0; v < n; ++v) t[c[v]].size += 1;
  for (const auto& e : edges) {
    const Weight w = to_fixed(e.w);
    t[c[e.u]].degree += w;
    t[c[e.v]].degree += w;
    if (c[e.u] == c[e.v]) t[c[e.u]].internal += 2 * w;
  }
  std::vector<CommunityTotals> out;
  for (const auto& [k, v] : t) out.push_back(v);
  return out;
}

Weight two_m_of(const std::vector<ReferenceEdge>& edges) {
  Weight s = 0;
  for (const auto& e : edges) s += 2 * to_fixed(e.w);
  return s;
}

}  // namespace

TEST(CommunityQuality, TwoTrianglesByHand) {
  const auto edges = two_triangles();
  const std::vector<std::uint64_t> split{0, 0, 0, 1, 1, 1};
  // Each triangle: 6 internal arcs of 14, degree 7 of 14: Q = 2 (6/14 − 1/4) = 5/14.
  EXPECT_NEAR(reference_modularity(6, edges, split), 5.0 / 14.0, 1e-15);
  EXPECT_NEAR(modularity(totals_of(6, edges, split), two_m_of(edges)), 5.0 / 14.0, 1e-15);
  // One community: Q = 1 − 1 = 0.
  const std::vector<std::uint64_t> one(6, 0);
  EXPECT_NEAR(modularity(totals_of(6, edges, one), two_m_of(edges)), 0.0, 1e-15);
  // Singletons: Q = −Σ (k/2m)^2 = −(4·4 + 2·9)/196 = −34/196.
  const std::vector<std::uint64_t> single{0, 1, 2, 3, 4, 5};
  EXPECT_NEAR(modularity(totals_of(6, edges, single), two_m_of(edges)), -34.0 / 196.0, 1e-15);
  // Resolution 2 on the split: 2 (6/14 − 2/4) = −1/7.
  EXPECT_NEAR(modularity(totals_of(6, edges, split), two_m_of(edges), 2.0), -1.0 / 7.0, 1e-15);
}

TEST(CommunityQuality, WeightedByHand) {
  // Path 0 -2- 1 -1- 2: 2m = 6; {0,1},{2}: in = 4, deg 5 and 1: Q = 4/6 − 25/36 − 1/36 = −2/36.
  const std::vector<ReferenceEdge> edges{{0, 1, 2.0}, {1, 2, 1.0}};
  const std::vector<std::uint64_t> c{0, 0, 1};
  EXPECT_NEAR(reference_modularity(3, edges, c), -2.0 / 36.0, 1e-15);
  EXPECT_NEAR(modularity(totals_of(3, edges, c), two_m_of(edges)), -2.0 / 36.0, 1e-15);
}

TEST(CommunityQuality, KarateFactions) {
  // The two factions of the club, by counting: Mr. Hi's side has 35 internal edges and degree sum
  // 81, the Officer's 32 and 75 (11 edges cross); with 2m = 156
  // Q = (70 + 64)/156 − (81² + 75²)/156² = 0.358234714 (networkx 2.8 agrees: 0.3582347140039448).
  const auto edges = fixtures::karate();
  ASSERT_EQ(edges.size(), 78u);
  const auto f = fixtures::karate_factions();
  const double by_hand = (70.0 + 64.0) / 156.0 - (81.0 * 81.0 + 75.0 * 75.0) / (156.0 * 156.0);
  EXPECT_NEAR(reference_modularity(34, edges, f), by_hand, 1e-12);
  EXPECT_NEAR(modularity(totals_of(34, edges, f), two_m_of(edges)), 0.3582347140039448, 1e-12);
}

TEST(CommunityQuality, CpmByHand) {
  // CPM H = Σ_c [e_c − γ n_c (n_c − 1)/2]; two triangles split, γ = 0.5: 2 (3 − 0.5·3) = 3.
  const auto edges = two_triangles();
  const std::vector<std::uint64_t> split{0, 0, 0, 1, 1, 1};
  EXPECT_NEAR(cpm_quality(totals_of(6, edges, split), 0.5), 3.0, 1e-12);
  // All in one: 7 − 0.5·15 = −0.5.
  EXPECT_NEAR(cpm_quality(totals_of(6, edges, std::vector<std::uint64_t>(6, 0)), 0.5), -0.5, 1e-12);
}
