#include "jobs/assess.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "cluster/collectives.hpp"
#include "io/provenance.hpp"
#include "io/table.hpp"
#include "jobs/cli.hpp"
#include "jobs/config.hpp"
#include "jobs/log.hpp"
#include "kernels/assess/assess.hpp"
#include "kernels/network/evidence.hpp"

namespace ch::jobs {
namespace {

using assess::MemberRole;
constexpr std::uint64_t kNone = std::numeric_limits<std::uint64_t>::max();
constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

// "YYYY-MM" → months since 1970-01 (network::month_of's scale); INT32_MIN when malformed.
std::int32_t month_index(std::string_view label) {
  int y = 0, m = 0;
  const char* p = label.data();
  if (label.size() != 7 || label[4] != '-' || std::from_chars(p, p + 4, y).ptr != p + 4 ||
      std::from_chars(p + 5, p + 7, m).ptr != p + 7 || m < 1 || m > 12)
    return std::numeric_limits<std::int32_t>::min();
  return (y - 1970) * 12 + m - 1;
}

std::string month_label(std::int32_t month) {
  const int y = 1970 + static_cast<int>(month >= 0 ? month / 12 : (month - 11) / 12);
  const int m = static_cast<int>(month - (y - 1970) * 12) + 1;
  return fmt::format("{:04d}-{:02d}", y, m);
}

// Entity ids of communities.h5 are uint64 or decimal strings (edge-list input): accept both.
std::vector<std::uint64_t> id_column(const io::Table& t, const std::string& name) {
  const auto& c = t.column(name);
  if (const auto* v = std::get_if<std::vector<std::uint64_t>>(&c.data)) return *v;
  std::vector<std::uint64_t> out;
  if (const auto* s = std::get_if<std::vector<std::string>>(&c.data)) {
    for (const auto& x : *s) {
      std::uint64_t v = kNone;
      std::from_chars(x.data(), x.data() + x.size(), v);
      out.push_back(v);
    }
    return out;
  }
  throw UsageError("column '" + name + "' is neither uint64 nor string");
}

std::string join(const std::vector<std::string>& v, const char* sep = ";") {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// Most frequent keys, ties by key: "k1;k2;k3".
std::string top_keys(const std::map<std::string, std::uint64_t>& counts, std::size_t n) {
  std::vector<std::pair<std::uint64_t, std::string>> v;
  for (const auto& [k, c] : counts)
    if (!k.empty()) v.push_back({c, k});
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size() && i < n; ++i) out.push_back(v[i].second);
  return join(out);
}

constexpr std::uint32_t kNoId = std::numeric_limits<std::uint32_t>::max();

// Strings numbered in order of first appearance (an io::StringColumn coded as it is filled: an
// open-addressing table, where a std::unordered_map of views cost a node per distinct string).
// The empty string gets no number.
class Numbering {
 public:
  // Numbers the cells of `column` whose row passes `take`: per cell, its number, or kNoId when
  // empty or not taken.
  template <class Take>
  std::vector<std::uint32_t> add(const io::StringColumn& column, Take take) {
    std::vector<std::uint32_t> out(column.size(), kNoId);
    column.for_each([&](std::size_t i, std::string_view v) {
      if (v.empty() || !take(i)) return;
      seen_.push_back(v);
      out[i] = seen_.codes().back();
    });
    return out;
  }
  std::vector<std::uint32_t> add(const io::StringColumn& column) {
    return add(column, [](std::size_t) { return true; });
  }
  // How many numbers there are.
  std::size_t size() const { return seen_.values().size(); }
  std::string_view text(std::uint32_t number) const { return seen_.values()[number]; }
  // Numbers in the order of their strings.
  std::vector<std::uint32_t> in_text_order() const {
    const auto& v = seen_.values();
    // By the first eight bytes as a big-endian word, then whole strings only on a tie: a sort
    // of views comparing bytes far apart in memory took a second for 1.2 M booking refs.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(v.size());
    for (std::uint32_t k = 0; k < v.size(); ++k) {
      std::uint64_t w = 0;
      for (std::size_t j = 0; j < 8; ++j) w = w << 8 | (j < v[k].size() ? static_cast<unsigned char>(v[k][j]) : 0u);
      keyed[k] = {w, k};
    }
    std::sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
      return x.first != y.first ? x.first < y.first : v[x.second] < v[y.second];
    });
    std::vector<std::uint32_t> order(keyed.size());
    for (std::size_t k = 0; k < keyed.size(); ++k) order[k] = keyed[k].second;
    return order;
  }

 private:
  io::StringColumn seen_ = io::StringColumn::coded();
};

// Whether an entity is in a set, one byte per entity id (ids are observation numbers, below a
// known bound): the scans below look up both ends of every edge (11.7 M on medium) several
// times, and hashing them was most of their time.
class EntitySet {
 public:
  template <class Entities>
  EntitySet(std::size_t bound, const Entities& members) : in_(bound, 0) {
    add(members);
  }
  template <class Entities>
  void add(const Entities& members) {
    for (const std::uint64_t e : members) {
      if (e >= in_.size()) in_.resize(e + 1, 0);  // not expected: ids come from the observations
      in_[e] = 1;
    }
  }
  bool count(std::uint64_t e) const { return e < in_.size() && in_[e] != 0; }

 private:
  std::vector<std::uint8_t> in_;
};

// The observation rows of each entity, ascending, in one array by entity id (ids are observation
// numbers): 900 k vectors in a hash map cost a node and a block each, and visiting them missed
// the cache twice per entity.
class EntityRows {
 public:
  explicit EntityRows(const std::vector<std::uint64_t>& entity_of) {
    const std::size_t bound = entity_of.empty() ? 0 : *std::max_element(entity_of.begin(), entity_of.end()) + 1;
    first_.assign(bound + 1, 0);
    for (const auto e : entity_of) ++first_[e + 1];
    std::partial_sum(first_.begin(), first_.end(), first_.begin());
    rows_.resize(entity_of.size());
    std::vector<std::size_t> at(first_.begin(), first_.end() - 1);
    for (std::size_t i = 0; i < entity_of.size(); ++i) rows_[at[entity_of[i]]++] = i;
  }
  // One past the largest entity id.
  std::size_t bound() const { return first_.size() - 1; }
  std::span<const std::size_t> operator[](std::uint64_t e) const {
    if (e + 1 >= first_.size()) return {};
    return {rows_.data() + first_[e], first_[e + 1] - first_[e]};
  }
  // Calls f(entity, rows) for every entity with rows, by ascending id.
  template <class F>
  void for_each(F&& f) const {
    for (std::uint64_t e = 0; e + 1 < first_.size(); ++e)
      if (first_[e + 1] > first_[e]) f(e, (*this)[e]);
  }

 private:
  std::vector<std::size_t> first_, rows_;
};

// Text views the observation columns, which assess holds to the end.
struct Booking {
  std::string_view ref;
  std::vector<std::size_t> rows;     // observation rows
  std::vector<std::uint64_t> pax;    // distinct entities, sorted
  std::string_view payment;          // the last row's that names one
  std::uint32_t payment_id = kNoId;  // its number (Numbering)
  std::vector<std::uint32_t> phones;  // numbers of its distinct phones, ascending
  std::int64_t departure = std::numeric_limits<std::int64_t>::max();
  bool smuggling = false;
};

struct Organization {
  std::vector<std::uint64_t> aides;    // sorted entity ids
  std::vector<std::uint64_t> clients;  // sorted
  std::vector<std::string> bookings;   // smuggling booking refs
  assess::SignatureEvidence sig;
  double score = 0;
  std::int64_t id = 0, previous_id = -1;
  std::uint64_t merged_into = kNone;  // a predecessor: the smallest aide of the organization it merged into
  std::set<std::int32_t> months;
  std::uint64_t community = kNone;
};

// One bit per slot (the low `bits` bits of a key): a few thousand keys among tens of millions
// looked up — call ends, monthly ties — turn away almost every other key before a hash lookup.
class SlotBits {
 public:
  explicit SlotBits(unsigned bits) : mask_((std::uint64_t{1} << bits) - 1), words_((mask_ >> 6) + 1, 0) {}
  void add(std::uint64_t key) { words_[(key & mask_) >> 6] |= std::uint64_t{1} << (key & 63); }
  bool maybe(std::uint64_t key) const { return words_[(key & mask_) >> 6] >> (key & 63) & 1; }

 private:
  std::uint64_t mask_;
  std::vector<std::uint64_t> words_;
};

}  // namespace

ReferralRules default_referral_rules() {
  ReferralRules r;
  r.agency_by_issue = {{"document_fraud", "border_police"},
                       {"trafficking_indicators", "police"},
                       {"facilitator_abroad", "interpol"},
                       {"terrorist_travel_watch", "counter_terrorism"}};
  r.text = "[issues]\ndocument_fraud = \"border_police\"\ntrafficking_indicators = \"police\"\n"
           "facilitator_abroad = \"interpol\"\nterrorist_travel_watch = \"counter_terrorism\"\n";
  return r;
}

ReferralRules load_referral_rules(const std::filesystem::path& file) {
  toml::table t;
  try {
    t = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw UsageError("--referrals " + file.string() + ": " + std::string(e.description()));
  }
  ReferralRules r;
  static const std::set<std::string> kIssues = {"document_fraud", "trafficking_indicators", "facilitator_abroad",
                                                "terrorist_travel_watch"};
  for (const auto& [k, v] : t) {
    const std::string key(k.str());
    if (key == "issues") {
      if (!v.is_table()) throw UsageError(file.string() + ": [issues] must be a table");
      for (const auto& [ik, iv] : *v.as_table()) {
        const std::string issue(ik.str());
        if (!kIssues.count(issue)) throw UsageError(file.string() + ": issues." + issue + ": unknown issue type");
        if (!iv.is_string()) throw UsageError(file.string() + ": issues." + issue + ": expected an agency name");
        r.agency_by_issue[issue] = *iv.value<std::string>();
      }
    } else if (key == "jurisdiction") {
      if (!v.is_array_of_tables()) throw UsageError(file.string() + ": jurisdiction must be [[jurisdiction]] tables");
      for (const auto& e : *v.as_array()) {
        const auto& jt = *e.as_table();
        const auto issue = jt["issue"].value_or(std::string("*"));
        const auto country = jt["country"].value<std::string>();
        const auto agency = jt["agency"].value<std::string>();
        if (!country || !agency) throw UsageError(file.string() + ": [[jurisdiction]] needs country and agency");
        if (issue != "*" && !kIssues.count(issue)) throw UsageError(file.string() + ": jurisdiction issue '" + issue + "' unknown");
        r.agency_by_jurisdiction[{issue, *country}] = *agency;
      }
    } else if (key == "watch_transit") {
      if (!v.is_array()) throw UsageError(file.string() + ": watch_transit must be an array of airport codes");
      for (const auto& e : *v.as_array()) r.watch_transit.push_back(e.value_or(std::string()));
    } else {
      throw UsageError(file.string() + ": unknown key '" + key + "' (issues, jurisdiction, watch_transit)");
    }
  }
  for (const auto& i : kIssues)
    if (!r.agency_by_issue.count(i)) r.agency_by_issue[i] = default_referral_rules().agency_by_issue[i];
  std::ostringstream os;
  os << t;
  r.text = os.str() + "\n";
  return r;
}

