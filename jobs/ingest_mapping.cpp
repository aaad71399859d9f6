#include "jobs/ingest_mapping.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <sstream>

#include "jobs/ingest.hpp"
#include "kernels/error.hpp"
#include "kernels/text/date.hpp"

namespace ch::jobs::ingestion {
namespace {

constexpr std::string_view kFieldKeys[kFieldCount] = {
    "record_id", "agency", "releasable_to", "given_name", "family_name", "full_name",
    "date_of_birth", "sex", "nationality", "document_type", "document_number",
    "document_country", "phone", "email", "booking_ref", "payment_ref", "address_number",
    "address_street", "address_extra", "address_locality", "address_postcode", "address_region",
    "address_country", "event_time", "event_date", "action", "location",
    "carrier", "flight_number", "origin", "destination", "departure_utc",
    "caller", "callee", "start_utc", "duration_s", "caller_country", "callee_country"};

bool is_date_field(Field f) { return f == Field::kDateOfBirth || f == Field::kEventDate; }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string mappable_keys() {
  std::vector<std::string> keys;
  for (std::size_t i = 0; i <= static_cast<std::size_t>(Field::kLastMappable); ++i)
    keys.emplace_back(kFieldKeys[i]);
  return join(keys);
}

[[noreturn]] void bad(const std::string& origin, const std::string& message) {
  throw UsageError(origin + ": " + message);
}

Field field_from_key(std::string_view key, const std::string& origin, const std::string& where) {
  for (std::size_t i = 0; i <= static_cast<std::size_t>(Field::kLastMappable); ++i)
    if (kFieldKeys[i] == key) return static_cast<Field>(i);
  bad(origin, "unknown key '" + where + std::string(key) + "' (fields are: " + mappable_keys() + ")");
}

std::string string_value(const toml::node& node, const std::string& origin, const std::string& key) {
  if (auto v = node.value<std::string>(); v && node.is_string()) return *v;
  bad(origin, "'" + key + "' must be a string");
}

OnInvalid on_invalid_value(const toml::node& node, const std::string& origin, const std::string& key) {
  const auto v = string_value(node, origin, key);
  if (v == "quarantine") return OnInvalid::kQuarantine;
  if (v == "blank") return OnInvalid::kBlank;
  bad(origin, "'" + key + "' must be \"quarantine\" or \"blank\", not \"" + v + "\"");
}

void check_format(const std::string& format, const std::string& origin, const std::string& key) {
  bool y = false, m = false, d = false;
  for (std::size_t i = 0; i + 1 < format.size(); ++i) {
    if (format[i] != '%') continue;
    const char c = format[++i];
    if (c == 'Y') y = true;
    else if (c == 'm' || c == 'b') m = true;
    else if (c == 'd') d = true;
    else if (c != '%') bad(origin, "'" + key + "': unsupported directive %" + std::string(1, c) +
                                       " (use %Y %m %d %b %%)");
  }
  if (!(y && m && d)) bad(origin, "'" + key + "' = \"" + format + "\" needs %Y, %m (or %b) and %d");
}

char single_char(const toml::node& node, const std::string& origin, const std::string& key) {
  const auto v = string_value(node, origin, key);
  if (v == "\\t" || v == "\t") return '\t';
  if (v.size() != 1 || v[0] == '\n' || v[0] == '\r')
    bad(origin, "'" + key + "' must be a single character");
  return v[0];
}

void set_column(Source& s, Field f, std::string column) { s.spec(f).column = std::move(column); }

}  // namespace

std::string_view field_key(Field f) { return kFieldKeys[static_cast<std::size_t>(f)]; }

std::string_view extra_type_name(ExtraType t) {
  static constexpr std::string_view kNames[] = {"name", "date", "identifier", "postcode", "text", "category"};
  return kNames[static_cast<std::size_t>(t)];
}

Source feed_source(SourceKind kind, const std::filesystem::path& file) {
  Source s;
  s.kind = kind;
  s.file = file;
  using F = Field;
  // Columns shared by every feed.
  set_column(s, F::kRecordId, "record_id");
  set_column(s, F::kAgency, "agency");
  set_column(s, F::kReleasableTo, "releasable_to");
  switch (kind) {
    case SourceKind::kTravel:
      s.name = "travel";
      for (auto [f, c] : std::initializer_list<std::pair<F, const char*>>{
               {F::kBookingRef, "booking_ref"}, {F::kGivenName, "given_name"},
               {F::kFamilyName, "family_name"}, {F::kDateOfBirth, "date_of_birth"},
               {F::kSex, "sex"}, {F::kNationality, "nationality"},
               {F::kDocumentType, "document_type"}, {F::kDocumentNumber, "document_number"},
               {F::kDocumentCountry, "document_country"}, {F::kPhone, "phone"},
               {F::kEmail, "email"}, {F::kPaymentRef, "payment_ref"}, {F::kCarrier, "carrier"},
               {F::kFlightNumber, "flight_number"}, {F::kOrigin, "origin"},
               {F::kDestination, "destination"}, {F::kDeparture, "departure_utc"},
               {F::kEventTime, "departure_utc"}})
        set_column(s, f, c);
      break;
    case SourceKind::kCalls:
      s.name = "calls";
      for (auto [f, c] : std::initializer_list<std::pair<F, const char*>>{
               {F::kCaller, "caller"}, {F::kCallee, "callee"}, {F::kStart, "start_utc"},
               {F::kDuration, "duration_s"}, {F::kCallerCountry, "caller_country"},
               {F::kCalleeCountry, "callee_country"}})
        set_column(s, f, c);
      break;
    case SourceKind::kSubscribers:
      s.name = "subscribers";
      for (auto [f, c] : std::initializer_list<std::pair<F, const char*>>{
               {F::kPhone, "phone"}, {F::kGivenName, "given_name"},
               {F::kFamilyName, "family_name"}, {F::kDateOfBirth, "date_of_birth"},
               {F::kNationality, "nationality"}, {F::kDocumentNumber, "document_number"},
               {F::kEventTime, "registered_utc"}})
        set_column(s, f, c);
      break;
    case SourceKind::kEnforcement:
      s.name = "enforcement";
      for (auto [f, c] : std::initializer_list<std::pair<F, const char*>>{
               {F::kEventDate, "date"}, {F::kAction, "action"},
               {F::kDocumentNumber, "document_number"}, {F::kGivenName, "given_name"},
               {F::kFamilyName, "family_name"}, {F::kLocation, "location"},
               {F::kDateOfBirth, "date_of_birth"}, {F::kPhone, "phone"}})
        set_column(s, f, c);
      break;
    case SourceKind::kMapped:
      break;
  }
  s.spec(F::kDateOfBirth).format = "%Y-%m-%d";
  s.spec(F::kEventDate).format = "%Y-%m-%d";
  s.origin = "built-in " + s.name + " feed layout";
  return s;
}

Source parse_mapping(std::string_view text, const std::string& origin,
                     const std::filesystem::path& csv) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << "invalid TOML at line " << e.source().begin.line << ": " << e.description();
    bad(origin, msg.str());
  }
  Source s;
  s.kind = SourceKind::kMapped;
  s.file = csv;
  s.origin = origin;
  s.name = csv.stem().string();
  s.mapping_text = std::string(text);
  s.spec(Field::kDateOfBirth).format = "%Y-%m-%d";
  s.spec(Field::kEventDate).format = "%Y-%m-%d";

  for (auto&& [key, node] : root) {
    const std::string k(key.str());
    if (k == "source") {
      const auto* t = node.as_table();
      if (!t) bad(origin, "'source' must be a table");
      for (auto&& [sk, sv] : *t) {
        const std::string name = "source." + std::string(sk.str());
        if (sk == "name") {
          s.name = string_value(sv, origin, name);
          if (s.name.empty()) bad(origin, "'source.name' must not be empty");
        } else if (sk == "delimiter") {
          s.dialect.delimiter = single_char(sv, origin, name);
        } else if (sk == "quote") {
          s.dialect.quote = single_char(sv, origin, name);
        } else if (sk == "trim_spaces") {
          if (!sv.is_boolean()) bad(origin, "'" + name + "' must be true or false");
          s.dialect.trim_spaces = *sv.value<bool>();
        } else if (sk == "phone_country_code") {
          s.phone_country_code = string_value(sv, origin, name);
          if (s.phone_country_code.empty() ||
              !std::all_of(s.phone_country_code.begin(), s.phone_country_code.end(),
                           [](char c) { return c >= '0' && c <= '9'; }))
            bad(origin, "'" + name + "' must be digits, e.g. \"61\"");
        } else {
          bad(origin, "unknown key '" + name +
                          "' (source keys are: name, delimiter, quote, trim_spaces, phone_country_code)");
        }
      }
    } else if (k == "constants") {
      const auto* t = node.as_table();
      if (!t) bad(origin, "'constants' must be a table");
      for (auto&& [ck, cv] : *t) {
        const Field f = field_from_key(ck.str(), origin, "constants.");
        if (f == Field::kRecordId || f == Field::kFullName)
          bad(origin, "'constants." + std::string(ck.str()) + "' cannot be a constant");
        auto& spec = s.spec(f);
        spec.constant = string_value(cv, origin, "constants." + std::string(ck.str()));
        spec.has_constant = true;
      }
    } else if (k == "fields") {
      const auto* t = node.as_table();
      if (!t) bad(origin, "'fields' must be a table");
      for (auto&& [fk, fv] : *t) {
        const std::string name = "fields." + std::string(fk.str());
        const Field f = field_from_key(fk.str(), origin, "fields.");
        auto& spec = s.spec(f);
        if (fv.is_string()) {
          spec.column = *fv.value<std::string>();
        } else if (const auto* ft = fv.as_table()) {
          for (auto&& [ak, av] : *ft) {
            const std::string an = name + "." + std::string(ak.str());
            if (ak == "column") {
              spec.column = string_value(av, origin, an);
            } else if (ak == "format" && is_date_field(f)) {
              spec.format = string_value(av, origin, an);
              check_format(spec.format, origin, an);
            } else if (ak == "on_invalid" && (is_date_field(f) || f == Field::kPhone ||
                                              f == Field::kSex || f == Field::kEventTime)) {
              spec.on_invalid = on_invalid_value(av, origin, an);
            } else if (ak == "max_age_years" && f == Field::kDateOfBirth) {
              if (!av.is_integer() || *av.value<std::int64_t>() < 1 || *av.value<std::int64_t>() > 1000)
                bad(origin, "'" + an + "' must be an integer from 1 to 1000");
              spec.max_age_years = static_cast<int>(*av.value<std::int64_t>());
            } else if (ak == "order" && f == Field::kFullName) {
              const auto v = string_value(av, origin, an);
              if (v == "given_first") spec.order = text::NameOrder::kGivenFirst;
              else if (v == "family_first") spec.order = text::NameOrder::kFamilyFirst;
              else bad(origin, "'" + an + "' must be \"given_first\" or \"family_first\"");
            } else {
              bad(origin, "unknown key '" + an + "'");
            }
          }
          if (spec.column.empty()) bad(origin, "'" + name + ".column' is missing");
        } else {
          bad(origin, "'" + name + "' must be a column name or a table with 'column'");
        }
        if (spec.column.empty()) bad(origin, "'" + name + "' names an empty column");
      }
    } else if (k == "extras") {
      const auto* t = node.as_table();
      if (!t) bad(origin, "'extras' must be a table of tables");
      for (auto&& [ek, ev] : *t) {
        const std::string name = "extras." + std::string(ek.str());
        ExtraSpec x;
        x.name = std::string(ek.str());
        if (x.name.empty() || !std::all_of(x.name.begin(), x.name.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
            }))
          bad(origin, "'" + name + "': extra names use a-z, 0-9 and _");
        const auto* et = ev.as_table();
        if (!et) bad(origin, "'" + name + "' must be a table with 'column' and 'type'");
        bool typed = false;
        for (auto&& [ak, av] : *et) {
          const std::string an = name + "." + std::string(ak.str());
          if (ak == "column") {
            x.column = string_value(av, origin, an);
          } else if (ak == "type") {
            const auto v = string_value(av, origin, an);
            bool found = false;
            for (int i = 0; i < 6; ++i)
              if (extra_type_name(static_cast<ExtraType>(i)) == v) {
                x.type = static_cast<ExtraType>(i);
                found = true;
              }
            if (!found)
              bad(origin, "'" + an + "' = \"" + v +
                              "\": use name, date, identifier, postcode, text or category");
            typed = true;
          } else if (ak == "format") {
            x.format = string_value(av, origin, an);
            check_format(x.format, origin, an);
          } else if (ak == "on_invalid") {
            x.on_invalid = on_invalid_value(av, origin, an);
          } else {
            bad(origin, "unknown key '" + an + "' (extra keys are: column, type, format, on_invalid)");
          }
        }
        if (x.column.empty()) bad(origin, "'" + name + ".column' is missing");
        if (!typed) bad(origin, "'" + name + ".type' is missing");
        s.extras.push_back(std::move(x));
      }
    } else {
      bad(origin, "unknown key '" + k + "' (top-level keys are: source, constants, fields, extras)");
    }
  }
  if (s.spec(Field::kRecordId).column.empty()) bad(origin, "'fields.record_id' is required");
  const bool split = !s.spec(Field::kFullName).column.empty();
  if (split && (!s.spec(Field::kGivenName).column.empty() || !s.spec(Field::kFamilyName).column.empty()))
    bad(origin, "'fields.full_name' cannot be combined with 'fields.given_name'/'fields.family_name'");
  return s;
}

