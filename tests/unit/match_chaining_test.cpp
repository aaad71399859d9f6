// The chaining guard: a weak bridge between two dense groups is cut only when the component is
// large; small components and strong edges are left alone; labels are smallest members.
#include <gtest/gtest.h>

#include "kernels/match/alias.hpp"
#include "kernels/match/chaining.hpp"

using namespace ch::match;

namespace {
// Two cliques of `k` (0..k-1 and k..2k-1) joined by one edge of probability `bridge`.
std::vector<MatchEdge> barbell(std::uint64_t k, double bridge) {
  std::vector<MatchEdge> e;
  for (std::uint64_t base : {std::uint64_t{0}, k})
    for (std::uint64_t i = 0; i < k; ++i)
      for (std::uint64_t j = i + 1; j < k; ++j) e.push_back({base + i, base + j, 0.99999});
  e.push_back({k - 1, k, bridge});
  return e;
}
}  // namespace

TEST(ChainingGuard, CutsWeakBridgeInLargeComponent) {
  const auto e = barbell(6, 0.95);
  const auto labels = guarded_components(12, e, {.max_size = 10, .strong_probability = 0.999});
  for (std::uint64_t v = 0; v < 6; ++v) EXPECT_EQ(labels[v], 0u);
  for (std::uint64_t v = 6; v < 12; ++v) EXPECT_EQ(labels[v], 6u);
}

TEST(ChainingGuard, KeepsSmallComponentsAndStrongBridges) {
  const auto e = barbell(6, 0.95);
  const auto small = guarded_components(12, e, {.max_size = 12, .strong_probability = 0.999});
  for (auto l : small) EXPECT_EQ(l, 0u);
  const auto strong = guarded_components(12, barbell(6, 0.9999), {.max_size = 10, .strong_probability = 0.999});
  for (auto l : strong) EXPECT_EQ(l, 0u);
}

TEST(Aliases, HubValuesIgnoredAndScoresSummed) {
  AliasWeights w;
  w.threshold = 4.0;
  w.max_group = 3;
  std::vector<AliasEvidence> ev;
  const std::vector<std::uint64_t> pair = {5, 9}, hub = {1, 2, 3, 4};
  alias_evidence_for_value(pair, AliasEvidenceKind::kPhone, 77, w, ev);
  alias_evidence_for_value(hub, AliasEvidenceKind::kPhone, 78, w, ev);
  ASSERT_EQ(ev.size(), 1u);  // the phone of four entities is a hub
  alias_evidence_for_value(pair, AliasEvidenceKind::kPhone, 77, w, ev);    // same value again
  alias_evidence_for_value(pair, AliasEvidenceKind::kBooking, 12, w, ev);
  const std::vector<std::uint64_t> weak = {2, 3};
  alias_evidence_for_value(weak, AliasEvidenceKind::kBooking, 13, w, ev);
  const auto links = score_aliases(ev, w);
  ASSERT_EQ(links.size(), 1u);  // (2,3) has only a shared booking: below the threshold
  EXPECT_EQ(links[0].entity_a, 5u);
  EXPECT_EQ(links[0].count[0], 1u);  // the duplicated phone counts once
  EXPECT_DOUBLE_EQ(links[0].score, w.weight[0] + w.weight[1]);
  EXPECT_EQ(alias_evidence_text(links[0]), "shared_phone=1;shared_booking=1");
}
