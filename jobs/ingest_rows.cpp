// Row processing of ingest: one CSV record → one observation (+ travel segment) or call record,
// or one quarantined row with the first reason it fails. Pure per record, so blocks of records
// are processed in parallel and concatenated in order.
#include <algorithm>
#include <charconv>
#include <cstring>

#include "jobs/ingest_model.hpp"
#include "kernels/text/date.hpp"
#include "kernels/text/metaphone.hpp"
#include "kernels/text/phone.hpp"
#include "kernels/text/utf8.hpp"

namespace ch::jobs::ingestion {

const std::array<TextColumn, kObsTextCount> kObsTextColumns = {{
    {"record_id", false},        {"agency", true},
    {"releasable_to", true},     {"given_name_raw", false},
    {"family_name_raw", false},  {"given_name", false},
    {"family_name", false},      {"given_name_dm1", false},
    {"given_name_dm2", false},   {"family_name_dm1", false},
    {"family_name_dm2", false},  {"dob_raw", false},
    {"dob", false},              {"sex", true},
    {"nationality", true},       {"document_type", true},
    {"document_number_raw", false}, {"document_number", false},
    {"document_country", true},  {"phone_raw", false},
    {"phone", false},            {"email", false},
    {"booking_ref", false},      {"payment_ref", false},
    {"address_raw", false},      {"address_number", false},
    {"address_street", false},   {"address_extra", false},
    {"address_locality", false}, {"address_postcode", false},
    {"address_region", false},   {"address_country", true},
    {"action", true},            {"location", false},
}};

const std::array<TextColumn, kSegTextCount> kSegTextColumns = {{
    {"booking_ref", false}, {"carrier", true}, {"flight_number", false}, {"origin", true},
    {"destination", true},
}};

const std::array<TextColumn, kCallTextCount> kCallTextColumns = {{
    {"record_id", false}, {"agency", true}, {"releasable_to", true}, {"caller_raw", false},
    {"callee_raw", false}, {"caller", false}, {"callee", false}, {"caller_country", true},
    {"callee_country", true},
}};

std::string_view reason_name(Reason r) {
  static constexpr std::string_view kNames[kReasonCount] = {
      "wrong_column_count", "invalid_utf8",       "nul_byte",          "malformed_quotes",
      "unterminated_quote", "record_too_long",    "field_too_long",    "missing_record_id",
      "unparseable_date",   "future_birth_date",  "age_over_limit",    "invalid_timestamp",
      "invalid_phone",      "invalid_number",     "invalid_sex",       "unknown_partner",
      "duplicate_record_id"};
  return kNames[static_cast<std::size_t>(r)];
}

namespace {

template <class T>
void append_vec(std::vector<T>& dst, std::vector<T>&& src) {
  if (dst.empty() && dst.capacity() < src.size()) {  // keep room reserved for the whole input
    dst = std::move(src);
    return;
  }
  dst.insert(dst.end(), std::make_move_iterator(src.begin()), std::make_move_iterator(src.end()));
}

template <std::size_t N>
void append_text(std::array<io::StringColumn, N>& dst, const std::array<io::StringColumn, N>& src) {
  for (std::size_t i = 0; i < N; ++i) dst[i].append_cells(src[i]);
}

// A row that failed: the reason and where.
struct Failure {
  Reason reason;
  std::string field;
  std::string detail;
};

// The processing of one record; members are reused across the records of a block.
class RecordProcessor {
 public:
  RecordProcessor(const Source& s, std::uint32_t source_index, const Limits& limits, Batch& out)
      : s_(s), source_index_(source_index), lim_(limits), out_(out),
        counts_(out.counts[source_index]) {
    partner_spellings_.reserve(kMaxPartnerSpellings);
  }

