// CSV generation of the four feeds, unit by unit.
//
// A unit's rows depend only on the world and the unit id: every draw comes from a stream keyed
// by the unit (and, for observation noise, by the booking and passenger within it), never from
// state carried across units. That is why generate() over any split of the unit range
// concatenates to the same bytes.
//
// Observation noise imitates what analysts see in passenger, telecom and police data:
// transliteration variants and typos introduced by whoever typed the name, machine-readable-zone
// style upper case without diacritics, swapped given/family names (systematically for Chinese
// and Vietnamese names), dropped second surnames, missing fields, day/month swaps in dates of
// birth, mistyped document numbers.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "kernels/world/util.hpp"
#include "kernels/world/world_impl.hpp"

namespace ch::world {
namespace {

using util::put_field;
using util::put_uint;

constexpr std::string_view kReleasable[8] = {"",
                                             "interpol",
                                             "europol",
                                             "interpol;europol",
                                             "frontex",
                                             "interpol;frontex",
                                             "europol;frontex",
                                             "interpol;europol;frontex"};

constexpr std::string_view kActionNames[] = {"arrest", "seizure", "refusal_of_entry", "detention"};

// Appends record ids and truth for each row; rows of a unit are numbered from 0.
struct Sink {
  FeedChunk& out;
  char prefix;
  std::uint64_t unit;
  std::uint32_t row = 0;

  void begin(std::uint64_t person, std::uint32_t identity) {
    char buf[40];
    char* p = buf;
    *p++ = prefix;
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, unit).ptr;
    for (auto n = end - digits; n < 8; ++n) *p++ = '0';
    for (char* d = digits; d < end; ++d) *p++ = *d;
    *p++ = '-';
    if (row < 10) *p++ = '0';
    p = std::to_chars(p, buf + sizeof buf, row).ptr;
    out.record_id.emplace_back(buf, p);
    out.person.push_back(person);
    out.identity.push_back(identity);
    out.csv.append(buf, p);
    out.csv += ',';
    ++row;
  }
};

void put_releasable(std::string& out, Rng& r, const FeedParams& f) {
  int mask = 0;
  if (r.chance(f.interpol_share)) mask |= 1;
  if (r.chance(f.europol_share)) mask |= 2;
  if (r.chance(f.frontex_share)) mask |= 4;
  out.append(kReleasable[mask]);
}

void put_iso3(std::string& out, int country) {
  out.append(Geography::countries()[static_cast<std::size_t>(country)].iso3);
}

// --- observation noise -----------------------------------------------------------------------

struct NameObs {
  std::string given, family;
};

bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// One keyboard slip: insertion, deletion, substitution or transposition (the four edit
// operations of Damerau 1964) at an ASCII letter.
void typo(std::string& s, Rng& r) {
  std::size_t letters[64];
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size() && n < 64; ++i)
    if (ascii_letter(s[i])) letters[n++] = i;
  if (n < 3) return;
  const std::size_t i = letters[1 + r.below(n - 1)];  // keep the first letter, as people do
  const bool upper = s[i] >= 'A' && s[i] <= 'Z';
  const char random_letter = static_cast<char>((upper ? 'A' : 'a') + r.below(26));
  switch (r.below(4)) {
    case 0: s.insert(s.begin() + static_cast<std::ptrdiff_t>(i), random_letter); break;
    case 1: s.erase(i, 1); break;
    case 2: s[i] = random_letter; break;
    default:
      if (i + 1 < s.size() && ascii_letter(s[i + 1])) std::swap(s[i], s[i + 1]);
      else if (ascii_letter(s[i - 1])) std::swap(s[i], s[i - 1]);
      break;
  }
}

void to_upper_ascii(std::string& s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
}

void observe_name(const WorldModel& w, const Identity& id, Rng& r, NameObs& o) {
  const auto& nz = w.sc.noise;
  const auto variant = [&](std::uint32_t name) {
    const auto v = w.names.variants(name);
    return !v.empty() && r.chance(nz.transliteration) ? v[r.below(v.size())] : name;
  };
  const std::uint32_t g = variant(id.given), f = variant(id.family);
  std::uint32_t f2 = id.family2 == kNoName ? kNoName : variant(id.family2);
  if (f2 != kNoName && r.chance(nz.second_surname_dropped)) f2 = kNoName;
  const bool upper = r.chance(nz.uppercase);
  const bool fold = upper || r.chance(nz.fold_diacritics);
  const auto text = [&](std::uint32_t name) -> const std::string& {
    return fold ? w.names.entry(name).ascii : w.names.entry(name).utf8;
  };
  o.given = text(g);
  o.family = text(f);
  if (f2 != kNoName) {
    o.family += ' ';
    o.family += text(f2);
  }
  if (upper) {
    to_upper_ascii(o.given);
    to_upper_ascii(o.family);
  }
  if (r.chance(nz.typo)) typo(r.chance(0.5) ? o.given : o.family, r);
  const double swap = NameTables::family_name_first(id.culture) ? nz.swap_names_east_asian
                                                                : nz.swap_names;
  if (r.chance(swap)) std::swap(o.given, o.family);
  if (r.chance(nz.punctuation)) {
    // Free-text habits that need CSV quoting: a suffix after a comma, a nickname in quotes.
    if (id.culture == kAnglo) {
      o.family += ", Jr.";
    } else {
      const auto alias = w.names.pool(id.culture, NameKind::kMale);
      o.given += id.culture == kArabic || id.culture == kSouthAsianMuslim ? " \"Abu " : " \"";
      o.given += w.names.entry(alias[r.below(alias.size())]).ascii;
      o.given += '"';
    }
  }
}

void observe_dob(std::string& out, std::int32_t dob, Rng& r, const NoiseParams& nz) {
  if (r.chance(nz.missing_dob)) return;
  auto c = util::civil_from_days(dob);
  if (r.chance(nz.dob_day_month_swap) && c.d <= 12 && c.d != c.m) std::swap(c.d, c.m);
  put_uint(out, static_cast<std::uint64_t>(c.y), 4);
  out += '-';
  put_uint(out, c.m, 2);
  out += '-';
  put_uint(out, c.d, 2);
}

// Look-alike characters that clerks and OCR confuse.
void document_typo(std::string& doc, Rng& r) {
  if (doc.empty()) return;
  const std::size_t i = r.below(doc.size());
  static constexpr std::string_view kFrom = "0O1I5S8B2Z", kTo = "O0I1S5B8Z2";
  const auto k = kFrom.find(doc[i]);
  if (k != std::string_view::npos) doc[i] = kTo[k];
  else if (doc[i] >= '0' && doc[i] <= '9') doc[i] = static_cast<char>('0' + r.below(10));
  else if (i + 1 < doc.size()) std::swap(doc[i], doc[i + 1]);
}

// What a passenger record shows about one traveller on one booking.
struct PaxObs {
  NameObs name;
  std::string dob, doc, phone, email;
  char sex = 'M';
  char doc_type = 'P';
  std::int16_t nationality = 0, doc_country = 0;
  std::uint64_t person = 0;
  std::uint32_t identity = 0;
};

struct Booking {
  char ref[6];
  std::string phone, email, payment;
};

