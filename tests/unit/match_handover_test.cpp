// Phone handover (kernels/match/handover.hpp): a burner that takes over another's contacts as the
// other falls silent links the entities holding the two phones; phones sharing contacts at one
// time veto; hubs and popular contacts say nothing. The stepwise path (split by phone, then by
// contact, then by pair, as resolve's shuffles do) equals the serial reference on random inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "kernels/match/alias.hpp"
#include "kernels/match/handover.hpp"
#include "kernels/match/similarity.hpp"
#include "kernels/rng.hpp"

using namespace ch::match;

namespace {
void call(std::vector<PhoneCall>& calls, std::uint64_t a, std::uint64_t b, std::int32_t day) {
  calls.push_back({a, b, day, day});
  calls.push_back({b, a, day, day});
}
int kind_of(const std::vector<AliasEvidence>& ev, std::uint64_t a, std::uint64_t b) {
  for (const auto& e : ev)
    if (e.entity_a == a && e.entity_b == b) return e.kind;
  return -1;
}
constexpr int kHandover = static_cast<int>(AliasEvidenceKind::kPhoneHandover);
constexpr int kConcurrent = static_cast<int>(AliasEvidenceKind::kConcurrentPhones);
}  // namespace

TEST(PhoneHandover, SuccessorSharingContactsLinksConcurrentVetoes) {
  // Phones 1 (entity 10, days 0..20) and 2 (entity 20, days 22..40) call contacts 100 and 101:
  // a handover. Phone 3 (entity 30) calls 100 on days 5..30, while 1 and 2 are in use: concurrent
  // with both. Phone 4 (entity 40) calls 101 on day 200: too late to be a continuation.
  std::vector<PhoneCall> calls;
  call(calls, 1, 100, 0), call(calls, 1, 101, 20);
  call(calls, 2, 100, 22), call(calls, 2, 101, 40);
  call(calls, 3, 100, 5), call(calls, 3, 100, 30);
  call(calls, 4, 101, 200);
  const std::vector<PhoneHolder> holders = {{1, 10}, {2, 20}, {3, 30}, {4, 40}};
  HandoverParams p;
  p.min_private_shared = 0;  // every contact here is private (≤ 4 phones): see SharedPrivateContacts
  const auto ev = phone_handover_serial(calls, holders, p);
  EXPECT_EQ(kind_of(ev, 10, 20), kHandover);
  EXPECT_EQ(kind_of(ev, 10, 30), kConcurrent);
  EXPECT_EQ(kind_of(ev, 20, 30), kConcurrent);
  EXPECT_EQ(kind_of(ev, 10, 40), -1);
  EXPECT_EQ(kind_of(ev, 20, 40), -1);  // 160 days after phone 2's last call

  // Scoring: the concurrent pair is vetoed even with a shared phone; the handover alone stays
  // below the threshold and is linked once a near birth date corroborates it.
  AliasWeights w;
  auto all = ev;
  alias_evidence_for_value(std::vector<std::uint64_t>{10, 30}, AliasEvidenceKind::kPhone, 7, w, all);
  alias_evidence_for_value(std::vector<std::uint64_t>{10, 30}, AliasEvidenceKind::kPhone, 8, w, all);
  EXPECT_TRUE(score_aliases(all, w).empty());
  alias_identity_evidence(10, 20, {1000, 5}, {1010, 6}, w, all);
  const auto links = score_aliases(all, w);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].entity_a, 10u);
  EXPECT_EQ(links[0].entity_b, 20u);
  EXPECT_EQ(alias_evidence_text(links[0]), "phone_handover=1;near_dob=1");
  w.concurrent_veto = false;
  EXPECT_EQ(score_aliases(all, w).size(), 2u);  // (10, 30): the two shared phones
}

