// The synthetic world: split invariance (the property generate's MPI job relies on), CSV
// well-formedness, ground-truth consistency and the realism properties DESIGN.md §7 asks for.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "kernels/error.hpp"
#include "kernels/world/names.hpp"
#include "kernels/world/world.hpp"

namespace ch::world {
namespace {

// A tiny world: every mechanism (organizations, operations, aliases, burners) but few rows.
Scenario tiny(std::vector<std::string> extra = {}) {
  std::vector<std::string> o = {"world.persons=1500",          "world.months=6",
                                "organizations.count=4",       "organizations.size_median=10",
                                "enforcement.action_months=[2, 4]", "enforcement.target_share=1.0",
                                "legit.agencies=12",           "enforcement.background_per_month=3"};
  o.insert(o.end(), extra.begin(), extra.end());
  return parse_scenario(builtin_scenario("demo"), "builtin:demo", o);
}

const World& demo_world() {
  static const World w(parse_scenario(builtin_scenario("demo"), "builtin:demo"));
  return w;
}

FeedChunk generate_all(const World& w, Feed f) {
  FeedChunk c;
  w.generate(f, 0, w.unit_count(f), c);
  return c;
}

// RFC 4180 reader: records of fields; quoted fields may hold commas, quotes and line breaks.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, at_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"' && at_start) {
      quoted = true;
      at_start = false;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      at_start = true;
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      at_start = true;
    } else {
      EXPECT_NE(c, '"') << "bare quote inside an unquoted field near byte " << i;
      field += c;
      at_start = false;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quoted field";
  EXPECT_TRUE(row.empty() && field.empty()) << "last line lacks '\\n'";
  return rows;
}

std::size_t header_fields(Feed f) {
  return static_cast<std::size_t>(std::count(feed_header(f).begin(), feed_header(f).end(), ',')) + 1;
}

std::map<std::string, std::size_t> column_index(Feed f) {
  std::map<std::string, std::size_t> idx;
  const auto header = parse_csv(std::string(feed_header(f)) + "\n");
  for (std::size_t i = 0; i < header[0].size(); ++i) idx[header[0][i]] = i;
  return idx;
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += n;
  }
  return true;
}

TEST(World, HeadersMatchTheFeedContract) {
  EXPECT_EQ(feed_header(Feed::kTravel),
            "record_id,agency,releasable_to,booking_ref,given_name,family_name,date_of_birth,sex,"
            "nationality,document_type,document_number,document_country,phone,email,payment_ref,"
            "carrier,flight_number,origin,destination,departure_utc");
  EXPECT_EQ(feed_header(Feed::kCalls),
            "record_id,agency,releasable_to,caller,callee,start_utc,duration_s,caller_country,"
            "callee_country");
  EXPECT_EQ(feed_header(Feed::kSubscribers),
            "record_id,agency,releasable_to,phone,given_name,family_name,date_of_birth,"
            "nationality,document_number,registered_utc");
  EXPECT_EQ(feed_header(Feed::kEnforcement),
            "record_id,agency,releasable_to,date,action,document_number,given_name,family_name,"
            "location,date_of_birth,phone");
  EXPECT_EQ(feed_name(Feed::kSubscribers), "subscribers");
}

TEST(World, AnySplitOfTheUnitRangeConcatenatesToTheSameBytes) {
  const World w(tiny());
  for (Feed f : kAllFeeds) {
    const std::uint64_t n = w.unit_count(f);
    ASSERT_GT(n, 2u) << feed_name(f);
    const FeedChunk whole = generate_all(w, f);
    ASSERT_FALSE(whole.csv.empty()) << feed_name(f);
    for (std::uint64_t k : {std::uint64_t{0}, std::uint64_t{1}, n / 3, n / 2, n - 1, n}) {
      FeedChunk a, b;
      w.generate(f, 0, k, a);
      w.generate(f, k, n, b);
      a.append(std::move(b));
      EXPECT_EQ(a.csv, whole.csv) << feed_name(f) << " split at " << k;
      EXPECT_EQ(a.record_id, whole.record_id) << feed_name(f) << " split at " << k;
      EXPECT_EQ(a.person, whole.person) << feed_name(f) << " split at " << k;
      EXPECT_EQ(a.identity, whole.identity) << feed_name(f) << " split at " << k;
    }
    // Many small pieces in reverse order, appended in unit order (as TBB tasks would).
    std::vector<FeedChunk> parts;
    const std::uint64_t step = std::max<std::uint64_t>(1, n / 7);
    for (std::uint64_t b = 0; b < n; b += step) parts.emplace_back();
    for (std::size_t i = parts.size(); i-- > 0;)
      w.generate(f, i * step, std::min(n, (i + 1) * step), parts[i]);
    FeedChunk joined;
    for (auto& p : parts) joined.append(std::move(p));
    EXPECT_EQ(joined.csv, whole.csv) << feed_name(f);
  }
}