  void run(std::string_view record, std::uint64_t seq, std::uint64_t line, bool cut, RawRef ref) {
    ref_ = ref;
    if (record.empty() && !cut) {
      ++counts_.blank;
      return;
    }
    ++counts_.read;
    seq_ = seq;
    line_ = line;
    record_ = record;
    fields_.clear();
    if (cut) {
      return quarantine({Reason::kRecordTooLong, "",
                         "record longer than ingest.max_record_bytes; only its start was read"});
    }
    const auto status = io::split_fields(record, s_.dialect, fields_, scratch_);
    if (status != io::FieldsStatus::kOk) {
      const std::string col = column_name(fields_.size() - 1);
      return quarantine({status == io::FieldsStatus::kMalformedQuotes ? Reason::kMalformedQuotes
                                                                       : Reason::kUnterminatedQuote,
                         col, status == io::FieldsStatus::kMalformedQuotes
                                  ? "text after a closing quote"
                                  : "quoted field not closed before the end of the record"});
    }
    if (fields_.size() != s_.header.size())
      return quarantine({Reason::kWrongColumnCount, "",
                         "expected " + std::to_string(s_.header.size()) + " fields, found " +
                             std::to_string(fields_.size())});
    // A field's bytes are the record's bytes less quotes, so a record free of NUL bytes and of
    // ill-formed UTF-8 has none in any field: one pass over the record settles almost every
    // row, and the per-field pass that names the field runs only when it fails.
    const bool clean = std::memchr(record.data(), '\0', record.size()) == nullptr &&
                       text::find_invalid_utf8(record) == text::kNpos;
    for (std::size_t j = 0; j < fields_.size(); ++j) {
      const auto f = fields_[j];
      if (f.size() > lim_.max_field_bytes)
        return quarantine({Reason::kFieldTooLong, column_name(j),
                           std::to_string(f.size()) + " bytes, limit " +
                               std::to_string(lim_.max_field_bytes)});
      if (clean) continue;
      if (std::memchr(f.data(), '\0', f.size()) != nullptr)
        return quarantine({Reason::kNulByte, column_name(j), "NUL byte in field"});
      if (const auto bad = text::find_invalid_utf8(f); bad != text::kNpos)
        return quarantine({Reason::kInvalidUtf8, column_name(j),
                           "ill-formed UTF-8 at byte " + std::to_string(bad) + " of the field"});
    }
    if (s_.kind == SourceKind::kCalls) call();
    else observation();
  }

 private:
  std::string column_name(std::size_t j) const {
    if (j < s_.header.size()) return s_.header[j];
    std::string name = "#";  // a field beyond the header: its 1-based position
    name += std::to_string(j + 1);
    return name;
  }
  std::string_view get(Field f) const {
    const auto& spec = s_.spec(f);
    if (spec.index >= 0) return text::trim(fields_[static_cast<std::size_t>(spec.index)]);
    if (spec.has_constant) return spec.constant;
    return {};
  }
  // A short code, normalized; views `raw` or this processor's buffer until the next call.
  std::string_view code(std::string_view raw) { return text::normalize_code(raw, code_buf_); }
  std::string name_of(Field f) const {
    const auto& spec = s_.spec(f);
    return spec.index >= 0 ? s_.header[static_cast<std::size_t>(spec.index)]
                           : "constants." + std::string(field_key(f));
  }

  void quarantine(Failure f) {
    auto& q = out_.quarantine;
    q.seq.push_back(seq_);
    q.line.push_back(line_);
    q.source.push_back(source_index_);
    q.field.push_back(std::move(f.field));
    q.reason.emplace_back(reason_name(f.reason));
    q.detail.push_back(text::printable_utf8(f.detail, lim_.quarantine_raw_bytes));
    std::string_view rid;
    const auto& spec = s_.spec(Field::kRecordId);
    if (spec.index >= 0 && static_cast<std::size_t>(spec.index) < fields_.size())
      rid = text::trim(fields_[static_cast<std::size_t>(spec.index)]);
    q.record_id.push_back(text::printable_utf8(rid, 256));
    q.raw.push_back(text::printable_utf8(record_, lim_.quarantine_raw_bytes));
    ++counts_.reasons[static_cast<std::size_t>(f.reason)];
  }

  // Common checks of record_id and releasable_to; false when the row was quarantined.
  // `partners` views memory of this processor, valid until the next record.
  bool id_and_partners(std::string_view& partners) {
    if (get(Field::kRecordId).empty()) {
      quarantine({Reason::kMissingRecordId, name_of(Field::kRecordId), "empty record id"});
      return false;
    }
    const auto raw = get(Field::kReleasableTo);
    // A feed spells its partner lists in a handful of ways: normalize each spelling once.
    for (const auto& [spelling, normalized] : partner_spellings_)
      if (spelling == raw) {
        partners = normalized;
        return true;
      }
    std::string bad;
    auto p = text::normalize_partners(raw, &bad);
    if (!p) {
      quarantine({Reason::kUnknownPartner, name_of(Field::kReleasableTo),
                  "unknown partner code '" + bad + "' (known: europol, frontex, interpol)"});
      return false;
    }
    if (partner_spellings_.size() < kMaxPartnerSpellings) {
      partner_spellings_.emplace_back(raw, std::move(*p));
      partners = partner_spellings_.back().second;
    } else {
      unlisted_partners_ = std::move(*p);
      partners = unlisted_partners_;
    }
    return true;
  }

