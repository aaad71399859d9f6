// Fuzz-style robustness of the row path (split → fields → validation): thousands of mutated
// travel lines — truncated quotes, embedded NUL, a 1 MB field, Latin-1 bytes, CRLF, a BOM in the
// middle, wrong column counts, blank lines — must not crash, and every record must end up either
// kept or quarantined (kept + quarantined = read), with every physical line covered.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "io/csv.hpp"
#include "jobs/ingest_mapping.hpp"
#include "jobs/ingest_model.hpp"
#include "kernels/text/date.hpp"
#include "kernels/text/utf8.hpp"

using namespace ch::jobs::ingestion;

namespace {

const char* kHeader =
    "record_id,agency,releasable_to,booking_ref,given_name,family_name,date_of_birth,sex,"
    "nationality,document_type,document_number,document_country,phone,email,payment_ref,carrier,"
    "flight_number,origin,destination,departure_utc";

std::string good_line(std::size_t i) {
  static const char* names[] = {"José", "Łukasz", "Müller", "Ahmed", "\"Smith, Jr\"", "Olga"};
  // Appends rather than operator+ chains: GCC 12 warns falsely (-Wrestrict) on the latter.
  std::string s = "T";
  s += std::to_string(i);
  s += ",AGY,interpol,BK";
  s += std::to_string(i / 3);
  s += ",";
  s += names[i % 6];
  s += ",Khan,1980-01-0";
  s += std::to_string(1 + i % 9);
  s += ",M,PAK,P,AB";
  s += std::to_string(i);
  s += ",PAK,+923001234567,a@b.c,PAY,LH,LH123,KHI,FRA,2025-03-14T08:35:00Z";
  return s;
}

// One mutation per line, chosen by the line number, so the test is reproducible.
std::string mutate(std::string line, std::size_t i, std::mt19937_64& rng) {
  switch (i % 12) {
    case 0: return line;
    case 1: return line.substr(0, rng() % line.size());            // truncated (may cut a quote)
    case 2: line.insert(rng() % line.size(), 1, '\0'); return line;  // embedded NUL
    case 3: line[rng() % line.size()] = '\xE9'; return line;        // Latin-1 byte
    case 4: line += '\r'; return line;                              // CRLF
    case 5: line.insert(0, "\xEF\xBB\xBF"); return line;              // BOM mid-file
    case 6: line += ",extra"; return line;                          // too many columns
    case 7: line.insert(rng() % line.size(), 1, '"'); return line;  // stray quote
    case 8: return "";                                              // blank line
    case 9: line.insert(line.find(",Khan"), std::string(1'000'000, 'z')); return line;  // 1 MB field
    case 10: line[rng() % line.size()] = ','; return line;          // shifted columns
    default: return line;
  }
}

}  // namespace