Source feed_source(SourceKind kind, const std::filesystem::path& file, std::string_view header) {
  Source s = feed_source(kind, file);
  std::vector<std::string_view> fields;
  std::string scratch;
  if (io::split_fields(header, s.dialect, fields, scratch) != io::FieldsStatus::kOk)
    throw UsageError(file.string() + ": the header row has malformed quotes");
  std::vector<std::string> names;
  for (auto f : fields) names.emplace_back(text::trim(f));
  bind_header(s, names);
  return s;
}

void bind_header(Source& s, const std::vector<std::string>& header) {
  s.header = header;
  auto find = [&](const std::string& column, const std::string& needed_by) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == column) return static_cast<int>(i);
    throw UsageError(s.file.string() + ": no column '" + column + "' (needed by " + needed_by +
                     " in " + s.origin + "); the header has: " + join(header));
  };
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    auto& spec = s.fields[i];
    if (!spec.column.empty())
      spec.index = find(spec.column, "fields." + std::string(kFieldKeys[i]));
  }
  for (auto& x : s.extras) x.index = find(x.column, "extras." + x.name);
}

std::vector<ExtraColumn> assign_extra_slots(std::vector<Source>& sources) {
  std::vector<ExtraColumn> columns;
  for (auto& s : sources)
    for (auto& x : s.extras) {
      auto it = std::find_if(columns.begin(), columns.end(),
                             [&](const ExtraColumn& c) { return c.name == x.name; });
      if (it == columns.end()) {
        columns.push_back({x.name, x.type});
        it = columns.end() - 1;
      } else if (it->type != x.type) {
        throw UsageError(s.origin + ": extras." + x.name + " has type " +
                         std::string(extra_type_name(x.type)) + " but another mapping gave it type " +
                         std::string(extra_type_name(it->type)));
      }
      x.slot = static_cast<int>(it - columns.begin());
    }
  return columns;
}

}  // namespace ch::jobs::ingestion

