#include <gtest/gtest.h>

#include <set>

#include "kernels/release/assessment.hpp"

namespace {

using ch::release::kNoPerson;
using ch::release::Observation;
using ch::release::RunLead;
using ch::release::RunMember;

Observation obs(std::uint64_t entity, std::string record_id, std::string phone = "", std::string booking = "") {
  Observation o;
  o.entity = entity;
  o.record_id = std::move(record_id);
  o.phone = std::move(phone);
  o.booking = std::move(booking);
  return o;
}

ch::release::EdgeTotal edge(std::uint64_t a, std::uint64_t b) {
  ch::release::EdgeTotal e;
  e.a = std::min(a, b);
  e.b = std::max(a, b);
  return e;
}

using Groups = std::vector<std::vector<std::uint64_t>>;

Groups groups_of(const ch::release::ReleasedOrganizations& r) {
  Groups out(r.organizations.size());
  for (const auto& m : r.members) out.at(static_cast<std::size_t>(m.organization - 1)).push_back(m.person);
  return out;
}

TEST(ReleaseAssessment, MembersTiedOnlyByWithheldEvidenceAreNotReleasedTogether) {
  // Assessed organization 4 holds entities 10 and 11; the assessor tied them through a call
  // record the partner may not see. The release job recomputes the edges from releasable calls
  // only, so the withheld call is not in its input: no edge, no shared organization — and as each
  // alone has no releasable tie to the other member, neither is released as a member.
  const std::vector<Observation> kept = {obs(10, "r1", "+4911"), obs(11, "r2", "+4922")};
  const std::vector<std::uint64_t> person_of = {0, 1};
  const std::vector<RunMember> members = {{4, 10}, {4, 11}};
  const std::vector<ch::release::Call> releasable_calls;  // the only call was domestic-only
  const auto net = ch::release::recompute_network(kept, person_of, {}, releasable_calls, {});
  ASSERT_TRUE(net.edges.empty());
  const auto r = ch::release::release_organizations(members, kept, person_of, net.edges);
  EXPECT_TRUE(r.organizations.empty());
  EXPECT_TRUE(r.members.empty());
  EXPECT_TRUE(r.organization_of.empty());
}

TEST(ReleaseAssessment, MembersTiedByAReleasableEdgeAreReleasedTogether) {
  const std::vector<Observation> kept = {obs(10, "r1", "+4911"), obs(11, "r2", "+4922")};
  const std::vector<std::uint64_t> person_of = {0, 1};
  const std::vector<ch::release::Call> releasable_calls = {{"+4911", "+4922", 1700000000, 60}};
  const auto net = ch::release::recompute_network(kept, person_of, {}, releasable_calls, {});
  ASSERT_EQ(net.edges.size(), 1u);
  const auto r = ch::release::release_organizations({{4, 10}, {4, 11}}, kept, person_of, net.edges);
  ASSERT_EQ(r.organizations.size(), 1u);
  EXPECT_EQ(r.organizations[0].id, 1);
  EXPECT_EQ(r.organizations[0].assessed, 4);
  EXPECT_EQ(r.organizations[0].members, 2u);
  EXPECT_EQ(r.organizations[0].ties, 1u);
  EXPECT_EQ(r.organizations[0].phones, 2u);
  EXPECT_EQ(groups_of(r), (Groups{{0, 1}}));
  EXPECT_EQ(r.organization_of.at({4, 0}), 1);
  EXPECT_EQ(r.organization_of.at({4, 1}), 1);
}

TEST(ReleaseAssessment, AnAssessedOrganizationSplitsAlongReleasableComponents) {
  // Assessed 2: persons 0–1 tied, 2–3 tied, 4 tied to nobody releasable; the assessor's link
  // between the two pairs was withheld. Ids follow the smallest person, not the run's ids, so
  // assessed 1 (persons 5, 6) comes last and nothing shows that released 1 and 2 were one.
  std::vector<Observation> kept;
  for (std::uint64_t e = 20; e < 27; ++e) kept.push_back(obs(e, "r" + std::to_string(e), "+49" + std::to_string(e)));
  kept.push_back(obs(21, "r21b", "+4921"));  // a second observation of person 1, same phone
  const std::vector<std::uint64_t> person_of = {0, 1, 2, 3, 4, 5, 6, 1};
  const std::vector<RunMember> members = {{2, 20}, {2, 21}, {2, 22}, {2, 23}, {2, 24}, {1, 26}, {1, 25}, {3, 99}};
  const std::vector<ch::release::EdgeTotal> edges = {edge(0, 1), edge(2, 3), edge(5, 6)};
  const auto r = ch::release::release_organizations(members, kept, person_of, edges);
  ASSERT_EQ(r.organizations.size(), 3u);
  EXPECT_EQ(groups_of(r), (Groups{{0, 1}, {2, 3}, {5, 6}}));
  EXPECT_EQ(r.organizations[0].assessed, 2);
  EXPECT_EQ(r.organizations[1].assessed, 2);
  EXPECT_EQ(r.organizations[2].assessed, 1);
  EXPECT_EQ(r.organizations[0].phones, 2u);  // +4920, +4921 (counted once)
  EXPECT_EQ(r.organizations[0].ties, 1u);
  EXPECT_EQ(r.organization_of.count({2, 4}), 0u);  // no releasable tie: not a member
  EXPECT_EQ(r.organization_of.at({2, 3}), 2);
  EXPECT_EQ(r.organization_of.at({1, 6}), 3);
}

TEST(ReleaseAssessment, EdgesThroughNonMembersDoNotJoinMembers) {
  // 0 and 2 are members of assessed 1; they are tied only through person 1, who is not: the
  // path leaves the organization, so the grouping would rest on the assessor's view of person 1.
  const std::vector<Observation> kept = {obs(10, "a"), obs(11, "b"), obs(12, "c")};
  const std::vector<ch::release::EdgeTotal> edges = {edge(0, 1), edge(1, 2)};
  EXPECT_TRUE(ch::release::release_organizations({{1, 10}, {1, 12}}, kept, {0, 1, 2}, edges).organizations.empty());
  // Once person 1 is a member, the three are connected and released as one.
  const auto r = ch::release::release_organizations({{1, 10}, {1, 11}, {1, 12}}, kept, {0, 1, 2}, edges);
  EXPECT_EQ(groups_of(r), (Groups{{0, 1, 2}}));
  EXPECT_EQ(r.organizations[0].ties, 2u);
}

TEST(ReleaseAssessment, SplitEntityIsOneOrganizationOnlyWithAReleasableTie) {
  // Rule 1 split entity 7 into persons 0 and 1 (their link ran through a withheld record).
  const std::vector<Observation> kept = {obs(7, "a"), obs(7, "b")};
  EXPECT_TRUE(ch::release::release_organizations({{4, 7}}, kept, {0, 1}, {}).members.empty());
  const auto r = ch::release::release_organizations({{4, 7}}, kept, {0, 1}, {edge(0, 1)});
  EXPECT_EQ(groups_of(r), (Groups{{0, 1}}));
}

TEST(ReleaseAssessment, OrganizationsMatchTheSerialReferenceOnRandomInputs) {
  std::uint64_t state = 12345;
  auto next = [&](std::uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  for (int trial = 0; trial < 200; ++trial) {
    const std::uint64_t n_entities = 1 + next(12);
    std::vector<Observation> kept;
    std::vector<std::uint64_t> person_of;
    std::uint64_t persons = 0;
    for (std::uint64_t e = 0; e < n_entities; ++e) {
      const auto n_obs = next(3);  // 0: the entity has no releasable observation
      const auto first = persons;
      for (std::uint64_t k = 0; k < n_obs; ++k) {
        kept.push_back(obs(e, "r", next(2) ? "+49" + std::to_string(next(6)) : ""));
        person_of.push_back(k > 0 && next(2) ? first : persons++);  // sometimes split
      }
    }
    std::vector<RunMember> members;
    for (std::uint64_t e = 0; e < n_entities + 2; ++e) {
      if (next(4)) members.push_back({static_cast<std::int64_t>(1 + next(3)), e});
      if (next(8) == 0) members.push_back({static_cast<std::int64_t>(1 + next(3)), e});  // listed twice
    }
    std::set<std::pair<std::uint64_t, std::uint64_t>> pairs;
    for (std::uint64_t k = 0, m = persons ? next(persons * 2 + 1) : 0; k < m; ++k) {
      const auto a = next(persons), b = next(persons);
      if (a != b) pairs.insert({std::min(a, b), std::max(a, b)});
    }
    std::vector<ch::release::EdgeTotal> edges;
    for (const auto& [a, b] : pairs) edges.push_back(edge(a, b));
    const auto r = ch::release::release_organizations(members, kept, person_of, edges);
    ASSERT_EQ(groups_of(r), ch::release::reference_released_groups(members, kept, person_of, edges)) << "trial " << trial;
    for (std::size_t k = 0; k < r.organizations.size(); ++k) {
      EXPECT_EQ(r.organizations[k].id, static_cast<std::int64_t>(k) + 1);
      EXPECT_GE(r.organizations[k].members, ch::release::kMinReleasedMembers);
    }
  }
}

TEST(ReleaseAssessment, RecordIdSharedWithAWithheldRecordIsNotCitable) {
  const std::vector<Observation> kept = {obs(1, "r1"), obs(2, "r2"), obs(3, "r2"), obs(4, "w")};
  const auto c = ch::release::citable_records(kept, {0, 1, 2, 3}, {"w"});
  EXPECT_EQ(c.at("r1"), 0u);
  EXPECT_EQ(c.at("r2"), kNoPerson);  // names two persons
  EXPECT_EQ(c.count("w"), 0u);
}

TEST(ReleaseAssessment, LeadsNeedCompleteCitableEvidence) {
  const std::vector<Observation> kept = {obs(10, "r1", "+4911", "BK1"), obs(10, "r2"), obs(11, "r3")};
  const std::map<std::string, std::uint64_t> citable = {{"r1", 0}, {"r2", 0}, {"r3", 1}};
  // Assessed 3 was released as organization 1 holding persons 0 and 1.
  const std::map<std::pair<std::int64_t, std::uint64_t>, std::int64_t> orgs = {{{3, 0}, 1}, {{3, 1}, 1}};
  const std::vector<RunLead> leads = {
      {"person", "10", "r1;r2", "document_fraud", 3},            // released: subject becomes person 0
      {"person", "11", "r3;w9", "trafficking_indicators", 3},    // cites a withheld record: dropped
      {"route", "A>B>C 2024-01", "r1;...(+4 more)", "x", 3},     // truncated list: dropped
      {"person", "12", "r1;r3", "x", 3},                          // two persons behind it: dropped
      {"phone", "+4999", "r1", "x", 3},                           // phone not in a releasable record
      {"phone", "+4911", "r1", "trafficking_indicators", 9},     // released, organization withheld
      {"booking", "BK1", "r1;r3", "terrorist_travel_watch", 3},  // released, both persons in org 1
  };
  const auto r = ch::release::release_leads(leads, kept, citable, orgs);
  ASSERT_EQ(r.size(), 3u);
  // Ranked by what the partner can check, not by the run's order: two cited records (booking
  // before person by kind), then one.
  EXPECT_EQ(r[0].subject, "BK1");
  EXPECT_EQ(r[0].rank, 1u);
  EXPECT_EQ(r[0].person, kNoPerson);
  EXPECT_EQ(r[0].organization, 1);
  EXPECT_EQ(r[0].issue, "terrorist_travel_watch");
  EXPECT_EQ(r[1].subject, "0");
  EXPECT_EQ(r[1].rank, 2u);
  EXPECT_EQ(r[1].person, 0u);
  EXPECT_EQ(r[1].organization, 1);
  EXPECT_EQ(r[1].issue, "trafficking_indicators");  // document_fraud may rest on withheld identities
  EXPECT_EQ(r[1].reason, "person lead of released organization 1: 2 releasable evidence records");
  EXPECT_EQ(r[2].subject, "+4911");
  EXPECT_EQ(r[2].organization, -1);
  EXPECT_EQ(r[2].rank, 3u);
}

TEST(ReleaseAssessment, LeadOrganizationMustContainTheLeadsPersons) {
  const std::vector<Observation> kept = {obs(10, "r1", "", "BK1"), obs(11, "r2", "", "BK1"), obs(12, "r3")};
  const std::map<std::string, std::uint64_t> citable = {{"r1", 0}, {"r2", 1}, {"r3", 2}};
  // Assessed 5 was split: person 0 in released 1, person 1 in released 2; person 2 (a member of
  // assessed 5 without a releasable tie) is in no released organization.
  const std::map<std::pair<std::int64_t, std::uint64_t>, std::int64_t> orgs = {{{5, 0}, 1}, {{5, 1}, 2}, {{6, 2}, 3}};
  const std::vector<RunLead> leads = {
      {"person", "10", "r1", "facilitator_abroad", 5},       // person 0 -> released 1
      {"person", "11", "r2", "trafficking_indicators", 5},   // person 1 -> released 2
      {"person", "12", "r3", "trafficking_indicators", 5},   // person 2 is in released 3, but of assessed 6
      {"booking", "BK1", "r1;r2", "trafficking_indicators", 5},  // persons in two released organizations
  };
  const auto r = ch::release::release_leads(leads, kept, citable, orgs);
  ASSERT_EQ(r.size(), 4u);  // ranked: the booking (two records), then persons 0, 1, 2
  EXPECT_EQ(r[0].subject, "BK1");
  EXPECT_EQ(r[0].organization, -1);
  EXPECT_EQ(r[1].subject, "0");
  EXPECT_EQ(r[1].organization, 1);
  EXPECT_EQ(r[1].issue, "trafficking_indicators");  // facilitator_abroad is the withheld role
  EXPECT_EQ(r[2].subject, "1");
  EXPECT_EQ(r[2].organization, 2);
  EXPECT_EQ(r[3].subject, "2");
  EXPECT_EQ(r[3].organization, -1);
  EXPECT_EQ(r[3].reason, "person lead: 1 releasable evidence record");
}

}  // namespace