  // Parses a date field; on failure either quarantines (returns false) or blanks it.
  bool date(Field f, std::string& iso, std::int64_t* days_out, std::uint32_t& flags,
            std::uint32_t blank_flag, bool birth) {
    const auto raw = get(f);
    iso.clear();
    if (raw.empty()) return true;
    const auto& spec = s_.spec(f);
    const auto parsed = text::parse_date(raw, spec.format);
    Reason reason = Reason::kUnparseableDate;
    std::string detail;
    if (parsed.error != text::DateError::kNone) {
      detail = "'" + std::string(raw) + "' is not a date in the form " + spec.format;
    } else if (birth && parsed.days > lim_.today) {
      reason = Reason::kFutureBirthDate;
      detail = "born " + text::iso_date(parsed.days) + ", after " + text::iso_date(lim_.today);
    } else if (birth && text::years_between(parsed.days, lim_.today) >
                            (spec.max_age_years > 0 ? spec.max_age_years : lim_.max_age_years)) {
      reason = Reason::kAgeOverLimit;
      detail = "born " + text::iso_date(parsed.days) + ", older than " +
               std::to_string(spec.max_age_years > 0 ? spec.max_age_years : lim_.max_age_years) +
               " years on " + text::iso_date(lim_.today);
    } else {
      iso = text::iso_date(parsed.days);
      if (days_out) *days_out = parsed.days;
      return true;
    }
    if (spec.on_invalid == OnInvalid::kBlank) {
      flags |= blank_flag;
      return true;
    }
    quarantine({reason, name_of(f), std::move(detail)});
    return false;
  }

  bool phone(Field f, std::string& e164, bool required, std::uint32_t& flags) {
    const auto raw = get(f);
    e164.clear();
    if (raw.empty() && !required) return true;
    const auto& cc = s_.phone_country_code.empty() ? lim_.default_country_code : s_.phone_country_code;
    const auto err = text::normalize_phone(raw, cc, e164);
    if (err == text::PhoneError::kNone) return true;
    if (!required && s_.spec(f).on_invalid == OnInvalid::kBlank) {
      flags |= kFlagPhoneBlanked;
      e164.clear();
      return true;
    }
    quarantine({Reason::kInvalidPhone, name_of(f),
                "'" + std::string(raw) + "': " + text::phone_error_name(err)});
    return false;
  }

  bool timestamp(Field f, std::int64_t& out, bool required, std::uint32_t& flags) {
    const auto raw = get(f);
    out = kNoTime;
    if (raw.empty() && !required) return true;
    if (const auto t = text::parse_utc_timestamp(raw)) {
      out = *t;
      return true;
    }
    if (!required && s_.spec(f).on_invalid == OnInvalid::kBlank) {
      flags |= kFlagEventBlanked;
      return true;
    }
    quarantine({Reason::kInvalidTimestamp, name_of(f),
                "'" + std::string(raw) + "' is not a UTC time like 2025-03-14T08:35:00Z"});
    return false;
  }

  // Pushes the raw cell of pair k of a table (empty when it equals its normalized cell, which
  // then stands for it: restored_raw) and sets the pair's bit in `same`.
  static void push_raw(io::StringColumn& raw, std::string_view value, std::string_view normalized,
                       std::uint8_t& same, unsigned k) {
    const bool equal = value == normalized;
    raw.push_back(equal ? std::string_view{} : value);
    same |= static_cast<std::uint8_t>(equal ? 1u << k : 0u);
  }

