// network: person–person edges from shared identifiers, co-travel and calls.
//
// Reads records.h5 (/observations, /segments, /calls) and entities.h5 (/membership: obs →
// entity_id) and writes network.h5: /edges (one row per person pair, totals per evidence type),
// /edges_monthly (per pair, type and month) and /person_phone (who uses which phone).
#pragma once

#include <array>
#include <filesystem>
#include <string>

#include "jobs/job.hpp"
#include "kernels/network/evidence.hpp"

namespace ch::jobs {

struct NetworkConfig {
  network::EdgeRules rules;
  std::string text;  // effective config, for provenance
};

// Defaults overridden by `--set network.KEY=VALUE`; unknown keys and bad values name the key.
NetworkConfig load_network_config(const JobEnv& env);

void build_network(const JobEnv& env, const std::filesystem::path& records,
                   const std::filesystem::path& entities, const std::filesystem::path& out,
                   const NetworkConfig& config);

}  // namespace ch::jobs