TEST(World, SameScenarioSameBytesOtherSeedOtherBytes) {
  const World a(tiny()), b(tiny());
  const World c(tiny({"world.seed=12345"}));
  for (Feed f : kAllFeeds) EXPECT_EQ(generate_all(a, f).csv, generate_all(b, f).csv) << feed_name(f);
  EXPECT_NE(generate_all(a, Feed::kTravel).csv, generate_all(c, Feed::kTravel).csv);
}

// Scenario studies compare a run with a longer run of the same world through record ids: the
// months both cover must hold the same travel records for everybody whose person id does not
// depend on the run's length (migrants are numbered after all members, so theirs shift). The
// shorter run's last month is left out: trips crossing its end lose their later legs there.
TEST(World, AShorterRunIsAPrefixOfTheLongerOnesTravel) {
  const World short_run(tiny({"world.months=5"})), long_run(tiny());
  const auto a = generate_all(short_run, Feed::kTravel), b = generate_all(long_run, Feed::kTravel);
  const auto migrants = [](const World& w) {
    const auto t = w.persons(0, w.person_count());
    std::set<std::uint64_t> out;
    for (std::size_t i = 0; i < t.person.size(); ++i)
      if (t.category[i] == "migrant") out.insert(t.person[i]);
    return out;
  };
  const auto short_migrants = migrants(short_run), long_migrants = migrants(long_run);
  std::map<std::string, std::uint64_t> person_later;
  for (std::size_t i = 0; i < b.record_id.size(); ++i) person_later[b.record_id[i]] = b.person[i];
  const auto rows = parse_csv(a.csv);
  ASSERT_EQ(rows.size(), a.record_id.size());
  const auto departure = column_index(Feed::kTravel).at("departure_utc");
  std::size_t compared = 0;
  for (std::size_t i = 0; i < a.record_id.size(); ++i) {
    if (short_migrants.count(a.person[i]) || rows[i][departure] >= "2025-05") continue;
    const auto it = person_later.find(a.record_id[i]);
    ASSERT_NE(it, person_later.end()) << a.record_id[i];
    EXPECT_EQ(it->second, a.person[i]) << a.record_id[i];
    ++compared;
  }
  EXPECT_GT(compared, a.record_id.size() / 2);
  EXPECT_FALSE(long_migrants.empty());
}

// The same for subscriber registrations, by record id: a shorter run's record names the same
// person's phone in the longer run (a migrant: the same migrant, by index among migrants) under
// the same identity. Alias SIMs and burner periods used to be numbered after every person, so a
// shorter run gave their ids to other persons' phones in the longer one. Their random draws stay
// keyed by the dense unit, which keeps every longer run's content as it was: a shorter run may
// register a burner or a migrant's phone that the longer one does not, with other name noise.
// Persons' own phones (unit = person id) are the same rows in both.
TEST(World, AShorterRunIsAPrefixOfTheLongerOnesSubscribers) {
  const World short_run(tiny({"world.months=5"})), long_run(tiny());
  const auto a = generate_all(short_run, Feed::kSubscribers), b = generate_all(long_run, Feed::kSubscribers);
  const auto first_migrant = [](const World& w) {
    const auto t = w.persons(0, w.person_count());
    std::uint64_t first = w.person_count();
    for (std::size_t i = 0; i < t.person.size(); ++i)
      if (t.category[i] == "migrant") first = std::min(first, t.person[i]);
    return first;
  };
  const auto short_first = first_migrant(short_run), long_first = first_migrant(long_run);
  ASSERT_LT(short_first, long_first);  // the longer run has more members: migrant ids shift
  std::map<std::string, std::size_t> later;
  for (std::size_t i = 0; i < b.record_id.size(); ++i) later[b.record_id[i]] = i;
  const auto rows_a = parse_csv(a.csv), rows_b = parse_csv(b.csv);
  ASSERT_EQ(rows_a.size(), a.record_id.size());
  ASSERT_EQ(rows_b.size(), b.record_id.size());
  std::size_t own = 0, members = 0, migrants = 0;
  for (std::size_t i = 0; i < a.record_id.size(); ++i) {
    if (a.person[i] == kNoPerson) continue;  // agency lines
    const bool own_phone = a.record_id[i].size() <= 12;  // keys of persons' own phones: ≤ 8 digits
    const auto it = later.find(a.record_id[i]);
    if (own_phone && a.person[i] < short_first) {
      ASSERT_NE(it, later.end()) << a.record_id[i];
    }
    if (it == later.end()) continue;
    const auto j = it->second;
    EXPECT_EQ(b.identity[j], a.identity[i]) << a.record_id[i];
    if (a.person[i] >= short_first) {
      EXPECT_EQ(b.person[j] - long_first, a.person[i] - short_first) << a.record_id[i];
      ++migrants;
    } else {
      EXPECT_EQ(b.person[j], a.person[i]) << a.record_id[i];
      if (own_phone) {
        EXPECT_EQ(rows_b[j], rows_a[i]) << a.record_id[i];
      }
      ++(own_phone ? own : members);
    }
  }
  EXPECT_GT(own, 0u);
  EXPECT_GT(members, 0u);  // alias SIMs and burner periods of members were compared
  EXPECT_GT(migrants, 0u);
}

