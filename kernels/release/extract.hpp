// Evidence-aware recomputation of what a partner may see. The input is only the partner's
// releasable subset of the records: every function here derives its output from that subset
// alone, so nothing withheld can flow into a name, a count, a weight or a list.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kernels/network/evidence.hpp"

namespace ch::release {

// A releasable identity observation, in records.h5 order.
struct Observation {
  std::uint64_t obs = 0;      // records.h5 obs id (never written to an extract: its gaps count withheld rows)
  std::uint64_t entity = 0;   // entities.h5 entity_id
  std::string source, agency, record_id;
  std::string given_name, family_name, dob, nationality, document, phone, email, booking, payment;
  std::int64_t event_utc = 0;
};

// Released persons. Two releasable observations of one resolved entity stay together only if a
// chain of matched pairs (entities.h5 /pairs, same_entity = 1) joins them through releasable
// observations; a link that ran through a withheld record is cut, because keeping it would
// disclose that withheld evidence exists and what it tied together.
//   `pairs` are indices into `observations` (both releasable).
// Returns the person of each observation: dense ids 0, 1, … in order of each person's first
// observation, so ids reveal nothing about withheld rows.
std::vector<std::uint64_t> split_persons(const std::vector<Observation>& observations,
                                         const std::vector<std::pair<std::size_t, std::size_t>>& pairs);

struct PersonProfile {
  std::uint64_t person = 0;
  std::uint32_t observations = 0;
  std::string name, given_name, family_name, dob;
  std::string nationalities, documents, phones, emails;  // distinct, sorted, ';'-joined
};

// One profile per person, ordered by person: representative name and birth date are the most
// frequent among the person's releasable observations (ties to the earliest observation).
std::vector<PersonProfile> profiles(const std::vector<Observation>& observations,
                                    const std::vector<std::uint64_t>& person_of);

struct Flight {            // a releasable segment
  std::size_t observation = 0;  // index into observations
  std::string key;              // carrier + flight number + "@" + departure day
  std::int64_t departure_utc = 0;
};
struct Call {              // a releasable call record
  std::string caller, callee;
  std::int64_t start_utc = 0;
  std::uint64_t seconds = 0;
};

// The network stage's parameters, read from network.h5 so edges are recomputed the same way.
using network::EdgeRules;

struct PhoneUse {
  std::uint64_t person = 0;
  std::string phone;
  std::uint32_t persons_sharing = 0;
};

struct EdgeTotal {
  std::uint64_t a = 0, b = 0;
  std::int64_t weight = 0;  // fixed point
  std::array<std::uint32_t, network::kEdgeTypeCount> count{};
  std::uint64_t seconds = 0;
  std::int64_t first_utc = 0, last_utc = 0;
};

struct ReleasedNetwork {
  std::vector<network::Evidence> monthly;  // sorted by (a, b, type, month)
  std::vector<EdgeTotal> edges;            // sorted by (a, b)
  std::vector<PhoneUse> person_phone;      // sorted by (person, phone)
  std::array<network::GroupStats, network::kEdgeTypeCount> stats{};
  std::uint64_t calls_unattributed = 0;
};

// The network stage's method (kernels/network/evidence.hpp) applied to releasable evidence only:
// group sizes, Newman weights, hub caps, co-travel thresholds and call attribution all see the
// releasable subset, so a withheld co-passenger or a withheld call changes nothing.
ReleasedNetwork recompute_network(const std::vector<Observation>& observations,
                                  const std::vector<std::uint64_t>& person_of,
                                  const std::vector<Flight>& flights, const std::vector<Call>& calls,
                                  const EdgeRules& rules);

}  // namespace ch::release