void locator(const WorldModel& w, std::uint64_t unit, std::uint64_t b, char* out) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::uint64_t v = util::permute(unit * 8 + b, std::uint64_t{1} << 30,
                                  stream_key(kTagLocator, w.sc.seed));
  for (int i = 5; i >= 0; --i) {
    out[i] = kAlphabet[v & 31];
    v >>= 5;
  }
}

struct Seg {
  int from, to;
  std::int64_t dep;  // seconds since epoch
  Flight f;
};

// Appends the flights from `from` to `to` (through `hub` when >= 0) leaving on `day`. Legitimate
// itineraries connect at the hub within hours; smuggling itineraries wait `gap_days` there.
std::int64_t journey(const WorldModel& w, std::vector<Seg>& segs, int from, int to, int hub,
                     std::int32_t day, int gap_days = 0) {
  Flight scratch;
  if (hub < 0 || hub == from || hub == to) {
    const Flight f = w.flight(from, to, scratch);
    const std::int64_t dep = std::int64_t{day} * 86400 + f.departure_minute * 60;
    segs.push_back(Seg{from, to, dep, f});
    return dep + f.duration_minutes * 60;
  }
  const Flight f1 = w.flight(from, hub, scratch);
  const std::int64_t dep1 = std::int64_t{day} * 86400 + f1.departure_minute * 60;
  segs.push_back(Seg{from, hub, dep1, f1});
  const Flight f2 = w.flight(hub, to, scratch);
  const std::int64_t arrive = dep1 + f1.duration_minutes * 60;
  std::int64_t dep2;
  if (gap_days > 0) {
    dep2 = (std::int64_t{day} + gap_days) * 86400 + f2.departure_minute * 60;
  } else {
    dep2 = (arrive / 86400) * 86400 + f2.departure_minute * 60;
    while (dep2 < arrive + 90 * 60) dep2 += 86400;
  }
  segs.push_back(Seg{hub, to, dep2, f2});
  return dep2 + f2.duration_minutes * 60;
}

int route_hub(const WorldModel& w, int from, int to, Rng& r) {
  if (!w.geo.long_haul(from, to) || !r.chance(w.sc.legit.via_hub_share)) return -1;
  return w.geo.hub_between(from, to, r.next());
}

int other_airport(const WorldModel& w, int home, Rng& r) {
  const int home_country = w.geo.airport(home).country;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const int a = w.holiday_airports[r.below(w.holiday_airports.size())];
    if (w.geo.airport(a).country != home_country) return a;
  }
  return home == 0 ? 1 : 0;
}

// The country a person calls "home" (where relatives live): nationality if it matches the
// culture, else a stable country of the culture.
int home_country(const WorldModel& w, const Core& c) {
  const auto& k = Geography::countries()[static_cast<std::size_t>(c.nationality)];
  if (k.culture == c.culture) return c.nationality;
  Rng r(w.sc.seed, stream_key(kTagHousehold, 77, c.pid));
  return w.pick_culture_country(c.culture, r);
}

bool immigrant(const WorldModel& w, const Core& c) {
  const auto cs = w.geo.culture_countries(c.culture);
  return std::find(cs.begin(), cs.end(), c.residence) == cs.end();
}

// --- travel ---------------------------------------------------------------------------------

class TravelGen {
 public:
  TravelGen(const WorldModel& w, FeedChunk& out, std::uint64_t unit)
      : w_(w), nz_(w.sc.noise), tu_(w.travel_unit(unit)), sink_{out, 'T', tu_.key},
        ur_(w.sc.seed, stream_key(kTagTravelUnit, tu_.key)), unit_(tu_.key) {
    const auto& a = w.sc.feeds.travel_agencies;
    agency_ = a[ur_.below(a.size())];
  }

  void run();

 private:
  void family(std::uint64_t f, int m);
  void tour(std::uint64_t g, int m);
  void business(std::uint64_t pid, int m);
  void student(std::uint64_t pid, int m);
  void diaspora(std::uint64_t pid, int m);
  void smuggling(std::uint64_t t);
  void member_trip(std::uint64_t s, int m);

  std::int32_t random_day(int m) {
    const auto days = static_cast<std::uint64_t>(w_.month_start[static_cast<std::size_t>(m) + 1] -
                                                 w_.month_start[static_cast<std::size_t>(m)]);
    return w_.month_start[static_cast<std::size_t>(m)] + static_cast<std::int32_t>(ur_.below(days));
  }

  // Observation of `c` under identity `k` on booking `b` (noise keyed by unit, booking, pax).
  void observe(PaxObs& o, const Core& c, std::uint32_t k, std::uint64_t b, std::uint64_t pax,
               std::int32_t day, bool id_card_ok) {
    Rng r(w_.sc.seed, stream_key(kTagTravelPax, unit_, b * 4096 + pax));
    const Identity id = w_.identity(c, k);
    o.person = c.pid;
    o.identity = k;
    observe_name(w_, id, r, o.name);
    o.dob.clear();
    observe_dob(o.dob, id.dob, r, nz_);
    o.sex = id.sex ? 'F' : 'M';
    o.nationality = id.nationality;
    o.doc_country = id.nationality;
    const auto& country = Geography::countries()[static_cast<std::size_t>(id.nationality)];
    o.doc_type = id_card_ok && country.id_card_travel && !country.id_format.empty() && r.chance(0.6)
                     ? 'I' : 'P';
    o.doc.clear();
    if (!r.chance(nz_.missing_document)) {
      w_.document_number(o.doc, id, day, o.doc_type == 'I');
      if (r.chance(nz_.document_typo)) document_typo(o.doc, r);
    }
    o.phone.clear();
    o.email.clear();
    own_phone_ = w_.phone(id.phone_country, id.phone_slot);
    keep_email_ = !r.chance(nz_.missing_email);
    if (keep_email_) w_.email(o.email, id);
    keep_phone_ = !r.chance(nz_.missing_phone);
    real_phone_ = false;
    if (k > 0) {
      // Under an alias people still give the phone and mailbox they actually use (aliases.*),
      // even on a booking made by someone else; a stream of its own, so identity-0 rows keep
      // their draws.
      Rng ar(w_.sc.seed, stream_key(kTagAlias, unit_, b * 4096 + pax));
      real_phone_ = ar.chance(w_.sc.aliases.contact_phone_share);
      if (real_phone_) own_phone_ = w_.main_phone(c, 0);
      if (ar.chance(w_.sc.aliases.email_share) && keep_email_) {
        o.email.clear();
        w_.email(o.email, w_.identity(c, 0));
      }
    }
  }

  // The booking's contact phone and e-mail for every passenger (as in a PNR), or the
  // passenger's own phone where `own` is set; either may be missing.
  void contact(PaxObs& o, const Booking& b, bool own) {
    if (keep_phone_) {
      if (own || real_phone_ || b.phone.empty()) o.phone.assign(own_phone_.view());
      else o.phone = b.phone;
    }
    if (keep_email_ && !own && !b.email.empty()) o.email = b.email;
  }

  void agency_booking(Booking& b, int country) {
    const auto& list = w_.agencies_by_country[static_cast<std::size_t>(country)];
    const std::uint32_t a = !list.empty() && ur_.chance(0.8)
                                ? list[ur_.below(list.size())]
                                : static_cast<std::uint32_t>(ur_.below(w_.agencies.size()));
    const auto& ag = w_.agencies[a];
    b.phone.assign(w_.phone(ag.country, ag.phone_slot).view());
    b.email = ag.email;
    b.payment = ag.account;
  }