TEST(PhoneHandover, SharedPrivateContactsLinkPhonesInUseAtOneTime) {
  // Phone 1 (entity 10, the own phone) and phone 2 (entity 20, a SIM under an alias) both call
  // relatives 100 and 101 all year, numbers nobody else calls: shared_contacts, no veto. Phone 3
  // (entity 30) shares with phone 1 only contact 102, which six phones call: two persons.
  std::vector<PhoneCall> calls;
  call(calls, 1, 100, 0), call(calls, 1, 101, 50), call(calls, 1, 102, 60), call(calls, 1, 100, 300);
  call(calls, 2, 100, 10), call(calls, 2, 101, 200);
  call(calls, 3, 102, 20), call(calls, 3, 102, 250);
  for (std::uint64_t ph = 4; ph <= 7; ++ph) call(calls, ph, 102, 30);
  const std::vector<PhoneHolder> holders = {{1, 10}, {2, 20}, {3, 30}};
  HandoverParams p;  // private: ≤ 4 phones; one shared private contact suffices
  auto ev = phone_handover_serial(calls, holders, p);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].entity_b, 20u);
  EXPECT_EQ(ev[0].kind, static_cast<std::uint8_t>(AliasEvidenceKind::kSharedContacts));
  EXPECT_EQ(ev[1].kind, static_cast<std::uint8_t>(AliasEvidenceKind::kSharedContacts));
  EXPECT_NE(ev[0].value, ev[1].value);  // one item per contact
  EXPECT_EQ(kind_of(ev, 10, 30), kConcurrent);
  EXPECT_TRUE(alias_kind_is_link(static_cast<std::uint8_t>(AliasEvidenceKind::kSharedContacts)));
  // Two private contacts (2 × 1.5) stay below the threshold; a near birth date links them.
  AliasWeights w;
  EXPECT_TRUE(score_aliases(ev, w).empty());
  alias_identity_evidence(10, 20, {1000, 5}, {1003, 6}, w, ev);
  const auto links = score_aliases(ev, w);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(alias_evidence_text(links[0]), "near_dob=1;shared_contacts=2");
  // Switched off (min_private_shared = 0), the same calls are the concurrent-phones veto.
  p.min_private_shared = 0;
  EXPECT_EQ(kind_of(phone_handover_serial(calls, holders, p), 10, 20), kConcurrent);
  // Stricter: three shared private contacts needed, the phones share two.
  p.min_private_shared = 3;
  EXPECT_EQ(kind_of(phone_handover_serial(calls, holders, p), 10, 20), kConcurrent);
}

TEST(AliasEvidence, SharedEmailIsLinkEvidence) {
  // An e-mail address on the rows of exactly two entities: one item per address; three or more
  // entities (a family's or an agency's address) make a hub with the default max_group of 2.
  AliasWeights w;
  std::vector<AliasEvidence> ev;
  alias_evidence_for_value(std::vector<std::uint64_t>{3, 9}, AliasEvidenceKind::kEmail, 42, w, ev);
  alias_evidence_for_value(std::vector<std::uint64_t>{3, 9, 12}, AliasEvidenceKind::kEmail, 43, w, ev);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, static_cast<std::uint8_t>(AliasEvidenceKind::kEmail));
  EXPECT_TRUE(alias_kind_is_link(ev[0].kind));
  EXPECT_STREQ(alias_evidence_name(AliasEvidenceKind::kEmail), "shared_email");
  EXPECT_TRUE(score_aliases(ev, w).empty());  // 1.5 alone
  alias_identity_evidence(3, 9, {1000, 5}, {1000, 6}, w, ev);
  const auto links = score_aliases(ev, w);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(alias_evidence_text(links[0]), "near_dob=1;shared_email=1");
}

TEST(AliasEvidence, AliasGroupsCloseOverStrongLinksOnly) {
  auto link = [](std::uint64_t a, std::uint64_t b, double s) { return AliasLink{a, b, s, {}}; };
  std::vector<AliasLink> links = {link(1, 2, 5.0), link(2, 3, 6.0), link(3, 4, 4.5),  // one group of 4
                                  link(10, 11, 4.0), link(11, 12, 3.0),              // 12: a weak link
                                  link(1, 3, 7.0)};                                  // already direct
  for (std::uint64_t e = 20; e < 27; ++e) links.push_back(link(e, e + 1, 9.0));      // a chain of 8
  std::reverse(links.begin(), links.end());  // any order
  const auto got = alias_group_links(links, {}, 4.0, 6);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(std::tie(got[0].entity_a, got[0].entity_b), std::make_tuple(1u, 4u));
  EXPECT_EQ(std::tie(got[1].entity_a, got[1].entity_b), std::make_tuple(2u, 4u));
  EXPECT_DOUBLE_EQ(got[0].score, 4.5);  // the group's weakest link
  EXPECT_EQ(got[0].group, 4u);
  EXPECT_EQ(alias_evidence_text(got[0]), "alias_group=4");
  EXPECT_EQ(alias_group_links(links, {}, 4.0, 8).size(), 2u + 28u - 7u);  // the chain joins in
  EXPECT_EQ(alias_group_links(links, {}, 3.0, 6).size(), 3u);  // 12 joins 10 and 11: (10, 12)
  EXPECT_TRUE(alias_group_links(links, {}, 4.0, 2).empty());
  // Entities 2 and 4 flew together (a veto): the group of 1..4 is two persons, not closed.
  const std::vector<EntityPair> vetoed = {{2, 4}, {10, 99}};
  EXPECT_TRUE(alias_group_links(links, vetoed, 4.0, 6).empty());
}