TEST(World, CsvIsWellFormedAndTruthLinesUp) {
  const World w(tiny({"noise.punctuation=0.05"}));
  const std::regex e164(R"(\+[1-9][0-9]{6,14})");
  const std::regex timestamp(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");
  const std::regex date(R"(\d{4}-\d{2}-\d{2})");
  std::size_t quoted_fields = 0;
  for (Feed f : kAllFeeds) {
    const FeedChunk c = generate_all(w, f);
    ASSERT_TRUE(valid_utf8(c.csv)) << feed_name(f);
    const auto rows = parse_csv(c.csv);
    ASSERT_EQ(rows.size(), c.record_id.size()) << feed_name(f);
    ASSERT_EQ(rows.size(), c.person.size()) << feed_name(f);
    ASSERT_EQ(rows.size(), c.identity.size()) << feed_name(f);
    ASSERT_EQ(static_cast<std::size_t>(std::count(c.csv.begin(), c.csv.end(), '\n')), rows.size())
        << feed_name(f) << ": generated fields never contain line breaks";
    quoted_fields += static_cast<std::size_t>(std::count(c.csv.begin(), c.csv.end(), '"'));
    const auto col = column_index(f);
    std::unordered_set<std::string> ids;
    const char prefix = "TCSE"[static_cast<int>(f)];
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      ASSERT_EQ(r.size(), header_fields(f)) << feed_name(f) << " row " << i << ": " << c.record_id[i];
      EXPECT_EQ(r[0], c.record_id[i]);
      EXPECT_EQ(r[0][0], prefix);
      EXPECT_TRUE(ids.insert(r[0]).second) << "duplicate record_id " << r[0];
      EXPECT_FALSE(r[1].empty()) << "agency";
      for (const char* phone_col : {"phone", "caller", "callee"}) {
        const auto it = col.find(phone_col);
        if (it != col.end() && !r[it->second].empty()) {
          EXPECT_TRUE(std::regex_match(r[it->second], e164)) << r[it->second];
        }
      }
      for (const char* ts_col : {"departure_utc", "start_utc", "registered_utc"}) {
        const auto it = col.find(ts_col);
        if (it != col.end()) {
          EXPECT_TRUE(std::regex_match(r[it->second], timestamp)) << r[it->second];
        }
      }
      for (const char* d_col : {"date_of_birth", "date"}) {
        const auto it = col.find(d_col);
        if (it != col.end() && !r[it->second].empty()) {
          EXPECT_TRUE(std::regex_match(r[it->second], date)) << r[it->second];
        }
      }
      const auto rel = r[2];
      EXPECT_TRUE(rel.empty() || std::regex_match(rel, std::regex("(interpol|europol|frontex)(;(europol|frontex))*")))
          << rel;
    }
  }
  EXPECT_GT(quoted_fields, 0u) << "names with commas or quotes exercise RFC 4180 quoting";
}

