// World internals shared by world.cpp (population, identities, truth), simulation.cpp
// (organizations over months) and feeds.cpp (CSV generation). Not part of the public interface.
#pragma once

#include <array>
#include <climits>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/rng.hpp"
#include "kernels/world/geography.hpp"
#include "kernels/world/names.hpp"
#include "kernels/world/world.hpp"

namespace ch::world {

enum Category : std::uint8_t {
  kCatFamily = 0, kCatTourist, kCatBusiness, kCatStudent, kCatDiaspora, kCatResident,
  kCatSmuggler, kCatMigrant, kCategoryCount
};

// Stream tags: the first component of every stream key, so that streams of different purposes
// never coincide even for equal ids.
enum Tag : std::uint64_t {
  kTagPerson = 0x1001, kTagHousehold, kTagIdentity, kTagTravelUnit, kTagTravelPax, kTagRecord,
  kTagCallUnit, kTagSubscriber, kTagEnforcement, kTagOrg, kTagOrgMonth, kTagMember, kTagOperation,
  kTagTrip, kTagMigrant, kTagAgency, kTagPhonePerm, kTagDocPerm, kTagLocator, kTagCircle,
  kTagBackground, kTagPayment, kTagTie, kTagReissue, kTagAlias,
};

enum Stage : std::uint8_t { kStageOrigin = 0, kStageTransit, kStageDestination };

inline constexpr std::uint32_t kNoName = UINT32_MAX;
inline constexpr std::int32_t kNever = INT32_MAX;

// Everything about a person that does not change between records (computed on demand).
struct Core {
  std::uint64_t pid = 0;
  std::uint8_t category = 0;
  std::uint8_t culture = 0;
  std::uint8_t sex = 0;  // 0 male, 1 female
  std::uint8_t identities = 1;
  std::int16_t nationality = 0;  // country index
  std::int16_t residence = 0;    // country of the person's phone and home airport
  std::int32_t dob = 0;          // days since 1970-01-01
  std::uint32_t given = 0, family = 0, family2 = kNoName;
  std::uint64_t household = 0;  // family / tour group / company index; pid for singles
  std::uint32_t member = 0;     // index within the household
  std::uint32_t household_size = 1;
  double propensity = 1.0;      // travel/call activity multiplier
};

// One identity of a person: what a document, booking or subscription shows.
struct Identity {
  std::uint8_t culture = 0, sex = 0;
  std::int16_t nationality = 0;
  std::int32_t dob = 0;
  std::uint32_t given = 0, family = 0, family2 = kNoName;
  std::uint64_t doc_slot = 0;       // unique per (person, identity)
  std::int32_t reissue_day = kNever;  // passport re-issued on this day (new number)
  std::int16_t phone_country = 0;
  std::uint64_t phone_slot = 0;
  std::uint8_t email_domain = 0;
  std::uint16_t email_number = 0;  // 0 = none
  std::uint8_t email_style = 0;
};

struct Phone {
  char text[24];
  std::uint8_t len = 0;
  std::int16_t country = -1;
  std::string_view view() const { return {text, len}; }
};

struct Agency {
  std::string name;
  std::int16_t country;
  std::uint64_t phone_slot;
  std::string account;  // payment reference of the agency
  std::string email;
};

struct SmugglerRec {
  std::int32_t first_org = -1;
  std::uint8_t role = 0;   // Role (current; promotions change it)
  std::uint8_t first_role = 0;
  std::uint8_t stage = 0;
  std::uint8_t culture = 0;
  std::uint8_t identities = 1;
  std::uint8_t sex = 0;
  bool burner = false;
  std::int16_t nationality = 0;
  std::int16_t op_country = 0;
  std::int32_t corridor = 0;
  std::int32_t arrest_day = kNever;
  std::int32_t burner_days = 21;
  std::int32_t burner_offset = 0;
  std::int32_t age_years = 35;
};

struct OrgMonthRec {
  std::int32_t month;
  std::int64_t org;
  std::uint8_t status;
  std::int64_t parent;
  std::uint32_t members_begin, members_count;  // into membership_person_/membership_role_
};

struct SmugglingTrip {
  std::int32_t org;
  std::int32_t month;
  std::int32_t day;  // departure day of leg 1 (days since epoch)
  std::int32_t corridor;
  std::uint32_t first_migrant;  // index among migrants
  std::uint32_t migrants;
  std::int32_t escort = -1;     // smuggler index
  std::int32_t booker = -1;
  std::int32_t booker2 = -1;    // contact of the second booking when split
  std::int32_t financier = -1;
  std::uint8_t gap_days = 1;
  bool split_booking = false, via_agency = false, cash = false, seizure = false;
};

enum class Action : std::uint8_t { kArrest, kSeizure, kRefusal, kDetention };

struct EnforcementEvent {
  std::int32_t day;
  Action action;
  std::uint64_t person;
  std::uint32_t identity;
  std::int32_t airport;
  std::int32_t doc_mode;  // -1: identity's own document; else migrant leg whose document is seized
};

struct WorldModel {
  explicit WorldModel(const Scenario& s);

