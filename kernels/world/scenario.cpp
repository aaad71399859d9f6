// Scenario parsing: a table of keys bound to Scenario fields drives defaults, validation, --set
// overrides and the effective TOML, so adding a key is one line in kKeys and docs/scenarios.md.
#include "kernels/world/scenario.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <toml++/toml.h>
#include <variant>

#include "kernels/error.hpp"
#include "kernels/world/builtin_scenarios.hpp"

namespace ch::world {
namespace {

// --- bindings from keys to fields ----------------------------------------------------------
using IntRef = int& (*)(Scenario&);
using Int64Ref = std::int64_t& (*)(Scenario&);
using U64Ref = std::uint64_t& (*)(Scenario&);
using FloatRef = double& (*)(Scenario&);
using StringRef = std::string& (*)(Scenario&);
using IntListRef = std::vector<std::int64_t>& (*)(Scenario&);
using StringListRef = std::vector<std::string>& (*)(Scenario&);
using CultureTableRef = std::array<double, kCultureNames.size()>& (*)(Scenario&);
// Both are arrays of 5 doubles: wrapped so that the variant can tell them apart.
struct RoleTableRef {
  std::array<double, kAideRoleNames.size()>& (*ref)(Scenario&);
};
struct SizeWeightsRef {
  std::array<double, 5>& (*ref)(Scenario&);
};

// A month "YYYY-MM" is a string with its own check; corridors and paths are plain strings.
struct MonthRef {
  StringRef ref;
};

using Binding = std::variant<IntRef, Int64Ref, U64Ref, FloatRef, StringRef, MonthRef, IntListRef,
                             StringListRef, CultureTableRef, RoleTableRef, SizeWeightsRef>;

struct Key {
  std::string_view group;
  std::string_view name;
  Binding bind;
  double min;  // numeric range (for lists and tables: of each element)
  double max;
};

constexpr double kMaxCount = 2e9;
constexpr double kInf = std::numeric_limits<double>::infinity();

using SizeWeightsFn = std::array<double, 5>& (*)(Scenario&);
#define CH_REF(type, expr) static_cast<type>([](Scenario& s) -> auto& { return expr; })

// Documentation order; docs/scenarios.md lists the same keys (a test checks it).
const std::vector<Key>& keys() {
  static const std::vector<Key> k = {
      {"world", "name", CH_REF(StringRef, s.name), 0, 0},
      {"world", "seed", CH_REF(U64Ref, s.seed), 0, 9.2e18},
      {"world", "months", CH_REF(IntRef, s.months), 1, kMaxMonths},
      {"world", "start_month", MonthRef{CH_REF(StringRef, s.start_month)}, 0, 0},
      {"world", "persons", CH_REF(Int64Ref, s.persons), 1, 500e6},

      {"legit", "family_share", CH_REF(FloatRef, s.legit.family_share), 0, 1},
      {"legit", "tourist_share", CH_REF(FloatRef, s.legit.tourist_share), 0, 1},
      {"legit", "business_share", CH_REF(FloatRef, s.legit.business_share), 0, 1},
      {"legit", "student_share", CH_REF(FloatRef, s.legit.student_share), 0, 1},
      {"legit", "diaspora_share", CH_REF(FloatRef, s.legit.diaspora_share), 0, 1},
      {"legit", "family_size_weights", SizeWeightsRef{CH_REF(SizeWeightsFn, s.legit.family_size_weights)}, 0, 1e6},
      {"legit", "family_trips_per_year", CH_REF(FloatRef, s.legit.family_trips_per_year), 0, 52},
      {"legit", "tour_group_size", CH_REF(IntRef, s.legit.tour_group_size), 2, 500},
      {"legit", "tour_trips_per_year", CH_REF(FloatRef, s.legit.tour_trips_per_year), 0, 52},
      {"legit", "business_trips_per_year", CH_REF(FloatRef, s.legit.business_trips_per_year), 0,
       200},
      {"legit", "company_size", CH_REF(IntRef, s.legit.company_size), 1, 100000},
      {"legit", "student_trips_per_year", CH_REF(FloatRef, s.legit.student_trips_per_year), 0, 52},
      {"legit", "diaspora_trips_per_year", CH_REF(FloatRef, s.legit.diaspora_trips_per_year), 0,
       52},
      {"legit", "agencies", CH_REF(IntRef, s.legit.agencies), 1, 1e6},
      {"legit", "agency_booking_share", CH_REF(FloatRef, s.legit.agency_booking_share), 0, 1},
      {"legit", "via_hub_share", CH_REF(FloatRef, s.legit.via_hub_share), 0, 1},
      {"legit", "abroad_share", CH_REF(FloatRef, s.legit.abroad_share), 0, 1},
      {"legit", "culture_weights", CH_REF(CultureTableRef, s.legit.culture_weights), 0, 1e6},

      {"organizations", "count", CH_REF(IntRef, s.organizations.count), 0, 100000},
      {"organizations", "size_median", CH_REF(FloatRef, s.organizations.size_median), 1, 10000},
      {"organizations", "size_sigma", CH_REF(FloatRef, s.organizations.size_sigma), 0, 3},
      {"organizations", "size_min", CH_REF(IntRef, s.organizations.size_min), 2, 10000},
      {"organizations", "size_max", CH_REF(IntRef, s.organizations.size_max), 2, 10000},
      {"organizations", "organizer_share", CH_REF(FloatRef, s.organizations.organizer_share), 0,
       1},
      {"organizations", "role_weights", RoleTableRef{CH_REF(SizeWeightsFn, s.organizations.role_weights)}, 0,
       1e6},
      {"organizations", "tie_density", CH_REF(FloatRef, s.organizations.tie_density), 0, 1},
      {"organizations", "same_stage_factor", CH_REF(FloatRef, s.organizations.same_stage_factor),
       0, 1000},
      {"organizations", "same_role_factor", CH_REF(FloatRef, s.organizations.same_role_factor), 0,
       1000},
      {"organizations", "groups_per_month", CH_REF(FloatRef, s.organizations.groups_per_month), 0,
       1000},
      {"organizations", "group_size_mean", CH_REF(FloatRef, s.organizations.group_size_mean), 1,
       50},
      {"organizations", "escort_share", CH_REF(FloatRef, s.organizations.escort_share), 0, 1},
      {"organizations", "split_booking_share",
       CH_REF(FloatRef, s.organizations.split_booking_share), 0, 1},
      {"organizations", "agency_booking_share",
       CH_REF(FloatRef, s.organizations.agency_booking_share), 0, 1},
      {"organizations", "cash_payment_share", CH_REF(FloatRef, s.organizations.cash_payment_share),
       0, 1},
      {"organizations", "multi_identity_share",
       CH_REF(FloatRef, s.organizations.multi_identity_share), 0, 1},
      {"organizations", "burner_share", CH_REF(FloatRef, s.organizations.burner_share), 0, 1},
      {"organizations", "burner_days", CH_REF(IntRef, s.organizations.burner_days), 1, 365},
      {"organizations", "churn_per_month", CH_REF(FloatRef, s.organizations.churn_per_month), 0,
       1},
      {"organizations", "member_trips_per_year",
       CH_REF(FloatRef, s.organizations.member_trips_per_year), 0, 52},
      {"organizations", "document_swap_share",
       CH_REF(FloatRef, s.organizations.document_swap_share), 0, 1},
      {"organizations", "fraudulent_document_share",
       CH_REF(FloatRef, s.organizations.fraudulent_document_share), 0, 1},

      {"enforcement", "operations_per_year", CH_REF(FloatRef, s.enforcement.operations_per_year),
       0, 12},
      {"enforcement", "action_months", CH_REF(IntListRef, s.enforcement.action_months), 0, 119},
      {"enforcement", "target_share", CH_REF(FloatRef, s.enforcement.target_share), 0, 1},
      {"enforcement", "arrest_share", CH_REF(FloatRef, s.enforcement.arrest_share), 0, 1},
      {"enforcement", "organizer_bias", CH_REF(FloatRef, s.enforcement.organizer_bias), 0, 1000},
      {"enforcement", "p_split", CH_REF(FloatRef, s.enforcement.p_split), 0, 1},
      {"enforcement", "p_merge", CH_REF(FloatRef, s.enforcement.p_merge), 0, 1},
      {"enforcement", "p_dissolve", CH_REF(FloatRef, s.enforcement.p_dissolve), 0, 1},
      {"enforcement", "p_reconstitute", CH_REF(FloatRef, s.enforcement.p_reconstitute), 0, 1},
      {"enforcement", "p_rival_entry", CH_REF(FloatRef, s.enforcement.p_rival_entry), 0, 1},
      {"enforcement", "recruit_share", CH_REF(FloatRef, s.enforcement.recruit_share), 0, 5},
      {"enforcement", "seizure_share", CH_REF(FloatRef, s.enforcement.seizure_share), 0, 1},
      {"enforcement", "arrest_phone_share", CH_REF(FloatRef, s.enforcement.arrest_phone_share), 0, 1},
      {"enforcement", "background_per_month",
       CH_REF(FloatRef, s.enforcement.background_per_month), 0, 1e6},

      {"noise", "transliteration", CH_REF(FloatRef, s.noise.transliteration), 0, 1},
      {"noise", "typo", CH_REF(FloatRef, s.noise.typo), 0, 1},
      {"noise", "swap_names", CH_REF(FloatRef, s.noise.swap_names), 0, 1},
      {"noise", "swap_names_east_asian", CH_REF(FloatRef, s.noise.swap_names_east_asian), 0, 1},
      {"noise", "uppercase", CH_REF(FloatRef, s.noise.uppercase), 0, 1},
      {"noise", "fold_diacritics", CH_REF(FloatRef, s.noise.fold_diacritics), 0, 1},
      {"noise", "second_surname_dropped", CH_REF(FloatRef, s.noise.second_surname_dropped), 0, 1},
      {"noise", "missing_dob", CH_REF(FloatRef, s.noise.missing_dob), 0, 1},
      {"noise", "dob_day_month_swap", CH_REF(FloatRef, s.noise.dob_day_month_swap), 0, 1},
      {"noise", "missing_phone", CH_REF(FloatRef, s.noise.missing_phone), 0, 1},
      {"noise", "missing_email", CH_REF(FloatRef, s.noise.missing_email), 0, 1},
      {"noise", "missing_document", CH_REF(FloatRef, s.noise.missing_document), 0, 1},
      {"noise", "document_typo", CH_REF(FloatRef, s.noise.document_typo), 0, 1},
      {"noise", "reissue", CH_REF(FloatRef, s.noise.reissue), 0, 1},
      {"noise", "punctuation", CH_REF(FloatRef, s.noise.punctuation), 0, 1},

      {"calls", "legit_per_month", CH_REF(FloatRef, s.calls.legit_per_month), 0, 1000},
      {"calls", "smuggler_per_month", CH_REF(FloatRef, s.calls.smuggler_per_month), 0, 1000},
      {"calls", "migrant_per_month", CH_REF(FloatRef, s.calls.migrant_per_month), 0, 1000},
      {"calls", "diaspora_factor", CH_REF(FloatRef, s.calls.diaspora_factor), 0, 100},
      {"calls", "hub_share", CH_REF(FloatRef, s.calls.hub_share), 0, 1},

      {"subscribers", "coverage", CH_REF(FloatRef, s.subscribers.coverage), 0, 1},
      {"subscribers", "burner_registered_share",
       CH_REF(FloatRef, s.subscribers.burner_registered_share), 0, 1},

      {"aliases", "dob_same_share", CH_REF(FloatRef, s.aliases.dob_same_share), 0, 1},
      {"aliases", "dob_near_share", CH_REF(FloatRef, s.aliases.dob_near_share), 0, 1},
      {"aliases", "dob_near_days", CH_REF(IntRef, s.aliases.dob_near_days), 1, 365},
      {"aliases", "contact_phone_share", CH_REF(FloatRef, s.aliases.contact_phone_share), 0, 1},
      {"aliases", "email_share", CH_REF(FloatRef, s.aliases.email_share), 0, 1},
      {"aliases", "payment_share", CH_REF(FloatRef, s.aliases.payment_share), 0, 1},
      {"aliases", "sim_calls_per_month", CH_REF(FloatRef, s.aliases.sim_calls_per_month), 0, 1000},

      {"feeds", "travel_agencies", CH_REF(StringListRef, s.feeds.travel_agencies), 0, 0},
      {"feeds", "calls_agencies", CH_REF(StringListRef, s.feeds.calls_agencies), 0, 0},
      {"feeds", "subscribers_agencies", CH_REF(StringListRef, s.feeds.subscribers_agencies), 0, 0},
      {"feeds", "enforcement_agencies", CH_REF(StringListRef, s.feeds.enforcement_agencies), 0, 0},
      {"feeds", "interpol_share", CH_REF(FloatRef, s.feeds.interpol_share), 0, 1},
      {"feeds", "europol_share", CH_REF(FloatRef, s.feeds.europol_share), 0, 1},
      {"feeds", "frontex_share", CH_REF(FloatRef, s.feeds.frontex_share), 0, 1},

      {"geography", "airports_csv", CH_REF(StringRef, s.geography.airports_csv), 0, 0},
      {"geography", "corridors", CH_REF(StringListRef, s.geography.corridors), 0, 0},
  };
  return k;
}

#undef CH_REF

const Key* find_key(std::string_view group, std::string_view name) {
  for (const auto& k : keys())
    if (k.group == group && k.name == name) return &k;
  return nullptr;
}

bool known_group(std::string_view group) {
  return std::any_of(keys().begin(), keys().end(), [&](const Key& k) { return k.group == group; });
}

std::string known_groups() {
  std::vector<std::string_view> groups;
  for (const auto& k : keys())
    if (std::find(groups.begin(), groups.end(), k.group) == groups.end()) groups.push_back(k.group);
  return fmt::format("{}", fmt::join(groups, ", "));
}

// --- describing values for error messages --------------------------------------------------
std::string describe(const toml::node& n) {
  if (auto v = n.as_integer()) return fmt::format("{}", v->get());
  if (auto v = n.as_floating_point()) return fmt::format("{}", v->get());
  if (auto v = n.as_boolean()) return v->get() ? "true" : "false";
  if (auto v = n.as_string()) return fmt::format("\"{}\"", v->get());
  if (n.is_array()) return "an array";
  if (n.is_table()) return "a table";
  return "a date/time";
}

// Large upper bounds are sanity limits, so a value below the range reads "a positive integer"
// and only a value above it shows the bound.
std::string int_range(double lo, double hi, const toml::node& n) {
  const auto* v = n.as_integer();
  const bool too_big = v != nullptr && static_cast<double>(v->get()) > hi;
  if (!too_big && lo == 1 && hi >= kMaxCount / 10) return "a positive integer";
  if (!too_big && lo == 0 && hi >= kMaxCount / 10) return "a non-negative integer";
  return fmt::format("an integer in [{}, {}]", lo, hi);
}

std::string float_range(double lo, double hi) {
  if (lo == 0 && hi == kInf) return "a non-negative number";
  return fmt::format("a number in [{}, {}]", lo, hi);
}

// Where a value came from: the file (with line) or the --set argument.
struct Origin {
  std::string where;  // "scenarios/x.toml" or "--set world.persons=-5"
  [[noreturn]] void fail(std::string_view key, const std::string& what,
                         const toml::node* n = nullptr) const {
    std::string loc = where;
    if (n != nullptr && n->source().begin.line > 0)
      loc += fmt::format(":{}", n->source().begin.line);
    throw UsageError(fmt::format("{}: key '{}': {}", loc, key, what));
  }
};

std::optional<double> as_number(const toml::node& n) {
  if (auto v = n.as_integer()) return static_cast<double>(v->get());
  if (auto v = n.as_floating_point()) return v->get();
  return std::nullopt;
}

double get_float(const toml::node& n, std::string_view key, double lo, double hi,
                 const Origin& o) {
  auto v = as_number(n);
  if (!v || !std::isfinite(*v) || *v < lo || *v > hi)
    o.fail(key, fmt::format("expected {}, got {}", float_range(lo, hi), describe(n)), &n);
  return *v;
}

std::int64_t get_int(const toml::node& n, std::string_view key, double lo, double hi,
                     const Origin& o) {
  auto v = n.as_integer();
  if (v == nullptr || static_cast<double>(v->get()) < lo || static_cast<double>(v->get()) > hi)
    o.fail(key, fmt::format("expected {}, got {}", int_range(lo, hi, n), describe(n)), &n);
  return v->get();
}

std::string get_string(const toml::node& n, std::string_view key, const Origin& o) {
  auto v = n.as_string();
  if (v == nullptr) o.fail(key, fmt::format("expected a string, got {}", describe(n)), &n);
  return std::string(v->get());
}

bool valid_month(std::string_view m) {
  if (m.size() != 7 || m[4] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6})
    if (m[i] < '0' || m[i] > '9') return false;
  const int year = std::stoi(std::string(m.substr(0, 4)));
  const int month = std::stoi(std::string(m.substr(5, 2)));
  return year >= 1970 && year <= 2200 && month >= 1 && month <= 12;
}

template <std::size_t N>
void set_table(std::array<double, N>& out, const std::array<std::string_view, N>& names,
               const toml::node& n, std::string_view key, const Key& k, const Origin& o) {
  const auto* t = n.as_table();
  if (t == nullptr)
    o.fail(key, fmt::format("expected a table {{ {} = weight, ... }}, got {}", names[0],
                            describe(n)),
           &n);
  std::array<double, N> w{};  // a given table replaces the default: unnamed entries weigh 0
  for (auto&& [sub, val] : *t) {
    const auto it = std::find(names.begin(), names.end(), sub.str());
    const std::string full = fmt::format("{}.{}", key, sub.str());
    if (it == names.end())
      o.fail(full, fmt::format("unknown entry; expected one of: {}", fmt::join(names, ", ")),
             &val);
    w[static_cast<std::size_t>(it - names.begin())] = get_float(val, full, k.min, k.max, o);
  }
  out = w;
}

// Applies one TOML value to the field bound to `k`.
void apply(Scenario& s, const Key& k, const toml::node& n, const Origin& o) {
  const std::string key = fmt::format("{}.{}", k.group, k.name);
  std::visit(
      [&](auto ref) {
        using R = decltype(ref);
        if constexpr (std::is_same_v<R, IntRef>) {
          ref(s) = static_cast<int>(get_int(n, key, k.min, k.max, o));
        } else if constexpr (std::is_same_v<R, Int64Ref>) {
          ref(s) = get_int(n, key, k.min, k.max, o);
        } else if constexpr (std::is_same_v<R, U64Ref>) {
          ref(s) = static_cast<std::uint64_t>(get_int(n, key, k.min, k.max, o));
        } else if constexpr (std::is_same_v<R, FloatRef>) {
          ref(s) = get_float(n, key, k.min, k.max, o);
        } else if constexpr (std::is_same_v<R, StringRef>) {
          ref(s) = get_string(n, key, o);
        } else if constexpr (std::is_same_v<R, MonthRef>) {
          std::string m = get_string(n, key, o);
          if (!valid_month(m))
            o.fail(key, fmt::format("expected a month \"YYYY-MM\", got \"{}\"", m), &n);
          ref.ref(s) = std::move(m);
        } else if constexpr (std::is_same_v<R, IntListRef>) {
          const auto* a = n.as_array();
          if (a == nullptr)
            o.fail(key, fmt::format("expected an array of integers, got {}", describe(n)), &n);
          std::vector<std::int64_t> v;
          for (const auto& e : *a) v.push_back(get_int(e, key, k.min, k.max, o));
          ref(s) = std::move(v);
        } else if constexpr (std::is_same_v<R, StringListRef>) {
          const auto* a = n.as_array();
          if (a == nullptr)
            o.fail(key, fmt::format("expected an array of strings, got {}", describe(n)), &n);
          std::vector<std::string> v;
          for (const auto& e : *a) {
            v.push_back(get_string(e, key, o));
            // Agencies and corridors end up inside CSV fields and code lists: keep them plain.
            if (v.back().empty() ||
                v.back().find_first_of(",;\"\r\n") != std::string::npos)
              o.fail(key,
                     fmt::format("entries must be non-empty and free of , ; \" and line breaks, "
                                 "got \"{}\"",
                                 v.back()),
                     &e);
          }
          ref(s) = std::move(v);
        } else if constexpr (std::is_same_v<R, CultureTableRef>) {
          set_table(ref(s), kCultureNames, n, key, k, o);
        } else if constexpr (std::is_same_v<R, RoleTableRef>) {
          set_table(ref.ref(s), kAideRoleNames, n, key, k, o);
        } else if constexpr (std::is_same_v<R, SizeWeightsRef>) {
          const auto* a = n.as_array();
          if (a == nullptr || a->size() != 5)
            o.fail(key,
                   fmt::format("expected an array of 5 weights (family sizes 2..6), got {}",
                               a ? fmt::format("{} elements", a->size()) : describe(n)),
                   &n);
          std::array<double, 5> w{};
          for (std::size_t i = 0; i < 5; ++i) w[i] = get_float(*a->get(i), key, k.min, k.max, o);
          ref.ref(s) = w;
        }
      },
      k.bind);
}

// --- effective TOML ------------------------------------------------------------------------
std::string toml_string(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
        else
          out += c;
    }
  }
  return out + "\"";
}