TEST(World, TravelRowsLookLikePassengerData) {
  const World& w = demo_world();
  const FeedChunk c = generate_all(w, Feed::kTravel);
  const auto rows = parse_csv(c.csv);
  const auto col = column_index(Feed::kTravel);
  const std::regex iata("[A-Z0-9]{3}"), iso3("[A-Z]{3}"), locator("[A-Z2-9]{6}");
  std::size_t id_cards = 0, missing_dob = 0;
  for (const auto& r : rows) {
    EXPECT_TRUE(std::regex_match(r[col.at("origin")], iata));
    EXPECT_TRUE(std::regex_match(r[col.at("destination")], iata));
    EXPECT_NE(r[col.at("origin")], r[col.at("destination")]);
    EXPECT_TRUE(std::regex_match(r[col.at("nationality")], iso3));
    EXPECT_TRUE(std::regex_match(r[col.at("booking_ref")], locator));
    EXPECT_TRUE(r[col.at("sex")] == "M" || r[col.at("sex")] == "F");
    EXPECT_EQ(r[col.at("flight_number")].rfind(r[col.at("carrier")], 0), 0u);
    id_cards += r[col.at("document_type")] == "I";
    missing_dob += r[col.at("date_of_birth")].empty();
  }
  EXPECT_GT(id_cards, 0u);
  EXPECT_GT(missing_dob, rows.size() / 50);
  EXPECT_LT(missing_dob, rows.size() / 4);
}

TEST(World, DemoSizesAreAsDocumented) {
  const World& w = demo_world();
  const auto travel = generate_all(w, Feed::kTravel).record_id.size();
  const auto calls = generate_all(w, Feed::kCalls).record_id.size();
  EXPECT_GT(travel, 35000u);
  EXPECT_LT(travel, 70000u);
  EXPECT_GT(calls, 100000u);
  EXPECT_LT(calls, 300000u);
}

TEST(World, LegitimateTravellersFarOutnumberSmugglingTraffic) {
  const World& w = demo_world();
  const PersonTruth p = w.persons(0, w.person_count());
  const FeedChunk c = generate_all(w, Feed::kTravel);
  std::size_t legit = 0, smuggling = 0;
  for (auto pid : c.person) {
    const auto& cat = p.category[pid];
    (cat == "smuggler" || cat == "migrant" ? smuggling : legit)++;
  }
  EXPECT_GE(static_cast<double>(legit) / static_cast<double>(c.person.size()), 0.90);
  EXPECT_GT(smuggling, 500u) << "the smuggling signal must be there to be found";
}

TEST(World, SomeSmugglersHaveSeveralIdentitiesAndUseThem) {
  const World& w = demo_world();
  const PersonTruth p = w.persons(0, w.person_count());
  std::size_t multi = 0, smugglers = 0;
  for (std::size_t i = 0; i < p.person.size(); ++i) {
    if (p.category[i] != "smuggler") continue;
    ++smugglers;
    EXPECT_GE(p.identities[i], 1);
    EXPECT_LE(p.identities[i], 4);
    EXPECT_GE(p.organization[i], 0);
    multi += p.identities[i] > 1;
  }
  EXPECT_GT(multi, 0u);
  EXPECT_LT(multi, smugglers);
  // Rows showing an alias identity exist in travel and belong to multi-identity persons.
  const FeedChunk c = generate_all(w, Feed::kTravel);
  std::size_t alias_rows = 0;
  for (std::size_t i = 0; i < c.person.size(); ++i) {
    ASSERT_LT(c.identity[i], p.identities[c.person[i]]) << c.record_id[i];
    alias_rows += c.identity[i] > 0;
  }
  EXPECT_GT(alias_rows, 0u);
}

