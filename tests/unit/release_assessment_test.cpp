#include <gtest/gtest.h>

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

TEST(ReleaseAssessment, OrganizationNeedsAReleasedMemberAndIdsAreDense) {
  // Organization 1 has only withheld members (entity 5 has no releasable observation); 2 and 3
  // are released as 1 and 2, so the run's id gap does not reveal the withheld one.
  const std::vector<Observation> kept = {obs(10, "r1", "+4911"), obs(11, "r2", "+4922"), obs(12, "r3")};
  const std::vector<std::uint64_t> person_of = {0, 1, 2};
  const std::vector<RunMember> members = {{1, 5, "organizer"}, {2, 10, "organizer"}, {2, 5, "recruiter"},
                                          {2, 11, "client"}, {3, 12, "transporter"}};
  const auto r = ch::release::release_organizations(members, kept, person_of);
  ASSERT_EQ(r.organizations.size(), 2u);
  EXPECT_EQ(r.id_of.count(1), 0u);
  EXPECT_EQ(r.id_of.at(2), 1);
  EXPECT_EQ(r.id_of.at(3), 2);
  // Counts see released persons only: the withheld recruiter (entity 5) is not an aide.
  EXPECT_EQ(r.organizations[0].aides, 1u);
  EXPECT_EQ(r.organizations[0].clients, 1u);
  EXPECT_EQ(r.organizations[0].phones, 1u);  // the client's phone is not an aide phone
  ASSERT_EQ(r.members.size(), 3u);
  EXPECT_EQ(r.members[0].person, 0u);
  EXPECT_EQ(r.members[0].role, "organizer");
  EXPECT_EQ(r.members[1].role, "client");
  EXPECT_EQ(r.members[2].organization, 2);
}

TEST(ReleaseAssessment, SplitEntityGivesOneMemberRowPerReleasedPerson) {
  const std::vector<Observation> kept = {obs(7, "a"), obs(7, "b")};
  const auto r = ch::release::release_organizations({{4, 7, "financier"}}, kept, {0, 1});
  ASSERT_EQ(r.members.size(), 2u);
  EXPECT_EQ(r.organizations.at(0).aides, 2u);
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
  const std::map<std::int64_t, std::int64_t> orgs = {{3, 1}};
  const std::vector<RunLead> leads = {
      {"person", "10", "r1;r2", "document_fraud", 3},            // released: subject becomes person 0
      {"person", "11", "r3;w9", "trafficking_indicators", 3},    // cites a withheld record: dropped
      {"route", "A>B>C 2024-01", "r1;...(+4 more)", "x", 3},     // truncated list: dropped
      {"person", "12", "r1;r3", "x", 3},                          // two persons behind it: dropped
      {"phone", "+4999", "r1", "x", 3},                           // phone not in a releasable record
      {"phone", "+4911", "r1", "trafficking_indicators", 9},     // released, organization withheld
      {"booking", "BK1", "r1;r3", "terrorist_travel_watch", 3},  // released
  };
  const auto r = ch::release::release_leads(leads, kept, citable, orgs);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].rank, 1u);
  EXPECT_EQ(r[0].subject, "0");
  EXPECT_EQ(r[0].person, 0u);
  EXPECT_EQ(r[0].organization, 1);
  EXPECT_EQ(r[0].issue, "trafficking_indicators");  // document_fraud may rest on withheld identities
  EXPECT_EQ(r[0].reason, "person lead of released organization 1: 2 releasable evidence records");
  EXPECT_EQ(r[1].subject, "+4911");
  EXPECT_EQ(r[1].organization, -1);
  EXPECT_EQ(r[1].rank, 2u);
  EXPECT_EQ(r[2].subject, "BK1");
  EXPECT_EQ(r[2].person, kNoPerson);
  EXPECT_EQ(r[2].issue, "terrorist_travel_watch");
  EXPECT_EQ(r[2].rank, 3u);
}

}  // namespace