  void observation() {
    std::string_view partners;
    if (!id_and_partners(partners)) return;
    std::uint32_t flags = 0;

    std::string given_raw, family_raw;
    if (s_.spec(Field::kFullName).index >= 0) {
      auto split = text::split_full_name(get(Field::kFullName), s_.spec(Field::kFullName).order);
      given_raw = std::move(split.given);
      family_raw = std::move(split.family);
    } else {
      given_raw = get(Field::kGivenName);
      family_raw = get(Field::kFamilyName);
    }

    std::string dob;
    if (!date(Field::kDateOfBirth, dob, nullptr, flags, kFlagDobBlanked, true)) return;

    std::string sex;
    if (auto sx = text::normalize_sex(get(Field::kSex))) {
      sex = std::move(*sx);
    } else if (s_.spec(Field::kSex).on_invalid == OnInvalid::kBlank) {
      flags |= kFlagSexBlanked;
    } else {
      return quarantine({Reason::kInvalidSex, name_of(Field::kSex),
                         "'" + std::string(get(Field::kSex)) + "' is not M, F or X"});
    }

    auto& phone_e164 = phone_a_;
    if (!phone(Field::kPhone, phone_e164, false, flags)) return;

    std::int64_t event = kNoTime;
    if (s_.spec(Field::kEventTime).index >= 0 || s_.spec(Field::kEventTime).has_constant) {
      if (!timestamp(Field::kEventTime, event, false, flags)) return;
    } else if (s_.spec(Field::kEventDate).index >= 0) {
      std::string iso;
      std::int64_t days = 0;
      if (!date(Field::kEventDate, iso, &days, flags, kFlagEventBlanked, false)) return;
      if (!iso.empty()) event = days * 86400;
    }

    std::int64_t departure = kNoTime;
    if (s_.kind == SourceKind::kTravel && !timestamp(Field::kDeparture, departure, true, flags)) return;

    // Extras: validate all before adding anything.
    std::vector<std::pair<int, std::pair<std::string, std::string>>> extras;
    for (const auto& x : s_.extras) {
      const auto raw = text::trim(fields_[static_cast<std::size_t>(x.index)]);
      std::string norm;
      switch (x.type) {
        case ExtraType::kName:
        case ExtraType::kText: norm = text::normalize_name(raw); break;
        case ExtraType::kIdentifier:
        case ExtraType::kPostcode: norm = text::normalize_identifier(raw); break;
        case ExtraType::kCategory: norm = text::normalize_code(raw); break;
        case ExtraType::kDate:
          if (!raw.empty()) {
            const auto d = text::parse_date(raw, x.format);
            if (d.error == text::DateError::kNone) {
              norm = text::iso_date(d.days);
            } else if (x.on_invalid == OnInvalid::kBlank) {
              flags |= kFlagExtraBlanked;
            } else {
              return quarantine({Reason::kUnparseableDate, x.column,
                                 "'" + std::string(raw) + "' is not a date in the form " + x.format});
            }
          }
          break;
      }
      extras.push_back({x.slot, {std::move(norm), std::string(raw)}});
    }

    // Accepted: fill the row.
    auto& o = out_.obs;
    o.seq.push_back(seq_);
    o.line.push_back(line_);
    o.source.push_back(source_index_);
    auto& t = o.text;
    t[kObsRecordId].push_back(get(Field::kRecordId));
    t[kObsAgency].push_back(text::trim(get(Field::kAgency)));
    t[kObsReleasableTo].push_back(partners);
    std::string given = text::normalize_name(given_raw), family = text::normalize_name(family_raw);
    auto gk = text::double_metaphone_name(given), fk = text::double_metaphone_name(family);
    t[kObsGivenNameRaw].push_back(std::move(given_raw));
    t[kObsFamilyNameRaw].push_back(std::move(family_raw));
    t[kObsGivenName].push_back(std::move(given));
    t[kObsFamilyName].push_back(std::move(family));
    t[kObsGivenDm1].push_back(std::move(gk.primary));
    t[kObsGivenDm2].push_back(std::move(gk.alternate));
    t[kObsFamilyDm1].push_back(std::move(fk.primary));
    t[kObsFamilyDm2].push_back(std::move(fk.alternate));
    std::uint8_t same = 0;  // bits of kObsRawPairs: phone, date of birth, document number
    push_raw(t[kObsDobRaw], get(Field::kDateOfBirth), dob, same, 1);
    t[kObsDob].push_back(std::move(dob));
    t[kObsSex].push_back(std::move(sex));
    t[kObsNationality].push_back(code(get(Field::kNationality)));
    t[kObsDocumentType].push_back(code(get(Field::kDocumentType)));
    const std::string document = text::normalize_identifier(get(Field::kDocumentNumber));
    push_raw(t[kObsDocumentNumberRaw], get(Field::kDocumentNumber), document, same, 2);
    t[kObsDocumentNumber].push_back(document);
    t[kObsDocumentCountry].push_back(code(get(Field::kDocumentCountry)));
    push_raw(t[kObsPhoneRaw], get(Field::kPhone), phone_e164, same, 0);
    t[kObsPhone].push_back(phone_e164);
    o.raw_as_normalized.push_back(same);
    t[kObsEmail].push_back(text::normalize_email(get(Field::kEmail)));
    t[kObsBookingRef].push_back(get(Field::kBookingRef));
    t[kObsPaymentRef].push_back(get(Field::kPaymentRef));
    std::string address_raw;
    for (Field f : {Field::kAddressNumber, Field::kAddressStreet, Field::kAddressExtra,
                    Field::kAddressLocality, Field::kAddressPostcode, Field::kAddressRegion,
                    Field::kAddressCountry}) {
      const auto v = get(f);
      if (v.empty()) continue;
      if (!address_raw.empty()) address_raw += ", ";
      address_raw += v;
    }
    t[kObsAddressRaw].push_back(std::move(address_raw));
    t[kObsAddressNumber].push_back(text::normalize_name(get(Field::kAddressNumber)));
    t[kObsAddressStreet].push_back(text::normalize_name(get(Field::kAddressStreet)));
    t[kObsAddressExtra].push_back(text::normalize_name(get(Field::kAddressExtra)));
    t[kObsAddressLocality].push_back(text::normalize_name(get(Field::kAddressLocality)));
    t[kObsAddressPostcode].push_back(text::normalize_identifier(get(Field::kAddressPostcode)));
    t[kObsAddressRegion].push_back(text::normalize_name(get(Field::kAddressRegion)));
    t[kObsAddressCountry].push_back(code(get(Field::kAddressCountry)));
    t[kObsAction].push_back(get(Field::kAction));
    t[kObsLocation].push_back(get(Field::kLocation));
    o.event_utc.push_back(event);
    o.flags.push_back(flags);
    o.raw.push_back(ref_);
    if (o.extras.size() < 2 * lim_.extra_slots) o.extras.resize(2 * lim_.extra_slots);
    const std::size_t row = o.seq.size() - 1;
    for (auto& [slot, values] : extras) {
      auto& norm = o.extras[2 * static_cast<std::size_t>(slot)];
      auto& raw = o.extras[2 * static_cast<std::size_t>(slot) + 1];
      norm.pad_to(row);
      norm.push_back(values.first);
      raw.pad_to(row);
      raw.push_back(values.second);
    }
    for (auto& col : o.extras) col.pad_to(row + 1);
    ++counts_.kept;

    if (s_.kind == SourceKind::kTravel) {
      auto& sg = out_.segments;
      sg.seq.push_back(seq_);
      sg.text[kSegBookingRef].push_back(get(Field::kBookingRef));
      sg.text[kSegCarrier].push_back(code(get(Field::kCarrier)));
      sg.text[kSegFlightNumber].push_back(text::normalize_identifier(get(Field::kFlightNumber)));
      sg.text[kSegOrigin].push_back(code(get(Field::kOrigin)));
      sg.text[kSegDestination].push_back(code(get(Field::kDestination)));
      sg.departure_utc.push_back(departure);
    }
  }