TEST(World, OrganizationsChangeAfterEnforcementAndArrestedMembersDisappear) {
  const World& w = demo_world();
  const OrgMonthTruth om = w.org_months();
  const OrgMembershipTruth mem = w.org_membership();
  ASSERT_FALSE(om.month.empty());
  const auto& actions = w.scenario().enforcement.action_months;
  ASSERT_FALSE(actions.empty());
  const auto first_action = *std::min_element(actions.begin(), actions.end());
  std::size_t changed = 0;
  for (std::size_t i = 0; i < om.month.size(); ++i) {
    if (om.status[i] != static_cast<std::uint8_t>(OrgStatus::kActive)) {
      EXPECT_GE(om.month[i], first_action) << "status changes follow enforcement";
      ++changed;
    }
  }
  EXPECT_GT(changed, 0u);
  // Member counts agree with the membership table.
  std::map<std::pair<int, std::int64_t>, std::uint32_t> counts;
  for (std::size_t i = 0; i < mem.month.size(); ++i) ++counts[{mem.month[i], mem.organization[i]}];
  for (std::size_t i = 0; i < om.month.size(); ++i)
    EXPECT_EQ((counts[{om.month[i], om.organization[i]}]), om.members[i]);

  // Arrested smugglers: the enforcement feed records the arrest; afterwards they neither travel
  // nor call.
  const FeedChunk enf = generate_all(w, Feed::kEnforcement);
  const auto enf_rows = parse_csv(enf.csv);
  const PersonTruth p = w.persons(0, w.person_count());
  std::map<std::uint64_t, std::string> arrested;  // person -> date
  for (std::size_t i = 0; i < enf_rows.size(); ++i)
    if (enf_rows[i][4] == "arrest" && p.category[enf.person[i]] == "smuggler")
      arrested.emplace(enf.person[i], enf_rows[i][3]);
  ASSERT_FALSE(arrested.empty());
  for (Feed f : {Feed::kTravel, Feed::kCalls}) {
    const FeedChunk c = generate_all(w, f);
    const auto rows = parse_csv(c.csv);
    const std::size_t time_col = f == Feed::kTravel ? 19 : 5;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto it = arrested.find(c.person[i]);
      if (it == arrested.end()) continue;
      EXPECT_LE(rows[i][time_col].substr(0, 10), it->second)
          << feed_name(f) << " " << c.record_id[i] << " after arrest";
    }
  }
}

