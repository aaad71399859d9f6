#include "jobs/resolve_data.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <stdexcept>

#include "kernels/error.hpp"
#include "kernels/text/metaphone.hpp"

namespace ch::jobs {
namespace {

constexpr const char* kTable = "/observations";

bool has(const std::vector<std::string>& names, const std::string& n) {
  return std::find(names.begin(), names.end(), n) != names.end();
}

// A string column as strings, whatever its stored type (dates may be stored as day numbers).
// Moved out of `t`: each cell is held once.
std::vector<std::string> strings_of(io::Table& t, const std::string& name, std::size_t rows) {
  auto& cols = t.columns();
  const auto it = std::find_if(cols.begin(), cols.end(), [&](const io::Column& c) { return c.name == name; });
  if (it == cols.end()) return std::vector<std::string>(rows);
  auto& c = *it;
  if (auto* v = std::get_if<std::vector<std::string>>(&c.data)) return std::move(*v);
  std::vector<std::string> out(rows);
  std::visit(
      [&](const auto& vec) {
        using T = typename std::decay_t<decltype(vec)>::value_type;
        if constexpr (std::is_same_v<T, std::string_view>)
          for (std::size_t i = 0; i < rows; ++i) out[i] = std::string(vec[i]);
        else if constexpr (!std::is_same_v<T, std::string>)
          for (std::size_t i = 0; i < rows; ++i) out[i] = std::to_string(vec[i]);
      },
      c.data);
  return out;
}

match::FieldKind parse_kind(const std::string& s, const std::string& entry) {
  if (s == "name") return match::FieldKind::kName;
  if (s == "identifier") return match::FieldKind::kIdentifier;
  if (s == "exact") return match::FieldKind::kExact;
  throw UsageError("resolve.extra_comparisons: '" + entry + "': kind must be name, identifier or exact");
}

}  // namespace

std::int32_t parse_dob(const std::string& text) {
  int y = 0, m = 0, d = 0;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    y = std::atoi(text.substr(0, 4).c_str());
    m = std::atoi(text.substr(5, 2).c_str());
    d = std::atoi(text.substr(8, 2).c_str());
  } else if (text.size() == 8 && std::all_of(text.begin(), text.end(), ::isdigit)) {
    y = std::atoi(text.substr(0, 4).c_str());
    m = std::atoi(text.substr(4, 2).c_str());
    d = std::atoi(text.substr(6, 2).c_str());
  } else {
    return match::kMissingDate;
  }
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > 31) return match::kMissingDate;
  return match::days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

match::ComparisonSpec comparison_spec_for(const io::TableReader& records,
                                          const std::vector<std::string>& extra_comparisons) {
  if (!records.has_table(kTable))
    throw UsageError(records.path().string() + ": no /observations table (is it a records.h5?)");
  const auto cols = records.column_names(kTable);
  for (const char* required : {"record_id", "given_name", "family_name"})
    if (!has(cols, required))
      throw UsageError(records.path().string() + ": /observations lacks column '" + required + "'");
  match::ComparisonSpec spec;
  spec.sex = has(cols, "sex");
  spec.nationality = has(cols, "nationality");
  spec.document = has(cols, "document_number");
  spec.phone = has(cols, "phone");
  spec.email = has(cols, "email");
  for (const auto& e : extra_comparisons) {
    const auto colon = e.find(':');
    if (colon == std::string::npos)
      throw UsageError("resolve.extra_comparisons: '" + e + "': expected COLUMN:KIND");
    const auto name = e.substr(0, colon);
    const auto kind = parse_kind(e.substr(colon + 1), e);
    if (has(cols, name)) spec.extra.emplace_back(name, kind);
  }
  return spec;
}

std::vector<match::BlockingRule> blocking_rules_for(const std::vector<std::string>& rules,
                                                    const match::ComparisonSpec& spec,
                                                    const std::vector<std::string>& columns,
                                                    std::vector<std::string>* skipped) {
  std::vector<std::string> extra_names;
  for (const auto& e : spec.extra) extra_names.push_back(e.first);
  std::vector<match::BlockingRule> out;
  for (const auto& r : rules) {
    try {
      auto rule = match::parse_blocking_rule(r, extra_names);
      const bool usable = std::all_of(rule.terms.begin(), rule.terms.end(), [&](const match::BlockTerm& t) {
        switch (t.kind) {
          case match::BlockTermKind::kDocument: return spec.document;
          case match::BlockTermKind::kPhone: return spec.phone;
          case match::BlockTermKind::kEmail: return spec.email;
          default: return true;
        }
      });
      if (usable) out.push_back(std::move(rule));
      else if (skipped) skipped->push_back(r);
    } catch (const std::invalid_argument& e) {
      // A term naming a column that is not compared (absent or not in extra_comparisons)
      // drops the rule: the default rules must work on any records.h5. Anything else is a typo.
      bool names_column = false;
      for (const auto& c : columns) names_column |= r.find(c) != std::string::npos;
      if (names_column || r.find("address_") != std::string::npos) {
        if (skipped) skipped->push_back(r);
        continue;
      }
      throw UsageError(std::string("resolve.blocking: ") + e.what());
    }
  }
  if (out.empty()) throw UsageError("resolve.blocking: no rule applies to these records");
  return out;
}

