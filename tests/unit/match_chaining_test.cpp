// The chaining guard: a weak bridge between two dense groups is cut only when the component is
// large; small components and strong edges are left alone; labels are smallest members.
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

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

// Inside one booking the flights tell one traveller from two: group mates fly together (a veto,
// however much they share), a document swap in transit is one identity's legs followed by the
// other's.
TEST(Aliases, SameFlightVetoesAndLegSwitchLinks) {
  AliasWeights w;
  const std::int64_t day = 86400, t1 = 1000 * day, t2 = t1 + 5 * day;
  // Entities 1 and 2 fly both legs together; 3 flies leg 1 only, 4 leg 2 only (one traveller who
  // changed documents); 5 flies leg 2 a month later (too late to be 3's continuation).
  const std::vector<BookingLeg> legs = {{1, t1}, {2, t1}, {3, t1}, {1, t2}, {2, t2}, {4, t2},
                                        {5, t2 + 30 * day}, {6, kUnknownFlightTime}};
  std::vector<AliasEvidence> ev;
  alias_evidence_for_booking(legs, 42, w, ev);
  auto kind_of = [&](std::uint64_t a, std::uint64_t b) -> int {
    for (const auto& e : ev)
      if (e.entity_a == a && e.entity_b == b) return e.kind;
    return -1;
  };
  const auto same = static_cast<int>(AliasEvidenceKind::kSameFlight), sw = static_cast<int>(AliasEvidenceKind::kLegSwitch);
  EXPECT_EQ(kind_of(1, 2), same);
  EXPECT_EQ(kind_of(1, 3), same);
  EXPECT_EQ(kind_of(2, 4), same);
  EXPECT_EQ(kind_of(3, 4), sw);
  const auto sole = static_cast<std::uint8_t>(AliasEvidenceKind::kSoleSwitch);
  EXPECT_EQ(std::count_if(ev.begin(), ev.end(), [&](const AliasEvidence& e) { return e.kind == sole; }), 1);
  EXPECT_EQ(kind_of(3, 5), -1);  // 30 days after: no continuation
  EXPECT_EQ(kind_of(1, 6), -1);  // no departure time: no evidence
  // Mates 1 and 2 share the booker's phone and the payer's account too: still two persons.
  const std::vector<std::uint64_t> mates = {1, 2}, swap = {3, 4};
  alias_evidence_for_value(mates, AliasEvidenceKind::kPhone, 7, w, ev);
  alias_evidence_for_value(mates, AliasEvidenceKind::kPayment, 8, w, ev);
  alias_evidence_for_value(swap, AliasEvidenceKind::kPayment, 8, w, ev);
  const auto links = score_aliases(ev, w);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].entity_a, 3u);
  EXPECT_EQ(links[0].entity_b, 4u);
  EXPECT_EQ(alias_evidence_text(links[0]), "shared_payment=1;leg_switch=1;sole_leg_switch=1");
}

// A leg switch is unambiguous only when it is the sole one of both entities: an escort joining
// at the hub (7) is a second candidate continuation of 3, so neither pair gets the bonus, and a
// switch alone stays below the threshold.
TEST(Aliases, SoleLegSwitchOnlyWhenUnambiguous) {
  AliasWeights w;
  const std::int64_t day = 86400, t1 = 1000 * day, t2 = t1 + 3 * day;
  std::vector<AliasEvidence> ev;
  alias_evidence_for_booking({{3, t1}, {4, t2}}, 42, w, ev);
  auto links = score_aliases(ev, w);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_DOUBLE_EQ(links[0].score, w.weight[3] + w.weight[9]);
  EXPECT_EQ(alias_evidence_text(links[0]), "leg_switch=1;sole_leg_switch=1");
  ev.clear();
  alias_evidence_for_booking({{3, t1}, {4, t2}, {7, t2}, {4, t2 + day}}, 43, w, ev);
  ASSERT_EQ(ev.size(), 3u);  // 3-4 and 3-7 switch, 4-7 fly together
  EXPECT_TRUE(score_aliases(ev, w).empty());
}

