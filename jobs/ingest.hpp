// ingest: agency feeds and external CSVs → records.h5 (observations, travel segments, calls,
// quarantined rows and a per-source summary). See docs/ingest.md for the method and
// docs/schema.md for the tables.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "jobs/job.hpp"

namespace ch::jobs {

// Config keys of the stage, under [ingest] (`--set ingest.KEY=VALUE`).
struct IngestOptions {
  double max_bad_fraction = 0.05;            // a source with more quarantined rows → exit 3
  std::size_t max_field_bytes = 1024;        // longer fields quarantine their row
  std::size_t max_record_bytes = 16u << 20;  // longest record read in full (else cut, quarantined)
  std::size_t quarantine_raw_bytes = 512;    // raw line kept per quarantined row
  int max_age_years = 120;                   // older dates of birth are impossible
  std::string reference_date;                // "today" for age checks, YYYY-MM-DD ("" = run date)
  std::string default_country_code;          // for feed phones without "+" or "00" ("" = reject)
};

// Options from `--set ingest.*` overrides; an unknown key or a bad value → UsageError naming it.
IngestOptions ingest_options(const std::vector<std::string>& overrides);

// The effective options as TOML text (recorded in the output's provenance).
std::string ingest_options_toml(const IngestOptions& options);

// An external CSV and the TOML file that maps its columns to the record model.
struct MappedCsv {
  std::filesystem::path csv;
  std::filesystem::path mapping;
};

// The run directory's feeds → records.h5; also used by `clearinghouse run`.
void ingest_feeds(const JobEnv& env, const std::filesystem::path& feeds_dir,
                  const std::filesystem::path& out, const IngestOptions& options);

// The feed files, in hash order: travel, calls, subscribers, enforcement.
std::vector<std::filesystem::path> feed_files(const std::filesystem::path& feeds_dir);

// The general form: feeds (optional: empty path for none) then mapped CSVs, in that order.
void ingest(const JobEnv& env, const std::filesystem::path& feeds_dir,
            const std::vector<MappedCsv>& csvs, const std::filesystem::path& out,
            const IngestOptions& options);

}  // namespace ch::jobs