ObservationBatch read_observations(const io::TableReader& records, const match::ComparisonSpec& spec,
                                   std::uint64_t begin, std::uint64_t end) {
  const auto cols = records.column_names(kTable);
  std::vector<std::string> want = {"record_id", "given_name", "family_name"};
  for (const char* c : {"obs", "given_name_dm1", "given_name_dm2", "family_name_dm1", "family_name_dm2",
                        "dob", "sex", "nationality", "document_number", "phone", "email", "booking_ref",
                        "payment_ref", "event_utc"})
    if (has(cols, c)) want.emplace_back(c);
  for (const auto& e : spec.extra) want.push_back(e.first);
  auto t = records.read(kTable, begin, end, want);
  const std::size_t n = end - begin;

  ObservationBatch b;
  b.first_row = begin;
  b.record_id = strings_of(t, "record_id", n);
  if (t.has("obs")) {
    const auto& c = t.column("obs");
    b.obs.resize(n);
    std::visit(
        [&](const auto& vec) {
          using T = typename std::decay_t<decltype(vec)>::value_type;
          if constexpr (std::is_integral_v<T>)
            for (std::size_t i = 0; i < n; ++i) b.obs[i] = static_cast<std::uint64_t>(vec[i]);
          else
            throw UsageError(records.path().string() + ": /observations/obs is not an integer column");
        },
        c.data);
  } else {
    b.obs.resize(n);
    for (std::size_t i = 0; i < n; ++i) b.obs[i] = begin + i;
  }
  auto given = strings_of(t, "given_name", n), family = strings_of(t, "family_name", n);
  auto gd1 = strings_of(t, "given_name_dm1", n), gd2 = strings_of(t, "given_name_dm2", n);
  auto fd1 = strings_of(t, "family_name_dm1", n), fd2 = strings_of(t, "family_name_dm2", n);
  auto dob = strings_of(t, "dob", n), sex = strings_of(t, "sex", n), nat = strings_of(t, "nationality", n);
  auto doc = strings_of(t, "document_number", n), phone = strings_of(t, "phone", n);
  auto email = strings_of(t, "email", n);
  b.booking_ref = strings_of(t, "booking_ref", n);
  b.payment_ref = strings_of(t, "payment_ref", n);
  b.event_utc.assign(n, match::kUnknownFlightTime);
  if (t.has("event_utc"))
    if (const auto* v = std::get_if<std::vector<std::int64_t>>(&t.column("event_utc").data)) b.event_utc = *v;
  std::vector<std::vector<std::string>> extra;
  for (const auto& e : spec.extra) extra.push_back(strings_of(t, e.first, n));
  const bool derive_given = !t.has("given_name_dm1"), derive_family = !t.has("family_name_dm1");

  b.fields.resize(n);
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
    auto& f = b.fields[i];
    f.row = begin + i;
    f.given = std::move(given[i]);
    f.family = std::move(family[i]);
    // Phonetic keys from records.h5, or computed here for inputs that lack them.
    auto phonetic = [](bool derive, const std::string& name, std::string& stored1, std::string& stored2,
                       std::string& key1, std::string& key2) {
      if (derive) {
        auto k = text::double_metaphone_name(name);
        key1 = std::move(k.primary);
        key2 = std::move(k.alternate);
      } else {
        key1 = std::move(stored1);
        key2 = std::move(stored2);
      }
    };
    phonetic(derive_given, f.given, gd1[i], gd2[i], f.given_phon1, f.given_phon2);
    phonetic(derive_family, f.family, fd1[i], fd2[i], f.family_phon1, f.family_phon2);
    f.dob = parse_dob(dob[i]);
    f.sex = std::move(sex[i]);
    f.nationality = std::move(nat[i]);
    f.document = std::move(doc[i]);
    f.phone = std::move(phone[i]);
    f.email = std::move(email[i]);
    // Trailing empty extras are left out (the kernels read a missing one as empty): most
    // observations have no address, and six empty strings cost each of them 200 bytes.
    std::size_t used = extra.size();
    while (used > 0 && extra[used - 1][i].empty()) --used;
    f.extra.resize(used);
    for (std::size_t e = 0; e < used; ++e) f.extra[e] = std::move(extra[e][i]);
  });
  return b;
}

}  // namespace ch::jobs