// A group flies leg 1 and leg 2 on one booking. Entities 1 and 2 are one migrant under one name
// whose document changed at the hub (the merge kept them apart); 3 (leg 1) changed identity to 4
// (leg 2); 5 is the escort joining at the hub, seen on four other bookings. Every leg-1 entity has
// three candidate continuations; narrowed to the rest, 3-4 is the only one.
TEST(Aliases, SoleLegSwitchAfterNarrowingOutSameNameAndEscorts) {
  AliasWeights w;
  const std::int64_t day = 86400, t1 = 1000 * day, t2 = t1 + 2 * day;
  const std::uint64_t ali = 11, bashir = 12, carlo = 13, escort = 14;
  const std::vector<BookingLeg> legs = {{1, t1, ali, 1}, {2, t2, ali, 1}, {3, t1, bashir, 1},
                                        {4, t2, carlo, 1}, {5, t2, escort, 5}};
  const auto sole_pairs = [](const std::vector<AliasEvidence>& ev) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
    for (const auto& e : ev)
      if (e.kind == static_cast<std::uint8_t>(AliasEvidenceKind::kSoleSwitch)) out.emplace_back(e.entity_a, e.entity_b);
    return out;
  };
  std::vector<AliasEvidence> ev;
  alias_evidence_for_booking(legs, 42, w, ev);
  EXPECT_EQ(sole_pairs(ev), (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{3, 4}}));
  // Without names and booking counts nothing narrows: no switch is sole.
  std::vector<BookingLeg> bare;
  for (const auto& l : legs) bare.push_back({l.entity, l.departure});
  ev.clear();
  alias_evidence_for_booking(bare, 42, w, ev);
  EXPECT_TRUE(sole_pairs(ev).empty());
  // The legs' order does not matter.
  std::vector<BookingLeg> reversed(legs.rbegin(), legs.rend());
  ev.clear();
  alias_evidence_for_booking(reversed, 42, w, ev);
  EXPECT_EQ(sole_pairs(ev), (std::vector<std::pair<std::uint64_t, std::uint64_t>>{{3, 4}}));
}

// A split trip: the group flies leg 1 on booking 100 and leg 2 on booking 200. Entity 7 (an
// escort or a member flying both legs) makes the two bookings a continuation; a trip two months
// later does not continue either.
TEST(Aliases, BookingContinuationsFollowOneEntitysLegs) {
  AliasWeights w;
  const std::int64_t day = 86400, t1 = 1000 * day, t2 = t1 + day;
  std::vector<BookingPair> got;
  booking_continuations({{7, 300, t1 + 60 * day, t1 + 60 * day}, {7, 200, t2, t2 + 3600}, {7, 100, t1, t1}}, w, got);
  EXPECT_EQ(got, (std::vector<BookingPair>{{100, 200}}));
}

// Of the passengers seen on one of the two bookings only, 1 and 2 carry one name (one migrant
// whose document changed: set aside); 3 flew leg 1 and 4 leg 2 under other names: a switch, the
// only one. A second unexplained leg-2 passenger makes it ambiguous; a leg 2 more than
// `max_switch_seconds` later is no continuation of that traveller.
TEST(Aliases, LegSwitchAcrossTheBookingsOfASplitTrip) {
  AliasWeights w;
  const std::int64_t day = 86400, t1 = 1000 * day, t2 = t1 + day;
  const std::vector<SoleBookingPassenger> before = {{1, t1, t1, 11}, {3, t1, t1, 12}};
  std::vector<SoleBookingPassenger> after = {{2, t2, t2, 11}, {4, t2, t2, 13}};
  std::vector<AliasEvidence> ev;
  alias_evidence_for_continuation(before, after, 99, w, ev);
  const auto links = score_aliases(ev, w);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(std::tie(links[0].entity_a, links[0].entity_b), std::make_tuple(3u, 4u));
  EXPECT_EQ(alias_evidence_text(links[0]), "leg_switch=1;sole_leg_switch=1");
  after.push_back({5, t2, t2, 14});
  ev.clear();
  alias_evidence_for_continuation(before, after, 99, w, ev);
  EXPECT_TRUE(ev.empty());
  after = {{2, t2, t2, 11}, {4, t1 + 20 * day, t1 + 20 * day, 13}};
  alias_evidence_for_continuation(before, after, 99, w, ev);
  EXPECT_TRUE(ev.empty());
}