  void personal_booking(Booking& b, const Core& c, std::int32_t day, bool with_email) {
    b.phone.assign(w_.phone_at(c, day).view());
    b.email.clear();
    if (with_email && !ur_.chance(0.3)) w_.email(b.email, w_.identity(c, 0));
    b.payment.clear();
    w_.payment_ref(b.payment, c.pid, day);
  }

  void new_booking(Booking& b, std::uint64_t index) { locator(w_, unit_, index, b.ref); }

  void row(const PaxObs& p, const Booking& b, const Seg& s) {
    if (s.dep < std::int64_t{w_.start_day} * 86400 || s.dep >= std::int64_t{w_.end_day} * 86400)
      return;
    std::string& out = sink_.out.csv;
    sink_.begin(p.person, p.identity);
    put_field(out, agency_);
    out += ',';
    put_releasable(out, ur_, w_.sc.feeds);
    out += ',';
    out.append(b.ref, 6);
    out += ',';
    put_field(out, p.name.given);
    out += ',';
    put_field(out, p.name.family);
    out += ',';
    out += p.dob;
    out += ',';
    out += p.sex;
    out += ',';
    put_iso3(out, p.nationality);
    out += ',';
    out += p.doc_type;
    out += ',';
    out += p.doc;
    out += ',';
    if (!p.doc.empty()) put_iso3(out, p.doc_country);
    out += ',';
    out += p.phone;
    out += ',';
    out += p.email;
    out += ',';
    out += b.payment;
    out += ',';
    out += s.f.carrier;
    out += ',';
    out += s.f.carrier;
    put_uint(out, static_cast<std::uint64_t>(s.f.number));
    out += ',';
    out += w_.geo.airport(s.from).iata;
    out += ',';
    out += w_.geo.airport(s.to).iata;
    out += ',';
    util::put_timestamp(out, s.dep);
    out += '\n';
  }

  void rows(const std::vector<PaxObs>& pax, const Booking& b, const std::vector<Seg>& segs) {
    for (const auto& s : segs)
      for (const auto& p : pax) row(p, b, s);
  }

  bool europe(int airport) const {
    const int c = w_.geo.airport(airport).country;
    return c >= 0 && Geography::countries()[static_cast<std::size_t>(c)].id_card_travel;
  }

  const WorldModel& w_;
  const NoiseParams& nz_;
  WorldModel::TravelUnit tu_;
  Sink sink_;
  Rng ur_;
  std::uint64_t unit_;  // the unit's key: names its records and bookings, seeds its draws
  std::string_view agency_;
  Phone own_phone_;
  bool keep_phone_ = true, keep_email_ = true;
  bool real_phone_ = false;  // an alias row showing the person's own phone (aliases.contact_phone_share)
  std::vector<PaxObs> pax_;
  std::vector<Seg> segs_;
  std::vector<Core> cores_;
};

void TravelGen::run() {
  const int m = tu_.month;
  const auto i = tu_.index;
  switch (tu_.kind) {
    case WorldModel::kTrFamily: family(i, m); break;
    case WorldModel::kTrTour: tour(i, m); break;
    case WorldModel::kTrBusiness: business(w_.blocks[6].first + i, m); break;
    case WorldModel::kTrStudent: student(w_.blocks[7].first + i, m); break;
    case WorldModel::kTrDiaspora: diaspora(w_.blocks[8].first + i, m); break;
    case WorldModel::kTrSmuggling: smuggling(i); break;
    default: member_trip(i, m); break;
  }
}

void TravelGen::family(std::uint64_t f, int m) {
  const WorldModel::Block* block = nullptr;
  for (std::size_t k = 0; k < 5; ++k) {
    const auto& b = w_.blocks[k];
    if (f >= b.household_first && f < b.household_first + b.count / b.household_size) block = &b;
  }
  if (block == nullptr) return;
  const std::uint64_t first = block->first + (f - block->household_first) * block->household_size;
  const Core head = w_.person(first);
  const auto trips = std::min<std::uint64_t>(
      2, ur_.poisson(w_.sc.legit.family_trips_per_year / 12.0 * head.propensity));
  if (trips == 0) return;
  cores_.clear();
  for (std::uint32_t j = 0; j < block->household_size; ++j) cores_.push_back(w_.person(first + j));
  const int home = w_.geo.home_airport(head.residence, mix64(f ^ w_.sc.seed));
  const bool abroad = immigrant(w_, head);
  for (std::uint64_t t = 0; t < trips; ++t) {
    const std::int32_t day = random_day(m);
    std::vector<std::uint32_t> go;
    for (std::uint32_t j = 0; j < cores_.size(); ++j)
      if (ur_.chance(j < 2 ? 0.9 : 0.8)) go.push_back(j);
    if (go.empty() || go.front() > 1) go.insert(go.begin(), 0);
    int dest;
    if (abroad && ur_.chance(0.6))
      dest = w_.geo.home_airport(home_country(w_, head), ur_.next());
    else
      dest = other_airport(w_, home, ur_);
    if (dest == home) continue;
    const int hub = route_hub(w_, home, dest, ur_);
    segs_.clear();
    journey(w_, segs_, home, dest, hub, day);
    journey(w_, segs_, dest, home, hub, day + static_cast<std::int32_t>(ur_.between(5, 21)));
    Booking b;
    new_booking(b, t);
    if (ur_.chance(w_.sc.legit.agency_booking_share)) agency_booking(b, head.residence);
    else personal_booking(b, head, day, true);
    const bool id_card = europe(home) && europe(dest);
    pax_.resize(go.size());
    for (std::size_t p = 0; p < go.size(); ++p) {
      observe(pax_[p], cores_[go[p]], 0, t, p, day, id_card);
      contact(pax_[p], b, p > 0 && ur_.chance(0.2));
    }
    rows(pax_, b, segs_);
  }
}

void TravelGen::tour(std::uint64_t g, int m) {
  const auto& block = w_.blocks[5];
  const std::uint64_t first = block.first + g * block.household_size;
  const Core lead = w_.person(first);
  Rng hr(w_.sc.seed, stream_key(kTagHousehold, 100 + kCatTourist, g));
  const auto trips = std::min<std::uint64_t>(
      1, ur_.poisson(w_.sc.legit.tour_trips_per_year / 12.0));
  if (trips == 0) return;
  const int home = w_.geo.home_airport(lead.residence, hr.next());
  const std::int32_t day = random_day(m);
  const int dest = other_airport(w_, home, ur_);
  const int hub = route_hub(w_, home, dest, ur_);
  segs_.clear();
  journey(w_, segs_, home, dest, hub, day);
  journey(w_, segs_, dest, home, hub, day + static_cast<std::int32_t>(ur_.between(6, 14)));
  Booking b;
  new_booking(b, 0);
  agency_booking(b, lead.residence);
  const bool id_card = europe(home) && europe(dest);
  pax_.clear();
  for (std::uint32_t j = 0; j < block.household_size; ++j) {
    if (!ur_.chance(0.75)) continue;
    pax_.emplace_back();
    observe(pax_.back(), w_.person(first + j), 0, 0, j, day, id_card);
    contact(pax_.back(), b, false);
  }
  rows(pax_, b, segs_);
}