TEST(AliasEvidence, ScoringReportsVetoedPairs) {
  AliasWeights w;
  std::vector<AliasEvidence> ev;
  alias_evidence_for_value(std::vector<std::uint64_t>{1, 2}, AliasEvidenceKind::kPayment, 7, w, ev);
  alias_evidence_for_value(std::vector<std::uint64_t>{1, 2}, AliasEvidenceKind::kPhone, 8, w, ev);
  ev.push_back({1, 2, 9, static_cast<std::uint8_t>(AliasEvidenceKind::kSameFlight)});
  ev.push_back({3, 4, 9, static_cast<std::uint8_t>(AliasEvidenceKind::kSameFlight)});
  std::vector<EntityPair> vetoed;
  EXPECT_TRUE(score_aliases(ev, w, &vetoed).empty());
  EXPECT_EQ(vetoed, (std::vector<EntityPair>{{1, 2}, {3, 4}}));
}

TEST(PhoneHandover, HubsAndPopularContactsIgnored) {
  HandoverParams p;
  p.max_contact_phones = 3;
  p.max_phone_contacts = 5;
  std::vector<PhoneCall> calls;
  // Contact 100 is called by phones 1..4 (four phones: too popular).
  for (std::uint64_t ph = 1; ph <= 4; ++ph) call(calls, ph, 100, static_cast<std::int32_t>(10 * ph));
  // Phones 5 and 6 share contact 200, but 6 also calls 10 other numbers: a hub.
  call(calls, 5, 200, 0);
  call(calls, 6, 200, 5);
  for (std::uint64_t c = 300; c < 310; ++c) call(calls, 6, c, 6);
  const std::vector<PhoneHolder> holders = {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 6}};
  EXPECT_TRUE(phone_handover_serial(calls, holders, p).empty());
  p.max_contact_phones = 4;
  EXPECT_FALSE(phone_handover_serial(calls, holders, p).empty());
}

TEST(PhoneHandover, UnheldPhonesCountButMakeNoPairs) {
  // Phones 1 and 2 are held by one entity: no pair. Phone 3 is held by nobody.
  std::vector<PhoneCall> calls;
  call(calls, 1, 100, 0), call(calls, 2, 100, 10), call(calls, 3, 100, 20);
  const std::vector<PhoneHolder> holders = {{1, 10}, {2, 10}};
  EXPECT_TRUE(phone_handover_serial(calls, holders, {}).empty());
  // With a threshold of 2 phones per contact, the unheld phone 3 makes the contact too popular.
  HandoverParams p;
  p.max_contact_phones = 2;
  const std::vector<PhoneHolder> two = {{1, 10}, {2, 20}};
  EXPECT_TRUE(phone_handover_serial(calls, two, p).empty());
  EXPECT_EQ(phone_handover_serial(calls, two, {}).size(), 1u);
}

// The stepwise path with the calls split over `parts` groups by hash, as resolve does across
// ranks, gives the serial reference's evidence.
TEST(PhoneHandover, CollapsedCallsKeepEachPairsFirstAndLastDay) {
  std::vector<PhoneCall> calls = {{2, 9, 5, 5}, {1, 9, 7, 7}, {2, 9, 3, 4}, {2, 8, 1, 1}, {2, 9, 6, 8}};
  collapse_calls(calls);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(std::tie(calls[0].phone, calls[0].contact, calls[0].first_day, calls[0].last_day),
            std::make_tuple(1u, 9u, 7, 7));
  EXPECT_EQ(std::tie(calls[1].phone, calls[1].contact, calls[1].first_day, calls[1].last_day),
            std::make_tuple(2u, 8u, 1, 1));
  EXPECT_EQ(std::tie(calls[2].phone, calls[2].contact, calls[2].first_day, calls[2].last_day),
            std::make_tuple(2u, 9u, 3, 8));
}