namespace ch::jobs {

namespace {
std::string unquote(std::string v) {
  if (v.size() >= 2 && ((v.front() == '"' && v.back() == '"') || (v.front() == '\'' && v.back() == '\'')))
    return v.substr(1, v.size() - 2);
  return v;
}
template <class T>
T parse_number(const std::string& key, const std::string& value) {
  T out{};
  const auto* end = value.data() + value.size();
  const auto r = std::from_chars(value.data(), end, out);
  if (r.ec != std::errc() || r.ptr != end)
    throw UsageError("--set " + key + "=" + value + ": not a valid number");
  return out;
}
}  // namespace

IngestOptions ingest_options(const std::vector<std::string>& overrides) {
  IngestOptions o;
  for (const auto& item : overrides) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw UsageError("--set " + item + ": expected KEY=VALUE");
    const std::string key = item.substr(0, eq);
    const std::string value = unquote(item.substr(eq + 1));
    if (key == "ingest.max_bad_fraction") {
      o.max_bad_fraction = parse_number<double>(key, value);
      if (!(o.max_bad_fraction >= 0.0 && o.max_bad_fraction <= 1.0))
        throw UsageError("--set " + key + "=" + value + ": must be between 0 and 1");
    } else if (key == "ingest.max_field_bytes") {
      o.max_field_bytes = parse_number<std::size_t>(key, value);
      if (o.max_field_bytes == 0) throw UsageError("--set " + key + ": must be positive");
    } else if (key == "ingest.max_record_bytes") {
      o.max_record_bytes = parse_number<std::size_t>(key, value);
      if (o.max_record_bytes < 1024) throw UsageError("--set " + key + ": must be at least 1024");
    } else if (key == "ingest.quarantine_raw_bytes") {
      o.quarantine_raw_bytes = parse_number<std::size_t>(key, value);
    } else if (key == "ingest.max_age_years") {
      o.max_age_years = parse_number<int>(key, value);
      if (o.max_age_years < 1) throw UsageError("--set " + key + ": must be positive");
    } else if (key == "ingest.reference_date") {
      if (text::parse_date(value, "%Y-%m-%d").error != text::DateError::kNone)
        throw UsageError("--set " + key + "=" + value + ": not a date YYYY-MM-DD");
      o.reference_date = value;
    } else if (key == "ingest.default_country_code") {
      if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw UsageError("--set " + key + "=" + value + ": must be digits, e.g. 92");
      o.default_country_code = value;
    } else {
      throw UsageError("--set " + key + ": unknown key '" + key +
                       "' (ingest keys are: max_bad_fraction, max_field_bytes, max_record_bytes, "
                       "quarantine_raw_bytes, max_age_years, reference_date, default_country_code)");
    }
  }
  return o;
}

std::string ingest_options_toml(const IngestOptions& o) {
  std::ostringstream out;
  out << "[ingest]\n"
      << "max_bad_fraction = " << o.max_bad_fraction << "\n"
      << "max_field_bytes = " << o.max_field_bytes << "\n"
      << "max_record_bytes = " << o.max_record_bytes << "\n"
      << "quarantine_raw_bytes = " << o.quarantine_raw_bytes << "\n"
      << "max_age_years = " << o.max_age_years << "\n"
      << "reference_date = \"" << o.reference_date << "\"\n"
      << "default_country_code = \"" << o.default_country_code << "\"\n";
  return out.str();
}

}  // namespace ch::jobs