void TravelGen::business(std::uint64_t pid, int m) {
  const Core c = w_.person(pid);
  const auto trips = std::min<std::uint64_t>(
      4, ur_.poisson(w_.sc.legit.business_trips_per_year / 12.0 * c.propensity));
  if (trips == 0) return;
  const auto& block = w_.blocks[6];
  const std::uint64_t company = c.household;
  Rng cr(w_.sc.seed, stream_key(kTagHousehold, 100 + kCatBusiness, company));
  const int home = w_.geo.home_airport(c.residence, cr.next());
  char corp[24];
  const auto corp_len = std::snprintf(corp, sizeof corp, "CORP-%08X", static_cast<unsigned>(cr.next()));
  const bool travel_desk = cr.chance(0.4);
  for (std::uint64_t t = 0; t < trips; ++t) {
    const std::int32_t day = random_day(m);
    const int dest = ur_.chance(0.7) ? other_airport(w_, home, ur_)
                                     : static_cast<int>(ur_.below(w_.geo.airports().size()));
    if (w_.geo.airport(dest).country == w_.geo.airport(home).country) continue;
    const int hub = route_hub(w_, home, dest, ur_);
    segs_.clear();
    journey(w_, segs_, home, dest, hub, day);
    journey(w_, segs_, dest, home, hub, day + static_cast<std::int32_t>(ur_.between(1, 5)));
    Booking b;
    new_booking(b, t);
    if (travel_desk) agency_booking(b, c.residence);
    else personal_booking(b, c, day, true);
    if (ur_.chance(0.8)) b.payment.assign(corp, static_cast<std::size_t>(corp_len));
    pax_.resize(1);
    observe(pax_[0], c, 0, t, 0, day, europe(home) && europe(dest));
    contact(pax_[0], b, false);
    // Colleagues sometimes travel on the same booking.
    if (ur_.chance(0.15)) {
      const std::uint64_t first = block.first + company * block.household_size;
      const std::uint64_t n = std::min<std::uint64_t>(block.household_size, block.first + block.count - first);
      const std::uint64_t colleague = first + ur_.below(n);
      if (colleague != pid) {
        pax_.emplace_back();
        observe(pax_.back(), w_.person(colleague), 0, t, 1, day, europe(home) && europe(dest));
        contact(pax_.back(), b, false);
      }
    }
    rows(pax_, b, segs_);
  }
}

void TravelGen::student(std::uint64_t pid, int m) {
  const Core c = w_.person(pid);
  Rng sr(w_.sc.seed, stream_key(kTagHousehold, kCatStudent, pid));
  // Arrived in the last three years or arrives within the next two (not "within the scenario":
  // a shorter run of the same world must see the same students).
  const auto arrival = static_cast<int>(sr.between(-36, 23));
  if (m < arrival) return;
  const int home = w_.geo.home_airport(c.residence, sr.next());
  const int origin = w_.geo.home_airport(home_country(w_, c), sr.next());
  if (origin == home) return;
  // A parent at home pays and is the contact: a third-party payment from an origin country on a
  // one-way ticket, as in smuggling bookings.
  const Phone parent = w_.phone(static_cast<std::int16_t>(home_country(w_, c)),
                                w_.slot_contact_base + pid * 4);
  Booking b;
  if (m == arrival) {
    const std::int32_t day = random_day(m);
    segs_.clear();
    journey(w_, segs_, origin, home, route_hub(w_, origin, home, ur_), day);
    new_booking(b, 0);
    b.phone.assign(parent.view());
    w_.payment_ref(b.payment, (std::uint64_t{1} << 62) | pid, day);
    pax_.resize(1);
    observe(pax_[0], c, 0, 0, 0, day, false);
    contact(pax_[0], b, false);
    rows(pax_, b, segs_);
    return;
  }
  if (ur_.poisson(w_.sc.legit.student_trips_per_year / 12.0) == 0) return;
  const std::int32_t day = random_day(m);
  const int hub = route_hub(w_, home, origin, ur_);
  segs_.clear();
  journey(w_, segs_, home, origin, hub, day);
  journey(w_, segs_, origin, home, hub, day + static_cast<std::int32_t>(ur_.between(10, 60)));
  new_booking(b, 1);
  personal_booking(b, c, day, true);
  if (ur_.chance(0.5)) {
    b.payment.clear();
    w_.payment_ref(b.payment, (std::uint64_t{1} << 62) | pid, day);
  }
  pax_.resize(1);
  observe(pax_[0], c, 0, 1, 0, day, false);
  contact(pax_[0], b, false);
  rows(pax_, b, segs_);
}

void TravelGen::diaspora(std::uint64_t pid, int m) {
  const Core c = w_.person(pid);
  if (ur_.poisson(w_.sc.legit.diaspora_trips_per_year / 12.0 * c.propensity) == 0) return;
  Rng dr(w_.sc.seed, stream_key(kTagHousehold, kCatDiaspora, pid));
  const int home = w_.geo.home_airport(c.residence, dr.next());
  const int origin = w_.geo.home_airport(home_country(w_, c), dr.next());
  if (origin == home) return;
  const std::int32_t day = random_day(m);
  const int hub = route_hub(w_, home, origin, ur_);
  segs_.clear();
  journey(w_, segs_, home, origin, hub, day);
  if (ur_.chance(0.9))  // some stay longer than the data covers or return on another booking
    journey(w_, segs_, origin, home, hub, day + static_cast<std::int32_t>(ur_.between(10, 45)));
  Booking b;
  new_booking(b, 0);
  if (ur_.chance(w_.sc.legit.agency_booking_share)) agency_booking(b, c.residence);
  else personal_booking(b, c, day, true);
  pax_.resize(1);
  observe(pax_[0], c, 0, 0, 0, day, false);
  contact(pax_[0], b, false);
  rows(pax_, b, segs_);
}