TEST(PhoneHandover, StepwiseEqualsSerialOnRandomInputs) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    ch::Rng rng(seed, 7);
    std::vector<PhoneCall> calls;
    const std::uint64_t phones = 40, contacts = 30;
    for (int i = 0; i < 300; ++i)
      call(calls, 1 + rng.below(phones), 1000 + rng.below(contacts), static_cast<std::int32_t>(rng.below(120)));
    std::vector<PhoneHolder> holders;
    for (std::uint64_t ph = 1; ph <= phones; ++ph)
      if (rng.below(3) != 0) holders.push_back({ph, 500 + rng.below(25)});
    HandoverParams p;
    p.max_contact_phones = 8;
    p.max_gap_days = 30;
    const auto want = phone_handover_serial(calls, holders, p);

    for (std::uint64_t parts : {1u, 2u, 3u}) {
      // The calls collapsed in slices of `parts * 150` (as resolve reads them).
      std::vector<PhoneCall> sliced;
      for (std::size_t a = 0; a < calls.size(); a += parts * 150) {
        std::vector<PhoneCall> slice(calls.begin() + static_cast<std::ptrdiff_t>(a),
                                     calls.begin() + static_cast<std::ptrdiff_t>(std::min(calls.size(), a + parts * 150)));
        collapse_calls(slice);
        sliced.insert(sliced.end(), slice.begin(), slice.end());
      }
      ASSERT_LT(sliced.size(), calls.size());
      // Step 1 per part (phones split by hash), in reverse order.
      std::vector<ContactPhone> rows;
      for (std::uint64_t r = 0; r < parts; ++r) {
        std::map<std::uint64_t, std::vector<PhoneCall>> by_phone;
        for (auto it = sliced.rbegin(); it != sliced.rend(); ++it)
          if (it->phone % parts == r) by_phone[it->phone].push_back(*it);
        for (const auto& [ph, cs] : by_phone) {
          std::vector<std::uint64_t> ents;
          for (const auto& h : holders)
            if (h.phone == ph) ents.push_back(h.entity);
          std::sort(ents.begin(), ents.end());
          ents.erase(std::unique(ents.begin(), ents.end()), ents.end());
          contacts_of_phone(cs, ents, p, rows);
        }
      }
      std::vector<PhonePairShare> shares;
      for (std::uint64_t r = 0; r < parts; ++r) {
        std::map<std::uint64_t, std::vector<ContactPhone>> by_contact;
        for (const auto& row : rows)
          if (row.contact % parts == r) by_contact[row.contact].push_back(row);
        for (const auto& [c, rs] : by_contact) shares_of_contact(rs, p, shares);
      }
      std::vector<AliasEvidence> got;
      for (std::uint64_t r = 0; r < parts; ++r) {
        std::vector<PhonePairShare> mine;
        for (const auto& s : shares)
          if (s.entity_a % parts == r) mine.push_back(s);
        handover_evidence_grouped(mine, p, got);
      }
      std::sort(got.begin(), got.end(), [](const AliasEvidence& x, const AliasEvidence& y) {
        return std::tie(x.entity_a, x.entity_b, x.kind, x.value) < std::tie(y.entity_a, y.entity_b, y.kind, y.value);
      });
      ASSERT_EQ(got.size(), want.size()) << "seed " << seed << " parts " << parts;
      for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].entity_a, want[i].entity_a);
        EXPECT_EQ(got[i].entity_b, want[i].entity_b);
        EXPECT_EQ(got[i].value, want[i].value);
        EXPECT_EQ(got[i].kind, want[i].kind);
      }
    }
    if (seed == 1) {
      EXPECT_FALSE(want.empty());
    }
  }
}

TEST(AliasIdentity, NearDobAndSameFamilyCorroborate) {
  AliasWeights w;
  std::vector<AliasEvidence> ev;
  alias_identity_evidence(1, 2, {1000, 9}, {1031, 9}, w, ev);  // 31 days, same family
  alias_identity_evidence(3, 4, {1000, 9}, {1032, 8}, w, ev);  // 32 days, other family
  alias_identity_evidence(5, 6, {kMissingDate, 0}, {1000, 0}, w, ev);  // unknown
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].kind, static_cast<std::uint8_t>(AliasEvidenceKind::kNearDob));
  EXPECT_EQ(ev[1].kind, static_cast<std::uint8_t>(AliasEvidenceKind::kSameFamily));
  // Corroboration alone does not start a link kind.
  EXPECT_FALSE(alias_kind_is_link(ev[0].kind));
  EXPECT_TRUE(alias_kind_is_link(static_cast<std::uint8_t>(AliasEvidenceKind::kPhoneHandover)));
}

// Relatives on one household phone share the family name too, but were born years apart and have
// other given names: that is no corroboration. One person's records with a mistyped birth date
// keep the given name, and an unknown date or given name contradicts nothing.
TEST(AliasIdentity, SameFamilyIsNoCorroborationForRelatives) {
  AliasWeights w;
  const auto links = [&](const EntityTraits& a, const EntityTraits& b) {
    std::vector<AliasEvidence> ev;
    alias_evidence_for_value(std::vector<std::uint64_t>{1, 2}, AliasEvidenceKind::kPhone, 7, w, ev);
    alias_identity_evidence(1, 2, a, b, w, ev);
    return score_aliases(ev, w).size();
  };
  // shared phone (3) + same family (1.4) links; without the family name it does not.
  EXPECT_EQ(links({1000, 9, 11}, {3000, 9, 12}), 0u);                     // spouse: born 5 years apart
  EXPECT_EQ(links({1000, 9, 11}, {3000, 9, 11}), 1u);                     // one given name: a mistyped date
  EXPECT_EQ(links({1000, 9, 11}, {kMissingDate, 9, 12}), 1u);             // a birth date unknown
  EXPECT_EQ(links({1000, 9, 11}, {3000, 9, 0}), 1u);                      // a given name unknown
  w.kin_check = false;
  EXPECT_EQ(links({1000, 9, 11}, {3000, 9, 12}), 1u);
}