std::string toml_float(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eE") == std::string::npos && s.find("inf") == std::string::npos &&
      s.find("nan") == std::string::npos)
    s += ".0";
  return s;
}

template <std::size_t N>
std::string toml_table(const std::array<double, N>& w, const std::array<std::string_view, N>& n) {
  std::string out = "{ ";
  for (std::size_t i = 0; i < N; ++i)
    out += fmt::format("{}{} = {}", i ? ", " : "", n[i], toml_float(w[i]));
  return out + " }";
}

std::string value_text(Scenario& s, const Key& k) {
  return std::visit(
      [&](auto ref) -> std::string {
        using R = decltype(ref);
        if constexpr (std::is_same_v<R, FloatRef>) {
          return toml_float(ref(s));
        } else if constexpr (std::is_same_v<R, StringRef>) {
          return toml_string(ref(s));
        } else if constexpr (std::is_same_v<R, MonthRef>) {
          return toml_string(ref.ref(s));
        } else if constexpr (std::is_same_v<R, IntListRef>) {
          return fmt::format("[{}]", fmt::join(ref(s), ", "));
        } else if constexpr (std::is_same_v<R, StringListRef>) {
          std::vector<std::string> q;
          for (const auto& v : ref(s)) q.push_back(toml_string(v));
          return fmt::format("[{}]", fmt::join(q, ", "));
        } else if constexpr (std::is_same_v<R, CultureTableRef>) {
          return toml_table(ref(s), kCultureNames);
        } else if constexpr (std::is_same_v<R, RoleTableRef>) {
          return toml_table(ref.ref(s), kAideRoleNames);
        } else if constexpr (std::is_same_v<R, SizeWeightsRef>) {
          std::vector<std::string> q;
          for (double v : ref.ref(s)) q.push_back(toml_float(v));
          return fmt::format("[{}]", fmt::join(q, ", "));
        } else {
          return fmt::format("{}", ref(s));
        }
      },
      k.bind);
}

