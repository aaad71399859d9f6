// The row path holds a raw cell that equals its normalized form (an E.164 phone, an ISO date, a
// plain document number) as an empty cell with a flag, and restored_raw() gives back exactly the
// raw values: what records.h5 shows must not depend on that saving.
#include <gtest/gtest.h>

#include "io/csv.hpp"
#include "jobs/ingest_mapping.hpp"
#include "jobs/ingest_model.hpp"
#include "kernels/text/date.hpp"

using namespace ch::jobs::ingestion;

namespace {

Batch process(SourceKind kind, const char* file, const std::string& header, const std::string& data) {
  const Source s = feed_source(kind, file, header);
  Limits limits;
  limits.today = ch::text::days_from_civil(2025, 6, 1);
  limits.default_country_code = "44";
  const auto spans = ch::io::split_records(data, '"', 1);
  Batch out;
  out.counts.resize(1);
  process_records(s, 0, limits, 0, data, spans, 0, spans.size(), 0, false, out);
  EXPECT_EQ(out.counts[0].quarantined(), 0u);
  return out;
}

// Every raw column of `pairs` made whole, as the write does one column at a time.
template <std::size_t N, std::size_t P>
void restore_raw(std::array<ch::io::StringColumn, N>& text, const std::vector<std::uint8_t>& same,
                 const std::array<RawPair, P>& pairs) {
  for (std::size_t k = 0; k < P; ++k)
    text[pairs[k].raw] = restored_raw(text[pairs[k].raw], text[pairs[k].normalized], same, static_cast<unsigned>(k));
}

}  // namespace

TEST(IngestRows, RawCellsEqualToTheirNormalizedFormAreRestored) {
  const std::string header = "record_id,agency,releasable_to,caller,callee,start_utc,duration_s,caller_country,callee_country";
  const std::string data =
      "C1,police,frontex,+12019363043,+351989745084,2024-01-03T00:51:05Z,97,USA,PRT\n"
      "C2,police,frontex,020 7946 0958,+12019363043,2024-01-03T00:52:05Z,5,GBR,USA\n";
  auto b = process(SourceKind::kCalls, "calls.csv", header, data);
  auto& c = b.calls;
  ASSERT_EQ(c.rows(), 2u);
  // Held: empty where equal (both of row 1, the callee of row 2), the raw value where not.
  EXPECT_EQ(c.raw_as_normalized, (std::vector<std::uint8_t>{0b11, 0b10}));
  EXPECT_EQ(c.text[kCallCallerRaw].to_strings(), (std::vector<std::string>{"", "020 7946 0958"}));
  EXPECT_EQ(c.text[kCallCaller].to_strings(), (std::vector<std::string>{"+12019363043", "+442079460958"}));
  restore_raw(c.text, c.raw_as_normalized, kCallRawPairs);
  EXPECT_EQ(c.text[kCallCallerRaw].to_strings(), (std::vector<std::string>{"+12019363043", "020 7946 0958"}));
  EXPECT_EQ(c.text[kCallCalleeRaw].to_strings(), (std::vector<std::string>{"+351989745084", "+12019363043"}));
}

TEST(IngestRows, ObservationRawCellsSurviveAppendedBlocks) {
  const std::string header =
      "record_id,agency,releasable_to,phone,given_name,family_name,date_of_birth,nationality,document_number,"
      "registered_utc";
  const std::string data =
      "S1,telecom,interpol,+351912345678,Ana,Silva,1980-01-02,PRT,AB123,2018-03-27T17:40:05Z\n"
      "S2,telecom,interpol,07700 900123,Ana,Silva,,PRT,AB-12 3,2018-03-27T17:40:05Z\n";
  // Two blocks appended, as ingest appends the blocks of a window.
  Batch all;
  all.counts.resize(1);
  all.append(process(SourceKind::kSubscribers, "subscribers.csv", header, data));
  all.append(process(SourceKind::kSubscribers, "subscribers.csv", header, data));
  auto& o = all.obs;
  ASSERT_EQ(o.rows(), 4u);
  // phone (bit 0), date of birth (bit 1: an empty one equals its empty ISO form), document (bit 2).
  EXPECT_EQ(o.raw_as_normalized, (std::vector<std::uint8_t>{0b111, 0b010, 0b111, 0b010}));
  restore_raw(o.text, o.raw_as_normalized, kObsRawPairs);
  EXPECT_EQ(o.text[kObsPhoneRaw].to_strings(),
            (std::vector<std::string>{"+351912345678", "07700 900123", "+351912345678", "07700 900123"}));
  EXPECT_EQ(o.text[kObsDobRaw].to_strings(), (std::vector<std::string>{"1980-01-02", "", "1980-01-02", ""}));
  EXPECT_EQ(o.text[kObsDocumentNumberRaw].to_strings(), (std::vector<std::string>{"AB123", "AB-12 3", "AB123", "AB-12 3"}));
  EXPECT_EQ(o.text[kObsDocumentNumber].to_strings(), (std::vector<std::string>{"AB123", "AB123", "AB123", "AB123"}));
}