void TravelGen::smuggling(std::uint64_t t) {
  const auto& trip = w_.trips[t];
  const auto& corr = w_.geo.corridors()[static_cast<std::size_t>(trip.corridor)];
  const auto& op = w_.sc.organizations;
  const Core booker = w_.person(w_.smuggler_first + static_cast<std::uint64_t>(trip.booker));
  const std::int32_t booked = trip.day - static_cast<std::int32_t>(ur_.between(1, 3));

  // Bookings: one one-way booking through the hub, or one per leg (split booking).
  Booking b1, b2;
  new_booking(b1, 0);
  const int origin_country = w_.geo.airport(corr.origin).country;
  if (trip.via_agency) {
    agency_booking(b1, origin_country >= 0 ? origin_country : corr.nationality);
  } else {
    b1.phone.assign(w_.phone_at(booker, booked).view());
    if (ur_.chance(0.4)) {
      // A throwaway mailbox of the organization, reused for a couple of months.
      Rng er(w_.sc.seed, stream_key(kTagOrg, static_cast<std::uint64_t>(trip.org),
                                    static_cast<std::uint64_t>(trip.month / 2) + 5000));
      static constexpr std::string_view kWords[] = {"travel", "ticket", "booking", "safar",
                                                    "visa", "trip", "flight", "tours"};
      b1.email = std::string(kWords[er.below(std::size(kWords))]);
      put_uint(b1.email, er.between(10, 9999));
      b1.email += "@gmail.com";
    }
    if (trip.cash) b1.payment = "CASH";
    else w_.payment_ref(b1.payment, w_.smuggler_first + static_cast<std::uint64_t>(trip.financier), booked);
  }
  if (trip.split_booking) {
    new_booking(b2, 1);
    const Core booker2 = w_.person(w_.smuggler_first + static_cast<std::uint64_t>(trip.booker2));
    b2.phone.assign(w_.phone_at(booker2, booked + trip.gap_days).view());
    b2.email.clear();
    if (trip.cash || ur_.chance(0.3)) b2.payment = "CASH";
    else w_.payment_ref(b2.payment, w_.smuggler_first + static_cast<std::uint64_t>(trip.financier), booked);
  } else {
    b2 = b1;
  }

  std::vector<Seg> leg1, leg2;
  journey(w_, leg1, corr.origin, corr.hub, -1, trip.day);
  journey(w_, leg2, corr.hub, corr.destination, -1, trip.day + trip.gap_days);
  const std::int32_t leg2_day = trip.day + trip.gap_days;

  std::vector<PaxObs> p1, p2;
  for (std::uint32_t j = 0; j < trip.migrants; ++j) {
    const std::uint64_t mi = trip.first_migrant + j;
    const Core c = w_.person(w_.migrant_first + mi);
    const auto plan = w_.migrant_plan(mi);
    const bool own_phone = ur_.chance(0.2);
    p1.emplace_back();
    observe(p1.back(), c, plan.alias_leg1 ? 1 : 0, 0, j, trip.day, false);
    contact(p1.back(), b1, own_phone);
    p2.emplace_back();
    // An unsplit booking shows the same name record on both legs; the document may change.
    observe(p2.back(), c, plan.alias ? 1 : 0, trip.split_booking ? 1 : 0, j, leg2_day, false);
    contact(p2.back(), b2, own_phone);
    if (plan.doc_swap) {
      p2.back().doc.clear();
      w_.forged_document(p2.back().doc, c.pid, 0, plan.forged_country);
      p2.back().doc_country = plan.forged_country;
      p2.back().nationality = plan.forged_country;
    }
  }
  if (trip.escort >= 0) {
    const auto s = static_cast<std::size_t>(trip.escort);
    const Core e = w_.person(w_.smuggler_first + s);
    const auto k = static_cast<std::uint32_t>(ur_.below(e.identities));
    // Escorts usually join at the hub; some fly with the group from the origin.
    if (ur_.chance(0.4) && trip.day < w_.smugglers[s].arrest_day) {
      p1.emplace_back();
      observe(p1.back(), e, k, 0, 100, trip.day, false);
      contact(p1.back(), b1, false);
    }
    if (leg2_day < w_.smugglers[s].arrest_day) {
      p2.emplace_back();
      observe(p2.back(), e, k, trip.split_booking ? 1 : 0, 100, leg2_day, false);
      contact(p2.back(), b2, false);
    }
  }
  rows(p1, b1, leg1);
  rows(p2, b2, leg2);

  // The escort flies back alone on a separate booking a few days later.
  if (trip.escort >= 0) {
    const auto s = static_cast<std::size_t>(trip.escort);
    const std::int32_t back = leg2_day + static_cast<std::int32_t>(ur_.between(2, 4));
    if (back < w_.smugglers[s].arrest_day) {
      const Core e = w_.person(w_.smuggler_first + s);
      const auto k = static_cast<std::uint32_t>(ur_.below(e.identities));
      std::vector<Seg> ret;
      journey(w_, ret, corr.destination, corr.hub, -1, back);
      Booking b3;
      new_booking(b3, 2);
      b3.phone.assign(w_.phone_at(e, back).view());
      if (ur_.chance(op.cash_payment_share)) b3.payment = "CASH";
      else w_.payment_ref(b3.payment, w_.smuggler_first + static_cast<std::uint64_t>(trip.financier), back);
      std::vector<PaxObs> p3(1);
      observe(p3[0], e, k, 2, 0, back, false);
      contact(p3[0], b3, false);
      rows(p3, b3, ret);
    }
  }
}

void TravelGen::member_trip(std::uint64_t s, int m) {
  const auto& rec = w_.smugglers[s];
  const auto M = static_cast<std::size_t>(w_.months);
  if (w_.smuggler_org[s * M + static_cast<std::size_t>(m)] < 0) return;
  if (ur_.poisson(w_.sc.organizations.member_trips_per_year / 12.0) == 0) return;
  const std::int32_t day = random_day(m);
  const std::int32_t back = day + static_cast<std::int32_t>(ur_.between(3, 10));
  if (back >= rec.arrest_day) return;
  const Core c = w_.person(w_.smuggler_first + s);
  const auto& corr = w_.geo.corridors()[static_cast<std::size_t>(rec.corridor)];
  const int home = w_.geo.home_airport(rec.op_country, mix64(s ^ w_.sc.seed));
  int dest = rec.stage == kStageDestination ? corr.origin : corr.hub;
  if (w_.geo.airport(dest).country == w_.geo.airport(home).country)
    dest = rec.stage == kStageDestination ? corr.hub : corr.origin;
  if (dest == home) return;
  segs_.clear();
  journey(w_, segs_, home, dest, -1, day);
  journey(w_, segs_, dest, home, -1, back);
  const auto k = static_cast<std::uint32_t>(ur_.below(c.identities));
  Booking b;
  new_booking(b, 0);
  // A trip under an alias is booked with the alias SIM and card, or (aliases.contact_phone_share,
  // aliases.payment_share) with the person's own phone and card; a trip under the real name of
  // someone who keeps alias SIMs gives one of them as often (the phone he carries).
  Rng ar(w_.sc.seed, stream_key(kTagAlias, unit_, 1u << 20));
  const bool cross_phone = c.identities > 1 && ar.chance(w_.sc.aliases.contact_phone_share);
  const bool own_card = k > 0 && ar.chance(w_.sc.aliases.payment_share);
  const std::uint32_t sim = k > 0 ? (cross_phone ? 0 : k)
                          : cross_phone ? 1 + static_cast<std::uint32_t>(ar.below(c.identities - 1u)) : 0;
  b.phone.assign((k == 0 && sim == 0 ? w_.phone_at(c, day) : w_.main_phone(c, sim)).view());
  if (ur_.chance(0.3)) b.payment = "CASH";
  else w_.payment_ref(b.payment, c.pid * 8 + (own_card ? 0 : k), day);
  pax_.resize(1);
  observe(pax_[0], c, k, 0, 0, day, false);
  contact(pax_[0], b, false);
  rows(pax_, b, segs_);
}

// --- calls ----------------------------------------------------------------------------------

struct Call {
  std::int64_t start;
  Phone caller, callee;
  std::uint32_t duration;
  std::uint32_t identity;
};

class CallGen {
 public:
  CallGen(const WorldModel& w, FeedChunk& out, std::uint64_t unit)
      : w_(w), sink_{out, 'C', unit}, ur_(w.sc.seed, stream_key(kTagCallUnit, unit)) {
    const auto& a = w.sc.feeds.calls_agencies;
    agency_ = a[ur_.below(a.size())];
    const auto M = static_cast<std::uint64_t>(w.months);
    pid_ = unit / M;
    m_ = static_cast<int>(unit % M);
    m_start_ = w.month_start[static_cast<std::size_t>(m_)];
    m_end_ = w.month_start[static_cast<std::size_t>(m_) + 1];
  }

