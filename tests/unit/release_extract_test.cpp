#include <gtest/gtest.h>

#include "kernels/release/extract.hpp"

namespace {

using ch::release::Observation;

Observation obs(std::uint64_t entity, std::string given, std::string family, std::string phone = "",
                std::string booking = "") {
  Observation o;
  o.entity = entity;
  o.given_name = std::move(given);
  o.family_name = std::move(family);
  o.phone = std::move(phone);
  o.booking = std::move(booking);
  o.event_utc = 1700000000;
  return o;
}

TEST(ReleaseExtract, MergeOnlyThroughReleasablePairs) {
  // Entity 7 had observations A, (withheld W), B, C with pairs A–W, W–B, B–C: without W, A is
  // linked to nothing releasable and stands alone; B and C stay together.
  const std::vector<Observation> kept = {obs(7, "ali", "khan"), obs(7, "ali", "khan"), obs(7, "aly", "khan")};
  const auto person = ch::release::split_persons(kept, {{1, 2}});
  EXPECT_EQ(person, (std::vector<std::uint64_t>{0, 1, 1}));
}

TEST(ReleaseExtract, PairsAcrossResolvedEntitiesAreNotFollowed) {
  const std::vector<Observation> kept = {obs(1, "a", "b"), obs(2, "a", "b")};
  EXPECT_EQ(ch::release::split_persons(kept, {{0, 1}}), (std::vector<std::uint64_t>{0, 1}));
}

TEST(ReleaseExtract, PersonIdsAreDenseInFirstObservationOrder) {
  const std::vector<Observation> kept = {obs(9, "x", "y"), obs(3, "p", "q"), obs(9, "x", "y")};
  EXPECT_EQ(ch::release::split_persons(kept, {{0, 2}}), (std::vector<std::uint64_t>{0, 1, 0}));
}

TEST(ReleaseExtract, ProfileComesFromReleasableObservationsOnly) {
  std::vector<Observation> kept = {obs(1, "mohammed", "ali", "+4911"), obs(1, "muhammad", "ali", "+4922"),
                                   obs(1, "muhammad", "ali")};
  kept[0].dob = "1980-01-01";
  kept[1].dob = "1980-01-02";
  kept[0].document = "DOC1";
  const auto p = ch::release::profiles(kept, {0, 0, 0});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].name, "muhammad ali");
  EXPECT_EQ(p[0].dob, "1980-01-01");  // tie: the earliest observation wins
  EXPECT_EQ(p[0].phones, "+4911;+4922");
  EXPECT_EQ(p[0].documents, "DOC1");
  EXPECT_EQ(p[0].observations, 3u);
}

TEST(ReleaseExtract, GroupWeightsUseReleasableMembersOnly) {
  // Three releasable persons on one booking: each pair gets w/(n-1) = 0.5; a withheld fourth
  // co-passenger (not in the input) must not dilute it to 1/3.
  const std::vector<Observation> kept = {obs(1, "a", "a", "", "BK1"), obs(2, "b", "b", "", "BK1"),
                                         obs(3, "c", "c", "", "BK1")};
  const auto net = ch::release::recompute_network(kept, {0, 1, 2}, {}, {}, {});
  ASSERT_EQ(net.edges.size(), 3u);
  for (const auto& e : net.edges) {
    EXPECT_DOUBLE_EQ(ch::network::from_fixed(e.weight), 0.5);
    EXPECT_EQ(e.count[0], 1u);
  }
}

TEST(ReleaseExtract, CallsNeedReleasablePhonesOnBothSides) {
  const std::vector<Observation> kept = {obs(1, "a", "a", "+1001"), obs(2, "b", "b", "+1002")};
  const std::vector<ch::release::Call> calls = {{"+1001", "+1002", 1700000000, 60}, {"+1001", "+1999", 1700000000, 9}};
  const auto net = ch::release::recompute_network(kept, {0, 1}, {}, calls, {});
  ASSERT_EQ(net.edges.size(), 1u);
  EXPECT_EQ(net.edges[0].count[static_cast<std::size_t>(ch::network::EdgeType::kCalls)], 1u);
  EXPECT_EQ(net.edges[0].seconds, 60u);
  EXPECT_EQ(net.calls_unattributed, 1u);
  ASSERT_EQ(net.person_phone.size(), 2u);
  EXPECT_EQ(net.person_phone[0].phone, "+1001");
}

TEST(ReleaseExtract, CoTravelNeedsTheThresholdOfReleasableFlights) {
  const std::vector<Observation> kept = {obs(1, "a", "a"), obs(2, "b", "b")};
  std::vector<ch::release::Flight> flights = {{0, "LH1@1", 100}, {1, "LH1@1", 100}};
  EXPECT_TRUE(ch::release::recompute_network(kept, {0, 1}, flights, {}, {}).edges.empty());
  flights.push_back({0, "LH2@2", 200});
  flights.push_back({1, "LH2@2", 200});
  const auto net = ch::release::recompute_network(kept, {0, 1}, flights, {}, {});
  ASSERT_EQ(net.edges.size(), 1u);
  EXPECT_EQ(net.edges[0].count[1], 2u);
}

}  // namespace
