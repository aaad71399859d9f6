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

// A string column, whatever its stored type (dates may be stored as day numbers), moved out of
// `t`: each cell is held once. Missing: n empty cells.
io::StringColumn column_of(io::Table& t, const std::string& name, std::size_t rows) {
  io::StringColumn out;
  auto& cols = t.columns();
  const auto it = std::find_if(cols.begin(), cols.end(), [&](const io::Column& c) { return c.name == name; });
  if (it == cols.end()) {
    out.pad_to(rows);
    return out;
  }
  std::visit(
      [&](auto& vec) {
        using V = std::decay_t<decltype(vec)>;
        if constexpr (std::is_same_v<V, io::StringColumn>) {
          out = std::move(vec);
        } else {
          using T = typename V::value_type;
          if constexpr (std::is_same_v<T, std::string>)
            for (const auto& v : vec) out.push_back(v);
          else
            for (const auto& v : vec) out.push_back(std::to_string(v));
        }
      },
      it->data);
  return out;
}

match::FieldKind parse_kind(const std::string& s, const std::string& entry) {
  if (s == "name") return match::FieldKind::kName;
  if (s == "identifier") return match::FieldKind::kIdentifier;
  if (s == "exact") return match::FieldKind::kExact;
  throw UsageError("resolve.extra_comparisons: '" + entry + "': kind must be name, identifier or exact");
}

}  // namespace

std::int32_t parse_dob(std::string_view text) {
  // Digits at [at, at + n), -1 if any is not a digit.
  const auto digits = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = 10 * v + (text[i] - '0');
    }
    return v;
  };
  int y = 0, m = 0, d = 0;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  } else if (text.size() == 8) {
    y = digits(0, 4), m = digits(4, 2), d = digits(6, 2);
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
  auto t = records.read(kTable, begin, end, want, io::StringCells::kColumn);
  const std::size_t n = end - begin;

  ObservationBatch b;
  b.first_row = begin;
  b.record_id = column_of(t, "record_id", n);
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
  b.booking_ref = column_of(t, "booking_ref", n);
  b.payment_ref = column_of(t, "payment_ref", n);
  b.event_utc.assign(n, match::kUnknownFlightTime);
  if (t.has("event_utc"))
    if (const auto* v = std::get_if<std::vector<std::int64_t>>(&t.column("event_utc").data)) b.event_utc = *v;

  // The store's text fields in match::TextField order, then the extras.
  std::vector<io::StringColumn> text;
  for (const char* c : {"given_name", "family_name", "given_name_dm1", "given_name_dm2", "family_name_dm1",
                        "family_name_dm2", "sex", "nationality", "document_number", "phone", "email"})
    text.push_back(column_of(t, c, n));
  for (const auto& e : spec.extra) text.push_back(column_of(t, e.first, n));
  // Phonetic keys from records.h5, or computed here for inputs that lack them.
  const auto derive = [&](std::size_t name, std::size_t key1, std::size_t key2) {
    std::vector<std::string> k1(n), k2(n);
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
      auto k = text::double_metaphone_name(std::string(text[name][i]));
      k1[i] = std::move(k.primary);
      k2[i] = std::move(k.alternate);
    });
    text[key1] = io::StringColumn(k1);
    text[key2] = io::StringColumn(k2);
  };
  if (!t.has("given_name_dm1")) derive(match::kGivenText, match::kGivenPhon1Text, match::kGivenPhon2Text);
  if (!t.has("family_name_dm1")) derive(match::kFamilyText, match::kFamilyPhon1Text, match::kFamilyPhon2Text);
  const auto dob = column_of(t, "dob", n);
  t = io::Table();
  b.fields = match::ObservationStore::build(
      n, spec.extra.size(), [&](std::size_t i, std::size_t f) { return text[f][i]; },
      [&](std::size_t i) { return begin + i; }, [&](std::size_t i) { return parse_dob(dob[i]); });
  return b;
}

}  // namespace ch::jobs