  void run() {
    const Core c = w_.person(pid_);
    if (w_.is_smuggler(pid_)) smuggler(c);
    else if (w_.is_migrant(pid_)) migrant(c);
    else legit(c, 1.0);
    std::sort(calls_.begin(), calls_.end(),
              [](const Call& a, const Call& b) { return a.start < b.start; });
    for (const auto& call : calls_) emit(call);
  }

 private:
  std::int64_t random_time(std::int32_t until_day) {
    const std::int32_t end = std::min(m_end_, until_day);
    if (end <= m_start_) return -1;
    return std::int64_t{m_start_} * 86400 +
           static_cast<std::int64_t>(ur_.below(static_cast<std::uint64_t>(end - m_start_) * 86400));
  }

  std::uint32_t duration(double median_s) {
    return static_cast<std::uint32_t>(std::max(1.0, median_s * std::exp(ur_.normal(0, 0.9))));
  }

  Phone home_contact(const Core& c) {
    const auto j = ur_.below(4);
    return w_.phone(static_cast<std::int16_t>(home_country(w_, c)), w_.slot_contact_base + c.pid * 4 + j);
  }

  Phone hub_phone() {
    const auto& ag = w_.agencies[ur_.below(w_.agencies.size())];
    return w_.phone(ag.country, ag.phone_slot);
  }

  Phone person_phone(std::uint64_t pid, std::int32_t day) {
    return w_.phone_at(w_.person(pid), day);
  }

  void add(std::int64_t t, const Phone& caller, std::uint32_t identity, const Phone& callee,
           std::uint32_t dur) {
    if (caller.view() == callee.view()) return;
    calls_.push_back(Call{t, caller, callee, dur, identity});
  }

  void legit(const Core& c, double scale);
  void smuggler(const Core& c);
  void migrant(const Core& c);

  void emit(const Call& call) {
    std::string& out = sink_.out.csv;
    sink_.begin(pid_, call.identity);
    put_field(out, agency_);
    out += ',';
    put_releasable(out, ur_, w_.sc.feeds);
    out += ',';
    out.append(call.caller.view());
    out += ',';
    out.append(call.callee.view());
    out += ',';
    util::put_timestamp(out, call.start);
    out += ',';
    put_uint(out, call.duration);
    out += ',';
    put_iso3(out, call.caller.country);
    out += ',';
    put_iso3(out, call.callee.country);
    out += '\n';
  }

  const WorldModel& w_;
  Sink sink_;
  Rng ur_;
  std::string_view agency_;
  std::uint64_t pid_;
  int m_;
  std::int32_t m_start_, m_end_;
  std::int32_t until_ = INT32_MAX;  // no calls from the day of an arrest on
  std::vector<Call> calls_;
};

void CallGen::legit(const Core& c, double scale) {
  const auto& cp = w_.sc.calls;
  const bool away = immigrant(w_, c) || c.category == kCatStudent || c.category == kCatDiaspora;
  double rate = cp.legit_per_month * c.propensity * scale;
  if (away) rate *= (1.0 + cp.diaspora_factor) / 2.0;
  const auto n = ur_.poisson(rate);
  if (n == 0) return;
  // Who a person calls: household, a circle of friends (a pseudo-random partition of the
  // population into circles of 12), colleagues, relatives abroad, shared service numbers.
  const double w_family = c.category == kCatFamily && c.household_size > 1 ? 0.35 : 0;
  const double w_colleague = c.category == kCatBusiness ? 0.2 : 0;
  const double w_home = away ? 0.1 * cp.diaspora_factor : 0.03;
  const double weights[] = {w_family, 0.3, w_colleague, w_home, cp.hub_share, 0.05};
  const Phone own = w_.main_phone(c, 0);
  const std::uint64_t n_legit = w_.legit_count;
  const std::uint64_t circle_key = stream_key(kTagCircle, w_.sc.seed);
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::int64_t t = random_time(until_);
    if (t < 0) return;
    const auto day = static_cast<std::int32_t>(t / 86400);
    Phone callee;
    std::uint32_t dur;
    switch (ur_.weighted(weights)) {
      case 0: {
        const std::uint64_t first = c.pid - c.member;
        std::uint64_t other = first + ur_.below(c.household_size);
        if (other == c.pid) other = first + (c.member + 1) % c.household_size;
        callee = person_phone(other, day);
        dur = duration(300);
        break;
      }
      case 1: {
        if (c.pid >= n_legit) { callee = hub_phone(); dur = duration(90); break; }
        const std::uint64_t pos = util::permute(c.pid, n_legit, circle_key);
        const std::uint64_t base = pos / 12 * 12;
        const std::uint64_t friend_pos = std::min(n_legit - 1, base + ur_.below(12));
        callee = person_phone(util::unpermute(friend_pos, n_legit, circle_key), day);
        dur = duration(180);
        break;
      }
      case 2: {
        const auto& block = w_.blocks[6];
        const std::uint64_t first = block.first + c.household * block.household_size;
        const std::uint64_t size = std::min<std::uint64_t>(block.household_size, block.first + block.count - first);
        callee = person_phone(first + ur_.below(size), day);
        dur = duration(240);
        break;
      }
      case 3: callee = home_contact(c); dur = duration(600); break;
      case 4: callee = hub_phone(); dur = duration(90); break;
      default:
        callee = person_phone(ur_.below(std::max<std::uint64_t>(1, n_legit)), day);
        dur = duration(60);
        break;
    }
    add(t, own, 0, callee, dur);
  }
}