  Scenario sc;
  Geography geo;
  const NameTables& names = NameTables::get();
  int months = 0;
  std::vector<std::int32_t> month_start;  // months + 1 entries, days since epoch
  std::int32_t start_day = 0, end_day = 0;

  // --- population layout (person ids are contiguous per category) ---
  struct Block {
    std::uint64_t first = 0, count = 0;
    std::uint8_t category = 0;
    std::uint32_t household_size = 1;     // families: members per family; tours: group size
    std::uint64_t household_first = 0;    // global index of the first household in the block
  };
  std::vector<Block> blocks;
  std::uint64_t families = 0, tour_groups = 0, companies = 0;
  std::uint64_t legit_count = 0, smuggler_first = 0, migrant_first = 0, person_total = 0;
  std::uint64_t traveller_count = 0;  // legit persons in travelling categories: [0, traveller_count)
  const Block& block_of(std::uint64_t pid) const;

  // --- tables derived from the scenario ---
  std::array<double, kCultureCount> culture_weights{};
  std::array<double, kCultureCount> origin_culture_weights{};
  std::vector<Agency> agencies;
  std::vector<std::vector<std::uint32_t>> agencies_by_country;
  std::vector<Flight> flights;  // from * n + to, when the airport table is small
  std::vector<std::int32_t> holiday_airports;

  // Precomputed draws: E.164 numbering plans per country, residence and nationality tables.
  struct PhonePlan {
    std::string calling_code;  // "+44"
    std::vector<std::string> prefixes;
    std::uint64_t pow10 = 1, space = 1, key = 0;
    int digits = 0;
  };
  std::vector<PhonePlan> phone_plans;
  struct Cumulative {
    std::vector<int> items;
    std::vector<double> cum;  // running totals
    int pick(Rng& r) const;
  };
  std::array<Cumulative, kCultureCount> culture_country_dist, native_destination_dist;
  Cumulative destination_dist;

  // Phone slot bases (slots are unique per phone across the world).
  std::uint64_t burner_epochs = 0;
  std::uint64_t slot_burner_base = 0, slot_agency_base = 0, slot_contact_base = 0;

  // --- organizations (simulated in the constructor) ---
  std::vector<SmugglerRec> smugglers;
  std::vector<std::int32_t> smuggler_org;  // s * months + m -> org or -1
  std::vector<OrgMonthRec> org_months;
  std::vector<std::uint64_t> membership_person;
  std::vector<std::uint8_t> membership_role;
  std::vector<std::int32_t> org_month_index;  // m * org_count + org -> index in org_months or -1
  std::int64_t org_count = 0;
  std::vector<std::int32_t> org_corridor;
  std::vector<SmugglingTrip> trips;
  std::vector<std::uint32_t> migrant_trip;       // migrant index -> trip
  std::vector<std::vector<std::uint32_t>> trips_by_org_month;  // m * org_count + org -> trips
  std::vector<EnforcementEvent> events;
  void simulate();
  void add_background_events();

