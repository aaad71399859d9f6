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
  // Weight per unit of evidence: a booking/phone/e-mail/payment group (split over its members,
  // see kernels/network/evidence.hpp), a shared flight, a call.
  std::array<double, network::kEdgeTypeCount> weight = {1.0, 0.5, 1.0, 1.0, 1.0, 0.1};
  std::size_t max_group = 200;         // identifier groups larger than this are hubs: no edges
  std::size_t max_flight_group = 150;  // flights with more linked passengers add no co-travel
  std::uint64_t min_co_travel = 2;     // shared flights before two persons count as co-travellers
  std::size_t max_phone_persons = 5;   // calls on a phone used by more persons are not attributed
  std::string text;                    // effective config, for provenance
};

// Defaults overridden by `--set network.KEY=VALUE`; unknown keys and bad values name the key.
NetworkConfig load_network_config(const JobEnv& env);

void build_network(const JobEnv& env, const std::filesystem::path& records,
                   const std::filesystem::path& entities, const std::filesystem::path& out,
                   const NetworkConfig& config);

}  // namespace ch::jobs