  void call() {
    std::string_view partners;
    if (!id_and_partners(partners)) return;
    std::uint32_t flags = 0;
    auto& caller = phone_a_;
    auto& callee = phone_b_;
    if (!phone(Field::kCaller, caller, true, flags) || !phone(Field::kCallee, callee, true, flags)) return;
    std::int64_t start = kNoTime;
    if (!timestamp(Field::kStart, start, true, flags)) return;
    const auto dur = get(Field::kDuration);
    std::int64_t duration = 0;
    const auto r = std::from_chars(dur.data(), dur.data() + dur.size(), duration);
    if (dur.empty() || r.ec != std::errc() || r.ptr != dur.data() + dur.size() || duration < 0)
      return quarantine({Reason::kInvalidNumber, name_of(Field::kDuration),
                         "'" + std::string(dur) + "' is not a whole number of seconds"});
    auto& c = out_.calls;
    c.seq.push_back(seq_);
    c.line.push_back(line_);
    c.source.push_back(source_index_);
    c.raw.push_back(ref_);
    c.text[kCallRecordId].push_back(get(Field::kRecordId));
    c.text[kCallAgency].push_back(get(Field::kAgency));
    c.text[kCallReleasableTo].push_back(partners);
    std::uint8_t same = 0;  // bits of kCallRawPairs: caller, callee
    push_raw(c.text[kCallCallerRaw], get(Field::kCaller), caller, same, 0);
    push_raw(c.text[kCallCalleeRaw], get(Field::kCallee), callee, same, 1);
    c.raw_as_normalized.push_back(same);
    c.text[kCallCaller].push_back(caller);
    c.text[kCallCallee].push_back(callee);
    c.text[kCallCallerCountry].push_back(code(get(Field::kCallerCountry)));
    c.text[kCallCalleeCountry].push_back(code(get(Field::kCalleeCountry)));
    c.start_utc.push_back(start);
    c.duration_s.push_back(duration);
    ++counts_.kept;
  }