  // --- travel unit layout ---
  // Units are dense and grouped by traveller: (household or traveller) × month for families, tour
  // groups, business travellers, students and diaspora, one unit per smuggling group, (member) ×
  // month for members' own trips — so a person's records of every month sit together and go to
  // one rank. A unit's *key* names its records and seeds its random draws; keys do not depend on
  // the number of months (a fixed stride of kMaxMonths per traveller, groups far above), so a
  // shorter run of the same world writes the same travel records for the months it covers
  // (scenario studies compare the two through record ids).
  enum TravelKind : std::uint8_t {
    kTrFamily, kTrTour, kTrBusiness, kTrStudent, kTrDiaspora, kTrSmuggling, kTrMember,
    kTrKindCount
  };
  std::array<std::uint64_t, kTrKindCount + 1> travel_base{};  // dense unit bases
  std::array<std::uint64_t, kTrKindCount> travel_key_base{};  // key bases (stride kMaxMonths)
  static constexpr std::uint64_t kTripKeyBase = 1'000'000'000'000;  // smuggling groups: base + trip
  struct TravelUnit {
    int kind = 0;
    std::uint64_t index = 0;  // household, traveller, trip or member
    int month = 0;
    std::uint64_t key = 0;
  };
  TravelUnit travel_unit(std::uint64_t unit) const;
  std::uint64_t subscriber_alias_base = 0, subscriber_burner_base = 0, subscriber_agency_base = 0,
                subscriber_total = 0;
  // Subscriber units are dense (person, alias SIM, member × burner period, agency line); their
  // keys, like travel keys, do not depend on the number of months: a person's own phone by the
  // person id — migrants, numbered after every member, by their index among migrants —, alias
  // SIMs by member and SIM, burner periods by member and period (a fixed stride), agency lines
  // by agency, each kind far above the last. Without them a shorter run named a member's alias
  // and burner registrations by ids that the longer run gives to other persons' phones. (Random
  // draws stay keyed by the dense unit, so a longer run's rows are what they were; a shorter
  // run may draw another registration chance or name noise for the same phone.)
  static constexpr std::uint64_t kMigrantPhoneKeyBase = 1'000'000'000'000;
  static constexpr std::uint64_t kAliasPhoneKeyBase = 2'000'000'000'000;
  static constexpr std::uint64_t kBurnerKeyBase = 3'000'000'000'000;
  static constexpr std::uint64_t kAgencyLineKeyBase = 4'000'000'000'000;
  static constexpr std::uint64_t kMaxBurnerEpochs = 4096;  // ≥ kMaxMonths · 31 days + 2
  std::uint64_t subscriber_key(std::uint64_t unit) const;

  // --- persons and identities (world.cpp) ---
  Core person(std::uint64_t pid) const;
  Identity identity(const Core& c, std::uint32_t k) const;
  int pick_residence(int culture, Rng& rng) const;
  int pick_nationality(int culture, int residence, Rng& rng) const;
  int pick_culture_country(int culture, Rng& rng) const;
  std::uint32_t pick_name(int culture, NameKind kind, Rng& rng) const;
  std::uint32_t family_form(std::uint32_t family, int sex) const;
  Phone phone(std::int16_t country, std::uint64_t slot) const;
  Phone main_phone(const Core& c, std::uint32_t identity_k) const;
  // The phone a person uses at time `day` (smugglers' burners), and which identity it belongs to.
  Phone phone_at(const Core& c, std::int32_t day, std::uint32_t* identity_k = nullptr) const;
  std::int64_t burner_epoch(std::size_t s, std::int32_t day) const;
  void document_number(std::string& out, const Identity& id, std::int32_t day,
                       bool id_card = false) const;
  void forged_document(std::string& out, std::uint64_t pid, std::uint64_t salt,
                       int country) const;
  void email(std::string& out, const Identity& id) const;
  void payment_ref(std::string& out, std::uint64_t pid, std::int32_t day) const;
  bool is_smuggler(std::uint64_t pid) const {
    return pid >= smuggler_first && pid < migrant_first;
  }
  bool is_migrant(std::uint64_t pid) const { return pid >= migrant_first && pid < person_total; }
  // Whether a smuggler is free (not arrested) and a member of some organization on `day`.
  bool smuggler_active(std::size_t s, std::int32_t day) const;
  int month_of(std::int32_t day) const;
  const Flight& flight(int from, int to, Flight& scratch) const;

  // Migrants: leg 0/1 identity and forged documents.
  struct MigrantPlan {
    bool alias;        // travels on a borrowed identity (identity 1)
    bool alias_leg1;   // already on leg 1
    bool doc_swap;     // own name, forged document on leg 2
    std::int16_t forged_country;
  };
  MigrantPlan migrant_plan(std::uint64_t migrant_index) const;
};

// The public World's hidden state is the model itself.
struct World::Impl : WorldModel {
  explicit Impl(const Scenario& s) : WorldModel(s) {}
};

}  // namespace ch::world