std::string effective_toml(Scenario& s) {
  std::string out = fmt::format("# effective scenario (source: {})\n", s.source);
  std::string_view group;
  for (const auto& k : keys()) {
    if (k.group != group) {
      out += fmt::format("\n[{}]\n", k.group);
      group = k.group;
    }
    out += fmt::format("{} = {}\n", k.name, value_text(s, k));
  }
  return out;
}

// --- cross-key checks ----------------------------------------------------------------------
void check_consistency(const Scenario& s, const std::string& source) {
  auto fail = [&](std::string_view keys_text, const std::string& what) {
    throw UsageError(fmt::format("{}: {}: {}", source, keys_text, what));
  };
  const auto& l = s.legit;
  const double shares = l.family_share + l.tourist_share + l.business_share + l.student_share +
                        l.diaspora_share;
  if (shares > 1.0 + 1e-9)
    fail("keys 'legit.*_share'",
         fmt::format("family, tourist, business, student and diaspora shares add up to {} > 1",
                     shares));
  auto positive_sum = [](const auto& arr) {
    double t = 0;
    for (double v : arr) t += v;
    return t > 0;
  };
  if (!positive_sum(l.family_size_weights))
    fail("key 'legit.family_size_weights'", "at least one weight must be positive");
  if (!positive_sum(l.culture_weights))
    fail("key 'legit.culture_weights'", "at least one weight must be positive");
  if (!positive_sum(s.organizations.role_weights))
    fail("key 'organizations.role_weights'", "at least one weight must be positive");
  if (s.organizations.size_min > s.organizations.size_max)
    fail("keys 'organizations.size_min' and 'organizations.size_max'",
         fmt::format("size_min {} > size_max {}", s.organizations.size_min,
                     s.organizations.size_max));
  if (s.aliases.dob_same_share + s.aliases.dob_near_share > 1.0 + 1e-9)
    fail("keys 'aliases.dob_same_share' and 'aliases.dob_near_share'",
         fmt::format("shares add up to {} > 1", s.aliases.dob_same_share + s.aliases.dob_near_share));
  const auto& e = s.enforcement;
  if (e.p_split + e.p_merge + e.p_dissolve > 1.0 + 1e-9)
    fail("keys 'enforcement.p_split', 'enforcement.p_merge' and 'enforcement.p_dissolve'",
         fmt::format("probabilities add up to {} > 1", e.p_split + e.p_merge + e.p_dissolve));
  for (auto m : e.action_months)
    if (m >= s.months)
      fail("key 'enforcement.action_months'",
           fmt::format("month {} is outside the scenario (world.months = {})", m, s.months));
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"feeds.travel_agencies", &s.feeds.travel_agencies},
      {"feeds.calls_agencies", &s.feeds.calls_agencies},
      {"feeds.subscribers_agencies", &s.feeds.subscribers_agencies},
      {"feeds.enforcement_agencies", &s.feeds.enforcement_agencies}};
  for (const auto& [name, list] : lists)
    if (list->empty()) fail(fmt::format("key '{}'", name), "needs at least one agency");
  for (const auto& c : s.geography.corridors) {
    // "[NAT:]AAA-BBB-CCC"; whether the airports exist is checked by the World, which knows the
    // airport table (built-in or from geography.airports_csv).
    std::string_view v = c;
    bool ok = true;
    if (v.size() > 4 && v[3] == ':') {
      for (int i = 0; i < 3; ++i) ok = ok && v[i] >= 'A' && v[i] <= 'Z';
      v.remove_prefix(4);
    }
    ok = ok && v.size() == 11 && v[3] == '-' && v[7] == '-';
    for (std::size_t i = 0; ok && i < v.size(); ++i)
      if (i != 3 && i != 7) ok = v[i] >= 'A' && v[i] <= 'Z';
    if (!ok)
      fail("key 'geography.corridors'",
           fmt::format("expected \"ORIGIN-HUB-DEST\" IATA codes, optionally prefixed by the "
                       "migrants' nationality \"NAT:\" (e.g. \"ERI:KRT-IST-FCO\"), got \"{}\"",
                       c));
  }
}

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

