// Provenance attributes carried by every output file (DESIGN.md §3): what produced it, from
// which inputs and config, on how many ranks/threads, when, and how many rows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cluster/context.hpp"
#include "io/table.hpp"

namespace ch::io {

inline constexpr std::int64_t kSchemaVersion = 1;

std::string program_version();  // "0.1.0"
std::string program_commit();   // git commit of the build
std::string program_build();    // "VERSION COMMIT": what resume keys compare
std::string utc_now();          // ISO 8601, seconds

struct Provenance {
  std::string stage;
  std::string config_text;  // the full effective config
  std::vector<std::pair<std::string, std::string>> inputs;  // (name, sha256)
  std::string started_utc;
  std::map<std::string, std::uint64_t> row_counts;  // table -> rows

  // Collective: finishes the record with ranks/threads/end time (root's clock, broadcast) and
  // writes it as root attributes.
  void write(const cluster::Context& ctx, TableWriter& out, int threads) const;
};

// The `inputs` attribute text for (name, sha256) pairs; resume compares it with the stored one.
std::string inputs_text(const std::vector<std::pair<std::string, std::string>>& inputs);

// True when PATH exists, was written by this schema version, and its `inputs` attribute equals
// `expected_inputs`: the stage that wrote it need not run again.
bool output_is_current(const cluster::Context& ctx, const std::filesystem::path& path,
                       const std::string& expected_inputs);

// The attribute names that vary between runs of the same inputs (times, hosts, ranks, threads):
// determinism checks skip exactly these.
const std::vector<std::string>& volatile_attribute_names();

// SHA-256 of the named input files, each hashed by one rank and shared with all; pairs of
// (file name, sha256) in the order given.
std::vector<std::pair<std::string, std::string>> hash_inputs(
    const cluster::Context& ctx, const std::vector<std::filesystem::path>& files);

}  // namespace ch::io
