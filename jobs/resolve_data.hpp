// Reading observations for resolve and explain: /observations columns → an ObservationStore, plus
// the link fields aliases need. Missing derived columns (phonetic keys) are computed here from
// the normalized names with kernels/text, so resolve also runs on records written by an older
// or a partial ingest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/table.hpp"
#include "kernels/match/alias.hpp"
#include "kernels/match/blocking.hpp"
#include "kernels/match/comparison.hpp"

namespace ch::jobs {

struct ObservationBatch {
  std::uint64_t first_row = 0;                 // global row of element 0
  match::ObservationStore fields;
  io::StringColumn record_id;
  std::vector<std::uint64_t> obs;              // the obs id column (or the row when absent)
  io::StringColumn booking_ref, payment_ref;
  std::vector<std::int64_t> event_utc;         // travel: departure; kNoTime when unknown
};

// Which optional comparisons the records support (columns present); `extra_comparisons` are
// "column:kind" strings. Collective only through the reader (every rank sees the same file).
match::ComparisonSpec comparison_spec_for(const io::TableReader& records,
                                          const std::vector<std::string>& extra_comparisons);

// Rows [begin, end) of /observations.
ObservationBatch read_observations(const io::TableReader& records, const match::ComparisonSpec& spec,
                                   std::uint64_t begin, std::uint64_t end);

// Blocking rules parsed against the spec's extra columns; rules naming a column the records do
// not have are dropped (returned in `skipped`). Throws UsageError for unknown terms.
std::vector<match::BlockingRule> blocking_rules_for(const std::vector<std::string>& rules,
                                                    const match::ComparisonSpec& spec,
                                                    const std::vector<std::string>& columns,
                                                    std::vector<std::string>* skipped = nullptr);

// "YYYY-MM-DD" (or YYYYMMDD) → days since 1970, kMissingDate when empty or unparseable.
std::int32_t parse_dob(std::string_view text);

}  // namespace ch::jobs