TEST(World, NamesVaryAcrossRecordsOfTheSameIdentity) {
  const World& w = demo_world();
  const FeedChunk c = generate_all(w, Feed::kTravel);
  const auto rows = parse_csv(c.csv);
  const auto& names = NameTables::get();
  // Every (canonical, variant) pair in the tables, compared on folded lower case.
  auto key = [](std::string s) {
    s = fold_to_ascii(s);
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  std::set<std::pair<std::string, std::string>> variant_pairs;
  for (std::uint32_t id = 0; id < names.size(); ++id)
    for (auto v : names.variants(id)) {
      const auto a = key(names.entry(id).utf8), b = key(names.entry(v).utf8);
      if (a != b) variant_pairs.insert({std::min(a, b), std::max(a, b)});
    }
  std::map<std::pair<std::uint64_t, std::uint32_t>, std::set<std::string>> given;
  for (std::size_t i = 0; i < rows.size(); ++i) given[{c.person[i], c.identity[i]}].insert(key(rows[i][4]));
  std::size_t with_variant = 0;
  for (const auto& [who, spellings] : given)
    for (const auto& a : spellings)
      for (const auto& b : spellings)
        with_variant += a < b && variant_pairs.count({a, b});
  EXPECT_GT(with_variant, 20u) << "the same person appears under transliteration variants";
  // Accented spellings appear both as written and folded.
  EXPECT_NE(c.csv.find("é"), std::string::npos);
}

// What alias identities give away (docs/scenarios.md, [aliases]): the person's own phone on
// alias travel rows, birth dates kept or shifted a few days, alias SIMs calling the family at home.
struct AliasEvidenceStats {
  double real_phone = 0;  // alias travel rows with a phone showing the person's own phone
  double same_dob = 0;    // alias rows (with a birth date) showing the identity-0 birth date
  std::size_t shared_home = 0;  // persons whose alias-identity calls reach a number only they call
  std::size_t alias_rows = 0, dob_rows = 0;
};

AliasEvidenceStats alias_evidence(const std::vector<std::string>& overrides) {
  const World w(parse_scenario(builtin_scenario("demo"), "builtin:demo", overrides));
  const FeedChunk subs = generate_all(w, Feed::kSubscribers);
  const auto srows = parse_csv(subs.csv);
  const auto si = column_index(Feed::kSubscribers);
  // The own phone and birth date of a person: from the subscriber rows of identity 0.
  std::map<std::uint64_t, std::string> own_phone;
  std::map<std::uint64_t, std::set<std::string>> own_dob;
  for (std::size_t i = 0; i < srows.size(); ++i)
    if (subs.identity[i] == 0 && subs.person[i] != kNoPerson) {
      own_phone[subs.person[i]] = srows[i][si.at("phone")];
      if (!srows[i][si.at("date_of_birth")].empty()) own_dob[subs.person[i]].insert(srows[i][si.at("date_of_birth")]);
    }
  AliasEvidenceStats st;
  const FeedChunk travel = generate_all(w, Feed::kTravel);
  const auto trows = parse_csv(travel.csv);
  const auto ti = column_index(Feed::kTravel);
  std::size_t with_phone = 0, real = 0, same = 0;
  for (std::size_t i = 0; i < trows.size(); ++i) {
    if (travel.identity[i] == 0) continue;
    ++st.alias_rows;
    const auto op = own_phone.find(travel.person[i]);
    if (op != own_phone.end() && !trows[i][ti.at("phone")].empty()) {
      ++with_phone;
      real += trows[i][ti.at("phone")] == op->second;
    }
    const auto od = own_dob.find(travel.person[i]);
    if (od != own_dob.end() && !trows[i][ti.at("date_of_birth")].empty()) {
      ++st.dob_rows;
      same += od->second.count(trows[i][ti.at("date_of_birth")]) > 0;
    }
  }
  st.real_phone = with_phone ? static_cast<double>(real) / static_cast<double>(with_phone) : 0;
  st.same_dob = st.dob_rows ? static_cast<double>(same) / static_cast<double>(st.dob_rows) : 0;
  // Calls: per callee, the persons calling it; per person, the callees of its identity-0 calls
  // and of its alias calls.
  const FeedChunk calls = generate_all(w, Feed::kCalls);
  const auto crows = parse_csv(calls.csv);
  const auto ci = column_index(Feed::kCalls);
  std::map<std::string, std::set<std::uint64_t>> callers;
  std::map<std::uint64_t, std::set<std::string>> own_callees, alias_callees;
  for (std::size_t i = 0; i < crows.size(); ++i) {
    const auto& callee = crows[i][ci.at("callee")];
    callers[callee].insert(calls.person[i]);
    (calls.identity[i] == 0 ? own_callees : alias_callees)[calls.person[i]].insert(callee);
  }
  for (const auto& [pid, alias] : alias_callees) {
    const auto& own = own_callees[pid];
    st.shared_home += std::any_of(alias.begin(), alias.end(), [&](const std::string& c) {
      return own.count(c) > 0 && callers[c].size() == 1;
    });
  }
  return st;
}

TEST(World, AliasIdentitiesCarryTheConfiguredEvidence) {
  const auto none = alias_evidence({"aliases.contact_phone_share=0", "aliases.dob_same_share=0",
                                    "aliases.dob_near_share=0", "aliases.sim_calls_per_month=0"});
  const auto dflt = alias_evidence({});
  const auto all = alias_evidence({"aliases.contact_phone_share=1", "aliases.dob_same_share=1", "aliases.dob_near_share=0"});
  ASSERT_GT(dflt.alias_rows, 100u);
  ASSERT_GT(dflt.dob_rows, 30u);
  // Own phone on alias rows: never by chance, always at share 1, in between by default (0.5 per
  // passenger, and members' alias trips are also booked with it at 0.5).
  EXPECT_LT(none.real_phone, 0.05);
  EXPECT_GT(all.real_phone, 0.99);
  EXPECT_GT(dflt.real_phone, 0.4);
  EXPECT_LT(dflt.real_phone, 0.9);
  // Birth dates: the same date at share 1 (up to noise: missing, day/month swaps), ~35 % by
  // default, hardly ever when aliases are made up from scratch.
  EXPECT_GT(all.same_dob, 0.9);
  EXPECT_GT(dflt.same_dob, 0.2);
  EXPECT_LT(dflt.same_dob, 0.55);
  EXPECT_LT(none.same_dob, 0.05);
  // Alias SIMs calling the family: numbers only the person calls, reached from his own phone and
  // from an alias phone. Without SIM calls burners never call home.
  EXPECT_GT(dflt.shared_home, 5u);
  EXPECT_LE(none.shared_home * 5, dflt.shared_home);
}

TEST(World, MigrantsChangeDocumentsBetweenLegs) {
  const World& w = demo_world();
  const PersonTruth p = w.persons(0, w.person_count());
  const FeedChunk c = generate_all(w, Feed::kTravel);
  const auto rows = parse_csv(c.csv);
  std::map<std::uint64_t, std::set<std::string>> docs;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (p.category[c.person[i]] == "migrant" && !rows[i][10].empty())
      docs[c.person[i]].insert(rows[i][10]);
  std::size_t swapped = 0;
  for (const auto& [pid, d] : docs) swapped += d.size() > 1;
  EXPECT_GT(swapped, 10u);
}

TEST(World, PersonsTruthSplitsAndIsConsistent) {
  const World w(tiny());
  const auto n = w.person_count();
  const PersonTruth all = w.persons(0, n);
  ASSERT_EQ(all.person.size(), n);
  const PersonTruth a = w.persons(0, n / 3), b = w.persons(n / 3, n);
  EXPECT_EQ(a.person.size() + b.person.size(), n);
  EXPECT_EQ(a.category.back(), all.category[n / 3 - 1]);
  EXPECT_EQ(b.nationality.front(), all.nationality[n / 3]);
  std::set<std::string> categories(all.category.begin(), all.category.end());
  for (const char* cat : {"family", "tourist", "business", "student", "diaspora", "resident",
                          "smuggler", "migrant"})
    EXPECT_TRUE(categories.count(cat)) << cat;
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(all.person[i], i);
    EXPECT_EQ(all.nationality[i].size(), 3u);
    if (all.category[i] == "migrant") {
      EXPECT_EQ(all.role[i], static_cast<std::uint8_t>(Role::kMigrant));
    }
    if (all.category[i] != "smuggler") {
      EXPECT_EQ(all.organization[i], -1);
    }
  }
  // Every row of every feed refers to a person of the world (or to no person: agency lines).
  for (Feed f : kAllFeeds)
    for (auto pid : generate_all(w, f).person) EXPECT_TRUE(pid < n || pid == kNoPerson);
}