AssessConfig load_assess_config(const JobEnv& env) {
  AssessConfig c;
  c.referrals = default_referral_rules();
  for (const auto& o : stage_overrides(env.overrides, "assess")) {
    const auto eq = o.find('=');
    const std::string key = o.substr(7, eq == std::string::npos ? std::string::npos : eq - 7);
    const std::string value = eq == std::string::npos ? "" : o.substr(eq + 1);
    double number = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || end != value.data() + value.size() || number < 0)
      throw UsageError("--set assess." + key + ": expected a non-negative number, got '" + value + "'");
    auto u32 = [&] { return static_cast<std::uint32_t>(number); };
    if (key == "min_aides") c.min_aides = u32();
    else if (key == "score_threshold") c.score_threshold = number;
    else if (key == "min_concealment") c.min_concealment = number;
    else if (key == "min_stop_hours") c.min_stop_hours = number;
    else if (key == "max_stop_hours") c.max_stop_hours = number;
    else if (key == "max_owner_entities") c.max_owner_entities = u32();
    else if (key == "linked_share") c.linked_share = number;
    else if (key == "expand_min_ties") c.expand_min_ties = std::max(1u, u32());
    else if (key == "burner_days") c.burner_days = number;
    else if (key == "evidence_max_ids") c.evidence_max_ids = std::max(1u, u32());
    else if (key == "max_leads") c.max_leads = u32();
    else if (key == "match_jaccard") c.match_jaccard = number;
    else if (key == "part_share") c.part_share = number;
    else if (key == "gap_months") c.gap_months = static_cast<std::int64_t>(number);
    else if (key == "client_contact_days") c.client_contact_days = number;
    else if (key == "late_contact_min_clients") c.late_contact_min_clients = std::max(1u, u32());
    else if (key == "min_predecessor_aides") c.min_predecessor_aides = std::max(1u, u32());
    else if (key == "twin_max_partners") c.twin_max_partners = u32();
    else
      throw UsageError("--set assess." + key + ": unknown key (min_aides, score_threshold, min_concealment, min_stop_hours, "
                       "max_stop_hours, max_owner_entities, linked_share, expand_min_ties, burner_days, evidence_max_ids, "
                       "max_leads, match_jaccard, part_share, gap_months, client_contact_days, late_contact_min_clients, "
                       "min_predecessor_aides, twin_max_partners)");
  }
  c.text = fmt::format(
      "[assess]\nmin_aides = {}\nscore_threshold = {}\nmin_concealment = {}\nmin_stop_hours = {}\nmax_stop_hours = {}\n"
      "max_owner_entities = {}\nlinked_share = {}\nexpand_min_ties = {}\nburner_days = {}\nevidence_max_ids = {}\nmax_leads = {}\n"
      "match_jaccard = {}\npart_share = {}\ngap_months = {}\nclient_contact_days = {}\nlate_contact_min_clients = {}\n"
      "min_predecessor_aides = {}\ntwin_max_partners = {}\n",
      c.min_aides, c.score_threshold, c.min_concealment, c.min_stop_hours, c.max_stop_hours, c.max_owner_entities, c.linked_share, c.expand_min_ties,
      c.burner_days, c.evidence_max_ids, c.max_leads, c.match_jaccard, c.part_share, c.gap_months, c.client_contact_days, c.late_contact_min_clients,
      c.min_predecessor_aides, c.twin_max_partners);
  return c;
}


