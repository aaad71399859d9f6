// The record model of ingest: which fields a source can map, how a source is described
// (built-in feed or TOML mapping), the reasons a row is quarantined, and the column batches the
// row processor fills. Shared by ingest_mapping.cpp, ingest_rows.cpp and ingest.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "io/csv.hpp"
#include "io/string_column.hpp"
#include "kernels/text/normalize.hpp"

namespace ch::jobs::ingestion {

// Fields of the record model. The first group is what a mapping file may assign; the travel
// and calls groups are filled by the built-in feed descriptions only.
enum class Field : std::uint8_t {
  kRecordId, kAgency, kReleasableTo, kGivenName, kFamilyName, kFullName, kDateOfBirth, kSex,
  kNationality, kDocumentType, kDocumentNumber, kDocumentCountry, kPhone, kEmail, kBookingRef,
  kPaymentRef, kAddressNumber, kAddressStreet, kAddressExtra, kAddressLocality, kAddressPostcode,
  kAddressRegion, kAddressCountry, kEventTime, kEventDate, kAction, kLocation,
  kLastMappable = kLocation,
  kCarrier, kFlightNumber, kOrigin, kDestination, kDeparture,
  kCaller, kCallee, kStart, kDuration, kCallerCountry, kCalleeCountry,
  kCount
};
inline constexpr std::size_t kFieldCount = static_cast<std::size_t>(Field::kCount);
std::string_view field_key(Field f);  // the mapping key: "record_id", "date_of_birth", ...

enum class SourceKind : std::uint8_t { kTravel, kCalls, kSubscribers, kEnforcement, kMapped };
enum class OnInvalid : std::uint8_t { kQuarantine, kBlank };
enum class ExtraType : std::uint8_t { kName, kDate, kIdentifier, kPostcode, kText, kCategory };
std::string_view extra_type_name(ExtraType t);

struct FieldSpec {
  std::string column;        // CSV column ("" = not mapped)
  std::string constant;      // the value for every row when no column is mapped
  bool has_constant = false;
  std::string format;        // date fields: strftime-like pattern
  OnInvalid on_invalid = OnInvalid::kQuarantine;
  int max_age_years = -1;    // date_of_birth: -1 = the stage option
  text::NameOrder order = text::NameOrder::kGivenFirst;  // full_name
  int index = -1;            // column index once bound to the header
};

struct ExtraSpec {
  std::string name;
  ExtraType type = ExtraType::kText;
  std::string column;
  std::string format = "%Y-%m-%d";
  OnInvalid on_invalid = OnInvalid::kQuarantine;
  int index = -1;
  int slot = -1;  // position in the run's union of extra columns
};

// One input: a file and how its columns become records.
struct Source {
  std::string name;            // stored in every row's `source` column
  std::filesystem::path file;
  std::string origin;          // the mapping file, or "built-in <kind> feed", for messages
  SourceKind kind = SourceKind::kMapped;
  io::CsvDialect dialect;
  std::string phone_country_code;
  std::array<FieldSpec, kFieldCount> fields{};
  std::vector<ExtraSpec> extras;
  std::vector<std::string> header;  // column names once bound
  std::string mapping_text;         // TOML of a mapped source, for provenance