void apply_override(Scenario& s, const std::string& text) {
  const Origin o{"--set " + text};
  const auto eq = text.find('=');
  if (eq == std::string::npos)
    throw UsageError(fmt::format("--set {}: expected KEY=VALUE, e.g. --set world.persons=20000",
                                 text));
  const std::string_view key = trim(std::string_view(text).substr(0, eq));
  const std::string_view raw = trim(std::string_view(text).substr(eq + 1));

  // "group.key" or, for weight tables, "group.key.entry".
  const auto d1 = key.find('.');
  if (d1 == std::string_view::npos) o.fail(key, "expected a dotted key such as world.persons");
  const auto d2 = key.find('.', d1 + 1);
  const std::string_view group = key.substr(0, d1);
  const std::string_view name =
      key.substr(d1 + 1, d2 == std::string_view::npos ? std::string_view::npos : d2 - d1 - 1);
  const Key* k = find_key(group, name);
  if (k == nullptr) {
    if (!known_group(group))
      o.fail(key, fmt::format("unknown section '{}'; known sections: {}", group, known_groups()));
    o.fail(key, "unknown key");
  }

  // The value as TOML; a bare word that is not TOML (e.g. 2025-03, border_police) is a string.
  toml::table parsed;
  std::string value_doc = "v = " + std::string(raw);
  try {
    parsed = toml::parse(std::string_view(value_doc), std::string_view("--set"));
  } catch (const toml::parse_error&) {
    parsed = toml::table{{"v", std::string(raw)}};
  }
  toml::node* value = parsed.get("v");
  const bool string_key = std::holds_alternative<StringRef>(k->bind) ||
                          std::holds_alternative<MonthRef>(k->bind);
  if (string_key && value != nullptr && !value->is_string()) {
    parsed = toml::table{{"v", std::string(raw)}};
    value = parsed.get("v");
  }

  if (d2 != std::string_view::npos) {
    // One entry of a weight table: keep the other entries.
    const std::string_view entry = key.substr(d2 + 1);
    auto set_entry = [&](auto& arr, const auto& names) {
      const auto it = std::find(names.begin(), names.end(), entry);
      if (it == names.end())
        o.fail(key, fmt::format("unknown entry; expected one of: {}", fmt::join(names, ", ")));
      arr[static_cast<std::size_t>(it - names.begin())] =
          get_float(*value, key, k->min, k->max, o);
    };
    if (auto* c = std::get_if<CultureTableRef>(&k->bind))
      set_entry((*c)(s), kCultureNames);
    else if (auto* r = std::get_if<RoleTableRef>(&k->bind))
      set_entry(r->ref(s), kAideRoleNames);
    else
      o.fail(key, "unknown key");
    return;
  }
  apply(s, *k, *value, o);
}

}  // namespace

