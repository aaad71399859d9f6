// The synthetic world: population layout, persons and their identities, ground truth.
//
// Person ids are laid out by category (families by size, tourists by tour group, business
// travellers by company, students, diaspora, residents, then smugglers and migrants), so a
// person's household, culture and residence follow from its id through streams keyed by the
// household and the person. Legitimate categories come first and depend only on [world] and
// [legit], so tuning organizations never reshuffles the legitimate population.
#include "kernels/world/world.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "kernels/error.hpp"
#include "kernels/world/util.hpp"
#include "kernels/world/world_impl.hpp"

namespace ch::world {

std::string_view feed_name(Feed f) {
  switch (f) {
    case Feed::kTravel: return "travel";
    case Feed::kCalls: return "calls";
    case Feed::kSubscribers: return "subscribers";
    case Feed::kEnforcement: return "enforcement";
  }
  return "unknown";
}

std::string_view feed_header(Feed f) {
  switch (f) {
    case Feed::kTravel:
      return "record_id,agency,releasable_to,booking_ref,given_name,family_name,date_of_birth,sex,"
             "nationality,document_type,document_number,document_country,phone,email,payment_ref,"
             "carrier,flight_number,origin,destination,departure_utc";
    case Feed::kCalls:
      return "record_id,agency,releasable_to,caller,callee,start_utc,duration_s,caller_country,"
             "callee_country";
    case Feed::kSubscribers:
      return "record_id,agency,releasable_to,phone,given_name,family_name,date_of_birth,"
             "nationality,document_number,registered_utc";
    case Feed::kEnforcement:
      return "record_id,agency,releasable_to,date,action,document_number,given_name,family_name,"
             "location,date_of_birth,phone";
  }
  return {};
}

std::string_view role_name(Role r) {
  switch (r) {
    case Role::kNone: return "none";
    case Role::kOrganizer: return "organizer";
    case Role::kRecruiter: return "recruiter";
    case Role::kTransporter: return "transporter";
    case Role::kDocumentSupplier: return "document_supplier";
    case Role::kFinancier: return "financier";
    case Role::kCoordinatorAbroad: return "coordinator_abroad";
    case Role::kMigrant: return "migrant";
  }
  return "unknown";
}

std::string_view org_status_name(OrgStatus s) {
  switch (s) {
    case OrgStatus::kActive: return "active";
    case OrgStatus::kDisrupted: return "disrupted";
    case OrgStatus::kSplit: return "split";
    case OrgStatus::kMerged: return "merged";
    case OrgStatus::kDissolved: return "dissolved";
    case OrgStatus::kReconstituted: return "reconstituted";
  }
  return "unknown";
}

void FeedChunk::clear() {
  csv.clear();
  record_id.clear();
  person.clear();
  identity.clear();
}

void FeedChunk::append(FeedChunk&& other) {
  if (csv.empty() && record_id.empty()) {
    *this = std::move(other);
    other.clear();
    return;
  }
  csv += other.csv;
  record_id.insert(record_id.end(), std::make_move_iterator(other.record_id.begin()),
                   std::make_move_iterator(other.record_id.end()));
  person.insert(person.end(), other.person.begin(), other.person.end());
  identity.insert(identity.end(), other.identity.begin(), other.identity.end());
  other.clear();
}

namespace {

constexpr std::string_view kCategoryNames[kCategoryCount] = {
    "family", "tourist", "business", "student", "diaspora", "resident", "smuggler", "migrant"};

// Travel agency names: invented combinations of words common in the trade.
constexpr std::string_view kAgencyFirst[] = {
    "Sky", "Global", "Star", "Crescent", "Silk Road", "Blue Line", "Royal", "Golden", "Atlas",
    "Horizon", "Falcon", "Oasis", "Lotus", "Meridian", "Pearl", "Sunrise", "Al Noor", "Safari",
    "Baraka", "Continental", "Orient", "Zenith", "Emerald", "Compass"};
constexpr std::string_view kAgencySecond[] = {"Travel", "Tours", "Travels", "Holidays",
                                              "Air Services", "Voyages", "Travel & Tours",
                                              "Connect", "Ticketing"};

double lognormal_factor(Rng& r, double sigma) { return std::exp(r.normal(-0.5 * sigma * sigma, sigma)); }

int weighted_index(Rng& r, const double* w, std::size_t n) {
  return static_cast<int>(r.weighted(std::span<const double>(w, n)));
}

}  // namespace

// --- construction ---------------------------------------------------------------------------

WorldModel::WorldModel(const Scenario& s) : sc(s), geo(s) {
  months = s.months;
  const int y0 = std::stoi(s.start_month.substr(0, 4));
  const int m0 = std::stoi(s.start_month.substr(5, 2)) - 1;
  for (int i = 0; i <= months; ++i) {
    const int mm = m0 + i;
    month_start.push_back(
        util::days_from_civil(y0 + mm / 12, static_cast<unsigned>(mm % 12 + 1), 1));
  }
  start_day = month_start.front();
  end_day = month_start.back();

  // Cultures without any country reachable in the airport table cannot be placed.
  double total = 0, origin_total = 0;
  for (int c = 0; c < kCultureCount; ++c) {
    const bool placeable = !geo.culture_countries(c).empty();
    culture_weights[c] = placeable ? s.legit.culture_weights[c] : 0;
    bool has_origin = false;
    for (int k : geo.culture_countries(c))
      has_origin = has_origin || (Geography::countries()[static_cast<std::size_t>(k)].roles & kOriginRole);
    origin_culture_weights[c] = has_origin ? culture_weights[c] : 0;
    total += culture_weights[c];
    origin_total += origin_culture_weights[c];
  }
  if (total <= 0)
    throw UsageError(fmt::format(
        "{}: key 'legit.culture_weights': no culture with a positive weight has a country in the "
        "airport table",
        s.source));
  if (origin_total <= 0) origin_culture_weights = culture_weights;

  // Tables for the per-person draws.
  const auto countries = Geography::countries();
  for (std::size_t c = 0; c < countries.size(); ++c) {
    PhonePlan plan;
    plan.calling_code = fmt::format("+{}", countries[c].calling_code);
    std::string_view rest = countries[c].mobile_prefixes;
    while (!rest.empty()) {
      const auto bar = rest.find('|');
      plan.prefixes.emplace_back(rest.substr(0, bar));
      if (bar == std::string_view::npos) break;
      rest.remove_prefix(bar + 1);
    }
    plan.digits = countries[c].subscriber_digits;
    for (int i = 0; i < plan.digits; ++i) plan.pow10 *= 10;
    plan.space = plan.pow10 * plan.prefixes.size();
    plan.key = stream_key(kTagPhonePerm, c, s.seed);
    phone_plans.push_back(std::move(plan));
  }
  auto add = [&](Cumulative& d, int item) {
    d.items.push_back(item);
    d.cum.push_back((d.cum.empty() ? 0.0 : d.cum.back()) +
                    countries[static_cast<std::size_t>(item)].weight);
  };
  for (int c = 0; c < kCultureCount; ++c)
    for (int k : geo.culture_countries(c)) {
      add(culture_country_dist[static_cast<std::size_t>(c)], k);
      if (countries[static_cast<std::size_t>(k)].roles & kDestinationRole)
        add(native_destination_dist[static_cast<std::size_t>(c)], k);
    }
  for (int k : geo.destination_countries()) add(destination_dist, k);

  // Population layout.
  const auto& l = s.legit;
  const double n = static_cast<double>(s.persons);
  std::uint64_t pid = 0;
  double denom = 0;
  for (int k = 0; k < 5; ++k) denom += l.family_size_weights[k] * (k + 2);
  const double unit = n * l.family_share / denom;
  for (int k = 0; k < 5; ++k) {
    const auto count = static_cast<std::uint64_t>(std::floor(l.family_size_weights[k] * unit));
    const auto size = static_cast<std::uint32_t>(k + 2);
    blocks.push_back(Block{pid, count * size, kCatFamily, size, families});
    pid += count * size;
    families += count;
  }
  const auto share = [&](double x) { return static_cast<std::uint64_t>(std::llround(n * x)); };
  const auto group = static_cast<std::uint64_t>(l.tour_group_size);
  tour_groups = share(l.tourist_share) / group;
  blocks.push_back(Block{pid, tour_groups * group, kCatTourist, static_cast<std::uint32_t>(group), 0});
  pid += tour_groups * group;
  const std::uint64_t business = share(l.business_share);
  const auto company = static_cast<std::uint64_t>(l.company_size);
  companies = (business + company - 1) / company;
  blocks.push_back(Block{pid, business, kCatBusiness, static_cast<std::uint32_t>(company), 0});
  pid += business;
  blocks.push_back(Block{pid, share(l.student_share), kCatStudent, 1, 0});
  pid += blocks.back().count;
  blocks.push_back(Block{pid, share(l.diaspora_share), kCatDiaspora, 1, 0});
  pid += blocks.back().count;
  traveller_count = pid;
  const std::uint64_t residents =
      static_cast<std::uint64_t>(s.persons) > pid ? static_cast<std::uint64_t>(s.persons) - pid : 0;
  blocks.push_back(Block{pid, residents, kCatResident, 1, 0});
  pid += residents;
  legit_count = pid;
  smuggler_first = pid;

  // Travel agencies and call centres: the shared phones ("hubs") of the call graph.
  const auto dest_countries = geo.destination_countries();
  std::vector<double> dest_w;
  for (int c : dest_countries) dest_w.push_back(Geography::countries()[static_cast<std::size_t>(c)].weight);
  agencies_by_country.assign(Geography::countries().size(), {});
  for (int a = 0; a < l.agencies; ++a) {
    Rng r(sc.seed, stream_key(kTagAgency, static_cast<std::uint64_t>(a)));
    int country;
    if (r.chance(0.55)) {
      country = dest_countries[r.weighted(dest_w)];
    } else {
      const int c = weighted_index(r, origin_culture_weights.data(), kCultureCount);
      country = pick_culture_country(c, r);
    }
    Agency ag;
    ag.name = fmt::format("{} {}", kAgencyFirst[r.below(std::size(kAgencyFirst))],
                          kAgencySecond[r.below(std::size(kAgencySecond))]);
    ag.country = static_cast<std::int16_t>(country);
    ag.account = fmt::format("AGT-{:08X}", static_cast<std::uint32_t>(r.next()));
    std::string slug;
    for (char ch : ag.name)
      if (std::isalpha(static_cast<unsigned char>(ch)))
        slug += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    ag.email = fmt::format("bookings@{}{}.com", slug, a);
    agencies_by_country[static_cast<std::size_t>(country)].push_back(static_cast<std::uint32_t>(a));
    agencies.push_back(std::move(ag));
  }

  const auto na = geo.airports().size();
  if (na <= 400) {
    flights.resize(na * na);
    for (std::size_t a = 0; a < na; ++a)
      for (std::size_t b = 0; b < na; ++b)
        if (a != b) flights[a * na + b] = geo.flight(static_cast<int>(a), static_cast<int>(b));
  }
  for (std::size_t a = 0; a < na; ++a)
    if (geo.airport(static_cast<int>(a)).roles & (kHubRole | kDestinationRole))
      holiday_airports.push_back(static_cast<std::int32_t>(a));

  simulate();

  migrant_first = smuggler_first + smugglers.size();
  person_total = migrant_first + migrant_trip.size();
  const int min_burner = std::max(1, s.organizations.burner_days / 2);
  burner_epochs = static_cast<std::uint64_t>((end_day - start_day) / min_burner + 2);
  slot_burner_base = 4 * person_total;
  slot_agency_base = slot_burner_base + smugglers.size() * burner_epochs;
  slot_contact_base = slot_agency_base + agencies.size();
  for (std::size_t a = 0; a < agencies.size(); ++a) agencies[a].phone_slot = slot_agency_base + a;

  add_background_events();

  const auto M = static_cast<std::uint64_t>(months);
  // Travellers of each kind have M dense units and a key range of kMaxMonths; smuggling groups
  // (after them densely, keyed far above) and members (last densely, keyed after travellers).
  const std::array<std::uint64_t, kTrSmuggling> travellers = {families, tour_groups, blocks[6].count, blocks[7].count,
                                                               blocks[8].count};
  travel_base[kTrFamily] = travel_key_base[kTrFamily] = 0;
  for (std::size_t k = 0; k < travellers.size(); ++k) {
    travel_base[k + 1] = travel_base[k] + travellers[k] * M;
    travel_key_base[k + 1] = travel_key_base[k] + travellers[k] * kMaxMonths;
  }
  travel_base[kTrMember] = travel_base[kTrSmuggling] + trips.size();
  travel_base[kTrKindCount] = travel_base[kTrMember] + smugglers.size() * M;
  travel_key_base[kTrMember] = travel_key_base[kTrSmuggling];
  travel_key_base[kTrSmuggling] = kTripKeyBase;

  subscriber_alias_base = person_total;
  subscriber_burner_base = subscriber_alias_base + smugglers.size() * 3;
  subscriber_agency_base = subscriber_burner_base + smugglers.size() * burner_epochs;
  subscriber_total = subscriber_agency_base + agencies.size();
  static_assert(kMaxBurnerEpochs >= kMaxMonths * 31 + 2, "burner periods of the longest run fit the key stride");
}

const WorldModel::Block& WorldModel::block_of(std::uint64_t pid) const {
  for (const auto& b : blocks)
    if (pid >= b.first && pid < b.first + b.count) return b;
  return blocks.back();
}

int WorldModel::month_of(std::int32_t day) const {
  const auto it = std::upper_bound(month_start.begin(), month_start.end(), day);
  return static_cast<int>(it - month_start.begin()) - 1;
}

const Flight& WorldModel::flight(int from, int to, Flight& scratch) const {
  if (!flights.empty())
    return flights[static_cast<std::size_t>(from) * geo.airports().size() +
                   static_cast<std::size_t>(to)];
  scratch = geo.flight(from, to);
  return scratch;
}

// --- persons --------------------------------------------------------------------------------

int WorldModel::Cumulative::pick(Rng& r) const {
  const double x = r.uniform() * cum.back();
  const auto it = std::upper_bound(cum.begin(), cum.end(), x);
  return items[std::min<std::size_t>(static_cast<std::size_t>(it - cum.begin()), items.size() - 1)];
}

int WorldModel::pick_culture_country(int culture, Rng& r) const {
  const auto& d = culture_country_dist[static_cast<std::size_t>(culture)];
  return d.items.empty() ? destination_dist.items.front() : d.pick(r);
}

// Where a household lives: natives of destination countries mostly at home; origin cultures
// abroad (the diaspora) with probability legit.abroad_share.
int WorldModel::pick_residence(int culture, Rng& r) const {
  const auto& native = native_destination_dist[static_cast<std::size_t>(culture)];
  if (!native.items.empty()) return r.chance(0.85) ? native.pick(r) : destination_dist.pick(r);
  if (r.chance(sc.legit.abroad_share)) return destination_dist.pick(r);
  return pick_culture_country(culture, r);
}

int WorldModel::pick_nationality(int culture, int residence, Rng& r) const {
  const auto cs = geo.culture_countries(culture);
  if (std::find(cs.begin(), cs.end(), residence) != cs.end()) return residence;
  // Long-settled households are often citizens of their country of residence.
  if (r.chance(0.5)) return residence;
  return pick_culture_country(culture, r);
}

std::uint32_t WorldModel::pick_name(int culture, NameKind kind, Rng& r) const {
  const auto pool = names.pool(culture, kind);
  return pool[r.below(pool.size())];
}

std::uint32_t WorldModel::family_form(std::uint32_t family, int sex) const {
  return sex == 1 ? names.entry(family).female_form : family;
}

Core WorldModel::person(std::uint64_t pid) const {
  Core c;
  c.pid = pid;
  Rng pr(sc.seed, stream_key(kTagPerson, pid));
  int age = 30;
  const std::int32_t ref_day = start_day;
  if (pid >= smuggler_first && pid < migrant_first) {
    const auto& s = smugglers[pid - smuggler_first];
    c.category = kCatSmuggler;
    c.culture = s.culture;
    c.nationality = s.nationality;
    c.residence = s.op_country;
    c.sex = s.sex;
    c.identities = s.identities;
    c.household = pid;
    age = s.age_years;
    c.given = pick_name(c.culture, c.sex ? NameKind::kFemale : NameKind::kMale, pr);
    c.family = family_form(pick_name(c.culture, NameKind::kFamily, pr), c.sex);
    if (NameTables::double_surname(c.culture) && pr.chance(0.7))
      c.family2 = pick_name(c.culture, NameKind::kFamily, pr);
  } else if (pid >= migrant_first) {
    const std::uint64_t mi = pid - migrant_first;
    const std::uint32_t t = migrant_trip[mi];
    const auto& trip = trips[t];
    const auto& corr = geo.corridors()[static_cast<std::size_t>(trip.corridor)];
    c.category = kCatMigrant;
    c.nationality = static_cast<std::int16_t>(corr.nationality);
    c.residence = c.nationality;
    c.culture = static_cast<std::uint8_t>(
        Geography::countries()[static_cast<std::size_t>(corr.nationality)].culture);
    c.household = t;
    c.member = static_cast<std::uint32_t>(mi - trip.first_migrant);
    c.household_size = trip.migrants;
    // Some groups are families travelling together (one family name, a mother and children),
    // which makes them look like legitimate family bookings.
    Rng tr(sc.seed, stream_key(kTagHousehold, kCatMigrant, t));
    const bool family_group = trip.migrants > 1 && tr.chance(0.3);
    const std::uint32_t group_family = pick_name(c.culture, NameKind::kFamily, tr);
    c.sex = pr.chance(family_group ? 0.5 : 0.25) ? 1 : 0;
    age = family_group && c.member > 0 ? static_cast<int>(pr.between(3, 17))
                                       : static_cast<int>(pr.between(17, 45));
    c.given = pick_name(c.culture, c.sex ? NameKind::kFemale : NameKind::kMale, pr);
    c.family = family_form(family_group ? group_family : pick_name(c.culture, NameKind::kFamily, pr),
                           c.sex);
    c.identities = migrant_plan(mi).alias ? 2 : 1;
  } else {
    const Block& b = block_of(pid);
    const std::uint64_t local = pid - b.first;
    c.category = b.category;
    const auto weighted_culture = [&](Rng& r) {
      return static_cast<std::uint8_t>(weighted_index(r, culture_weights.data(), kCultureCount));
    };
    const auto origin_culture = [&](Rng& r) {
      return static_cast<std::uint8_t>(
          weighted_index(r, origin_culture_weights.data(), kCultureCount));
    };
    switch (b.category) {
      case kCatFamily: {
        const std::uint64_t f = b.household_first + local / b.household_size;
        c.household = f;
        c.member = static_cast<std::uint32_t>(local % b.household_size);
        c.household_size = b.household_size;
        Rng hr(sc.seed, stream_key(kTagHousehold, kCatFamily, f));
        c.culture = weighted_culture(hr);
        c.residence = static_cast<std::int16_t>(pick_residence(c.culture, hr));
        const int household_nat = pick_nationality(c.culture, c.residence, hr);
        const std::uint32_t fam1 = pick_name(c.culture, NameKind::kFamily, hr);
        const std::uint32_t fam2 = pick_name(c.culture, NameKind::kFamily, hr);
        const std::uint32_t spouse1 = pick_name(c.culture, NameKind::kFamily, hr);
        const int base_age = static_cast<int>(hr.between(28, 62));
        const int first_sex = static_cast<int>(hr.below(2));
        c.propensity = lognormal_factor(hr, 0.5);
        if (c.member == 0) {
          c.sex = static_cast<std::uint8_t>(first_sex);
          age = base_age;
        } else if (c.member == 1) {
          c.sex = static_cast<std::uint8_t>(1 - first_sex);
          age = std::max(18, base_age + static_cast<int>(pr.between(-6, 6)));
        } else {
          c.sex = static_cast<std::uint8_t>(pr.below(2));
          age = base_age - static_cast<int>(pr.between(20, 40));
          if (age < 0) age = static_cast<int>(pr.between(0, 12));
        }
        const bool adult_woman = c.member <= 1 && c.sex == 1;
        const bool child = c.member >= 2;
        if (adult_woman && NameTables::wife_keeps_family_name(c.culture)) {
          c.family = spouse1;
          if (NameTables::double_surname(c.culture)) c.family2 = fam2;
        } else {
          c.family = family_form(fam1, c.sex);
          if (NameTables::double_surname(c.culture)) c.family2 = child ? spouse1 : fam2;
        }
        c.nationality = static_cast<std::int16_t>(
            child && household_nat != c.residence && pr.chance(0.7) ? c.residence : household_nat);
        // Children of immigrant families sometimes carry a name of the country they grow up in.
        const int res_culture =
            Geography::countries()[static_cast<std::size_t>(c.residence)].culture;
        const int name_culture =
            child && res_culture >= 0 && res_culture != c.culture && pr.chance(0.15) ? res_culture
                                                                                     : c.culture;
        c.given = pick_name(name_culture, c.sex ? NameKind::kFemale : NameKind::kMale, pr);
        break;
      }
      case kCatTourist: {
        const std::uint64_t g = local / b.household_size;
        c.household = g;
        c.member = static_cast<std::uint32_t>(local % b.household_size);
        c.household_size = b.household_size;
        Rng hr(sc.seed, stream_key(kTagHousehold, kCatTourist, g));
        const std::uint8_t group_culture = weighted_culture(hr);
        c.residence = static_cast<std::int16_t>(pick_residence(group_culture, hr));
        c.culture = pr.chance(0.6) ? group_culture : weighted_culture(pr);
        c.nationality = static_cast<std::int16_t>(pick_nationality(c.culture, c.residence, pr));
        age = static_cast<int>(pr.between(20, 75));
        break;
      }
      case kCatBusiness: {
        const std::uint64_t co = local / b.household_size;
        c.household = co;
        c.member = static_cast<std::uint32_t>(local % b.household_size);
        c.household_size = b.household_size;
        Rng hr(sc.seed, stream_key(kTagHousehold, kCatBusiness, co));
        const std::uint8_t company_culture = weighted_culture(hr);
        c.residence = static_cast<std::int16_t>(pick_residence(company_culture, hr));
        c.culture = pr.chance(0.5) ? company_culture : weighted_culture(pr);
        c.nationality = static_cast<std::int16_t>(pick_nationality(c.culture, c.residence, pr));
        age = static_cast<int>(pr.between(25, 62));
        c.propensity = lognormal_factor(pr, 0.7);
        break;
      }
      case kCatStudent: {
        c.household = pid;
        c.culture = origin_culture(pr);
        c.nationality = static_cast<std::int16_t>(pick_culture_country(c.culture, pr));
        const auto dest = geo.destination_countries();
        c.residence = static_cast<std::int16_t>(dest[pr.below(dest.size())]);
        age = static_cast<int>(pr.between(18, 30));
        break;
      }
      case kCatDiaspora: {
        c.household = pid;
        c.culture = origin_culture(pr);
        const auto dest = geo.destination_countries();
        c.residence = static_cast<std::int16_t>(dest[pr.below(dest.size())]);
        c.nationality = static_cast<std::int16_t>(pick_nationality(c.culture, c.residence, pr));
        age = static_cast<int>(pr.between(20, 70));
        c.propensity = lognormal_factor(pr, 0.5);
        break;
      }
      default: {
        c.household = pid;
        c.culture = weighted_culture(pr);
        c.residence = static_cast<std::int16_t>(pick_residence(c.culture, pr));
        c.nationality = static_cast<std::int16_t>(pick_nationality(c.culture, c.residence, pr));
        age = static_cast<int>(pr.between(18, 85));
        c.propensity = lognormal_factor(pr, 0.6);
        break;
      }
    }
    if (b.category != kCatFamily) {
      c.sex = static_cast<std::uint8_t>(pr.below(2));
      c.given = pick_name(c.culture, c.sex ? NameKind::kFemale : NameKind::kMale, pr);
      c.family = family_form(pick_name(c.culture, NameKind::kFamily, pr), c.sex);
      if (NameTables::double_surname(c.culture) && pr.chance(0.7))
        c.family2 = pick_name(c.culture, NameKind::kFamily, pr);
    }
  }
  c.dob = ref_day - age * 365 - static_cast<std::int32_t>(age / 4) -
          static_cast<std::int32_t>(pr.below(365));
  return c;
}

WorldModel::MigrantPlan WorldModel::migrant_plan(std::uint64_t mi) const {
  Rng r(sc.seed, stream_key(kTagMigrant, mi));
  MigrantPlan p{};
  p.alias = r.chance(sc.organizations.fraudulent_document_share);
  p.alias_leg1 = p.alias && r.chance(0.3);
  p.doc_swap = !p.alias && r.chance(sc.organizations.document_swap_share);
  // Forged or look-alike documents are mostly of visa-free countries.
  static constexpr std::string_view kForged[] = {"ESP", "ITA", "FRA", "GRC", "BEL", "PRT",
                                                 "GBR", "DEU", "NLD", "MEX"};
  int c = Geography::country_index(kForged[r.below(std::size(kForged))]);
  p.forged_country = static_cast<std::int16_t>(c);
  return p;
}

Identity WorldModel::identity(const Core& c, std::uint32_t k) const {
  Identity id;
  Rng ir(sc.seed, stream_key(kTagIdentity, c.pid, k));
  if (k == 0) {
    id.culture = c.culture;
    id.sex = c.sex;
    id.nationality = c.nationality;
    id.dob = c.dob;
    id.given = c.given;
    id.family = c.family;
    id.family2 = c.family2;
    id.phone_country = c.residence;
  } else {
    // An alias: another name (usually of the same culture), a nearby or invented birth date,
    // a document of another country for a borrowed passport.
    id.culture = ir.chance(0.75) ? c.culture
                                 : static_cast<std::uint8_t>(weighted_index(
                                       ir, origin_culture_weights.data(), kCultureCount));
    id.sex = c.sex;
    if (c.category == kCatMigrant) {
      const auto dest = geo.destination_countries();
      id.nationality = static_cast<std::int16_t>(ir.chance(0.6) ? dest[ir.below(dest.size())]
                                                                : pick_culture_country(id.culture, ir));
    } else {
      id.nationality = static_cast<std::int16_t>(pick_culture_country(id.culture, ir));
    }
    // People make up aliases around what they remember: the real birth date, one a few days
    // off, or (aliases.*: the rest) a date up to three years away.
    const auto& al = sc.aliases;
    const double u = ir.uniform();
    id.dob = u < al.dob_same_share ? c.dob
           : u < al.dob_same_share + al.dob_near_share
               ? c.dob + static_cast<std::int32_t>(ir.between(-al.dob_near_days, al.dob_near_days))
               : c.dob + static_cast<std::int32_t>(ir.between(-3 * 365, 3 * 365));
    id.given = pick_name(id.culture, id.sex ? NameKind::kFemale : NameKind::kMale, ir);
    // Half of the aliases keep the family name, which is how analysts often catch them.
    id.family = ir.chance(0.5) && id.culture == c.culture
                    ? c.family
                    : family_form(pick_name(id.culture, NameKind::kFamily, ir), id.sex);
    if (NameTables::double_surname(id.culture) && ir.chance(0.7))
      id.family2 = pick_name(id.culture, NameKind::kFamily, ir);
    id.phone_country = c.residence;
  }
  id.doc_slot = c.pid * 4 + k;
  id.phone_slot = c.pid * 4 + k;
  id.email_domain = static_cast<std::uint8_t>(ir.below(names.email_domains(id.culture).size()));
  id.email_number = ir.chance(0.5) ? static_cast<std::uint16_t>(ir.between(1, 999)) : 0;
  id.email_style = static_cast<std::uint8_t>(ir.below(3));
  Rng rr(sc.seed, stream_key(kTagReissue, c.pid, k));
  if (rr.chance(sc.noise.reissue))
    id.reissue_day = start_day + static_cast<std::int32_t>(rr.below(
                                     static_cast<std::uint64_t>(end_day - start_day)));
  return id;
}

// --- phones, documents, emails, payments --------------------------------------------------------

Phone WorldModel::phone(std::int16_t country, std::uint64_t slot) const {
  Phone p;
  p.country = country;
  const PhonePlan& plan = phone_plans[static_cast<std::size_t>(country)];
  const std::uint64_t v = util::permute(slot % plan.space, plan.space, plan.key);
  char* out = p.text;
  for (char ch : plan.calling_code) *out++ = ch;
  for (char ch : plan.prefixes[v / plan.pow10]) *out++ = ch;
  std::uint64_t digits = v % plan.pow10;
  char* end = out + plan.digits;
  for (char* q = end; q > out;) {
    *--q = static_cast<char>('0' + digits % 10);
    digits /= 10;
  }
  p.len = static_cast<std::uint8_t>(end - p.text);
  return p;
}

Phone WorldModel::main_phone(const Core& c, std::uint32_t k) const {
  return phone(c.residence, c.pid * 4 + k);
}

std::int64_t WorldModel::burner_epoch(std::size_t s, std::int32_t day) const {
  const auto& rec = smugglers[s];
  const std::int64_t e = (day - start_day + rec.burner_offset) / rec.burner_days;
  return std::clamp<std::int64_t>(e, 0, static_cast<std::int64_t>(burner_epochs) - 1);
}

bool WorldModel::smuggler_active(std::size_t s, std::int32_t day) const {
  const int m = month_of(day);
  if (m < 0 || m >= months) return false;
  return smuggler_org[s * static_cast<std::size_t>(months) + static_cast<std::size_t>(m)] >= 0 &&
         day < smugglers[s].arrest_day;
}

Phone WorldModel::phone_at(const Core& c, std::int32_t day, std::uint32_t* identity_k) const {
  if (identity_k) *identity_k = 0;
  if (is_smuggler(c.pid)) {
    const std::size_t s = c.pid - smuggler_first;
    const auto& rec = smugglers[s];
    if (rec.burner && smuggler_active(s, day)) {
      const auto e = static_cast<std::uint64_t>(burner_epoch(s, day));
      if (identity_k && rec.identities > 1) *identity_k = 1 + static_cast<std::uint32_t>(e % (rec.identities - 1u));
      return phone(rec.op_country, slot_burner_base + s * burner_epochs + e);
    }
  }
  return main_phone(c, 0);
}

namespace {
// Document numbers are written in the mixed-radix format `pattern` ('A' letter, '9' digit, 'X'
// letter or digit, anything else literal). Positions are filled from the right with `v`, so
// distinct values below pattern_space() give distinct numbers; positions beyond 2^60 (long
// id-card formats) take digits from `fill`.
constexpr std::string_view kDocLetters = "ABCDEFGHJKLMNPRSTUVWXYZ";  // no I, O, Q
constexpr std::string_view kDocAlnum = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";

std::string_view doc_alphabet(char p) {
  return p == 'A' ? kDocLetters : p == '9' ? std::string_view("0123456789")
       : p == 'X' ? kDocAlnum : std::string_view();
}

std::uint64_t pattern_space(std::string_view pattern) {
  std::uint64_t space = 1;
  for (std::size_t i = pattern.size(); i-- > 0;) {
    const std::uint64_t radix = doc_alphabet(pattern[i]).size();
    if (radix == 0) continue;
    if (space > (std::uint64_t{1} << 60) / radix) break;
    space *= radix;
  }
  return space;
}

void format_pattern(std::string& out, std::string_view pattern, std::uint64_t v,
                    std::uint64_t fill) {
  const std::size_t start = out.size();
  out.append(pattern);
  std::uint64_t space = 1;
  bool overflow = false;
  for (std::size_t i = pattern.size(); i-- > 0;) {
    const std::string_view alphabet = doc_alphabet(pattern[i]);
    if (alphabet.empty()) continue;
    const std::uint64_t radix = alphabet.size();
    overflow = overflow || space > (std::uint64_t{1} << 60) / radix;
    if (!overflow) {
      space *= radix;
      out[start + i] = alphabet[v % radix];
      v /= radix;
    } else {
      out[start + i] = alphabet[fill % radix];
      fill = mix64(fill);
    }
  }
}
}  // namespace

void WorldModel::document_number(std::string& out, const Identity& id, std::int32_t day,
                                  bool id_card) const {
  const Country& k = Geography::countries()[static_cast<std::size_t>(id.nationality)];
  const std::string_view pattern =
      id_card && !k.id_format.empty() ? k.id_format : k.passport_format;
  const std::uint64_t issue = day >= id.reissue_day ? 1 : 0;
  const std::uint64_t space = pattern_space(pattern);
  const std::uint64_t key = stream_key(kTagDocPerm, static_cast<std::uint64_t>(id.nationality),
                                       sc.seed ^ (id_card ? 0x1dULL : 0));
  const std::uint64_t v = util::permute(id.doc_slot * 2 + issue, space, key);
  format_pattern(out, pattern, v, mix64(key ^ id.doc_slot));
}

void WorldModel::forged_document(std::string& out, std::uint64_t pid, std::uint64_t salt,
                                  int country) const {
  const Country& k = Geography::countries()[static_cast<std::size_t>(country)];
  const std::uint64_t space = pattern_space(k.passport_format);
  const std::uint64_t key =
      stream_key(kTagDocPerm, static_cast<std::uint64_t>(country), sc.seed);
  // Slot 3 of a person is never a genuine identity of a migrant (they have at most two).
  const std::uint64_t v = util::permute((pid * 4 + 3) * 2 + (salt & 1), space, key);
  format_pattern(out, k.passport_format, v, mix64(key ^ pid ^ salt));
}

namespace {
void append_email_part(std::string& out, std::string_view ascii) {
  for (char ch : ascii) {
    if (ch == ' ') break;  // first word of multi-word names ("Van den Berg" -> "van")
    if (std::isalnum(static_cast<unsigned char>(ch)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
}
}  // namespace

void WorldModel::email(std::string& out, const Identity& id) const {
  const auto& g = names.entry(id.given).ascii;
  const auto& f = names.entry(id.family).ascii;
  switch (id.email_style) {
    case 0:
      append_email_part(out, g);
      out += '.';
      append_email_part(out, f);
      break;
    case 1:
      append_email_part(out, g);
      append_email_part(out, f);
      break;
    default:
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(g.empty() ? 'x' : g[0])));
      append_email_part(out, f);
      break;
  }
  if (id.email_number) util::put_uint(out, id.email_number);
  out += '@';
  out += names.email_domains(id.culture)[id.email_domain];
}

// A personal card; it is replaced every ~2 years at a person-specific date.
void WorldModel::payment_ref(std::string& out, std::uint64_t pid, std::int32_t day) const {
  const std::uint64_t phase = mix64(pid ^ sc.seed) % 730;
  const auto epoch = static_cast<std::uint64_t>((day - start_day + 730 * 8 + static_cast<std::int64_t>(phase)) / 730);
  const std::uint64_t h = mix64(stream_key(kTagPayment, pid, epoch) ^ sc.seed);
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += "PAY-";
  for (int i = 11; i >= 0; --i) out += kHex[(h >> (i * 4)) & 15];
}

// --- public API ---------------------------------------------------------------------------


WorldModel::TravelUnit WorldModel::travel_unit(std::uint64_t unit) const {
  const auto M = static_cast<std::uint64_t>(months);
  TravelUnit u;
  while (u.kind + 1 < kTrKindCount && unit >= travel_base[static_cast<std::size_t>(u.kind) + 1]) ++u.kind;
  const std::uint64_t i = unit - travel_base[static_cast<std::size_t>(u.kind)];
  if (u.kind == kTrSmuggling) {
    u.index = i;
    u.month = trips[i].month;
    u.key = kTripKeyBase + i;
  } else {
    u.index = i / M;
    u.month = static_cast<int>(i % M);
    u.key = travel_key_base[static_cast<std::size_t>(u.kind)] + u.index * kMaxMonths + static_cast<std::uint64_t>(u.month);
  }
  return u;
}

std::uint64_t WorldModel::subscriber_key(std::uint64_t unit) const {
  if (unit < migrant_first) return unit;
  if (unit < subscriber_alias_base) return kMigrantPhoneKeyBase + (unit - migrant_first);
  if (unit < subscriber_burner_base) return kAliasPhoneKeyBase + (unit - subscriber_alias_base);
  if (unit < subscriber_agency_base) {
    const std::uint64_t i = unit - subscriber_burner_base;
    return kBurnerKeyBase + (i / burner_epochs) * kMaxBurnerEpochs + i % burner_epochs;
  }
  return kAgencyLineKeyBase + (unit - subscriber_agency_base);
}

World::World(const Scenario& scenario) : impl_(std::make_unique<Impl>(scenario)) {}
World::~World() = default;
World::World(World&&) noexcept = default;
World& World::operator=(World&&) noexcept = default;

const Scenario& World::scenario() const { return impl_->sc; }

std::uint64_t World::unit_count(Feed feed) const {
  const auto& w = *impl_;
  switch (feed) {
    case Feed::kTravel: return w.travel_base[WorldModel::kTrKindCount];
    case Feed::kCalls: return w.person_total * static_cast<std::uint64_t>(w.months);
    case Feed::kSubscribers: return w.subscriber_total;
    case Feed::kEnforcement: return w.events.size();
  }
  return 0;
}

std::uint64_t World::person_count() const { return impl_->person_total; }

PersonTruth World::persons(std::uint64_t begin, std::uint64_t end) const {
  const auto& w = *impl_;
  end = std::min(end, w.person_total);
  PersonTruth t;
  if (begin >= end) return t;
  const std::size_t n = end - begin;
  t.person.reserve(n);
  t.organization.reserve(n);
  t.role.reserve(n);
  t.identities.reserve(n);
  t.nationality.reserve(n);
  t.category.reserve(n);
  for (std::uint64_t pid = begin; pid < end; ++pid) {
    const Core c = w.person(pid);
    t.person.push_back(pid);
    if (w.is_smuggler(pid)) {
      const auto& s = w.smugglers[pid - w.smuggler_first];
      t.organization.push_back(s.first_org);
      t.role.push_back(s.first_role);
    } else {
      t.organization.push_back(-1);
      t.role.push_back(static_cast<std::uint8_t>(w.is_migrant(pid) ? Role::kMigrant : Role::kNone));
    }
    t.identities.push_back(c.identities);
    t.nationality.emplace_back(Geography::countries()[static_cast<std::size_t>(c.nationality)].iso3);
    t.category.emplace_back(kCategoryNames[c.category]);
  }
  return t;
}

OrgMonthTruth World::org_months() const {
  OrgMonthTruth t;
  for (const auto& r : impl_->org_months) {
    t.month.push_back(r.month);
    t.organization.push_back(r.org);
    t.status.push_back(r.status);
    t.members.push_back(r.members_count);
    t.parent.push_back(r.parent);
  }
  return t;
}

OrgMembershipTruth World::org_membership() const {
  const auto& w = *impl_;
  OrgMembershipTruth t;
  for (const auto& r : w.org_months) {
    for (std::uint32_t i = 0; i < r.members_count; ++i) {
      t.month.push_back(r.month);
      t.organization.push_back(r.org);
      t.person.push_back(w.membership_person[r.members_begin + i]);
      t.role.push_back(w.membership_role[r.members_begin + i]);
    }
  }
  return t;
}

}  // namespace ch::world