  const Source& s_;
  std::uint32_t source_index_;
  const Limits& lim_;
  Batch& out_;
  SourceCounts& counts_;
  static constexpr std::size_t kMaxPartnerSpellings = 16;
  std::vector<std::pair<std::string, std::string>> partner_spellings_;  // reserved: views stay valid
  std::string unlisted_partners_;
  std::string phone_a_, phone_b_;  // normalized phones, reused from record to record
  std::string code_buf_;
  std::vector<std::string_view> fields_;
  std::string scratch_;
  std::string_view record_;
  std::uint64_t seq_ = 0, line_ = 0;
  RawRef ref_;
};

}  // namespace

void QuarantineRows::append(QuarantineRows&& b) {
  append_vec(seq, std::move(b.seq));
  append_vec(line, std::move(b.line));
  append_vec(source, std::move(b.source));
  append_vec(field, std::move(b.field));
  append_vec(reason, std::move(b.reason));
  append_vec(detail, std::move(b.detail));
  append_vec(record_id, std::move(b.record_id));
  append_vec(raw, std::move(b.raw));
}

void Batch::append(Batch&& b) {
  const std::size_t rows_before = obs.seq.size(), rows_added = b.obs.seq.size();
  append_vec(obs.seq, std::move(b.obs.seq));
  append_vec(obs.line, std::move(b.obs.line));
  append_vec(obs.source, std::move(b.obs.source));
  append_text(obs.text, b.obs.text);
  append_vec(obs.raw_as_normalized, std::move(b.obs.raw_as_normalized));
  append_vec(obs.event_utc, std::move(b.obs.event_utc));
  append_vec(obs.flags, std::move(b.obs.flags));
  append_vec(obs.raw, std::move(b.obs.raw));
  // Extra columns exist only once a block saw a mapped row; pad so all stay row-aligned.
  const std::size_t slots = std::max(obs.extras.size(), b.obs.extras.size());
  obs.extras.resize(slots);
  b.obs.extras.resize(slots);
  for (std::size_t i = 0; i < slots; ++i) {
    obs.extras[i].pad_to(rows_before);
    b.obs.extras[i].pad_to(rows_added);
    obs.extras[i].append_cells(b.obs.extras[i]);
  }
  append_vec(segments.seq, std::move(b.segments.seq));
  append_text(segments.text, b.segments.text);
  append_vec(segments.departure_utc, std::move(b.segments.departure_utc));
  append_vec(calls.seq, std::move(b.calls.seq));
  append_vec(calls.line, std::move(b.calls.line));
  append_vec(calls.source, std::move(b.calls.source));
  append_vec(calls.raw, std::move(b.calls.raw));
  append_text(calls.text, b.calls.text);
  append_vec(calls.raw_as_normalized, std::move(b.calls.raw_as_normalized));
  append_vec(calls.start_utc, std::move(b.calls.start_utc));
  append_vec(calls.duration_s, std::move(b.calls.duration_s));
  quarantine.append(std::move(b.quarantine));
  if (counts.size() < b.counts.size()) counts.resize(b.counts.size());
  for (std::size_t s = 0; s < b.counts.size(); ++s) {
    counts[s].read += b.counts[s].read;
    counts[s].blank += b.counts[s].blank;
    counts[s].kept += b.counts[s].kept;
    for (std::size_t r = 0; r < kReasonCount; ++r) counts[s].reasons[r] += b.counts[s].reasons[r];
  }
}

std::pair<std::size_t, std::size_t> Batch::footprint() const {
  std::size_t text = 0, other = 0;
  auto add_text = [&](const auto& columns) {
    for (const auto& c : columns) text += c.footprint();
  };
  auto add = [&](const auto&... vs) { ((other += vs.capacity() * sizeof(vs[0])), ...); };
  add_text(obs.text);
  add_text(obs.extras);
  add_text(segments.text);
  add_text(calls.text);
  add(obs.seq, obs.line, obs.source, obs.event_utc, obs.flags, obs.raw, obs.raw_as_normalized, segments.seq,
      segments.departure_utc, calls.seq, calls.line, calls.source, calls.raw, calls.raw_as_normalized,
      calls.start_utc, calls.duration_s);
  return {text, other};
}

void Batch::offset_seq(const std::vector<std::uint64_t>& first, const std::vector<std::uint64_t>& delta) {
  if (first.empty()) return;
  for (auto* v : {&obs.seq, &segments.seq, &calls.seq, &quarantine.seq})
    for (auto& s : *v)
      s += delta[static_cast<std::size_t>(std::upper_bound(first.begin(), first.end(), s) - first.begin()) - 1];
}

void Batch::reserve_for(const std::vector<Batch>& parts, double scale) {
  auto more = [scale](std::size_t n) { return static_cast<std::size_t>(scale * static_cast<double>(n)); };
  std::size_t o = 0, sg = 0, c = 0, q = 0;
  for (const auto& p : parts) {
    o += p.obs.rows();
    sg += p.segments.rows();
    c += p.calls.rows();
    q += p.quarantine.rows();
  }
  auto reserve = [](std::size_t n, auto&... vs) { (vs.reserve(vs.size() + n), ...); };
  reserve(more(o), obs.seq, obs.line, obs.source, obs.event_utc, obs.flags, obs.raw, obs.raw_as_normalized);
  reserve(more(sg), segments.seq, segments.departure_utc);
  reserve(more(c), calls.seq, calls.line, calls.source, calls.raw, calls.raw_as_normalized, calls.start_utc,
          calls.duration_s);
  reserve(more(q), quarantine.seq, quarantine.line, quarantine.source, quarantine.field, quarantine.reason,
          quarantine.detail, quarantine.record_id, quarantine.raw);
  auto reserve_text = [&](auto& columns, auto part_columns, std::size_t rows) {
    for (std::size_t k = 0; k < columns.size(); ++k) {
      std::size_t bytes = 0;
      for (const auto& p : parts) {
        const auto& pc = part_columns(p);
        if (k < pc.size()) bytes += pc[k].bytes();
      }
      columns[k].reserve(more(rows), more(bytes));
    }
  };
  reserve_text(obs.text, [](const Batch& p) -> const auto& { return p.obs.text; }, o);
  reserve_text(segments.text, [](const Batch& p) -> const auto& { return p.segments.text; }, sg);
  reserve_text(calls.text, [](const Batch& p) -> const auto& { return p.calls.text; }, c);
}

void process_records(const Source& source, std::uint32_t source_index, const Limits& limits,
                     std::uint32_t piece, std::string_view bytes, const std::vector<io::RecordSpan>& spans,
                     std::size_t first, std::size_t last, std::uint64_t seq_base, bool cut_last,
                     Batch& out, std::uint64_t piece_offset) {
  RecordProcessor p(source, source_index, limits, out);
  for (std::size_t i = first; i < last; ++i) {
    const auto& sp = spans[i];
    p.run(bytes.substr(sp.begin, sp.end - sp.begin), seq_base + i, sp.line,
          cut_last && i + 1 == spans.size(),
          RawRef{piece, static_cast<std::uint32_t>(std::min<std::uint64_t>(sp.end - sp.begin, UINT32_MAX)),
                 piece_offset + sp.begin});
  }
}

}  // namespace ch::jobs::ingestion
