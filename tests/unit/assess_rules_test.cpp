// Pure assessment rules: journeys, roles, schemes, fates by Jaccard, lead scoring.
#include <gtest/gtest.h>

#include <limits>

#include "kernels/assess/assess.hpp"

namespace ch::assess {
namespace {

constexpr std::int64_t kHour = 3600;

TEST(Journey, OneWayThroughHubWithStopIsAClient) {
  const auto j = classify_journey({{0, "KBL", "IST", "AFG", 1}, {50 * kHour, "IST", "FRA", "GRC", 2}});
  EXPECT_TRUE(j.one_way_via_hub);
  EXPECT_TRUE(j.document_swap);
  EXPECT_EQ(j.transit, "IST");
  EXPECT_EQ(j.destination, "FRA");
}

TEST(Journey, TightConnectionOrReturnIsNot) {
  EXPECT_FALSE(classify_journey({{0, "KBL", "IST", "", 1}, {3 * kHour, "IST", "FRA", "", 2}}).one_way_via_hub);
  EXPECT_FALSE(classify_journey({{0, "KBL", "IST", "", 1}, {50 * kHour, "IST", "FRA", "", 2},
                                 {500 * kHour, "FRA", "KBL", "", 3}})
                   .one_way_via_hub);
  // Order of the input does not matter.
  EXPECT_TRUE(classify_journey({{50 * kHour, "IST", "FRA", "", 2}, {0, "KBL", "IST", "", 1}}).one_way_via_hub);
}

TEST(Journey, PartsOfAClientRouteThatNeverComeBack) {
  const auto halves = route_halves({classify_journey({{0, "KBL", "IST", "", 1}, {50 * kHour, "IST", "FRA", "", 2}})});
  // Legs the resolver split off one client: to the hub, from the hub.
  EXPECT_TRUE(is_partial_client(classify_journey({{0, "KBL", "IST", "", 1}}), halves));
  EXPECT_TRUE(is_partial_client(classify_journey({{50 * kHour, "IST", "FRA", "", 2}}), halves));
  // The whole route with a stop too short for the hub rule (a one-day gap, flights hours apart).
  EXPECT_TRUE(is_partial_client(classify_journey({{0, "KBL", "IST", "", 1}, {6 * kHour, "IST", "FRA", "", 2}}), halves));
  // A round trip, another route, a full hub journey (already a client) are not.
  EXPECT_FALSE(is_partial_client(classify_journey({{0, "KBL", "IST", "", 1}, {90 * kHour, "IST", "KBL", "", 2}}), halves));
  EXPECT_FALSE(is_partial_client(classify_journey({{0, "KBL", "DXB", "", 1}}), halves));
  EXPECT_FALSE(is_partial_client(classify_journey({{0, "KBL", "IST", "", 1}, {50 * kHour, "IST", "FRA", "", 2}}), halves));
}

TEST(Bookings, SmugglingWhenClientsDominateOrNobodyComesBack) {
  EXPECT_TRUE(is_smuggling_booking(2, 0, 4));
  // One recognised client and two split-off legs that never come back.
  EXPECT_TRUE(is_smuggling_booking(1, 0, 3));
  // A family that returns, with one passenger who looks like a client, is not.
  EXPECT_FALSE(is_smuggling_booking(1, 2, 3));
  EXPECT_FALSE(is_smuggling_booking(0, 0, 3));
}

TEST(Bookings, EscortsTravelWithGroupsWeeksApart) {
  constexpr std::int64_t kDay = 86400;
  EXPECT_FALSE(is_escort({0}, false));
  // Two legs of one client's split booking, days apart.
  EXPECT_FALSE(is_escort({0, 3 * kDay}, false));
  EXPECT_TRUE(is_escort({0, 3 * kDay, 40 * kDay}, false));
  // Flew back from where it took a group, days later; a tourist's return months later is not that.
  EXPECT_TRUE(is_escort({0}, true));
  const std::vector<Leg> escort_legs = {{0, "KBL", "IST", "", 1}, {50 * kHour, "IST", "FRA", "", 1}, {120 * kHour, "FRA", "IST", "", 2}};
  EXPECT_TRUE(flies_back(escort_legs, {1}));
  const std::vector<Leg> merged = {{0, "KBL", "IST", "", 1}, {50 * kHour, "IST", "FRA", "", 1},
                                   {2000 * kHour, "KBL", "CAI", "", 2}, {2100 * kHour, "CAI", "KBL", "", 2}};
  EXPECT_FALSE(flies_back(merged, {1}));
  EXPECT_FALSE(flies_back({{0, "KBL", "IST", "", 1}, {50 * kHour, "IST", "FRA", "", 1}}, {1}));
  const auto escort = classify_journey({{0, "KBL", "IST", "", 1}, {50 * kHour, "IST", "FRA", "", 2}, {100 * kHour, "FRA", "IST", "", 3}});
  EXPECT_TRUE(escort.backtracks);
  EXPECT_FALSE(escort.returns);
  EXPECT_FALSE(escort.one_way_via_hub);
}

TEST(Bookings, LinkedThroughTheOrganizationsPhoneOrAccount) {
  // 0, 1: smuggling bookings on the booker's phone; 2: an unrecognised group on it;
  // 3..6: an agency phone on one smuggling and three ordinary bookings; 7: unrelated.
  const std::vector<std::vector<std::string_view>> ids = {{"+booker"}, {"+booker", "ACC1"}, {"+booker"}, {"+agency"},
                                                     {"+agency"}, {"+agency"}, {"+agency"}, {"ACC2"}};
  const std::vector<bool> smuggling = {true, true, false, true, false, false, false, false};
  const auto linked = linked_bookings(ids, smuggling, 0.5);
  EXPECT_EQ(linked, (std::vector<bool>{false, false, true, false, false, false, false, false}));
}

// Numbered identifiers give the same verdicts; a booking showing an identifier twice (a phone on
// two of its rows) counts once for it. Without that, booking 0 would make phone 0 look 2/3
// smuggling instead of 1/2 and link booking 1 at a share of 0.6.
TEST(Bookings, LinkedByNumberCountsABookingOncePerIdentifier) {
  const std::vector<std::uint32_t> first = {0, 2, 3, 4}, ids = {0, 0, 0, 1};
  const std::vector<bool> smuggling = {true, false, true};
  EXPECT_EQ(linked_bookings(first, ids, 2, smuggling, 0.6), (std::vector<bool>{false, false, false}));
  EXPECT_EQ(linked_bookings(first, ids, 2, smuggling, 0.5), (std::vector<bool>{false, true, false}));
  EXPECT_TRUE(linked_bookings(std::vector<std::uint32_t>{0}, {}, 0, {}, 0.5).empty());
}

// A subscriber-only entity carrying a client's name is that client's phone: exact given and
// family names, and no contradicting birth date (registrations often have none).
TEST(Bookings, PhoneRegistrationWithAClientsNameIsTheClient) {
  using ch::assess::PersonName;
  using ch::assess::same_person_by_name;
  const PersonName client{"mirwais", "javed", "1996-06-30", "MRS", "JFT"};
  EXPECT_TRUE(same_person_by_name({"mirwais", "javed", "", "MRS", "JFT"}, client));
  EXPECT_TRUE(same_person_by_name({"mirwais", "javed", "1996-06-30", "MRS", "JFT"}, client));
  EXPECT_FALSE(same_person_by_name({"mirwais", "javed", "1991-01-02", "MRS", "JFT"}, client));  // another Mirwais Javed
  EXPECT_FALSE(same_person_by_name({"shoaib", "javed", "", "XPT", "JFT"}, client));
  EXPECT_FALSE(same_person_by_name({"", "javed", "", "", "JFT"}, {"", "javed", "", "", "JFT"}));  // a family name alone says nothing
}

// Another spelling of the same names, in either order, counts only with the same birth date on
// both: a sound is shared by many more persons than a spelling.
TEST(Bookings, PhoneRegistrationSpeltOtherwiseNeedsTheBirthDate) {
  using ch::assess::PersonName;
  using ch::assess::same_person_by_name;
  const PersonName client{"kwesi", "fall", "1990-04-02", "KS", "FL"};
  EXPECT_TRUE(same_person_by_name({"kwasi", "fall", "1990-04-02", "KS", "FL"}, client));
  EXPECT_TRUE(same_person_by_name({"fall", "kwasi", "1990-04-02", "FL", "KS"}, client));  // swapped
  EXPECT_FALSE(same_person_by_name({"kwasi", "fall", "", "KS", "FL"}, client));            // no birth date
  EXPECT_FALSE(same_person_by_name({"kwasi", "fall", "1990-04-03", "KS", "FL"}, client));  // another date
  EXPECT_FALSE(same_person_by_name({"kwasi", "diop", "1990-04-02", "KS", "TP"}, client));  // another family
  EXPECT_FALSE(same_person_by_name({"", "", "1990-04-02", "", ""}, {"", "", "1990-04-02", "", ""}));
}

TEST(Bookings, APhoneTwinCallsLikeAMigrant) {
  // Booker, coordinator and a few numbers at home: a migrant's own phone. A resident or an
  // organization's member who happens to share a client's name calls many more.
  using ch::assess::calls_like_a_migrant;
  EXPECT_TRUE(calls_like_a_migrant(0, 5));  // a registration never seen calling
  EXPECT_TRUE(calls_like_a_migrant(5, 5));
  EXPECT_FALSE(calls_like_a_migrant(6, 5));
  EXPECT_FALSE(calls_like_a_migrant(18, 5));
}

TEST(Bookings, AClientsOwnPhoneIsShownOnHisRowsOnly) {
  using ch::assess::clients_own_phone;
  using ch::assess::PhoneOnBooking;
  const PhoneOnBooking own{true, 8, 1, true};  // one of eight passengers, a client, shows it
  EXPECT_TRUE(clients_own_phone({own}));
  EXPECT_TRUE(clients_own_phone({own, own}));
  EXPECT_FALSE(clients_own_phone({}));                          // never on a booking: nothing known
  EXPECT_FALSE(clients_own_phone({{true, 8, 5, false}}));       // the booker's number on five passengers' rows
  EXPECT_FALSE(clients_own_phone({{true, 1, 1, true}}));        // a lone passenger: booker or client, cannot tell
  EXPECT_FALSE(clients_own_phone({{true, 8, 1, false}}));       // an escort's own phone
  EXPECT_FALSE(clients_own_phone({own, {false, 2, 1, false}}));  // also on someone's ordinary trip
}

TEST(Roles, AContactWhoReachesTheCoordinatorWeeksLaterIsAClient) {
  using ch::assess::contacts_like_a_client;
  constexpr std::int64_t kDay = 86400, kNone = std::numeric_limits<std::int64_t>::min();
  const std::int64_t t0 = 1'735'689'600;  // 2025-01-01
  EXPECT_TRUE(contacts_like_a_client(t0, t0 + 30 * kDay, 14));   // booker before departure, coordinator after arrival
  EXPECT_TRUE(contacts_like_a_client(t0, t0 + 14 * kDay, 14));
  EXPECT_FALSE(contacts_like_a_client(t0, t0 + 13 * kDay, 14));
  EXPECT_FALSE(contacts_like_a_client(t0 + 30 * kDay, t0, 14));  // a member in touch with the coordinator first
  EXPECT_FALSE(contacts_like_a_client(t0, kNone, 14));           // no coordinator among its contacts
  EXPECT_FALSE(contacts_like_a_client(kNone, t0, 14));
}

TEST(Roles, FirstMatchingRuleWins) {
  RoleEvidence e;
  e.paid_bookings = 2;
  e.escorted_bookings = 3;
  // An escort whose trips home the organization paid: its account pays smuggling bookings too.
  EXPECT_EQ(infer_role(e).role, MemberRole::kTransporter);
  EXPECT_NE(infer_role(e).evidence.find("3"), std::string::npos);
  e.escorted_bookings = 0;
  EXPECT_EQ(infer_role(e).role, MemberRole::kFinancier);
  RoleEvidence c;
  c.clients_after = 4;
  c.clients_before = 1;
  EXPECT_EQ(infer_role(c).role, MemberRole::kCoordinatorAbroad);
  RoleEvidence o;
  o.member_partners = 8;
  o.max_member_partners = 9;
  o.destination_partners = 2;
  EXPECT_EQ(infer_role(o).role, MemberRole::kOrganizer);
  o.member_partners = 2;
  EXPECT_EQ(infer_role(o).role, MemberRole::kRecruiter);
  RoleEvidence d;
  d.document_changes = 2;
  EXPECT_EQ(infer_role(d).role, MemberRole::kDocumentSupplier);
}

TEST(Roles, KeyActorsControlArrivalsAndDelegateTheBusiness) {
  RoleEvidence coordinator, organizer, booker;
  coordinator.clients_after = 12, coordinator.clients_before = 1, coordinator.member_partners = 2;
  organizer.member_partners = 5, organizer.destination_partners = 1;
  booker.booked_bookings = 6, booker.clients_before = 9, booker.member_partners = 4;
  for (auto* e : {&coordinator, &organizer, &booker}) e->max_member_partners = 6;
  const double c = key_actor_score(coordinator, 12), o = key_actor_score(organizer, 12), b = key_actor_score(booker, 12);
  EXPECT_GT(c, b);
  EXPECT_GT(o, b);  // the booker has ties too, but does the operational business
  EXPECT_LE(c, 1.0);
  EXPECT_DOUBLE_EQ(key_actor_score(RoleEvidence{}, 0), 0.2);
  // A second coordinator with a quarter of the arrivals still ranks above an aide who only has ties.
  RoleEvidence second, aide;
  second.clients_after = 3, second.member_partners = 2;
  aide.member_partners = 3;
  for (auto* e : {&second, &aide}) e->max_member_partners = 6;
  EXPECT_GT(key_actor_score(second, 12), key_actor_score(aide, 12));
}

TEST(Roles, TiesDoNotRankOneWhoDealsWithArrivalsAboveAnother) {
  // Inside the destination stage ties are rarer within a role, so its financiers have more ties
  // than its coordinators: among those who deal with arrived clients, only the clients count.
  RoleEvidence few_ties, many_ties, more_clients;
  few_ties.clients_after = 3, few_ties.member_partners = 2;
  many_ties.clients_after = 3, many_ties.member_partners = 6;
  more_clients.clients_after = 4, more_clients.member_partners = 1;
  for (auto* e : {&few_ties, &many_ties, &more_clients}) e->max_member_partners = 6;
  ASSERT_EQ(infer_role(many_ties).role, MemberRole::kCoordinatorAbroad);
  EXPECT_DOUBLE_EQ(key_actor_score(few_ties, 12), key_actor_score(many_ties, 12));
  EXPECT_GT(key_actor_score(more_clients, 12), key_actor_score(many_ties, 12));
  // The organizer's ties still count.
  RoleEvidence organizer = few_ties;
  organizer.clients_after = 0, organizer.member_partners = 6, organizer.destination_partners = 2;
  EXPECT_GT(key_actor_score(organizer, 12), key_actor_score(RoleEvidence{.max_member_partners = 6}, 12));
}

TEST(Roles, AnOrganizerBridgesTheStages) {
  // As many ties as the organization's best-tied member, all inside the origin stage: a
  // document supplier or financier there (ties are rarer within a role, so a stage's minority
  // roles are well tied), not the organizer who runs every stage.
  RoleEvidence origin;
  origin.member_partners = 9, origin.max_member_partners = 9, origin.destination_partners = 0;
  EXPECT_NE(infer_role(origin).role, MemberRole::kOrganizer);
  EXPECT_DOUBLE_EQ(key_actor_score(origin, 12), 0.2);  // its ties are no command
  RoleEvidence bridge = origin;
  bridge.destination_partners = 1;
  EXPECT_EQ(infer_role(bridge).role, MemberRole::kOrganizer);
  EXPECT_NE(infer_role(bridge).evidence.find("1 of them dealing with arrived clients"), std::string::npos);
  EXPECT_GT(key_actor_score(bridge, 12), key_actor_score(origin, 12));
}

TEST(Schemes, BurnerIsShortLived) {
  EXPECT_TRUE(is_burner(0, 10 * 86400, 5, 30));
  EXPECT_FALSE(is_burner(0, 40 * 86400, 5, 30));
  EXPECT_FALSE(is_burner(0, 0, 0, 30));
}

TEST(Signature, FamiliesScoreZeroSmugglersHigh) {
  SignatureEvidence family{4, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(signature_score(family), 0.0);
  SignatureEvidence org{12, 40, 15, 8, 10, 20, 3};
  EXPECT_GT(signature_score(org), 0.8);
}

TEST(Signature, ConcealmentIsARatePerAide) {
  SignatureEvidence org{12, 40, 15, 8, 10, 20, 3};    // 20 burners, 3 aides with aliases
  SignatureEvidence crowd{4000, 900, 80, 60, 5, 11, 40};  // size collects a few of each
  EXPECT_DOUBLE_EQ(concealment_per_aide(org), 23.0 / 12.0);
  EXPECT_LT(concealment_per_aide(crowd), 0.3);
  EXPECT_GT(signature_score(crowd), 0.5);  // why the absolute score alone let such crowds through
  EXPECT_EQ(concealment_per_aide(SignatureEvidence{}), 0.0);
}

TEST(Fates, ContinuationsAndActivity) {
  // The earlier run ended in month 5, the later one in month 11.
  std::set<std::int32_t> every, paused, stopped;
  for (std::int32_t m = 0; m <= 11; ++m) every.insert(m), paused.insert(m), stopped.insert(m);
  paused.erase(7), paused.erase(8), paused.erase(9);
  stopped.erase(10), stopped.erase(11);
  const std::vector<std::vector<std::uint64_t>> before = {
      {1, 2, 3, 4}, {10, 11, 12, 13, 14, 15, 16, 17}, {20, 21, 22}, {30, 31}, {40, 41, 42}, {50, 51, 52}, {60, 61}};
  const std::vector<std::vector<std::uint64_t>> after = {
      {1, 2, 3, 4},                        // 0 persists (its recruits after month 5 are not compared)
      {10, 11, 12, 13}, {14, 15, 16, 17},  // 1 split
      {20, 21, 22, 30, 31},                // 3 merged into 2, which persists
      {40, 41, 42},                        // 4 paused three months, then came back
      {50, 51, 52}};                       // 5 stopped before the later run's last month
  const auto parts = continuations(before, after);
  ASSERT_EQ(parts.size(), before.size());
  EXPECT_EQ(parts[1].size(), 2u);
  EXPECT_TRUE(parts[6].empty());
  EXPECT_DOUBLE_EQ(parts[2][0].jaccard, 0.6);
  const std::set<std::int32_t> raid = {6};  // every fate but persisting answers a raid
  const std::vector<std::set<std::int32_t>> raided(before.size(), raid);
  const std::vector<std::set<std::int32_t>> unknown(after.size());  // no arrest shows a later member
  const auto f = classify_fates(parts, {every, every, every, every, paused, stopped, every}, raided, unknown, 5, 11);
  EXPECT_EQ(f[0].fate, Fate::kPersisted);
  EXPECT_EQ(f[1].fate, Fate::kSplit);
  EXPECT_EQ(f[1].successors.size(), 2u);
  EXPECT_EQ(f[2].fate, Fate::kPersisted);
  EXPECT_EQ(f[3].fate, Fate::kMerged);
  EXPECT_EQ(f[4].fate, Fate::kReconstituted);
  EXPECT_EQ(f[5].fate, Fate::kDissolved);
  EXPECT_EQ(f[6].fate, Fate::kPersisted);  // still working together, just not found again
  // A pause alone, with no later organization continuing it, is no reconstitution.
  EXPECT_EQ(classify_fates({{}}, {paused}, {raid}, {}, 5, 11)[0].fate, Fate::kPersisted);
  // A pause before the earlier run's end is history, not a reconstitution.
  std::set<std::int32_t> early_pause = every;
  early_pause.erase(2), early_pause.erase(3), early_pause.erase(4);
  EXPECT_EQ(classify_fates({{{1.0, 2, 0}}}, {early_pause}, {raid}, {{}}, 5, 11)[0].fate, Fate::kPersisted);
  EXPECT_DOUBLE_EQ(jaccard({1, 2, 3}, {2, 3, 4}), 0.5);
}

TEST(Fates, OnlyARaidEndsAnOrganization) {
  // A quiet last month: a dissolution after a raid since the earlier run (months 5..10), a thin
  // record without one — before the earlier run's end, or in the later run's last month, whose
  // consequences fall after it.
  std::set<std::int32_t> quiet;
  for (std::int32_t m = 0; m <= 10; ++m) quiet.insert(m);
  const std::vector<std::vector<Continuation>> one = {{{0.8, 4, 0}}};
  auto fate = [&](std::set<std::int32_t> raids) { return classify_fates(one, {quiet}, {raids}, {{}}, 5, 11)[0].fate; };
  EXPECT_EQ(fate({}), Fate::kPersisted);
  EXPECT_EQ(fate({3}), Fate::kPersisted);
  EXPECT_EQ(fate({11}), Fate::kPersisted);
  EXPECT_EQ(fate({5}), Fate::kDissolved);
  EXPECT_EQ(fate({10}), Fate::kDissolved);
  // A pause and a return, or two parts, without a raid: the organization carried on.
  std::set<std::int32_t> paused = quiet;
  paused.erase(7), paused.erase(8), paused.insert(11);
  EXPECT_EQ(classify_fates(one, {paused}, {{}}, {{}}, 5, 11)[0].fate, Fate::kPersisted);
  EXPECT_EQ(classify_fates(one, {paused}, {{8}}, {{}}, 5, 11)[0].fate, Fate::kReconstituted);
  // One quiet month after the raid's is the shortest pause that shows: dissolved after a raid
  // in month 6, back in month 8.
  std::set<std::int32_t> back = quiet;
  back.erase(7), back.insert(11);
  EXPECT_EQ(classify_fates(one, {back}, {{6}}, {{}}, 5, 11)[0].fate, Fate::kReconstituted);
  std::set<std::int32_t> every = paused;
  every.insert(7), every.insert(8);
  const std::vector<std::vector<Continuation>> two = {{{0.4, 4, 0}, {0.4, 4, 1}}};
  EXPECT_EQ(classify_fates(two, {every}, {{}}, {{}, {}}, 5, 11)[0].fate, Fate::kPersisted);
  EXPECT_EQ(classify_fates(two, {every}, {{9}}, {{}, {}}, 5, 11)[0].fate, Fate::kSplit);
}

TEST(Fates, ARaidInTheLastMonthExplainsItsSilence) {
  // Dissolved by a raid in month 8, back in month 10, raided again in month 11 (the later run's
  // last) and silent then: the raid cut that month short and its consequences fall after the
  // run, so month 10 shows how the organization ended — reconstituted, not dissolved.
  std::set<std::int32_t> back;
  for (std::int32_t m = 0; m <= 8; ++m) back.insert(m);
  back.insert(10);
  const std::vector<std::vector<Continuation>> one = {{{0.5, 4, 0}}};
  auto fate = [&](std::set<std::int32_t> active, std::set<std::int32_t> earlier_raids, std::set<std::int32_t> later_raids) {
    return classify_fates(one, {active}, {earlier_raids}, {later_raids}, 5, 11)[0].fate;
  };
  EXPECT_EQ(fate(back, {8}, {8, 11}), Fate::kReconstituted);
  EXPECT_EQ(fate(back, {8}, {8}), Fate::kDissolved);  // no raid in month 11: its silence counts
  // Working on to month 10 and raided in 11: no dissolution shows.
  std::set<std::int32_t> on = back;
  on.insert(9);
  EXPECT_EQ(fate(on, {8}, {11}), Fate::kPersisted);
  // The raid must hit the organization as it is now (its continuation): an arrest in month 11
  // of someone only the earlier run counted as a member says nothing of its last month.
  EXPECT_EQ(fate(on, {8, 11}, {}), Fate::kDissolved);
  // Silent in month 10 too: dissolved all the same.
  std::set<std::int32_t> gone = on;
  gone.erase(10);
  EXPECT_EQ(fate(gone, {8}, {11}), Fate::kDissolved);
}

TEST(Fates, ContinuationOfAnotherIsNoBreakaway) {
  // Earlier 0 (8 members) goes on as later 0, and 3 of its members sit in later 1, which
  // continues earlier 1 (10 members): earlier 0 persisted, it did not split. Earlier 2 (4
  // members) shows up only in later 0 and 1, each holding more of another: it merged.
  std::set<std::int32_t> every;
  for (std::int32_t m = 0; m <= 11; ++m) every.insert(m);
  const std::vector<std::vector<std::uint64_t>> before = {
      {1, 2, 3, 4, 5, 6, 7, 8}, {20, 21, 22, 23, 24, 25, 26, 27, 28, 29}, {40, 41, 42, 43}};
  const std::vector<std::vector<std::uint64_t>> after = {
      {1, 2, 3, 4, 5, 40, 41}, {6, 7, 8, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 42, 43}};
  const auto parts = continuations(before, after);
  ASSERT_EQ(parts[0].size(), 2u);  // 3 of 8 is a part by share
  ASSERT_EQ(parts[2].size(), 2u);
  const std::vector<std::set<std::int32_t>> raided(before.size(), {8});
  const auto f = classify_fates(parts, {every, every, every}, raided, {{}, {}}, 5, 11);
  EXPECT_EQ(f[0].fate, Fate::kPersisted);
  EXPECT_EQ(f[0].successors.size(), 2u);  // still listed: where its members went
  EXPECT_EQ(f[1].fate, Fate::kPersisted);
  EXPECT_EQ(f[2].fate, Fate::kMerged);
  // Raids: an arrest record may show only a later identity, so its best own continuation's
  // count; another organization's continuation brings that one's raids, not its own. No arrest
  // shows an earlier member; later 0 (earlier 0's) was raided. Earlier 0, quiet in the last
  // month: dissolved. Earlier 2, whose best continuation is later 0 but who owns none: nothing
  // ended it.
  std::set<std::int32_t> quiet = every;
  quiet.erase(11);
  const auto g = classify_fates(parts, {quiet, every, every}, {{}, {}, {}}, {{8}, {}}, 5, 11);
  EXPECT_EQ(g[0].fate, Fate::kDissolved);
  ASSERT_EQ(g[2].successors.front(), 0u);
  EXPECT_EQ(g[2].fate, Fate::kPersisted);
}

TEST(Leads, ScoreGrowsWithEvidenceAndNeedsAnOrganization) {
  LeadEvidence weak{0.1, 1, 0, 1, 0, 0.9, false};
  LeadEvidence strong{0.9, 20, 5, 3, 2, 0.9, true};
  EXPECT_GT(lead_score(strong), lead_score(weak));
  strong.organization_score = 0;
  EXPECT_EQ(lead_score(strong), 0.0);
}

TEST(Helpers, OrganizationsCutBetweenDenseGroups) {
  // Two organizations of 5 aides, each fully tied, chained by one member's stray tie.
  std::vector<std::pair<std::size_t, std::size_t>> links;
  for (std::size_t base : {0u, 5u})
    for (std::size_t i = 0; i < 5; ++i)
      for (std::size_t j = i + 1; j < 5; ++j) links.push_back({base + i, base + j});
  links.push_back({4, 5});
  links.push_back({10, 11});  // a pair apart
  const auto plain = components(12, links);
  EXPECT_EQ(plain[0], plain[9]);
  const auto org = organizations(12, links);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(org[i], 0u);
    EXPECT_EQ(org[5 + i], 5u);
  }
  EXPECT_EQ(org[10], 10u);
  EXPECT_EQ(org[11], 10u);
}

// Two organizations A = {0..5} and the larger B = {6..12}, each tied in a ring every month it works; A's
// members 3, 4, 5 work in months 0–2 only (arrested), 0, 1, 2 go on and, from `merger` on, tie
// to B's members. `stray`: one tie between A and B in month 0, when both form.
std::vector<MemberTie> merger_world(std::int32_t merger, bool stray = false) {
  std::vector<MemberTie> t;
  auto ring = [&](std::vector<std::uint32_t> v, std::int32_t month) {
    for (std::size_t i = 0; i < v.size(); ++i) t.push_back({v[i], v[(i + 1) % v.size()], month});
  };
  for (std::int32_t m = 0; m < 12; ++m) {
    ring({6, 7, 8, 9, 10, 11, 12}, m);
    if (m < 3) ring({0, 1, 2, 3, 4, 5}, m);
    else ring({0, 1, 2}, m);
    if (m >= merger) t.push_back({0, 6, m}), t.push_back({1, 7, m}), t.push_back({2, 8, m});
  }
  if (stray) t.push_back({5, 11, 0});
  return t;
}

TEST(Predecessors, MembersWhoWorkedMostlyBeforeAMergerKeepTheirOrganization) {
  // Merger in month 6: the survivors worked 6 months before and 6 after — the merged
  // organization's (a tie goes to it); the arrested ones never worked for it.
  const auto early = predecessors(13, merger_world(6), 3, 3);
  for (std::uint32_t m = 0; m < 13; ++m) EXPECT_EQ(early[m], m >= 3 && m <= 5 ? 1u : 0u) << m;
  // Merger in month 9: the survivors worked 9 months in A, 3 in the merged one.
  const auto late = predecessors(13, merger_world(9), 3, 3);
  for (std::uint32_t m = 0; m < 13; ++m) EXPECT_EQ(late[m], m <= 5 ? 1u : 0u) << m;
}

TEST(Predecessors, NoMergerWithoutTwoPartsThatWorkedApart) {
  // One tie between A and B in the month both form chains them: no month apart, no merger.
  EXPECT_EQ(predecessors(13, merger_world(6, true), 3, 3), std::vector<std::uint32_t>(13, 0));
  // Too few members left before the merger to stand for an organization.
  EXPECT_EQ(predecessors(13, merger_world(6), 3, 4), std::vector<std::uint32_t>(13, 0));
  // Parts must have had min_part members for a month: A's 6 and B's 7 have, 8 have not.
  EXPECT_EQ(predecessors(13, merger_world(6), 8, 3), std::vector<std::uint32_t>(13, 0));
  // No ties at all: nothing to split.
  EXPECT_EQ(predecessors(3, {}, 3, 3), std::vector<std::uint32_t>(3, 0));
}

TEST(Predecessors, OrderOfTiesDoesNotMatter) {
  auto ties = merger_world(9);
  const auto expected = predecessors(13, ties, 3, 3);
  EXPECT_EQ(expected[0], 1u);
  std::reverse(ties.begin(), ties.end());
  for (auto& t : ties) std::swap(t.a, t.b);
  EXPECT_EQ(predecessors(13, ties, 3, 3), expected);
}

TEST(Helpers, EvidenceIdsTruncateWithCountAndComponents) {
  EXPECT_EQ(evidence_ids({"b", "a", "c", "a"}, 2), "a;b;...(+1 more)");
  const auto c = components(5, {{3, 4}, {1, 3}});
  EXPECT_EQ(c, (std::vector<std::size_t>{0, 1, 2, 1, 1}));
}

}  // namespace
}  // namespace ch::assess
