// release: a partner's extract of a run, holding only what that partner may see.
//
// Reads records.h5, entities.h5 (and network.h5's parameters, assessment.h5 if present) of a run
// directory, keeps the records whose `releasable_to` lists the partner (and whose source/agency
// the partner's rules allow), recomputes persons, profiles and network edges from that subset
// alone, keeps the assessment rows that subset supports (recounted), and writes partner/CODE.h5
// with a /manifest. Rules: docs/release.md.
#pragma once

#include <filesystem>
#include <string>

#include "jobs/job.hpp"
#include "kernels/release/partners.hpp"

namespace ch::jobs {

struct ReleaseConfig {
  release::ReleasePolicy policy;
  std::filesystem::path csv_dir;  // empty: no CSV export
};

// The partner table from FILE (read on rank 0, broadcast) or the built-in one when FILE is empty.
// Throws UsageError (exit 2) naming the file, the key and the value.
ReleaseConfig load_release_config(const JobEnv& env, const std::filesystem::path& partners_file);

// The default extract path: RUN/<out_dir>/CODE.h5.
std::filesystem::path default_extract_path(const RunLayout& run, const ReleaseConfig& config,
                                           const std::string& partner);

// Validates partner, paths and inputs before anything is written (exit 2 naming the value), then
// writes the extract (mode 0640) and, with config.csv_dir, one CSV per table.
void release(const JobEnv& env, const RunLayout& run, const std::string& partner,
             const std::filesystem::path& out, const ReleaseConfig& config);

}  // namespace ch::jobs
