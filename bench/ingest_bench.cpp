// Ingest's row path on one core: split, validate and normalize a window of feed records into
// column batches and append them to the rank's columns, as `ingest` does per 64 MiB window
// (process_records + Batch::append). Rows are written the way the generator writes its feeds
// (docs/scenarios.md): E.164 phones, ISO dates and times, partner lists, country codes. Reports
// rows/s (items) and bytes/s; issue #3's target is 1 M rows/s per core for the whole stage.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "io/csv.hpp"
#include "jobs/ingest_mapping.hpp"
#include "jobs/ingest_model.hpp"
#include "kernels/rng.hpp"
#include "kernels/text/date.hpp"

namespace {

using namespace ch::jobs::ingestion;

constexpr const char* kPartners[] = {"", "europol", "frontex", "interpol", "europol;frontex",
                                     "europol;frontex;interpol", "frontex;interpol"};
constexpr const char* kCountries[] = {"USA", "PRT", "GBR", "DEU", "TUR", "NGA", "PAK", "BGD", "ITA", "FRA"};
constexpr const char* kCodes[] = {"1", "351", "44", "49", "90", "234", "92", "880", "39", "33"};
constexpr const char* kAgencies[] = {"police", "customs", "immigration", "border_police"};
constexpr const char* kGiven[] = {"Mohammed", "Kevin", "Ana", "Meiling", "Mateusz", "Farzanah", "Olga", "Jean-Luc"};
constexpr const char* kFamily[] = {"Al-Hassan", "Davis", "Silva", "Feng", "Bondarenko", "Rana", "Müller", "O'Neil"};

std::string phone(std::uint64_t r) {
  const auto c = r % 10;
  return fmt::format("+{}{}", kCodes[c], 200000000 + (r >> 8) % 700000000);
}

std::string calls_csv(std::size_t rows) {
  std::string out;
  for (std::size_t i = 0; i < rows; ++i) {
    const auto r = ch::mix64(i * 131 + 11), s = ch::mix64(i * 131 + 12);
    out += fmt::format("C{:08}-00,{},{},{},{},2024-{:02}-{:02}T{:02}:{:02}:{:02}Z,{},{},{}\n", i, kAgencies[r % 4],
                       kPartners[(r >> 4) % 7], phone(r >> 8), phone(s), 1 + (s >> 3) % 12, 1 + (s >> 7) % 28,
                       (s >> 12) % 24, (s >> 17) % 60, (s >> 23) % 60, (s >> 29) % 3000,
                       kCountries[(r >> 8) % 10], kCountries[s % 10]);
  }
  return out;
}

std::string travel_csv(std::size_t rows) {
  std::string out;
  for (std::size_t i = 0; i < rows; ++i) {
    const auto r = ch::mix64(i * 131 + 21), s = ch::mix64(i * 131 + 22);
    out += fmt::format(
        "T{:08}-{:02},immigration,{},L{:05X},{},{},19{:02}-{:02}-{:02},{},{},P,{},{},{},,PAY-{:012X},AA,AA{},LAX,{},"
        "2024-{:02}-{:02}T{:02}:{:02}:00Z\n",
        i / 2, i % 2, kPartners[r % 7], (r >> 3) % 0xFFFFF, kGiven[(r >> 12) % 8], kFamily[(r >> 15) % 8],
        40 + (s % 60), 1 + (s >> 6) % 12, 1 + (s >> 10) % 28, (s >> 15) % 2 ? "M" : "F", kCountries[(r >> 18) % 10],
        (r >> 22) % 1000000000, kCountries[(r >> 18) % 10], phone(s >> 20), (s >> 24) & 0xFFFFFFFFFFF,
        1000 + (r >> 40) % 9000, kCountries[(s >> 33) % 10], 1 + (s >> 37) % 12, 1 + (s >> 41) % 28,
        (s >> 46) % 24, (s >> 51) % 60);
  }
  return out;
}

// One window of `rows` records processed in blocks of 2048 records and appended, per iteration.
void run_window(benchmark::State& state, SourceKind kind, const char* file, const std::string& header,
                const std::string& data) {
  const Source source = feed_source(kind, file, header);
  Limits limits;
  limits.today = ch::text::days_from_civil(2026, 1, 1);
  limits.default_country_code = "44";
  const auto spans = ch::io::split_records(data, '"', 1);
  constexpr std::size_t kBlock = 2048;
  std::vector<Batch> parts((spans.size() + kBlock - 1) / kBlock);
  for (auto _ : state) {
    Batch all;
    all.counts.resize(1);
    for (std::size_t t = 0; t < parts.size(); ++t) {
      auto& part = parts[t];
      part = Batch();
      part.counts.resize(1);
      process_records(source, 0, limits, 0, data, spans, t * kBlock, std::min(spans.size(), (t + 1) * kBlock), 0,
                      false, part);
    }
    all.reserve_for(parts, 1.0);  // as ingest does from a piece's first window
    for (auto& part : parts) all.append(std::move(part));
    if (all.counts[0].kept != spans.size()) state.SkipWithError("rows were quarantined");
    benchmark::DoNotOptimize(all);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * spans.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}

void BM_IngestCallRecords(benchmark::State& state) {
  static const std::string data = calls_csv(200000);
  run_window(state, SourceKind::kCalls, "calls.csv",
             "record_id,agency,releasable_to,caller,callee,start_utc,duration_s,caller_country,callee_country",
             data);
}
BENCHMARK(BM_IngestCallRecords)->Unit(benchmark::kMillisecond);

void BM_IngestTravelRecords(benchmark::State& state) {
  static const std::string data = travel_csv(100000);
  run_window(state, SourceKind::kTravel, "travel.csv",
             "record_id,agency,releasable_to,booking_ref,given_name,family_name,date_of_birth,sex,nationality,"
             "document_type,document_number,document_country,phone,email,payment_ref,carrier,flight_number,origin,"
             "destination,departure_utc",
             data);
}
BENCHMARK(BM_IngestTravelRecords)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