Scenario parse_scenario(std::string_view toml_text, const std::string& source,
                        const std::vector<std::string>& overrides) {
  Scenario s;
  s.source = source;
  toml::table doc;
  try {
    doc = toml::parse(toml_text, std::string_view(source));
  } catch (const toml::parse_error& e) {
    throw UsageError(fmt::format("{}:{}:{}: TOML syntax error: {}", source,
                                 e.source().begin.line, e.source().begin.column,
                                 e.description()));
  }
  const Origin file{source};
  for (auto&& [group, node] : doc) {
    const std::string g(group.str());
    if (!known_group(g)) {
      file.fail(g, node.is_table()
                       ? fmt::format("unknown section; known sections: {}", known_groups())
                       : fmt::format("keys belong in a section ([world], [legit], ...); known "
                                     "sections: {}",
                                     known_groups()),
                &node);
    }
    const auto* table = node.as_table();
    if (table == nullptr) file.fail(g, "expected a section (table)", &node);
    for (auto&& [name, value] : *table) {
      const Key* k = find_key(g, name.str());
      if (k == nullptr) file.fail(fmt::format("{}.{}", g, name.str()), "unknown key", &value);
      apply(s, *k, value, file);
    }
  }
  check_consistency(s, source);
  for (const auto& o : overrides) apply_override(s, o);
  if (!overrides.empty()) check_consistency(s, source + " with --set overrides");
  s.effective_toml = effective_toml(s);
  return s;
}

std::string_view builtin_scenario(std::string_view name) {
  for (std::size_t i = 0; i < detail::kBuiltinScenarioCount; ++i)
    if (detail::kBuiltinScenarios[i].name == name) return detail::kBuiltinScenarios[i].text;
  return {};
}

std::vector<std::string> builtin_scenario_names() {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < detail::kBuiltinScenarioCount; ++i)
    out.emplace_back(detail::kBuiltinScenarios[i].name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> scenario_keys() {
  std::vector<std::string> out;
  for (const auto& k : keys()) out.push_back(fmt::format("{}.{}", k.group, k.name));
  return out;
}

}  // namespace ch::world