  const FieldSpec& spec(Field f) const { return fields[static_cast<std::size_t>(f)]; }
  FieldSpec& spec(Field f) { return fields[static_cast<std::size_t>(f)]; }
  bool produces_observations() const { return kind != SourceKind::kCalls; }
};

// Why a row was quarantined. Names are stored in /quarantine and /summary.
enum class Reason : std::uint8_t {
  kWrongColumnCount, kInvalidUtf8, kNulByte, kMalformedQuotes, kUnterminatedQuote,
  kRecordTooLong, kFieldTooLong, kMissingRecordId, kUnparseableDate, kFutureBirthDate,
  kAgeOverLimit, kInvalidTimestamp, kInvalidPhone, kInvalidNumber, kInvalidSex,
  kUnknownPartner, kDuplicateRecordId,
  kCount
};
inline constexpr std::size_t kReasonCount = static_cast<std::size_t>(Reason::kCount);
std::string_view reason_name(Reason r);

// Bits of the observations' `flags` column: a value that was invalid and blanked under
// `on_invalid = "blank"` (the raw value is kept).
enum ObservationFlag : std::uint32_t {
  kFlagDobBlanked = 1,
  kFlagPhoneBlanked = 2,
  kFlagSexBlanked = 4,
  kFlagEventBlanked = 8,
  kFlagExtraBlanked = 16,
};

inline constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

// String columns of /observations, in file order; `dictionary` marks low-cardinality ones.
enum ObsText : std::uint8_t {
  kObsRecordId, kObsAgency, kObsReleasableTo, kObsGivenNameRaw, kObsFamilyNameRaw, kObsGivenName,
  kObsFamilyName, kObsGivenDm1, kObsGivenDm2, kObsFamilyDm1, kObsFamilyDm2, kObsDobRaw, kObsDob,
  kObsSex, kObsNationality, kObsDocumentType, kObsDocumentNumberRaw, kObsDocumentNumber,
  kObsDocumentCountry, kObsPhoneRaw, kObsPhone, kObsEmail, kObsBookingRef, kObsPaymentRef,
  kObsAddressRaw, kObsAddressNumber, kObsAddressStreet, kObsAddressExtra, kObsAddressLocality,
  kObsAddressPostcode, kObsAddressRegion, kObsAddressCountry, kObsAction, kObsLocation,
  kObsTextCount
};
struct TextColumn {
  std::string_view name;
  bool dictionary;
};
extern const std::array<TextColumn, kObsTextCount> kObsTextColumns;

enum SegText : std::uint8_t { kSegBookingRef, kSegCarrier, kSegFlightNumber, kSegOrigin, kSegDestination, kSegTextCount };
extern const std::array<TextColumn, kSegTextCount> kSegTextColumns;

enum CallText : std::uint8_t {
  kCallRecordId, kCallAgency, kCallReleasableTo, kCallCallerRaw, kCallCalleeRaw, kCallCaller,
  kCallCallee, kCallCallerCountry, kCallCalleeCountry, kCallTextCount
};
extern const std::array<TextColumn, kCallTextCount> kCallTextColumns;

// A table's text columns, coded in memory (io::StringColumn::coded) where the output is a
// dictionary: a call's agency, partners and countries then cost 16 bytes instead of ~40.
template <std::size_t N>
std::array<io::StringColumn, N> text_columns(const std::array<TextColumn, N>& kinds) {
  std::array<io::StringColumn, N> out;
  for (std::size_t k = 0; k < N; ++k)
    if (kinds[k].dictionary) out[k] = io::StringColumn::coded();
  return out;
}

// Raw values kept beside their normalized form are mostly equal to it (E.164 phones, ISO dates,
// plain document numbers: every call of the generator's feeds): such a raw cell is held empty with
// a flag bit per pair, and restored_raw() puts the value back for the write.
struct RawPair {
  std::uint8_t raw, normalized;  // text column indices
};
inline constexpr std::array<RawPair, 3> kObsRawPairs = {
    {{kObsPhoneRaw, kObsPhone}, {kObsDobRaw, kObsDob}, {kObsDocumentNumberRaw, kObsDocumentNumber}}};
inline constexpr std::array<RawPair, 2> kCallRawPairs = {{{kCallCallerRaw, kCallCaller}, {kCallCalleeRaw, kCallCallee}}};

// The raw column of a pair made whole: the rows whose bit `bit` of `same` is set get their
// normalized cell.
inline io::StringColumn restored_raw(const io::StringColumn& raw, const io::StringColumn& normalized,
                                     const std::vector<std::uint8_t>& same, unsigned bit) {
  io::StringColumn full;
  full.reserve(raw.size(), raw.bytes() + normalized.bytes());
  raw.for_each([&](std::size_t i, std::string_view cell) { full.push_back((same[i] >> bit & 1) ? normalized[i] : cell); });
  return full;
}

// Where a kept row's bytes are in this rank's input pieces: a row found to be a duplicate later
// is quarantined with its raw line.
struct RawRef {
  std::uint32_t piece = 0;
  std::uint32_t length = 0;
  std::uint64_t begin = 0;
};

// Column batches: one per block of records while processing, concatenated in record order.
// `seq` is the record's global position over all inputs (never written; orders and links rows).
struct ObservationRows {
  std::vector<std::uint64_t> seq, line;
  std::vector<std::uint32_t> source;
  std::array<io::StringColumn, kObsTextCount> text = text_columns(kObsTextColumns);
  std::vector<std::uint8_t> raw_as_normalized;  // bit k: the raw cell of kObsRawPairs[k] is held empty
  std::vector<std::int64_t> event_utc;
  std::vector<std::uint32_t> flags;
  std::vector<io::StringColumn> extras;  // 2 per extra slot: normalized, raw
  std::vector<RawRef> raw;
  std::size_t rows() const { return seq.size(); }
};

struct SegmentRows {
  std::vector<std::uint64_t> seq;
  std::array<io::StringColumn, kSegTextCount> text = text_columns(kSegTextColumns);
  std::vector<std::int64_t> departure_utc;
  std::size_t rows() const { return seq.size(); }
};

struct CallRows {
  std::vector<std::uint64_t> seq, line;
  std::vector<std::uint32_t> source;
  std::vector<RawRef> raw;
  std::array<io::StringColumn, kCallTextCount> text = text_columns(kCallTextColumns);
  std::vector<std::uint8_t> raw_as_normalized;  // bit k: the raw cell of kCallRawPairs[k] is held empty
  std::vector<std::int64_t> start_utc;
  std::vector<std::int64_t> duration_s;
  std::size_t rows() const { return seq.size(); }
};

struct QuarantineRows {
  std::vector<std::uint64_t> seq, line;
  std::vector<std::uint32_t> source;
  std::vector<std::string> field, reason, detail, record_id, raw;
  std::size_t rows() const { return seq.size(); }
  void append(QuarantineRows&& other);
};

// Per source: rows read (non-blank records), blank lines, rows kept, quarantined per reason.
struct SourceCounts {
  std::uint64_t read = 0, blank = 0, kept = 0;
  std::array<std::uint64_t, kReasonCount> reasons{};
  std::uint64_t quarantined() const {
    std::uint64_t n = 0;
    for (auto r : reasons) n += r;
    return n;
  }
};

struct Batch {
  ObservationRows obs;
  SegmentRows segments;
  CallRows calls;
  QuarantineRows quarantine;
  std::vector<SourceCounts> counts;  // per source
  // Appends the rows of `other` (its text cells copied, so that its memory is reused).
  void append(Batch&& other);
  // Local record positions become global ones: a position p with first[k] <= p < first[k + 1]
  // gets delta[k] added (first ascending, first[0] = 0: one entry per input piece).
  void offset_seq(const std::vector<std::uint64_t>& first, const std::vector<std::uint64_t>& delta);
  // Reserves room for `scale` times the rows and text bytes of `parts` beyond what is held: the
  // expected rest of an input, so that appending it block by block copies each value once.
  void reserve_for(const std::vector<Batch>& parts, double scale);
  // Bytes held (capacity) by the text columns and by everything else, for the memory report.
  std::pair<std::size_t, std::size_t> footprint() const;
};

// Everything the row processor needs besides the bytes.
struct Limits {
  std::size_t max_field_bytes = 1024;
  std::size_t quarantine_raw_bytes = 512;
  int max_age_years = 120;
  std::int64_t today = 0;  // days since epoch
  std::string default_country_code;
  std::size_t extra_slots = 0;
};

// Processes records [first, last) of `spans` over `bytes` of source `source_index`; the record
// at spans[i] has position seq_base + i. `cut_last` marks the final span of a piece whose tail
// was not read (an overlong record). `bytes` starts `piece_offset` bytes into its piece (where
// RawRef points).
void process_records(const Source& source, std::uint32_t source_index, const Limits& limits,
                     std::uint32_t piece, std::string_view bytes, const std::vector<io::RecordSpan>& spans,
                     std::size_t first, std::size_t last, std::uint64_t seq_base, bool cut_last,
                     Batch& out, std::uint64_t piece_offset = 0);

// The names of the run's extra columns, by slot (the union over all mapped sources).
struct ExtraColumn {
  std::string name;
  ExtraType type;
};

}  // namespace ch::jobs::ingestion