void assess(const JobEnv& env, const RunLayout& run, const std::filesystem::path& previous,
            const std::filesystem::path& out, const AssessConfig& cfg) {
  const auto& ctx = env.ctx;
  StageTimer timer(env, "assess");
  PhaseClock phase(ctx, "assess");
  const std::string started = io::utc_now();
  env.fault_point("assess", "start");
  for (const auto& f : {run.records(), run.entities(), run.network(), run.communities()})
    if (!std::filesystem::is_regular_file(f))
      throw UsageError("assess: missing " + f.string() + " (run the earlier stages first)");
  if (!previous.empty())
    for (const auto& f : {RunLayout{previous}.assessment(), RunLayout{previous}.entities()})
      if (!std::filesystem::is_regular_file(f)) throw UsageError("assess: --previous: missing " + f.string());

  // ---- load (on rank 0: see the header) ----------------------------------------------------
  // Every phase but the call scan runs on rank 0 alone. Run on every rank, each copy of that same
  // work took 35 % longer than one copy alone (medium: journeys and bookings 8.5 → 11.5 s), and
  // the others waited for rank 0 at the call scan anyway. The other ranks read the tables' columns
  // with no rows — every loop below runs over nothing there — and scan their share of the calls.
  const bool root = ctx.is_root();
  const io::TableReader records(ctx, run.records()), entities(ctx, run.entities()), network(ctx, run.network()),
      communities(ctx, run.communities());
  const auto on_root = [&](const io::TableReader& r, const std::string& group, const std::vector<std::string>& columns = {},
                           io::StringCells cells = io::StringCells::kStrings) {
    return root ? r.read(group, 0, r.rows(group), columns, cells) : r.read(group, 0, 0, columns, cells);
  };
  // Text as StringColumns: fifteen columns of every observation, on one rank (as std::strings,
  // 32 bytes a cell before its text: 2.6 GB on medium).
  const auto obs = on_root(records, "/observations", {"obs", "source", "record_id", "phone", "payment_ref", "booking_ref",
                                                      "nationality", "document_country", "action", "event_utc",
                                                      "given_name", "family_name", "given_name_dm1", "family_name_dm1",
                                                      "dob"},
                           io::StringCells::kColumn);
  const auto membership = on_root(entities, "/membership", {"obs", "entity_id"});
  const auto& entity_of = membership.get<std::uint64_t>("entity_id");
  if (cluster::allreduce_or(ctx, membership.get<std::uint64_t>("obs") != obs.get<std::uint64_t>("obs")))
    throw UsageError("assess: entities.h5 /membership is not in the order of records.h5 /observations");
  const auto& source = obs.text("source");
  const auto& record_id = obs.text("record_id");
  const auto& phone = obs.text("phone");
  const auto& payment = obs.text("payment_ref");
  const auto& booking_ref = obs.text("booking_ref");
  const auto& nationality = obs.text("nationality");
  const auto& doc_country = obs.text("document_country");
  const auto& action = obs.text("action");
  const auto& event_utc = obs.get<std::int64_t>("event_utc");
  const auto& given_name = obs.text("given_name");
  const auto& family_name = obs.text("family_name");
  const auto& given_sound = obs.text("given_name_dm1");
  const auto& family_sound = obs.text("family_name_dm1");
  const auto& dob = obs.text("dob");
  const std::size_t n_obs = entity_of.size();

  // Lookup-only maps (never iterated where order shows) are hashed, or arrays by entity id or by
  // number: assess spent a fifth of its time in ordered-map lookups on medium, later most of its
  // serial time in node-based hash maps.
  const EntityRows rows_of(entity_of);  // entity → observation rows
  auto ids_of_rows = [&](std::span<const std::size_t> rows) {
    std::vector<std::string> v;
    for (auto r : rows) v.emplace_back(record_id[r]);
    return assess::evidence_ids(std::move(v), cfg.evidence_max_ids);
  };

  phase.mark("load");
  // ---- journeys and bookings ----------------------------------------------------------------
  const auto seg = on_root(records, "/segments", {"obs", "origin", "destination", "departure_utc"}, io::StringCells::kColumn);
  const auto& seg_obs = seg.get<std::uint64_t>("obs");
  const auto& seg_departure = seg.get<std::int64_t>("departure_utc");
  std::unordered_map<std::uint64_t, std::vector<assess::Leg>> legs;  // views of seg's and obs's text
  seg.text("origin").for_each([&, &destination = seg.text("destination")](std::size_t i, std::string_view origin) {
    const auto r = static_cast<std::size_t>(seg_obs[i]);
    legs[entity_of[r]].push_back({seg_departure[i], origin, destination[i], doc_country[r], seg_obs[i]});
  });
  std::map<std::uint64_t, assess::Journey> journey_client;  // entities on one-way hub journeys
  std::unordered_set<std::uint64_t> returning;               // entities whose legs come back to their origin
  std::vector<std::pair<std::uint64_t, assess::Journey>> others;  // the rest, for the partial-client test
  for (auto& [e, l] : legs) {
    auto j = assess::classify_journey(l, cfg.min_stop_hours, cfg.max_stop_hours);
    if (j.returns) returning.insert(e);
    if (j.one_way_via_hub) journey_client.emplace(e, std::move(j));
    else others.emplace_back(e, std::move(j));
  }
  std::unordered_set<std::uint64_t> partial_client;  // entities holding one half of a client route
  {
    std::vector<assess::Journey> js;
    for (const auto& [e, j] : journey_client) js.push_back(j);
    const auto halves = assess::route_halves(js);
    for (const auto& [e, j] : journey_client)
      if (assess::is_partial_client(j, halves)) partial_client.insert(e);
    for (const auto& [e, j] : others)
      if (assess::is_partial_client(j, halves)) partial_client.insert(e);
  }
  // Bookings in ref order, found by ref through a binary search (find_booking). The phones and
  // payment accounts are numbered once (one number space: one identifier is one string wherever
  // it appears), so the maps keyed by them below are arrays.
  Numbering identifiers;
  const auto phone_number = identifiers.add(phone), payment_number = identifiers.add(payment);
  std::vector<Booking> bookings;
  std::vector<const Booking*> booking_of_row(n_obs, nullptr);
  Numbering booking_refs;  // the bookings' refs view its strings
  {
    const auto ref_of_row = booking_refs.add(booking_ref, [&](std::size_t i) { return source[i] == "travel"; });
    const auto order = booking_refs.in_text_order();
    std::vector<std::uint32_t> place(booking_refs.size()), rows(booking_refs.size(), 0);
    bookings.resize(booking_refs.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
      place[order[k]] = static_cast<std::uint32_t>(k);
      bookings[k].ref = booking_refs.text(order[k]);
    }
    for (const auto r : ref_of_row)
      if (r != kNoId) ++rows[place[r]];
    for (std::size_t k = 0; k < bookings.size(); ++k) bookings[k].rows.reserve(rows[k]), bookings[k].pax.reserve(rows[k]);
    for (std::size_t i = 0; i < n_obs; ++i) {
      if (ref_of_row[i] == kNoId) continue;
      auto& b = bookings[place[ref_of_row[i]]];
      b.rows.push_back(i);
      b.pax.push_back(entity_of[i]);
      if (payment_number[i] != kNoId) b.payment = payment[i], b.payment_id = payment_number[i];
      if (phone_number[i] != kNoId) b.phones.push_back(phone_number[i]);
      if (event_utc[i] != kNoTime) b.departure = std::min(b.departure, event_utc[i]);
      booking_of_row[i] = &b;  // the vector is complete: its elements stay where they are
    }
    for (auto& b : bookings) {
      std::sort(b.phones.begin(), b.phones.end());
      b.phones.erase(std::unique(b.phones.begin(), b.phones.end()), b.phones.end());
    }
  }
  const auto find_booking = [&](std::string_view ref) -> const Booking* {
    const auto it = std::lower_bound(bookings.begin(), bookings.end(), ref,
                                     [](const Booking& b, std::string_view r) { return b.ref < r; });
    return it != bookings.end() && it->ref == ref ? &*it : nullptr;
  };
  // For refs taken from the bookings themselves, which are always found.
  const auto booking = [&](std::string_view ref) -> const Booking& { return *find_booking(ref); };
  // Traits of entities by id (ids are observation numbers: docs/schema.md), for the loops over
  // every passenger and row; the ordered containers stay for what is iterated.
  const std::size_t entity_bound = rows_of.bound();
  enum : std::uint8_t { kReturning = 1, kJourneyClient = 2, kPartialClient = 4, kClient = 8, kEscort = 16 };
  std::vector<std::uint8_t> trait(entity_bound, 0);
  const auto add_trait = [&](std::uint64_t e, std::uint8_t t) {
    if (e >= trait.size()) trait.resize(e + 1, 0);  // not expected: ids come from the observations
    trait[e] |= t;
  };
  const auto has = [&](std::uint64_t e, std::uint8_t t) { return e < trait.size() && (trait[e] & t) != 0; };
  for (const auto e : returning) add_trait(e, kReturning);
  for (const auto& [e, j] : journey_client) add_trait(e, kJourneyClient);
  for (const auto e : partial_client) add_trait(e, kPartialClient);
  std::unordered_map<std::uint64_t, std::vector<std::string>> smuggling_trips;  // entity → smuggling bookings as passenger
  for (auto& b : bookings) {
    std::sort(b.pax.begin(), b.pax.end());
    b.pax.erase(std::unique(b.pax.begin(), b.pax.end()), b.pax.end());
    std::size_t clients = 0;
    for (auto e : b.pax) clients += (has(e, kJourneyClient) ? 1 : 0) + (has(e, kPartialClient) ? 1 : 0);
    std::size_t back = 0;
    for (auto e : b.pax) back += has(e, kReturning) ? 1 : 0;
    b.smuggling = assess::is_smuggling_booking(clients, back, b.pax.size());
  }
  // Bookings on the organizations' own phones and accounts (assess::linked_bookings) smuggle too:
  // the legs of migrants whom the resolver split so that no part looks like a hub journey.
  {
    std::vector<std::uint32_t> first{0}, numbers;  // each booking's identifiers, one after another
    std::vector<bool> smuggling;
    first.reserve(bookings.size() + 1);
    smuggling.reserve(bookings.size());
    for (const auto& b : bookings) {
      numbers.insert(numbers.end(), b.phones.begin(), b.phones.end());
      if (!b.payment.empty() && b.payment != "CASH") numbers.push_back(b.payment_id);
      first.push_back(static_cast<std::uint32_t>(numbers.size()));
      smuggling.push_back(b.smuggling);
    }
    const auto linked = assess::linked_bookings(first, numbers, identifiers.size(), smuggling, cfg.linked_share);
    for (std::size_t k = 0; k < bookings.size(); ++k) {  // the order refs were taken in
      if (!linked[k]) continue;
      auto& b = bookings[k];
      // Round-trippers on it (the booker's own journeys) leave it an ordinary booking.
      if (std::none_of(b.pax.begin(), b.pax.end(), [&](std::uint64_t e) { return has(e, kReturning); }))
        b.smuggling = true;
    }
  }
  for (const auto& b : bookings)
    if (b.smuggling)
      for (auto e : b.pax) smuggling_trips[e].emplace_back(b.ref);
  // Escorts travel with several groups; every other passenger of a smuggling booking is a client.
  std::set<std::uint64_t> escorts, clients;
  for (const auto& [e, j] : journey_client) clients.insert(e);
  for (const auto& [e, refs] : smuggling_trips) {
    std::vector<std::int64_t> departures;
    for (const auto& r : refs) departures.push_back(booking(r).departure);
    std::vector<std::uint64_t> group_obs;
    for (const auto& r : refs)
      for (auto row : booking(r).rows)
        if (entity_of[row] == e) group_obs.push_back(row);
    const bool flew_back = assess::flies_back(legs[e], group_obs);
    if (!has(e, kJourneyClient) && assess::is_escort(departures, flew_back)) escorts.insert(e);
    else clients.insert(e);
  }

  // ---- the network -------------------------------------------------------------------------
  const auto edges = on_root(network, "/edges", {"source", "target", "calls", "first_utc"});
  const auto& ea = edges.get<std::uint64_t>("source");
  const auto& eb = edges.get<std::uint64_t>("target");
  const auto& e_calls = edges.get<std::uint32_t>("calls");
  const auto& e_first = edges.get<std::int64_t>("first_utc");
  auto other = [&](std::size_t edge, std::uint64_t self) { return ea[edge] == self ? eb[edge] : ea[edge]; };

  // A client's phone registration that the resolver kept apart (no birth date, another spelling
  // of the document) would pass for an aide: every client calls the booker and the coordinator.
  {
    // Candidates by spelling and by (sound, sound, birth date) in both orders; same_person_by_name decides.
    auto name_of = [&](std::size_t r) {
      return assess::PersonName{std::string(given_name[r]), std::string(family_name[r]), std::string(dob[r]),
                                std::string(given_sound[r]), std::string(family_sound[r])};
    };
    // A key is three fields joined by NUL bytes (ingest keeps none in a field): looked up only,
    // so hashed; a std::map of string triples cost a second on medium.
    std::unordered_map<std::string, std::vector<std::size_t>> client_rows;  // key → clients' travel rows (a spelling's key has no date)
    auto keys = [&](std::size_t r) {
      auto key = [](std::string_view a, std::string_view b, std::string_view c) {
        std::string k;
        k.reserve(a.size() + b.size() + c.size() + 2);
        k.append(a).append(1, '\0').append(b).append(1, '\0').append(c);
        return k;
      };
      const std::string_view born = dob[r];
      std::vector<std::string> k{key(given_name[r], family_name[r], "")};
      if (!born.empty()) {
        k.push_back(key(given_sound[r], family_sound[r], born));
        k.push_back(key(family_sound[r], given_sound[r], born));
      }
      return k;
    };
    for (auto c : clients)
      for (auto r : rows_of[c])
        if (source[r] == "travel")
          for (auto& k : keys(r)) client_rows[std::move(k)].push_back(r);
    std::vector<std::uint64_t> twins;
    rows_of.for_each([&](std::uint64_t e, std::span<const std::size_t> rows) {
      if (clients.count(e) || escorts.count(e)) return;
      if (std::any_of(rows.begin(), rows.end(), [&](std::size_t r) { return source[r] != "subscribers"; })) return;
      const bool twin = std::any_of(rows.begin(), rows.end(), [&](std::size_t r) {
        for (const auto& k : keys(r))
          if (const auto it = client_rows.find(k); it != client_rows.end()) {
            const auto n = name_of(r);
            for (auto c : it->second)
              if (assess::same_person_by_name(n, name_of(c))) return true;
          }
        return false;
      });
      if (twin) twins.push_back(e);
    });
    // ... and calls like a migrant (assess::calls_like_a_migrant): its call partners, one edge each.
    std::unordered_map<std::uint64_t, std::uint32_t> partners;
    for (auto e : twins) partners[e] = 0;
    const EntitySet is_twin(entity_bound, twins);
    for (std::size_t i = 0; i < ea.size(); ++i) {
      if (e_calls[i] == 0) continue;
      if (is_twin.count(ea[i])) ++partners[ea[i]];
      if (is_twin.count(eb[i])) ++partners[eb[i]];
    }
    for (auto e : twins)
      if (assess::calls_like_a_migrant(partners[e], cfg.twin_max_partners)) clients.insert(e);
  }
  // A client's phone registered by another entity is the client's (assess::clients_own_phone): an
  // entity whose every phone is such a phone is a client too. An aide's phone may be shown once on a
  // client's row (a recruiter booking for one client with one of his SIMs); his other phones are not.
  for (const auto e : escorts) add_trait(e, kEscort);
  const auto mark_clients = [&] {
    for (const auto e : clients) add_trait(e, kClient);
  };
  mark_clients();
  {
    std::vector<std::vector<assess::PhoneOnBooking>> uses_of_phone(identifiers.size());
    std::vector<std::pair<std::uint32_t, std::uint64_t>> holders;  // (phone, entity) of one booking
    for (const auto& b : bookings) {
      holders.clear();
      for (auto r : b.rows)
        if (phone_number[r] != kNoId) holders.emplace_back(phone_number[r], entity_of[r]);
      std::sort(holders.begin(), holders.end());
      holders.erase(std::unique(holders.begin(), holders.end()), holders.end());
      for (std::size_t i = 0, j = 0; i < holders.size(); i = j) {
        while (j < holders.size() && holders[j].first == holders[i].first) ++j;
        const std::size_t h = j - i;
        uses_of_phone[holders[i].first].push_back({b.smuggling, b.pax.size(), h, h == 1 && has(holders[i].second, kClient)});
      }
    }
    // Per phone: 1 when it is a client's own, 0 when not, -1 when on no booking.
    std::vector<std::int8_t> clients_phone(identifiers.size(), -1);
    for (std::size_t p = 0; p < identifiers.size(); ++p)
      if (!uses_of_phone[p].empty()) clients_phone[p] = assess::clients_own_phone(uses_of_phone[p]) ? 1 : 0;
    std::vector<std::uint64_t> registrations;
    rows_of.for_each([&](std::uint64_t e, std::span<const std::size_t> rows) {
      if (has(e, kClient | kEscort)) return;
      bool any = false, all = true;
      for (auto r : rows) {
        if (phone_number[r] == kNoId) continue;
        any = true, all = all && clients_phone[phone_number[r]] == 1;
      }
      if (any && all) registrations.push_back(e);
    });
    clients.insert(registrations.begin(), registrations.end());
    mark_clients();
  }

  // Own identifiers: phones and accounts on a person's records outside smuggling bookings, by
  // number. Owners sorted and made distinct once (a std::set per identifier cost 1–2 s).
  std::vector<std::vector<std::uint64_t>> phone_owner(identifiers.size()), account_owner(identifiers.size());
  for (std::size_t i = 0; i < n_obs; ++i) {
    if (has(entity_of[i], kClient)) continue;
    if (booking_of_row[i] && booking_of_row[i]->smuggling) continue;
    if (phone_number[i] != kNoId) phone_owner[phone_number[i]].push_back(entity_of[i]);
    if (payment_number[i] != kNoId && payment[i] != "CASH") account_owner[payment_number[i]].push_back(entity_of[i]);
  }
  for (auto* m : {&phone_owner, &account_owner})
    for (auto& v : *m) {
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
    }
  auto owners = [&](const std::vector<std::vector<std::uint64_t>>& m, std::uint32_t id) {
    std::vector<std::uint64_t> v;
    if (id != kNoId && m[id].size() <= cfg.max_owner_entities) v = m[id];
    return v;
  };
  // Whether one of a booking's passengers holds the account that paid it.
  auto paid_by_passenger = [&](const Booking& b) {
    if (b.payment_id == kNoId) return false;
    const auto& holders = account_owner[b.payment_id];
    return std::any_of(b.pax.begin(), b.pax.end(),
                       [&](std::uint64_t e) { return std::binary_search(holders.begin(), holders.end(), e); });
  };
  std::map<std::uint64_t, std::set<std::string>> booked_by, paid_by, escorted_by;  // aide → smuggling bookings
  for (const auto& b : bookings) {
    if (!b.smuggling) continue;
    const std::string ref(b.ref);
    for (const auto p : b.phones)
      for (auto e : owners(phone_owner, p)) booked_by[e].insert(ref);
    for (auto e : owners(account_owner, b.payment_id)) paid_by[e].insert(ref);
    for (auto e : b.pax)
      if (has(e, kEscort)) escorted_by[e].insert(ref);
  }

  phase.mark("journeys and bookings");

  // Aides: escorts, bookers and financiers of smuggling bookings, then non-clients in contact
  // with several clients or aides (two rounds: the organization's inner circle).
  std::set<std::uint64_t> aides(escorts);
  for (const auto* m : {&booked_by, &paid_by})  // pointers: a braced list of maps would copy them
    for (const auto& [e, refs] : *m)
      if (!clients.count(e)) aides.insert(e);
  // One scan over the edges per round: an adjacency of the whole network (millions of entities)
  // cost more than everything it was used for.
  auto expand = [&](const std::set<std::uint64_t>& anchors, std::uint32_t min_ties) {
    const EntitySet anchor(entity_bound, anchors);
    std::unordered_map<std::uint64_t, std::uint32_t> ties;
    for (std::size_t i = 0; i < ea.size(); ++i) {
      if (e_calls[i] == 0) continue;
      if (anchor.count(ea[i])) ++ties[eb[i]];
      if (anchor.count(eb[i])) ++ties[ea[i]];
    }
    std::vector<std::uint64_t> added;
    for (const auto& [e, k] : ties)
      if (k >= min_ties && !clients.count(e) && !aides.count(e)) added.push_back(e);
    return added;
  };
  // Contact with several clients makes an aide only together with a call tie to an aide: the
  // relatives at home whom several migrants of one family call have none. The tie may be to an
  // aide found only by the rounds below (the coordinator's helper at the destination calls him,
  // not the booker); such aides are found by calls themselves, so after each round a contact
  // needs ties to `late_contact_min_clients` clients.
  const auto client_contacts = expand(clients, cfg.expand_min_ties);
  const auto late_client_contacts = expand(clients, cfg.late_contact_min_clients);
  auto add_client_contacts = [&](const std::vector<std::uint64_t>& contacts) {
    const EntitySet aide_set(entity_bound, aides);
    std::unordered_set<std::uint64_t> tied;
    for (std::size_t i = 0; i < ea.size(); ++i) {
      if (e_calls[i] == 0) continue;
      if (aide_set.count(ea[i])) tied.insert(eb[i]);
      if (aide_set.count(eb[i])) tied.insert(ea[i]);
    }
    for (auto e : contacts)
      if (tied.count(e)) aides.insert(e);
  };
  add_client_contacts(client_contacts);
  for (int round = 0; round < 2; ++round) {
    for (auto e : expand(aides, cfg.expand_min_ties)) aides.insert(e);
    add_client_contacts(late_client_contacts);
  }
  const auto aliases = entities.has_table("/aliases") ? on_root(entities, "/aliases", {"entity_a", "entity_b"}) : io::Table{};
  std::map<std::uint64_t, std::set<std::uint64_t>> alias_of;
  if (aliases.rows())
    for (std::size_t i = 0; i < aliases.rows(); ++i) {
      const auto a = aliases.get<std::uint64_t>("entity_a")[i], b = aliases.get<std::uint64_t>("entity_b")[i];
      alias_of[a].insert(b), alias_of[b].insert(a);
    }
  {
    std::vector<std::uint64_t> added;
    for (auto a : aides)
      for (auto b : alias_of[a])
        if (!clients.count(b)) added.push_back(b);
    aides.insert(added.begin(), added.end());
  }
  // Migrants' own phones that no record ties to their journey (assess::contacts_like_a_client).
  {
    const EntitySet aide_set(entity_bound, aides), client_set(entity_bound, clients);
    std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> after_before;  // aide → clients
    for (std::size_t i = 0; i < ea.size(); ++i) {
      if (e_calls[i] == 0) continue;
      for (const auto& [a, c] : {std::pair{ea[i], eb[i]}, std::pair{eb[i], ea[i]}}) {
        if (!aide_set.count(a) || !client_set.count(c)) continue;
        const auto j = journey_client.find(c);
        if (j == journey_client.end()) continue;
        auto& [after, before] = after_before[a];
        ++(assess::contact_after_arrival(e_first[i], j->second) ? after : before);
      }
    }
    auto coordinator = [&](std::uint64_t a) {
      const auto it = after_before.find(a);
      return it != after_before.end() && it->second.first > it->second.second;
    };
    struct FirstContact { std::int64_t other = kNoTime, coordinator = kNoTime; bool client = false; };
    std::unordered_map<std::uint64_t, FirstContact> first;
    auto earliest = [](std::int64_t& t, std::int64_t u) { t = t == kNoTime ? u : std::min(t, u); };
    for (std::size_t i = 0; i < ea.size(); ++i) {
      if (e_calls[i] == 0) continue;
      for (const auto& [a, b] : {std::pair{ea[i], eb[i]}, std::pair{eb[i], ea[i]}}) {
        if (!aide_set.count(a) || escorts.count(a) || booked_by.count(a) || paid_by.count(a)) continue;
        auto& f = first[a];
        if (client_set.count(b)) f.client = true;
        else if (aide_set.count(b)) earliest(coordinator(b) ? f.coordinator : f.other, e_first[i]);
      }
    }
    for (const auto& [a, f] : first)
      if (!f.client && assess::contacts_like_a_client(f.other, f.coordinator, cfg.client_contact_days))
        aides.erase(a), clients.insert(a);
  }
  // Edges of the clients and aides (the only entities looked at from here on), in edge order.
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> adjacency;
  adjacency.reserve(clients.size() + aides.size());
  for (auto e : clients) adjacency[e];
  for (auto e : aides) adjacency[e];
  {
    EntitySet looked_at(entity_bound, aides);
    looked_at.add(clients);
    auto note = [&](std::uint64_t e, std::size_t i) {
      if (looked_at.count(e)) adjacency.find(e)->second.push_back(i);
    };
    for (std::size_t i = 0; i < ea.size(); ++i) note(ea[i], i), note(eb[i], i);
  }

  // Communities: the coarse structure each organization sits in, and centrality.
  const auto cm = on_root(communities, "/membership");
  const auto cm_vertex = id_column(cm, "vertex");
  const auto& cm_comm = cm.get<std::uint64_t>("community");
  std::unordered_map<std::uint64_t, std::uint64_t> community_of;
  for (std::size_t i = 0; i < cm_vertex.size(); ++i) community_of[cm_vertex[i]] = cm_comm[i];
  struct Centrality { double degree = 0, pagerank = 0, betweenness = 0; };
  std::unordered_map<std::uint64_t, Centrality> centrality;
  if (communities.has_table("/centrality")) {
    const auto ct = on_root(communities, "/centrality");
    const auto v = id_column(ct, "vertex");
    for (std::size_t i = 0; i < v.size(); ++i)
      centrality[v[i]] = {ct.get<double>("weighted_degree")[i], ct.get<double>("pagerank")[i], ct.get<double>("betweenness")[i]};
  }
  // Organizations: connected components of aides tied by any evidence, a shared smuggling
  // booking (booker, payer, escort of one group) or an alias link.
  const std::vector<std::uint64_t> aide_list(aides.begin(), aides.end());
  std::unordered_map<std::uint64_t, std::size_t> aide_index;
  for (std::size_t i = 0; i < aide_list.size(); ++i) aide_index[aide_list[i]] = i;
  // Communities bound the components: a stray tie between two organizations' aides (a shared
  // agency phone, a call) must not chain them into one. Inside a community, members who moved
  // between organizations still chain them: assess::organizations cuts between Louvain
  // communities of the aide graph itself.
  auto same_community = [&](std::uint64_t a, std::uint64_t b) {
    const auto ca = community_of.find(a), cb = community_of.find(b);
    return ca != community_of.end() && cb != community_of.end() && ca->second == cb->second;
  };
  std::vector<std::pair<std::size_t, std::size_t>> links;
  const EntitySet is_aide(entity_bound, aide_list);
  for (std::size_t i = 0; i < ea.size(); ++i) {
    if (!is_aide.count(ea[i]) || !is_aide.count(eb[i])) continue;
    const auto ia = aide_index.find(ea[i]), ib = aide_index.find(eb[i]);
    if (ia != aide_index.end() && ib != aide_index.end() && same_community(ea[i], eb[i]))
      links.push_back({ia->second, ib->second});
  }
  {
    std::map<std::string, std::vector<std::size_t>> by_booking;
    for (const auto* m : {&booked_by, &paid_by, &escorted_by})
      for (const auto& [e, refs] : *m)
        if (aide_index.count(e))
          for (const auto& r : refs) by_booking[r].push_back(aide_index[e]);
    for (const auto& [r, v] : by_booking)
      for (std::size_t k = 1; k < v.size(); ++k)
        if (same_community(aide_list[v[0]], aide_list[v[k]])) links.push_back({v[0], v[k]});
    for (const auto& [a, bs] : alias_of)
      for (auto b : bs)
        if (aide_index.count(a) && aide_index.count(b)) links.push_back({aide_index[a], aide_index[b]});
  }
  const auto label = assess::organizations(aide_list.size(), links);
  std::map<std::size_t, Organization> candidates;
  for (std::size_t i = 0; i < aide_list.size(); ++i) candidates[label[i]].aides.push_back(aide_list[i]);
  std::unordered_map<std::uint64_t, std::size_t> org_of_aide;  // entity → candidate label
  for (std::size_t i = 0; i < aide_list.size(); ++i) org_of_aide[aide_list[i]] = label[i];

  // Clients go to the organization they have most ties with (bookings count 3, contacts 1).
  std::map<std::string, std::vector<std::uint64_t>> aides_of_booking;
  for (const auto* m : {&booked_by, &paid_by, &escorted_by})
    for (const auto& [e, refs] : *m)
      for (const auto& r : refs) aides_of_booking[r].push_back(e);
  // The organization (by `org_of`) a client has most ties with, if any (ties: the smaller label).
  auto organization_of_client = [&](std::uint64_t c, const std::unordered_map<std::uint64_t, std::size_t>& org_of) {
    std::map<std::size_t, std::uint32_t> votes;
    for (const auto& ref : smuggling_trips[c])
      for (auto e : aides_of_booking[ref])
        if (const auto it = org_of.find(e); it != org_of.end()) votes[it->second] += 3;
    for (auto edge : adjacency[c])
      if (const auto it = org_of.find(other(edge, c)); it != org_of.end()) ++votes[it->second];
    std::optional<std::size_t> best;
    std::uint32_t best_votes = 0;
    for (const auto& [o, v] : votes)
      if (v > best_votes) best = o, best_votes = v;
    return best;
  };
  for (auto c : clients)
    if (const auto o = organization_of_client(c, org_of_aide)) candidates[*o].clients.push_back(c);

  phase.mark("network, aides, organizations");
  // ---- burner phones: the calls are scanned on each rank's share, reduced exactly -----------
  std::vector<std::string> aide_phones;  // sorted, identical on every rank
  std::unordered_map<std::uint64_t, std::set<std::string>> phones_of;  // aide → own phones
  for (std::uint32_t p = 0; p < phone_owner.size(); ++p)
    for (auto e : phone_owner[p])
      if (aides.count(e)) phones_of[e].emplace(identifiers.text(p)), aide_phones.emplace_back(identifiers.text(p));
  std::sort(aide_phones.begin(), aide_phones.end());
  aide_phones.erase(std::unique(aide_phones.begin(), aide_phones.end()), aide_phones.end());
  // Rank 0's list (the others read no rows, theirs is empty) on every rank, which scans its share
  // of the calls for these phones.
  aide_phones = cluster::allgatherv_strings(ctx, aide_phones);
  std::vector<std::int64_t> first_use(aide_phones.size(), std::numeric_limits<std::int64_t>::max()),
      last_use(aide_phones.size(), std::numeric_limits<std::int64_t>::min());
  std::vector<std::uint64_t> uses(aide_phones.size(), 0);
  std::unordered_map<std::string_view, std::size_t> aide_phone_index;
  for (std::size_t k = 0; k < aide_phones.size(); ++k) aide_phone_index.emplace(aide_phones[k], k);
  // Keyed by a hash of the phone's last eight bytes.
  SlotBits tail_bits(22);
  auto tail_slot = [](std::string_view p) {
    std::uint64_t v = 0;
    std::memcpy(&v, p.data() + (p.size() >= 8 ? p.size() - 8 : 0), std::min<std::size_t>(8, p.size()));
    return (v * 0x9E3779B97F4A7C15ull) >> 42;
  };
  for (const auto& p : aide_phones) tail_bits.add(tail_slot(p));
  auto note_use = [&](std::string_view p, std::int64_t t) {
    if (!tail_bits.maybe(tail_slot(p))) return;
    const auto it = aide_phone_index.find(p);
    if (it == aide_phone_index.end() || t == kNoTime) return;
    const auto k = it->second;
    first_use[k] = std::min(first_use[k], t), last_use[k] = std::max(last_use[k], t), ++uses[k];
  };
  {
    // This rank's share slice by slice, as StringColumns: read whole as std::strings (32 bytes a
    // cell), the calls set the stage's peak (medium, 2 ranks: rank 0 3.05 → 3.93 GB in this phase).
    // Every rank runs the same number of slices.
    const auto slices = io::share_slices(records.rows("/calls"), ctx.rank(), ctx.size(), std::uint64_t{1} << 20);
    for (std::uint64_t k = 0; k < slices.count; ++k) {
      const auto [lo, hi] = slices[k];
      const auto calls = records.read("/calls", lo, hi, {"caller", "callee", "start_utc"}, io::StringCells::kColumn);
      const auto& caller = calls.text("caller");
      const auto& callee = calls.text("callee");
      const auto& start = calls.get<std::int64_t>("start_utc");
      for (std::size_t i = 0; i < start.size(); ++i) {
        note_use(caller[i], start[i]);
        note_use(callee[i], start[i]);
      }
    }
    if (!first_use.empty()) {
      cluster::allreduce_inplace(ctx, std::span<std::int64_t>(first_use), MPI_MIN);
      cluster::allreduce_inplace(ctx, std::span<std::int64_t>(last_use), MPI_MAX);
      cluster::allreduce_sum(ctx, uses);
    } else {
      // Every rank has the same (empty) phone list, so skipping the reductions is collective.
    }
  }
  std::set<std::string> burners;
  for (std::size_t k = 0; k < aide_phones.size(); ++k)
    if (assess::is_burner(first_use[k], last_use[k], static_cast<std::uint32_t>(uses[k]), cfg.burner_days))
      burners.insert(aide_phones[k]);

  phase.mark("burner phones (call scan)");
  // ---- enforcement: arrests of persons ------------------------------------------------------
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> arrests;  // entity → enforcement rows
  for (std::size_t i = 0; i < n_obs; ++i)
    if (source[i] == "enforcement" && action[i] == "arrest") arrests[entity_of[i]].push_back(i);

  // ---- signature, threshold, ids --------------------------------------------------------------
  std::vector<Organization> orgs;
  std::uint64_t candidates_total = 0;
  auto sign = [&](Organization& o) {
    std::set<std::string> refs;
    for (auto c : o.clients)
      for (const auto& r : smuggling_trips[c]) refs.insert(r);
    o.bookings.assign(refs.begin(), refs.end());
    o.sig = {};
    o.sig.aides = static_cast<std::uint32_t>(o.aides.size());
    o.sig.clients = static_cast<std::uint32_t>(o.clients.size());
    o.sig.smuggling_bookings = static_cast<std::uint32_t>(refs.size());
    for (const auto& r : refs) {
      const auto& b = booking(r);
      if (b.pax.size() >= 2 && !b.payment.empty() && b.payment != "CASH" && !paid_by_passenger(b)) ++o.sig.third_party_paid;
    }
    for (auto c : o.clients)
      if (journey_client.count(c) && journey_client[c].document_swap) ++o.sig.document_swaps;
    for (auto a : o.aides) {
      for (const auto& p : phones_of[a]) o.sig.burner_phones += burners.count(p) ? 1u : 0u;
      if (!alias_of[a].empty()) ++o.sig.multiple_identities;
    }
    o.score = assess::signature_score(o.sig);
  };
  for (auto& [lbl, o] : candidates) {
    ++candidates_total;
    sign(o);
    if (o.aides.size() >= cfg.min_aides && o.score >= cfg.score_threshold &&
        assess::concealment_per_aide(o.sig) >= cfg.min_concealment)
      orgs.push_back(std::move(o));
  }
  phase.mark("enforcement, signature");

  // ---- predecessors: organizations that merged during the period ------------------------------
  // Over the whole period they are one organization; each merged part whose members worked mostly
  // before the merger is reported as an organization of its own, merged into the other
  // (assess::predecessors). Its clients follow the part they have most ties with.
  {
    // Every rank scans its share of network.h5 /edges_monthly (20 M rows on medium: 3 s on rank 0
    // alone) for ties between two aides of one organization, with rank 0's aides.
    struct AideSlot {
      std::uint64_t entity;
      std::uint32_t org, index;
    };
    struct TieRow {
      std::uint32_t org, a, b;
      std::int32_t month;
    };
    std::vector<AideSlot> slots;
    for (std::size_t k = 0; k < orgs.size(); ++k)
      for (std::size_t i = 0; i < orgs[k].aides.size(); ++i)
        slots.push_back({orgs[k].aides[i], static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(i)});
    slots = cluster::allgatherv(ctx, std::span<const AideSlot>(slots));  // rank 0's: the others have none
    std::unordered_map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> member_of;  // aide → (org, index)
    for (const auto& a : slots) member_of[a.entity] = {a.org, a.index};
    SlotBits aide_bits(26);  // keyed by the entity id itself
    for (const auto& a : slots) aide_bits.add(a.entity);
    // Every rank has the same list, so skipping the read and the gather when it is empty is collective.
    std::vector<TieRow> found;
    if (!slots.empty()) {
      // Slice by slice, months coded: read whole, with the months as std::strings, the share held
      // ~1.1 GB of fresh memory on one rank (2 s of page faults on these VMs). The slices are a
      // rank's share in row order, so the gathered ties are in row order for any rank count.
      const auto slices = io::share_slices(network.rows("/edges_monthly"), ctx.rank(), ctx.size(), std::uint64_t{1} << 20);
      for (std::uint64_t k = 0; k < slices.count; ++k) {
        const auto [lo, hi] = slices[k];
        const auto monthly = network.read("/edges_monthly", lo, hi, {"source", "target", "month"}, io::StringCells::kColumn);
        const auto& ms = monthly.get<std::uint64_t>("source");
        const auto& mt = monthly.get<std::uint64_t>("target");
        const auto& mm = monthly.text("month");
        for (std::size_t r = 0; r < ms.size(); ++r) {
          if (!aide_bits.maybe(ms[r]) || !aide_bits.maybe(mt[r])) continue;
          const auto a = member_of.find(ms[r]), b = member_of.find(mt[r]);
          if (a != member_of.end() && b != member_of.end() && a->second.first == b->second.first)
            found.push_back({a->second.first, a->second.second, b->second.second, month_index(mm[r])});
        }
      }
      found = cluster::allgatherv(ctx, std::span<const TieRow>(found));
    }
    std::vector<std::vector<assess::MemberTie>> ties(orgs.size());  // empty on the other ranks
    for (const auto& t : found)
      if (t.org < ties.size()) ties[t.org].push_back({t.a, t.b, t.month});
    const std::size_t kept = orgs.size();
    for (std::size_t k = 0; k < kept; ++k) {
      const auto piece = assess::predecessors(orgs[k].aides.size(), std::move(ties[k]), cfg.min_aides,
                                                cfg.min_predecessor_aides);
      const std::uint32_t n = piece.empty() ? 0 : *std::max_element(piece.begin(), piece.end());
      if (n == 0) continue;
      std::vector<Organization> parts(n + 1);
      std::unordered_map<std::uint64_t, std::size_t> part_of;
      for (std::size_t i = 0; i < piece.size(); ++i) {
        parts[piece[i]].aides.push_back(orgs[k].aides[i]);
        part_of[orgs[k].aides[i]] = piece[i];
      }
      for (auto c : orgs[k].clients) parts[organization_of_client(c, part_of).value_or(0)].clients.push_back(c);
      for (auto& part : parts) sign(part);
      for (std::uint32_t p = 1; p <= n; ++p) {
        parts[p].merged_into = parts[0].aides.front();
        orgs.push_back(std::move(parts[p]));
      }
      orgs[k] = std::move(parts[0]);
    }
  }
  std::sort(orgs.begin(), orgs.end(), [](const Organization& a, const Organization& b) {
    return a.aides.size() != b.aides.size() ? a.aides.size() > b.aides.size() : a.aides.front() < b.aides.front();
  });
  std::unordered_map<std::uint64_t, std::size_t> org_index;  // entity (aide or client) → index in orgs
  for (std::size_t k = 0; k < orgs.size(); ++k) {
    orgs[k].id = static_cast<std::int64_t>(k + 1);
    for (auto e : orgs[k].aides) org_index[e] = k;
    for (auto e : orgs[k].clients) org_index[e] = k;
  }

  for (auto& o : orgs) {
    std::map<std::uint64_t, std::uint64_t> votes;
    for (auto a : o.aides)
      if (community_of.count(a)) ++votes[community_of[a]];
    std::uint64_t best = 0;
    for (const auto& [c, v] : votes)
      if (v > best) best = v, o.community = c;
    for (const auto& r : o.bookings) o.months.insert(network::month_of(booking(r).departure));
  }
  phase.mark("predecessors");
  // ---- members and roles ------------------------------------------------------------------------
  struct MemberRow {
    std::int64_t org;
    std::uint64_t entity;
    MemberRole role;
    std::string evidence, evidence_ids;
    assess::RoleEvidence counts;
    double key_actor = 0;
    Centrality c;
    bool arrested = false;
    std::uint32_t identities = 1, phones = 0, burner_phones = 0, clients_tied = 0;
  };
  std::vector<MemberRow> members;
  std::vector<std::vector<std::size_t>> members_of(orgs.size());
  for (std::size_t k = 0; k < orgs.size(); ++k) {
    const auto& o = orgs[k];
    std::vector<MemberRow> rows;
    std::vector<std::vector<std::uint64_t>> partners_of;  // by row, sorted
    for (auto a : o.aides) {
      MemberRow m{o.id, a, MemberRole::kRecruiter, "", "", {}, 0, centrality.count(a) ? centrality[a] : Centrality{},
                  arrests.count(a) > 0, 1, 0, 0, 0};
      m.counts.escorted_bookings = static_cast<std::uint32_t>(escorted_by[a].size());
      m.counts.booked_bookings = static_cast<std::uint32_t>(booked_by[a].size());
      m.counts.paid_bookings = static_cast<std::uint32_t>(paid_by[a].size());
      std::set<std::uint64_t> partners, tied_clients;
      for (auto edge : adjacency[a]) {
        const auto b = other(edge, a);
        const auto it = org_index.find(b);
        if (it == org_index.end() || it->second != k) continue;
        if (std::binary_search(o.aides.begin(), o.aides.end(), b)) {
          partners.insert(b);
        } else if (e_calls[edge] > 0 && journey_client.count(b)) {
          tied_clients.insert(b);
          const auto& j = journey_client[b];
          if (assess::contact_after_arrival(e_first[edge], j)) ++m.counts.clients_after;
          else ++m.counts.clients_before;
          if (j.document_swap) ++m.counts.document_changes;
        }
      }
      m.counts.member_partners = static_cast<std::uint32_t>(partners.size());
      partners_of.emplace_back(partners.begin(), partners.end());
      m.clients_tied = static_cast<std::uint32_t>(tied_clients.size() + m.counts.escorted_bookings +
                                                  m.counts.booked_bookings + m.counts.paid_bookings);
      m.identities = static_cast<std::uint32_t>(1 + alias_of[a].size());
      m.phones = static_cast<std::uint32_t>(phones_of[a].size());
      for (const auto& p : phones_of[a]) m.burner_phones += burners.count(p) ? 1u : 0u;
      m.evidence_ids = ids_of_rows(rows_of[a]);
      rows.push_back(std::move(m));
    }
    std::uint32_t max_partners = 0, max_after = 0;
    for (const auto& m : rows) max_partners = std::max(max_partners, m.counts.member_partners), max_after = std::max(max_after, m.counts.clients_after);
    std::unordered_set<std::uint64_t> destination;  // aides who deal with arrived clients
    for (const auto& m : rows)
      if (m.counts.clients_after > m.counts.clients_before) destination.insert(m.entity);
    for (std::size_t r = 0; r < rows.size(); ++r)
      for (auto b : partners_of[r]) rows[r].counts.destination_partners += destination.count(b) ? 1u : 0u;
    for (auto& m : rows) {
      m.counts.max_member_partners = max_partners;
      auto v = assess::infer_role(m.counts);
      m.role = v.role;
      m.evidence = std::move(v.evidence);
      m.key_actor = assess::key_actor_score(m.counts, max_after);
    }
    for (auto c : o.clients) {
      MemberRow m{o.id, c, MemberRole::kClient, "", "", {}, 0, centrality.count(c) ? centrality[c] : Centrality{},
                  arrests.count(c) > 0, 1, 0, 0, 0};
      const auto it = journey_client.find(c);
      m.evidence = it != journey_client.end()
                       ? fmt::format("one-way journey {}>{}>{}{}", it->second.origin, it->second.transit,
                                     it->second.destination, it->second.document_swap ? ", document changed" : "")
                       : fmt::format("passenger on {} smuggling bookings", smuggling_trips[c].size());
      m.evidence_ids = ids_of_rows(rows_of[c]);
      rows.push_back(std::move(m));
    }
    for (auto& m : rows) members_of[k].push_back(members.size()), members.push_back(std::move(m));
  }

  phase.mark("members and roles");
  // ---- schemes, corridors, trends -------------------------------------------------------------
  struct SchemeRow { std::int64_t org; std::string scheme; std::uint64_t count; std::string evidence; };
  std::vector<SchemeRow> schemes;
  struct CorridorKey { std::string origin, transit, destination; std::int32_t month; auto operator<=>(const CorridorKey&) const = default; };
  struct CorridorCell { std::uint64_t clients = 0; std::set<std::string> bookings; std::set<std::int64_t> orgs; std::vector<std::string> ids; };
  std::map<CorridorKey, CorridorCell> corridors;
  std::map<std::tuple<std::string, std::string, std::int32_t>, std::uint64_t> series;  // (kind, key, month) → clients
  std::map<std::int64_t, std::string> org_corridors, org_nationalities;
  std::map<std::int64_t, std::uint64_t> org_clients_moved;
  for (std::size_t k = 0; k < orgs.size(); ++k) {
    auto& o = orgs[k];
    std::vector<std::string> third, oneway, swaps, burner_ids, alias_ids, cash, split;
    for (const auto& r : o.bookings) {
      const auto& b = booking(r);
      if (b.pax.size() >= 2 && !b.payment.empty() && b.payment != "CASH" && !paid_by_passenger(b)) third.emplace_back(record_id[b.rows.front()]);
      if (b.payment == "CASH") cash.emplace_back(record_id[b.rows.front()]);
    }
    std::map<std::string, std::uint64_t> corridor_count, nat_count;
    for (auto c : o.clients) {
      const auto jt = journey_client.find(c);
      if (smuggling_trips[c].size() >= 2) split.emplace_back(record_id[rows_of[c].front()]);
      std::string nat;
      for (auto r : rows_of[c])
        if (!nationality[r].empty()) { nat = nationality[r]; break; }
      if (jt == journey_client.end()) continue;
      const auto& j = jt->second;
      oneway.emplace_back(record_id[rows_of[c].front()]);
      if (j.document_swap) swaps.emplace_back(record_id[rows_of[c].front()]);
      const auto month = network::month_of(j.departure_utc);
      auto& cell = corridors[{j.origin, j.transit, j.destination, month}];
      ++cell.clients;
      cell.orgs.insert(o.id);
      for (const auto& r : smuggling_trips[c]) cell.bookings.insert(r);
      cell.ids.emplace_back(record_id[rows_of[c].front()]);
      const std::string route = j.origin + ">" + j.transit + ">" + j.destination;
      ++corridor_count[route];
      ++nat_count[nat];
      ++series[{"corridor", route, month}];
      ++series[{"nationality", nat, month}];
      ++series[{"organization", std::to_string(o.id), month}];
      o.months.insert(month);
    }
    for (auto a : o.aides) {
      for (const auto& p : phones_of[a])
        if (burners.count(p)) burner_ids.push_back(p);
      if (!alias_of[a].empty()) alias_ids.emplace_back(record_id[rows_of[a].front()]);
    }
    org_corridors[o.id] = top_keys(corridor_count, 3);
    org_nationalities[o.id] = top_keys(nat_count, 3);
    org_clients_moved[o.id] = o.clients.size();
    auto add = [&](const char* name, std::vector<std::string> ids) {
      const auto n = ids.size();
      schemes.push_back({o.id, name, n, assess::evidence_ids(std::move(ids), cfg.evidence_max_ids)});
    };
    add("group_booking_third_party_payment", third);
    add("one_way_via_hub", oneway);
    add("document_swap_between_legs", swaps);
    add("burner_phones", burner_ids);  // evidence: the phone numbers themselves
    add("multiple_identities", alias_ids);
    add("cash_payment", cash);
    add("split_booking", split);
  }

  phase.mark("schemes, corridors, trends");
  // ---- leads ----------------------------------------------------------------------------------
  struct LeadRow {
    std::string kind, subject;
    std::uint64_t entity;
    std::int64_t org;
    double score;
    std::string reason, evidence, issue, jurisdiction;
  };
  std::vector<LeadRow> leads;
  for (const auto& m : members) {
    if (m.role == MemberRole::kClient) continue;
    const auto& o = orgs[static_cast<std::size_t>(m.org - 1)];
    assess::LeadEvidence le{m.key_actor, m.clients_tied, m.counts.booked_bookings + m.counts.paid_bookings + m.counts.escorted_bookings,
                            m.identities, m.burner_phones, o.score,
                            m.role == MemberRole::kOrganizer || m.role == MemberRole::kFinancier ||
                                m.role == MemberRole::kCoordinatorAbroad};
    std::string nat;
    for (auto r : rows_of[m.entity])
      if (!nationality[r].empty()) { nat = nationality[r]; break; }
    std::string issue = m.role == MemberRole::kCoordinatorAbroad ? "facilitator_abroad"
                        : m.role == MemberRole::kDocumentSupplier || m.identities > 1 ? "document_fraud"
                                                                                      : "trafficking_indicators";
    leads.push_back({"person", std::to_string(m.entity), m.entity, m.org, assess::lead_score(le),
                     fmt::format("{} of organization {}: {}; {} identities, {} burner phones{}", assess::role_name(m.role), m.org,
                                 m.evidence, m.identities, m.burner_phones, m.arrested ? "; already arrested" : ""),
                     m.evidence_ids, issue, nat});
    for (const auto& p : phones_of[m.entity])
      if (burners.count(p))
        leads.push_back({"phone", p, m.entity, m.org, 0.8 * assess::lead_score(le),
                         fmt::format("burner phone of a {} of organization {} (used < {} days)", assess::role_name(m.role), m.org, cfg.burner_days),
                         m.evidence_ids, "trafficking_indicators", nat});
  }
  for (const auto& o : orgs)
    for (const auto& r : o.bookings) {
      const auto& b = booking(r);
      std::uint64_t lead_entity = kNone;
      for (auto e : aides_of_booking[r])
        if (org_index.count(e) && std::binary_search(o.aides.begin(), o.aides.end(), e)) { lead_entity = e; break; }
      std::uint32_t swapped = 0;
      for (auto e : b.pax) swapped += journey_client.count(e) && journey_client[e].document_swap ? 1u : 0u;
      std::vector<std::size_t> rows(b.rows);
      leads.push_back({"booking", r, lead_entity, o.id, o.score * 0.5 * (static_cast<double>(b.pax.size()) / (b.pax.size() + 3.0)),
                       fmt::format("group of {} on a smuggling booking of organization {}{}", b.pax.size(), o.id,
                                   swapped ? fmt::format(", {} changed documents", swapped) : std::string()),
                       ids_of_rows(rows), swapped ? "document_fraud" : "trafficking_indicators", ""});
    }
  for (const auto& [key, cell] : corridors) {
    const bool watch = std::find(cfg.referrals.watch_transit.begin(), cfg.referrals.watch_transit.end(), key.transit) !=
                       cfg.referrals.watch_transit.end();
    leads.push_back({"route", fmt::format("{}>{}>{} {}", key.origin, key.transit, key.destination, month_label(key.month)), kNone,
                     *cell.orgs.begin(), 0.3 * static_cast<double>(cell.clients) / (cell.clients + 5.0) + (watch ? 0.2 : 0.0),
                     fmt::format("{} clients moved by {} organization(s) through {}{}", cell.clients, cell.orgs.size(), key.transit,
                                 watch ? " (transit on the watch list)" : ""),
                     assess::evidence_ids(cell.ids, cfg.evidence_max_ids), watch ? "terrorist_travel_watch" : "trafficking_indicators",
                     key.destination});
  }
  std::sort(leads.begin(), leads.end(), [](const LeadRow& a, const LeadRow& b) {
    return std::tie(b.score, a.kind, a.subject) < std::tie(a.score, b.kind, b.subject);
  });
  if (leads.size() > cfg.max_leads) leads.resize(cfg.max_leads);
  auto agency_for = [&](const std::string& issue, const std::string& where) {
    for (const auto& key : {std::pair{issue, where}, std::pair{std::string("*"), where}})
      if (const auto it = cfg.referrals.agency_by_jurisdiction.find(key); it != cfg.referrals.agency_by_jurisdiction.end())
        return it->second;
    const auto it = cfg.referrals.agency_by_issue.find(issue);
    return it == cfg.referrals.agency_by_issue.end() ? std::string("police") : it->second;
  };

  // The last month of any booking: once, not per organization (that loop over every booking
  // was two thirds of assess on medium).
  std::int32_t period_end = 0;
  for (const auto& b : bookings)
    if (b.departure != std::numeric_limits<std::int64_t>::max()) period_end = std::max(period_end, network::month_of(b.departure));

  phase.mark("leads");
  // ---- progress against an earlier run ------------------------------------------------------
  struct ProgressRow {
    std::int64_t previous_id;
    std::string fate, successors;
    double best_jaccard;
    std::uint64_t members_before, members_found, removed;
    double capacity_before, capacity_after, capacity_change, index;
    std::string evidence;
  };
  std::vector<ProgressRow> progress;
  double overall_index = 0;
  if (!previous.empty()) {
    const RunLayout prev{previous};
    const io::TableReader pa(ctx, prev.assessment()), pe(ctx, prev.entities());
    const auto pm = on_root(pa, "/members", {"organization", "entity", "role"});
    const auto po = on_root(pa, "/organizations", {"id", "clients", "active_months"});
    const auto pmem = on_root(pe, "/membership", {"record_id", "entity_id"});
    // Entity ids differ between runs; record ids do not: a previous member stands for every
    // current entity holding some of its records (the two resolutions may cut a person with
    // several identities differently; mapping to one entity only lost a quarter of the overlap).
    std::unordered_map<std::string, std::uint64_t> current_of_record;
    for (std::size_t i = 0; i < n_obs; ++i) current_of_record.emplace(record_id[i], entity_of[i]);
    std::map<std::uint64_t, std::set<std::uint64_t>> mapped;  // earlier entity → current entities
    {
      std::set<std::uint64_t> wanted(pm.get<std::uint64_t>("entity").begin(), pm.get<std::uint64_t>("entity").end());
      const auto& rid = pmem.get<std::string>("record_id");
      const auto& pent = pmem.get<std::uint64_t>("entity_id");
      for (std::size_t i = 0; i < rid.size(); ++i)
        if (wanted.count(pent[i]))
          if (const auto it = current_of_record.find(rid[i]); it != current_of_record.end()) mapped[pent[i]].insert(it->second);
    }
    std::map<std::int64_t, std::vector<std::uint64_t>> before;
    std::map<std::int64_t, std::uint64_t> before_size, found_size;
    const auto& p_org = pm.get<std::int64_t>("organization");
    const auto& p_ent = pm.get<std::uint64_t>("entity");
    const auto& p_role = pm.get<std::string>("role");
    for (std::size_t i = 0; i < p_org.size(); ++i) {
      if (p_role[i] == "client") continue;
      ++before_size[p_org[i]];
      if (!mapped[p_ent[i]].empty()) ++found_size[p_org[i]];
      for (auto e : mapped[p_ent[i]]) before[p_org[i]].push_back(e);
    }
    std::vector<std::int64_t> prev_ids;
    std::vector<std::vector<std::uint64_t>> earlier;
    for (auto& [id, v] : before_size) {
      auto& s = before[id];
      std::sort(s.begin(), s.end());
      s.erase(std::unique(s.begin(), s.end()), s.end());
      prev_ids.push_back(id);
      earlier.push_back(s);
    }
    // The earlier run's last month: its organizations' latest last_seen.
    std::int32_t earlier_end = std::numeric_limits<std::int32_t>::min();
    {
      const auto pl = on_root(pa, "/organizations", {"last_seen"});
      for (const auto& seen : pl.get<std::string>("last_seen")) earlier_end = std::max(earlier_end, month_index(seen));
    }
    // An aide is compared with the earlier run when some evidence shows it active in the
    // organization by then: its first tie to another of the organization's members or clients,
    // or a smuggling booking it made, paid or escorted. (Ties outside are its ordinary life,
    // before it joined too.)
    auto active_by = [&](std::uint64_t a, std::size_t k, std::int32_t month) {
      for (auto edge : adjacency[a])
        if (const auto it = org_index.find(other(edge, a));
            it != org_index.end() && it->second == k && network::month_of(e_first[edge]) <= month)
          return true;
      for (const auto* m : {&booked_by, &paid_by, &escorted_by})
        if (const auto it = m->find(a); it != m->end())
          for (const auto& ref : it->second)
            if (const auto* b = find_booking(ref); b && network::month_of(b->departure) <= month) return true;
      return false;
    };
    std::vector<std::vector<std::uint64_t>> later;
    for (std::size_t k = 0; k < orgs.size(); ++k) {
      later.emplace_back();
      for (auto a : orgs[k].aides)
        if (active_by(a, k, earlier_end)) later.back().push_back(a);
    }
    const assess::FateOptions fate_options{cfg.match_jaccard, cfg.part_share, cfg.gap_months};
    const auto parts = assess::continuations(earlier, later, fate_options);
    // When the earlier organization still works: months with a tie between two of its members
    // or of its continuations' members (network.h5 /edges_monthly). Both, because the later
    // run's resolution gives a member's new burner phones and aliases entities of their own,
    // which the earlier run never saw.
    std::vector<std::set<std::int32_t>> active(earlier.size());
    {
      std::unordered_map<std::uint64_t, std::vector<std::size_t>> circles;  // entity → earlier organizations
      auto add = [&](std::uint64_t e, std::size_t i) {
        auto& v = circles[e];
        if (v.empty() || v.back() != i) v.push_back(i);
      };
      for (std::size_t i = 0; i < earlier.size(); ++i) {
        std::vector<std::uint64_t> circle = earlier[i];
        for (const auto& c : parts[i]) circle.insert(circle.end(), orgs[c.later].aides.begin(), orgs[c.later].aides.end());
        std::sort(circle.begin(), circle.end());
        circle.erase(std::unique(circle.begin(), circle.end()), circle.end());
        for (auto e : circle) add(e, i);
      }
      const auto monthly = on_root(network, "/edges_monthly", {"source", "target", "month"});
      const auto& ms = monthly.get<std::uint64_t>("source");
      const auto& mt = monthly.get<std::uint64_t>("target");
      const auto& mm = monthly.get<std::string>("month");
      for (std::size_t r = 0; r < ms.size(); ++r) {
        const auto a = circles.find(ms[r]), b = circles.find(mt[r]);
        if (a == circles.end() || b == circles.end()) continue;
        for (auto i : a->second)
          if (std::find(b->second.begin(), b->second.end(), i) != b->second.end()) active[i].insert(month_index(mm[r]));
      }
    }
    // Months in which enforcement arrested the members of each earlier and each later organization.
    auto arrest_months = [&](const std::vector<std::uint64_t>& people) {
      std::set<std::int32_t> months;
      for (auto e : people)
        if (const auto it = arrests.find(e); it != arrests.end())
          for (auto row : it->second) months.insert(network::month_of(event_utc[row]));
      return months;
    };
    std::vector<std::set<std::int32_t>> raided, raided_later;
    for (const auto& was : earlier) raided.push_back(arrest_months(was));
    for (const auto& o : orgs) raided_later.push_back(arrest_months(o.aides));
    const auto fates = assess::classify_fates(parts, active, raided, raided_later, earlier_end, period_end, fate_options);
    std::map<std::int64_t, double> prev_capacity;
    for (std::size_t i = 0; i < po.rows(); ++i)
      prev_capacity[po.get<std::int64_t>("id")[i]] = static_cast<double>(po.get<std::uint64_t>("clients")[i]) /
                                                     std::max<double>(1, po.get<std::uint32_t>("active_months")[i]);
    double weighted = 0, weight = 0;
    for (std::size_t i = 0; i < prev_ids.size(); ++i) {
      const auto& f = fates[i];
      ProgressRow r{prev_ids[i], assess::fate_name(f.fate), "", f.best_jaccard, before_size[prev_ids[i]],
                    found_size[prev_ids[i]], 0, prev_capacity[prev_ids[i]], 0, 0, 0, ""};
      std::vector<std::string> succ, ids;
      for (auto k : f.successors) {
        succ.push_back(std::to_string(orgs[k].id));
        r.capacity_after += static_cast<double>(orgs[k].clients.size()) / std::max<double>(1, static_cast<double>(orgs[k].months.size()));
        if ((f.fate == assess::Fate::kPersisted || f.fate == assess::Fate::kReconstituted) && orgs[k].previous_id < 0)
          orgs[k].previous_id = prev_ids[i];
      }
      for (auto e : earlier[i])
        if (arrests.count(e)) {
          ++r.removed;
          for (auto row : arrests[e]) ids.emplace_back(record_id[row]);
        }
      r.successors = join(succ);
      r.capacity_change = r.capacity_after - r.capacity_before;
      r.index = f.fate == assess::Fate::kDissolved ? 1.0
                : r.capacity_before > 0 ? std::clamp(1.0 - r.capacity_after / r.capacity_before, 0.0, 1.0) : 0.0;
      r.evidence = assess::evidence_ids(std::move(ids), cfg.evidence_max_ids);
      weighted += r.index * static_cast<double>(r.members_before);
      weight += static_cast<double>(r.members_before);
      progress.push_back(std::move(r));
    }
    overall_index = weight > 0 ? weighted / weight : 0.0;
  }

  phase.mark("progress");
  // ---- write: rank 0 computed the rows and contributes them -----------------------------------
  io::TableWriter writer(ctx, out);
  std::map<std::string, std::uint64_t> counts;
  auto write = [&](const std::string& group, io::Table& t) {
    counts[group] = cluster::allreduce_sum<std::uint64_t>(ctx, t.rows());
    writer.write_table(group, t);
  };
  {
    std::vector<std::int64_t> id, prev_id, merged_into;
    std::vector<std::uint64_t> community, moved, identities, phones, arrested;
    std::unordered_map<std::uint64_t, std::int64_t> id_by_first_aide;
    for (const auto& o : orgs) id_by_first_aide[o.aides.front()] = o.id;
    std::vector<std::uint32_t> size, active;
    std::vector<double> score, cohesion;
    std::vector<std::string> first, last, corr, nats, status, evidence;
    if (root)
      for (std::size_t k = 0; k < orgs.size(); ++k) {
        const auto& o = orgs[k];
        id.push_back(o.id);
        prev_id.push_back(o.previous_id);
        merged_into.push_back(o.merged_into == kNone ? -1 : id_by_first_aide.at(o.merged_into));
        community.push_back(o.community);
        size.push_back(static_cast<std::uint32_t>(o.aides.size()));
        moved.push_back(o.clients.size());
        active.push_back(static_cast<std::uint32_t>(o.months.size()));
        first.push_back(o.months.empty() ? "" : month_label(*o.months.begin()));
        last.push_back(o.months.empty() ? "" : month_label(*o.months.rbegin()));
        corr.push_back(org_corridors[o.id]);
        nats.push_back(org_nationalities[o.id]);
        std::uint64_t ids = 0, ph = 0, arr = 0, internal = 0;
        for (auto a : o.aides) {
          ids += 1 + alias_of[a].size();
          ph += phones_of[a].size();
          arr += arrests.count(a);
          for (auto edge : adjacency[a])
            if (other(edge, a) > a && std::binary_search(o.aides.begin(), o.aides.end(), other(edge, a))) ++internal;
        }
        identities.push_back(ids);
        phones.push_back(ph);
        arrested.push_back(arr);
        const double n = static_cast<double>(o.aides.size());
        cohesion.push_back(n > 1 ? static_cast<double>(internal) / (n * (n - 1) / 2) : 0.0);
        score.push_back(o.score);
        const std::int32_t last_month = o.months.empty() ? 0 : *o.months.rbegin();
        status.push_back(o.merged_into != kNone         ? "merged"
                         : period_end - last_month >= 2 ? "inactive"
                         : arr > 0                      ? "disrupted"
                                                        : "active");
        std::vector<std::string> ev;
        for (const auto& r : o.bookings) ev.emplace_back(record_id[booking(r).rows.front()]);
        evidence.push_back(assess::evidence_ids(ev, cfg.evidence_max_ids));
      }
    io::Table t;
    t.add("id", std::move(id)).add("previous_id", std::move(prev_id)).add("merged_into", std::move(merged_into))
        .add("community", std::move(community))
        .add("score", std::move(score)).add("size", std::move(size)).add("clients", std::move(moved))
        .add("active_months", std::move(active)).add("first_seen", std::move(first)).add("last_seen", std::move(last))
        .add("main_corridors", std::move(corr)).add("nationalities", std::move(nats)).add("identities", std::move(identities))
        .add("phones", std::move(phones)).add("arrested", std::move(arrested)).add("cohesion", std::move(cohesion))
        .add("status", std::move(status), io::StringEncoding::kDictionary).add("evidence", std::move(evidence));
    write("/organizations", t);
  }
  {
    std::vector<std::int64_t> org;
    std::vector<std::uint64_t> entity;
    std::vector<std::string> role, evidence, ids;
    std::vector<std::uint32_t> escorted, booked, paid, before, after, partners, identities, burner;
    std::vector<std::uint8_t> arrested;
    std::vector<double> key_actor, degree, pagerank, betweenness;
    if (root)
      for (const auto& m : members) {
        org.push_back(m.org), entity.push_back(m.entity), role.push_back(assess::role_name(m.role));
        evidence.push_back(m.evidence), ids.push_back(m.evidence_ids);
        escorted.push_back(m.counts.escorted_bookings), booked.push_back(m.counts.booked_bookings);
        paid.push_back(m.counts.paid_bookings), before.push_back(m.counts.clients_before);
        after.push_back(m.counts.clients_after), partners.push_back(m.counts.member_partners);
        identities.push_back(m.identities), burner.push_back(m.burner_phones);
        arrested.push_back(m.arrested ? 1 : 0), key_actor.push_back(m.key_actor);
        degree.push_back(m.c.degree), pagerank.push_back(m.c.pagerank), betweenness.push_back(m.c.betweenness);
      }
    io::Table t;
    t.add("organization", std::move(org)).add("entity", std::move(entity)).add("role", std::move(role), io::StringEncoding::kDictionary)
        .add("evidence", std::move(evidence)).add("escorted_bookings", std::move(escorted)).add("booked_bookings", std::move(booked))
        .add("paid_bookings", std::move(paid)).add("clients_before", std::move(before)).add("clients_after", std::move(after))
        .add("member_ties", std::move(partners)).add("identities", std::move(identities)).add("burner_phones", std::move(burner))
        .add("arrested", std::move(arrested)).add("key_actor_score", std::move(key_actor)).add("weighted_degree", std::move(degree))
        .add("pagerank", std::move(pagerank)).add("betweenness", std::move(betweenness)).add("evidence_ids", std::move(ids));
    write("/members", t);
  }
  {
    std::vector<std::string> o, tr, d, month, orgs_col, ids;
    std::vector<std::uint64_t> clients_col, bookings_col;
    if (root)
      for (const auto& [k, c] : corridors) {
        o.push_back(k.origin), tr.push_back(k.transit), d.push_back(k.destination), month.push_back(month_label(k.month));
        clients_col.push_back(c.clients), bookings_col.push_back(c.bookings.size());
        std::vector<std::string> os;
        for (auto x : c.orgs) os.push_back(std::to_string(x));
        orgs_col.push_back(join(os)), ids.push_back(assess::evidence_ids(c.ids, cfg.evidence_max_ids));
      }
    io::Table t;
    t.add("origin", std::move(o), io::StringEncoding::kDictionary).add("transit", std::move(tr), io::StringEncoding::kDictionary)
        .add("destination", std::move(d), io::StringEncoding::kDictionary).add("month", std::move(month), io::StringEncoding::kDictionary)
        .add("clients", std::move(clients_col)).add("bookings", std::move(bookings_col)).add("organizations", std::move(orgs_col))
        .add("evidence", std::move(ids));
    write("/corridors", t);
  }
  {
    // Monthly series over the whole span of months seen, zeros included, so changes are honest.
    std::int32_t lo = std::numeric_limits<std::int32_t>::max(), hi = std::numeric_limits<std::int32_t>::min();
    std::set<std::pair<std::string, std::string>> keys;
    for (const auto& [k, v] : series) lo = std::min(lo, std::get<2>(k)), hi = std::max(hi, std::get<2>(k)), keys.insert({std::get<0>(k), std::get<1>(k)});
    std::vector<std::string> kind, key, month;
    std::vector<std::uint64_t> value, prev_value;
    std::vector<std::int64_t> change;
    if (root)
      for (const auto& [kd, ky] : keys)
        for (std::int32_t m = lo; m <= hi; ++m) {
          const auto it = series.find({kd, ky, m});
          const auto pit = series.find({kd, ky, m - 1});
          const std::uint64_t v = it == series.end() ? 0 : it->second, pv = pit == series.end() ? 0 : pit->second;
          kind.push_back(kd), key.push_back(ky), month.push_back(month_label(m));
          value.push_back(v), prev_value.push_back(pv), change.push_back(static_cast<std::int64_t>(v) - static_cast<std::int64_t>(pv));
        }
    io::Table t;
    t.add("series", std::move(kind), io::StringEncoding::kDictionary).add("key", std::move(key), io::StringEncoding::kDictionary)
        .add("month", std::move(month), io::StringEncoding::kDictionary).add("clients", std::move(value))
        .add("previous", std::move(prev_value)).add("change", std::move(change));
    write("/trends", t);
  }
  {
    std::vector<std::int64_t> org;
    std::vector<std::string> scheme, evidence;
    std::vector<std::uint64_t> count;
    if (root)
      for (const auto& s : schemes) org.push_back(s.org), scheme.push_back(s.scheme), count.push_back(s.count), evidence.push_back(s.evidence);
    io::Table t;
    t.add("organization", std::move(org)).add("scheme", std::move(scheme), io::StringEncoding::kDictionary)
        .add("count", std::move(count)).add("evidence", std::move(evidence));
    write("/schemes", t);
  }
  {
    std::vector<std::uint32_t> rank;
    std::vector<std::string> kind, subject, reason, evidence, agency, issue, jurisdiction;
    std::vector<std::uint64_t> entity;
    std::vector<std::int64_t> org;
    std::vector<double> score;
    std::vector<std::string> r_agency, r_issue, r_subject, r_jur, r_reason;
    std::vector<std::uint32_t> r_rank;
    std::vector<std::int64_t> r_org;
    if (root)
      for (std::size_t i = 0; i < leads.size(); ++i) {
        const auto& l = leads[i];
        const auto ag = agency_for(l.issue, l.jurisdiction);
        rank.push_back(static_cast<std::uint32_t>(i + 1)), kind.push_back(l.kind), subject.push_back(l.subject);
        entity.push_back(l.entity), org.push_back(l.org), score.push_back(l.score), reason.push_back(l.reason);
        evidence.push_back(l.evidence), agency.push_back(ag), issue.push_back(l.issue), jurisdiction.push_back(l.jurisdiction);
      }
    {
      io::Table t;
      t.add("rank", rank).add("kind", kind, io::StringEncoding::kDictionary).add("subject", subject).add("entity", entity)
          .add("organization", org).add("score", score).add("reason", reason).add("evidence", evidence)
          .add("agency", agency, io::StringEncoding::kDictionary).add("issue", issue, io::StringEncoding::kDictionary)
          .add("jurisdiction", jurisdiction, io::StringEncoding::kDictionary);
      write("/leads", t);
    }
    // Referrals: the leads grouped by (agency, issue), each lead once, in rank order.
    std::vector<std::size_t> order(rank.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(agency[a], issue[a]) < std::tie(agency[b], issue[b]);
    });
    for (auto i : order) {
      r_agency.push_back(agency[i]), r_issue.push_back(issue[i]), r_rank.push_back(rank[i]), r_subject.push_back(subject[i]);
      r_org.push_back(org[i]), r_jur.push_back(jurisdiction[i]), r_reason.push_back(reason[i]);
    }
    io::Table t;
    t.add("agency", std::move(r_agency), io::StringEncoding::kDictionary).add("issue", std::move(r_issue), io::StringEncoding::kDictionary)
        .add("lead_rank", std::move(r_rank)).add("subject", std::move(r_subject)).add("organization", std::move(r_org))
        .add("jurisdiction", std::move(r_jur), io::StringEncoding::kDictionary).add("reason", std::move(r_reason));
    write("/referrals", t);
  }
  if (!previous.empty()) {
    std::vector<std::int64_t> pid;
    std::vector<std::string> fate, succ, ev;
    std::vector<double> jac, cap_b, cap_a, cap_c, index;
    std::vector<std::uint64_t> mb, mf, removed;
    if (root)
      for (const auto& r : progress) {
        pid.push_back(r.previous_id), fate.push_back(r.fate), succ.push_back(r.successors), jac.push_back(r.best_jaccard);
        mb.push_back(r.members_before), mf.push_back(r.members_found), removed.push_back(r.removed);
        cap_b.push_back(r.capacity_before), cap_a.push_back(r.capacity_after), cap_c.push_back(r.capacity_change);
        index.push_back(r.index), ev.push_back(r.evidence);
      }
    io::Table t;
    t.add("previous_id", std::move(pid)).add("fate", std::move(fate), io::StringEncoding::kDictionary).add("successors", std::move(succ))
        .add("best_jaccard", std::move(jac)).add("members_before", std::move(mb)).add("members_found", std::move(mf))
        .add("removed_by_enforcement", std::move(removed)).add("capacity_before", std::move(cap_b))
        .add("capacity_after", std::move(cap_a)).add("capacity_change", std::move(cap_c)).add("dismantling_index", std::move(index))
        .add("evidence", std::move(ev));
    write("/progress", t);
    writer.set_attributes("/progress", {{"dismantling_index", overall_index}, {"previous_run", previous.string()}});
  }
  writer.set_attributes("/", {{"organization_candidates", static_cast<std::int64_t>(candidates_total)},
                              {"organizations", static_cast<std::int64_t>(orgs.size())},
                              {"score_threshold", cfg.score_threshold}});
  std::vector<std::filesystem::path> inputs = {run.records(), run.entities(), run.network(), run.communities()};
  if (!previous.empty()) inputs.push_back(RunLayout{previous}.assessment()), inputs.push_back(RunLayout{previous}.entities());
  io::Provenance prov{.stage = "assess", .config_text = cfg.text + "\n# referrals\n" + cfg.referrals.text,
                      .inputs = io::hash_inputs(ctx, inputs), .started_utc = started, .row_counts = counts};
  prov.write(ctx, writer, env.threads);
  env.fault_point("assess", "commit");
  writer.commit();
  spdlog::info("assess: {} organizations from {} candidates, {} members, {} leads", orgs.size(), candidates_total,
               members.size(), leads.size());
  phase.mark("write");
  timer.report(n_obs, 0);
}

void add_assess_command(Cli& cli) {
  struct Options {
    std::filesystem::path run, previous, out, referrals;
  };
  auto o = std::make_shared<Options>();
  auto* sub = cli.add_command("assess", "Assessment: organizations, roles, corridors, trends, schemes, progress, leads, referrals");
  sub->add_option("--run", o->run, "Run directory (records, entities, network, communities)")->required();
  sub->add_option("--previous", o->previous, "An earlier run directory: adds /progress (fates of its organizations)");
  sub->add_option("--out", o->out, "Output file (default: RUN/assessment.h5)");
  sub->add_option("--referrals", o->referrals, "Referral rules TOML (default: built in; see examples/referrals.toml)");
  sub->callback([o, &action = cli.action] {
    action = [o](const JobEnv& env) {
      auto config = load_assess_config(env);
      if (!o->referrals.empty()) config.referrals = load_referral_rules(o->referrals);
      const RunLayout run{o->run};
      assess(env, run, o->previous, o->out.empty() ? run.assessment() : o->out, config);
      return 0;
    };
  });
}

}  // namespace ch::jobs