void CallGen::smuggler(const Core& c) {
  const std::size_t s = c.pid - w_.smuggler_first;
  const auto& rec = w_.smugglers[s];
  const auto M = static_cast<std::size_t>(w_.months);
  const std::int32_t org = w_.smuggler_org[s * M + static_cast<std::size_t>(m_)];
  until_ = rec.arrest_day;
  // Each SIM registered under an alias is also a private phone: it calls the person's family at
  // home (aliases.sim_calls_per_month) every month he is free, in an organization or not, which
  // is what ties it to his other phones. Own stream per (person, month, SIM), so the member's
  // other calls keep their draws.
  for (std::uint32_t sim = 1; sim < rec.identities; ++sim) {
    Rng sr(w_.sc.seed, stream_key(kTagAlias, c.pid, static_cast<std::uint64_t>(m_) * 4 + sim));
    const std::int32_t end = std::min(m_end_, rec.arrest_day);
    if (end <= m_start_) break;
    const auto calls = sr.poisson(w_.sc.aliases.sim_calls_per_month);
    for (std::uint64_t i = 0; i < calls; ++i) {
      const std::int64_t t = std::int64_t{m_start_} * 86400 +
                             static_cast<std::int64_t>(sr.below(static_cast<std::uint64_t>(end - m_start_) * 86400));
      const Phone home = w_.phone(static_cast<std::int16_t>(home_country(w_, c)),
                                  w_.slot_contact_base + c.pid * 4 + sr.below(4));
      add(t, w_.main_phone(c, sim), sim, home,
          static_cast<std::uint32_t>(std::max(1.0, 400 * std::exp(sr.normal(0, 0.9)))));
    }
  }
  if (org < 0 || rec.arrest_day <= m_start_) {
    // Outside an organization (before joining, after leaving): an ordinary phone life, unless
    // in prison.
    if (rec.arrest_day > m_start_) legit(c, 0.5);
    return;
  }
  const auto idx = w_.org_month_index[static_cast<std::size_t>(m_) * static_cast<std::size_t>(w_.org_count) +
                                      static_cast<std::size_t>(org)];
  const auto& om = w_.org_months[static_cast<std::size_t>(idx)];
  const auto& op = w_.sc.organizations;
  // Ties inside the organization: ~7x likelier within a route stage, ~3x less likely within a
  // role (Campana 2018); each tie is a stable property of the pair. Organizers run every stage,
  // so their ties to any stage are as dense as within one: the few actors who bridge the
  // segments of a smuggling chain (Campana 2018).
  const bool organizer = rec.role == static_cast<std::uint8_t>(Role::kOrganizer);
  std::vector<std::uint64_t> ties;
  std::uint64_t anchor = UINT64_MAX;
  for (std::uint32_t i = 0; i < om.members_count; ++i) {
    const std::uint64_t q = w_.membership_person[om.members_begin + i];
    if (q == c.pid) continue;
    const auto& qr = w_.smugglers[q - w_.smuggler_first];
    const bool bridged = qr.stage == rec.stage || organizer || qr.role == static_cast<std::uint8_t>(Role::kOrganizer);
    double p = op.tie_density * (bridged ? op.same_stage_factor : 1.0) *
               (qr.role == rec.role ? op.same_role_factor : 1.0);
    const std::uint64_t lo = std::min(q, c.pid), hi = std::max(q, c.pid);
    const double u = static_cast<double>(mix64(stream_key(kTagTie, lo, hi) ^ w_.sc.seed) >> 11) * 0x1.0p-53;
    if (u < std::min(1.0, p)) ties.push_back(q);
    if (qr.stage == rec.stage && (anchor == UINT64_MAX || q < anchor)) anchor = q;
  }
  if (ties.empty() && anchor != UINT64_MAX) ties.push_back(anchor);
  if (ties.empty() && om.members_count > 0) ties.push_back(w_.membership_person[om.members_begin]);
  // Organizers keep off the phone (leaders are often not central: Agreste et al.).
  const double role_factor = rec.role == static_cast<std::uint8_t>(Role::kOrganizer) ? 0.5
                           : rec.role == static_cast<std::uint8_t>(Role::kRecruiter) ||
                                     rec.role == static_cast<std::uint8_t>(Role::kTransporter)
                               ? 1.3 : 1.0;
  const auto n = ur_.poisson(w_.sc.calls.smuggler_per_month * role_factor);
  const auto& clients_now = w_.trips_by_org_month[static_cast<std::size_t>(m_) * static_cast<std::size_t>(w_.org_count) + static_cast<std::size_t>(org)];
  const std::vector<std::uint32_t>* clients_next =
      m_ + 1 < w_.months ? &w_.trips_by_org_month[static_cast<std::size_t>(m_ + 1) * static_cast<std::size_t>(w_.org_count) + static_cast<std::size_t>(org)]
                         : nullptr;
  const std::vector<std::uint32_t>* clients_prev =
      m_ > 0 ? &w_.trips_by_org_month[static_cast<std::size_t>(m_ - 1) * static_cast<std::size_t>(w_.org_count) + static_cast<std::size_t>(org)]
             : nullptr;
  const bool destination = rec.stage == kStageDestination;
  const double weights[] = {0.65, 0.15, 0.1, 0.05, 0.05};
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::int64_t t = random_time(rec.arrest_day);
    if (t < 0) break;
    const auto day = static_cast<std::int32_t>(t / 86400);
    std::uint32_t k = 0;
    const Phone caller = w_.phone_at(c, day, &k);
    switch (ur_.weighted(weights)) {
      case 0: {
        const std::uint64_t q = ties[ur_.below(ties.size())];
        if (w_.smugglers[q - w_.smuggler_first].arrest_day <= day) break;
        add(t, caller, k, person_phone(q, day), duration(70));
        break;
      }
      case 1: {
        // The destination stage deals with clients once they have arrived (onward travel, the
        // final payment); the origin and transit stages before and during the journey.
        const auto* other = destination ? clients_prev : clients_next;
        const auto* list = other && !other->empty() && ur_.chance(0.5) ? other : &clients_now;
        if (list->empty()) break;
        const auto& trip = w_.trips[(*list)[ur_.below(list->size())]];
        const std::int32_t arrival = trip.day + trip.gap_days + 1;
        if (destination ? day <= arrival : day > (rec.stage == kStageOrigin ? trip.day : arrival)) break;
        const std::uint64_t mi = trip.first_migrant + ur_.below(trip.migrants);
        add(t, caller, k, w_.main_phone(w_.person(w_.migrant_first + mi), 0), duration(120));
        break;
      }
      case 2: add(t, w_.main_phone(c, 0), 0, home_contact(c), duration(400)); break;
      case 3: add(t, caller, k, hub_phone(), duration(90)); break;
      default:
        add(t, caller, k, person_phone(ur_.below(std::max<std::uint64_t>(1, w_.legit_count)), day),
            duration(60));
        break;
    }
  }
}

void CallGen::migrant(const Core& c) {
  const std::uint64_t mi = c.pid - w_.migrant_first;
  const auto& trip = w_.trips[w_.migrant_trip[mi]];
  const int tm = trip.month;
  if (m_ < tm - 1 || m_ > tm + 1) {
    // Before recruitment and once settled: an ordinary phone life, much of it calling home.
    legit(c, 0.6);
    return;
  }
  const auto& cp = w_.sc.calls;
  const auto n = ur_.poisson(cp.migrant_per_month);
  const Phone own = w_.main_phone(c, 0);
  // Before departure the migrant deals with the recruiter who booked; after arrival with a
  // coordinator abroad and, above all, with family at home.
  std::int64_t coordinator = -1;
  if (m_ <= tm + 1) {
    const auto idx = w_.org_month_index[static_cast<std::size_t>(tm) * static_cast<std::size_t>(w_.org_count) +
                                        static_cast<std::size_t>(trip.org)];
    if (idx >= 0) {
      const auto& om = w_.org_months[static_cast<std::size_t>(idx)];
      for (std::uint32_t i = 0; i < om.members_count; ++i) {
        const auto q = w_.membership_person[om.members_begin + i];
        if (w_.smugglers[q - w_.smuggler_first].role == static_cast<std::uint8_t>(Role::kCoordinatorAbroad)) {
          coordinator = static_cast<std::int64_t>(q);
          break;
        }
      }
    }
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::int64_t t = random_time(m_end_);
    const auto day = static_cast<std::int32_t>(t / 86400);
    const bool before = day <= trip.day;
    const double u = ur_.uniform();
    if (before && u < 0.55) {
      const std::uint64_t booker = w_.smuggler_first + static_cast<std::uint64_t>(trip.booker);
      if (w_.smugglers[static_cast<std::size_t>(trip.booker)].arrest_day > day)
        add(t, own, 0, person_phone(booker, day), duration(90));
    } else if (!before && coordinator >= 0 && u < 0.3 &&
               w_.smugglers[static_cast<std::size_t>(coordinator) - w_.smuggler_first].arrest_day > day) {
      add(t, own, 0, person_phone(static_cast<std::uint64_t>(coordinator), day), duration(90));
    } else {
      add(t, own, 0, home_contact(c), duration(500));
    }
  }
}

// --- subscribers ----------------------------------------------------------------------------