TEST(World, CulturesAreWellStockedAndFoldingWorks) {
  const auto& names = NameTables::get();
  for (int c = 0; c < kCultureCount; ++c)
    for (auto kind : {NameKind::kMale, NameKind::kFemale, NameKind::kFamily})
      EXPECT_GE(names.pool(c, kind).size(), 40u) << kCultureNames[static_cast<std::size_t>(c)];
  EXPECT_EQ(fold_to_ascii("Łukasz Wiśniewski"), "Lukasz Wisniewski");
  EXPECT_EQ(fold_to_ascii("Nguyễn Thị Hương"), "Nguyen Thi Huong");
  EXPECT_EQ(fold_to_ascii("Đặng"), "Dang");
  EXPECT_EQ(fold_to_ascii("Müller José Cissé Søren Ōno ß"), "Muller Jose Cisse Soren Ono ss");
  EXPECT_EQ(fold_to_ascii("O’Brien"), "O'Brien");
}

TEST(World, AirportsFromCsvText) {
  const std::string csv =
      "iata,city,country\nLHR,London,GBR\nCDG,Paris,FRA\nIST,Istanbul,TUR\nDXB,Dubai,ARE\n"
      "ISB,Islamabad,PAK\nLOS,Lagos,NGA\n\"XYZ\",\"Somewhere, Else\",ZZZ\n";
  Scenario s = tiny({"geography.airports_csv=airports.csv"});
  EXPECT_THROW(World{s}, UsageError) << "the job must load the CSV text";
  s.airports_csv_text = csv;
  const World w(s);
  const auto c = generate_all(w, Feed::kTravel);
  const auto rows = parse_csv(c.csv);
  ASSERT_FALSE(rows.empty());
  const std::set<std::string> allowed = {"LHR", "CDG", "IST", "DXB", "ISB", "LOS", "XYZ"};
  for (const auto& r : rows) {
    EXPECT_TRUE(allowed.count(r[17])) << r[17];
    EXPECT_TRUE(allowed.count(r[18])) << r[18];
  }
  s.airports_csv_text = "LHR,London\n";
  try {
    World bad(s);
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("airports.csv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("line 1"), std::string::npos) << e.what();
  }
}

TEST(World, CorridorsMustNameKnownAirports) {
  const World ok(tiny({"geography.corridors=[\"ERI:KRT-IST-FCO\", \"LOS-CAI-FCO\"]"}));
  EXPECT_GT(ok.unit_count(Feed::kTravel), 0u);
  try {
    World bad(tiny({"geography.corridors=[\"ISB-QQQ-LHR\"]"}));
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("geography.corridors"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("QQQ"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ch::world