TEST(CsvFuzz, EveryRecordIsKeptOrQuarantinedAndEveryLineIsCovered) {
  std::mt19937_64 rng(2025);
  std::string data;
  const std::size_t lines = 3000;
  for (std::size_t i = 0; i < lines; ++i) {
    if (i % 12 == 9 && i > 100) {  // a handful of 1 MB fields is enough
      data += good_line(i);
      data += '\n';
      continue;
    }
    data += mutate(good_line(i), i, rng);
    data += '\n';
  }
  // A truncated quote near the end: it swallows the following lines into one record.
  data += "T999999,AGY,,BK,\"unterminated,Khan\n";
  data += good_line(1);
  data += '\n';

  const Source s = feed_source(SourceKind::kTravel, "travel.csv", kHeader);
  Limits limits;
  limits.today = ch::text::days_from_civil(2025, 6, 1);

  const auto spans = ch::io::split_records(data, '"', 2);
  {
    const auto serial = ch::io::split_records_serial(data, '"', 2);
    ASSERT_EQ(spans.size(), serial.size());
    for (std::size_t k = 0; k < spans.size(); ++k)
      ASSERT_TRUE(spans[k].begin == serial[k].begin && spans[k].end == serial[k].end && spans[k].line == serial[k].line)
          << "span " << k << " of " << spans.size() << ": [" << spans[k].begin << ", " << spans[k].end << ") vs ["
          << serial[k].begin << ", " << serial[k].end << ")";
  }
  Batch out;
  out.counts.resize(1);
  process_records(s, 0, limits, 0, data, spans, 0, spans.size(), 0, false, out);
  const auto& c = out.counts[0];

  EXPECT_EQ(c.read + c.blank, spans.size());
  EXPECT_EQ(c.kept + c.quarantined(), c.read);
  EXPECT_EQ(out.obs.rows(), c.kept);
  EXPECT_EQ(out.quarantine.rows(), c.quarantined());
  EXPECT_EQ(out.segments.rows(), c.kept);
  EXPECT_GT(c.kept, lines / 6);
  // Each kind of damage was seen and named.
  const auto& r = c.reasons;
  for (Reason want : {Reason::kNulByte, Reason::kInvalidUtf8, Reason::kWrongColumnCount,
                      Reason::kFieldTooLong, Reason::kUnterminatedQuote})
    EXPECT_GT(r[static_cast<std::size_t>(want)], 0u) << reason_name(want);
  EXPECT_GT(c.blank, 0u);
  // Lines: records cover the physical lines in order without gaps or overlaps. Data lines are
  // 2..N+1 for N newlines; the last record runs to the last one.
  for (std::size_t k = 0; k + 1 < spans.size(); ++k) {
    const auto body = std::string_view(data).substr(spans[k].begin, spans[k].end - spans[k].begin);
    ASSERT_EQ(spans[k + 1].line, spans[k].line + 1 + static_cast<std::uint64_t>(std::count(body.begin(), body.end(), '\n')));
  }
  const auto& last = spans.back();
  const auto last_body = std::string_view(data).substr(last.begin, last.end - last.begin);
  // The last record ends on the last line: its final newline belongs to it only when a quote
  // is still open there (otherwise it terminates the record, as every other newline does).
  const bool open_at_end = last_body.back() == '\n';
  EXPECT_EQ(open_at_end, std::count(data.begin(), data.end(), '"') % 2 == 1);
  EXPECT_EQ(last.line + static_cast<std::uint64_t>(std::count(last_body.begin(), last_body.end(), '\n')) -
                (open_at_end ? 1 : 0),
            1 + static_cast<std::uint64_t>(std::count(data.begin(), data.end(), '\n')));
  EXPECT_EQ(spans.front().line, 2u);
  // Quarantined raw lines are short, NUL-free, valid UTF-8; kept rows are in line order.
  for (const auto& raw : out.quarantine.raw) {
    EXPECT_LE(raw.size(), limits.quarantine_raw_bytes);
    EXPECT_TRUE(ch::text::is_valid_utf8(raw));
    EXPECT_EQ(raw.find('\0'), std::string::npos);
  }
  EXPECT_TRUE(std::is_sorted(out.obs.line.begin(), out.obs.line.end()));
  // CRLF and BOM lines are data like any other: the CR is dropped, the BOM kept in the id.
  const auto ids = out.obs.text[kObsRecordId].to_strings();
  EXPECT_NE(std::find(ids.begin(), ids.end(), "T4"), ids.end());
}

TEST(CsvFuzz, RandomBytesNeverCrash) {
  std::mt19937_64 rng(7);
  Source s = feed_source(SourceKind::kCalls, "calls.csv");
  bind_header(s, {"record_id", "agency", "releasable_to", "caller", "callee", "start_utc",
                  "duration_s", "caller_country", "callee_country"});
  Limits limits;
  for (int round = 0; round < 50; ++round) {
    std::string data(20000, ' ');
    for (auto& ch : data) ch = static_cast<char>(rng() % 5 == 0 ? "\",\n\r\0"[rng() % 5] : rng() % 256);
    const auto spans = ch::io::split_records(data, '"', 2);
    Batch out;
    out.counts.resize(1);
    process_records(s, 0, limits, 0, data, spans, 0, spans.size(), 0, round % 2 == 1, out);
    const auto& c = out.counts[0];
    ASSERT_EQ(c.kept + c.quarantined(), c.read);
    ASSERT_EQ(c.read + c.blank, spans.size());
    ASSERT_EQ(out.calls.rows() + out.quarantine.rows(), c.read);
  }
}