class SubscriberGen {
 public:
  SubscriberGen(const WorldModel& w, FeedChunk& out, std::uint64_t unit)
      : w_(w), sink_{out, 'S', w.subscriber_key(unit)}, ur_(w.sc.seed, stream_key(kTagSubscriber, unit)), unit_(unit) {
    const auto& a = w.sc.feeds.subscribers_agencies;
    agency_ = a[ur_.below(a.size())];
  }

  void run() {
    if (unit_ < w_.subscriber_alias_base) {
      if (!ur_.chance(w_.sc.subscribers.coverage)) return;
      const Core c = w_.person(unit_);
      const std::int32_t day = w_.start_day - static_cast<std::int32_t>(ur_.between(30, 8 * 365));
      person_row(c, 0, w_.main_phone(c, 0), day);
    } else if (unit_ < w_.subscriber_burner_base) {
      const std::uint64_t i = unit_ - w_.subscriber_alias_base;
      const std::uint64_t s = i / 3;
      const auto k = static_cast<std::uint32_t>(1 + i % 3);
      const Core c = w_.person(w_.smuggler_first + s);
      if (k >= c.identities) return;
      const std::int32_t day = w_.start_day - static_cast<std::int32_t>(ur_.between(0, 2 * 365));
      person_row(c, k, w_.main_phone(c, k), day);
    } else if (unit_ < w_.subscriber_agency_base) {
      const std::uint64_t i = unit_ - w_.subscriber_burner_base;
      const std::size_t s = i / w_.burner_epochs;
      const std::uint64_t e = i % w_.burner_epochs;
      const auto& rec = w_.smugglers[s];
      if (!rec.burner) return;
      const std::int32_t epoch_start = w_.start_day - rec.burner_offset +
                                       static_cast<std::int32_t>(e) * rec.burner_days;
      const std::int32_t first_use = std::max(epoch_start, w_.start_day);
      if (first_use >= w_.end_day || epoch_start + rec.burner_days <= w_.start_day) return;
      if (!w_.smuggler_active(s, first_use) || w_.burner_epoch(s, first_use) != static_cast<std::int64_t>(e)) return;
      if (!ur_.chance(w_.sc.subscribers.burner_registered_share)) return;
      const Core c = w_.person(w_.smuggler_first + s);
      std::uint32_t k = 0;
      const Phone p = w_.phone_at(c, first_use, &k);
      person_row(c, k, p, first_use - static_cast<std::int32_t>(ur_.below(3)));
    } else {
      const auto& ag = w_.agencies[unit_ - w_.subscriber_agency_base];
      std::string& out = sink_.out.csv;
      sink_.begin(kNoPerson, 0);
      lead(w_.phone(ag.country, ag.phone_slot));
      out += ",,";
      put_field(out, ag.name);
      out += ",,";
      put_iso3(out, ag.country);
      out += ",,";
      util::put_timestamp(out, (std::int64_t{w_.start_day} - static_cast<std::int64_t>(ur_.between(100, 3000))) * 86400 +
                                   static_cast<std::int64_t>(ur_.below(86400)));
      out += '\n';
    }
  }

 private:
  void lead(const Phone& p) {
    std::string& out = sink_.out.csv;
    put_field(out, agency_);
    out += ',';
    put_releasable(out, ur_, w_.sc.feeds);
    out += ',';
    out.append(p.view());
  }

  void person_row(const Core& c, std::uint32_t k, const Phone& p, std::int32_t day) {
    const Identity id = w_.identity(c, k);
    std::string& out = sink_.out.csv;
    sink_.begin(c.pid, k);
    lead(p);
    out += ',';
    NameObs name;
    observe_name(w_, id, ur_, name);
    put_field(out, name.given);
    out += ',';
    put_field(out, name.family);
    out += ',';
    observe_dob(out, id.dob, ur_, w_.sc.noise);
    out += ',';
    put_iso3(out, id.nationality);
    out += ',';
    if (!ur_.chance(w_.sc.noise.missing_document)) {
      std::string doc;
      w_.document_number(doc, id, day, ur_.chance(0.6));
      if (ur_.chance(w_.sc.noise.document_typo)) document_typo(doc, ur_);
      out += doc;
    }
    out += ',';
    util::put_timestamp(out, std::int64_t{day} * 86400 + static_cast<std::int64_t>(ur_.below(86400)));
    out += '\n';
  }

  const WorldModel& w_;
  Sink sink_;
  Rng ur_;
  std::uint64_t unit_;
  std::string_view agency_;
};

// --- enforcement ----------------------------------------------------------------------------

void enforcement_row(const WorldModel& w, FeedChunk& out, std::uint64_t unit) {
  const auto& ev = w.events[unit];
  Sink sink{out, 'E', unit};
  Rng r(w.sc.seed, stream_key(kTagEnforcement, 2, unit));
  const auto& agencies = w.sc.feeds.enforcement_agencies;
  const Core c = w.person(ev.person);
  const Identity id = w.identity(c, ev.identity);
  std::string& csv = out.csv;
  sink.begin(ev.person, ev.identity);
  put_field(csv, agencies[r.below(agencies.size())]);
  csv += ',';
  put_releasable(csv, r, w.sc.feeds);
  csv += ',';
  util::put_date(csv, ev.day);
  csv += ',';
  csv += kActionNames[static_cast<std::size_t>(ev.action)];
  csv += ',';
  if (!r.chance(w.sc.noise.missing_document)) {
    std::string doc;
    const auto plan = w.is_migrant(ev.person) ? w.migrant_plan(ev.person - w.migrant_first)
                                              : WorldModel::MigrantPlan{};
    if (ev.doc_mode == 1 && plan.doc_swap)
      w.forged_document(doc, ev.person, 0, plan.forged_country);
    else
      w.document_number(doc, id, ev.day);
    if (r.chance(w.sc.noise.document_typo)) document_typo(doc, r);
    csv += doc;
  }
  csv += ',';
  NameObs name;
  observe_name(w, id, r, name);
  put_field(csv, name.given);
  csv += ',';
  put_field(csv, name.family);
  csv += ',';
  put_field(csv, w.geo.airport(ev.airport).city);
  // Police take the birth date of whoever they arrest or turn back, and an arrest record notes
  // the phone seized on the person: the one he used the day before, whichever identity it is
  // registered under. Drawn from a stream of their own, so the columns before keep their values.
  Rng xr(w.sc.seed, stream_key(kTagEnforcement, 3, unit));
  csv += ',';
  observe_dob(csv, id.dob, xr, w.sc.noise);
  csv += ',';
  if (ev.action == Action::kArrest && xr.chance(w.sc.enforcement.arrest_phone_share))
    csv.append(w.phone_at(c, ev.day - 1).view());
  csv += '\n';
}

}  // namespace

void World::generate(Feed feed, std::uint64_t begin, std::uint64_t end, FeedChunk& out) const {
  const auto& w = *impl_;
  end = std::min(end, unit_count(feed));
  for (std::uint64_t u = begin; u < end; ++u) {
    switch (feed) {
      case Feed::kTravel: TravelGen(w, out, u).run(); break;
      case Feed::kCalls: CallGen(w, out, u).run(); break;
      case Feed::kSubscribers: SubscriberGen(w, out, u).run(); break;
      case Feed::kEnforcement: enforcement_row(w, out, u); break;
    }
  }
}

}  // namespace ch::world
