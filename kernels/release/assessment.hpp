// Evidence-aware release of the assessment (assessment.h5): organizations, members, leads and
// referrals. The assessment was computed from all records, so nothing is copied as is: every row
// is kept only when releasable records support it, every count or text in it is rebuilt from the
// released persons and records, and organizations are regrouped over releasable edges (rules:
// docs/release.md, "Assessment").
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kernels/release/extract.hpp"

namespace ch::release {

inline constexpr std::uint64_t kNoPerson = std::numeric_limits<std::uint64_t>::max();

// A row of assessment.h5 /members, as the run wrote it. The assessor's `role` is not read: it
// rests on records the partner may not see (a withheld payment makes a financier).
struct RunMember {
  std::int64_t organization = 0;
  std::uint64_t entity = 0;  // entities.h5 entity_id
};

// Smallest released organization: a group needs at least one releasable tie between two persons.
inline constexpr std::size_t kMinReleasedMembers = 2;

struct ReleasedOrganization {
  std::int64_t id = 0;          // dense 1, 2, … in order of the sorted member lists (smallest person first)
  std::int64_t assessed = 0;    // run organization id it came from (never written: its gaps count withheld ones)
  std::uint64_t members = 0;    // released persons in it (>= kMinReleasedMembers)
  std::uint64_t ties = 0;       // releasable edges between two of its members
  std::uint64_t phones = 0;     // distinct phones of the members' releasable observations
};

struct ReleasedMember {
  std::int64_t organization = 0;  // released organization id
  std::uint64_t person = 0;       // released person id
};

struct ReleasedOrganizations {
  std::vector<ReleasedOrganization> organizations;  // by id
  std::vector<ReleasedMember> members;              // by (organization, person)
  // (run organization id, released person) -> released organization id, for the leads.
  std::map<std::pair<std::int64_t, std::uint64_t>, std::int64_t> organization_of;
};

// Organizations supported by releasable evidence only. A member entity stands for the released
// persons of its releasable observations (rule 1 may have split it). Within one assessed
// organization, those persons are grouped by connected components over the releasable edges
// (`edges`, recompute_network's output, i.e. the extract's /edges) between two of them: a grouping
// that rested on a withheld call, payment or co-booking is split, and a person with no releasable
// edge to another member of the same assessed organization is not released as a member. A
// component is released when it has at least kMinReleasedMembers persons, so one assessed
// organization may be released as several organizations, partly, or not at all.
// Released ids are dense 1, 2, … in order of the organizations' ascending member lists (so by
// smallest person first; the run organization id only breaks ties between equal lists): the run's
// ids rank organizations by aides counted over all records and would show which released
// organizations came from one assessed organization. Members are ordered by (organization,
// person). `observations`/`person_of` are the releasable observations and their persons
// (split_persons). Pure; O((M + N) log N + E + D log M) for M member rows, N observations, E edges
// and D the summed degree of the members (a breadth-first search per component).
ReleasedOrganizations release_organizations(const std::vector<RunMember>& members,
                                            const std::vector<Observation>& observations,
                                            const std::vector<std::uint64_t>& person_of,
                                            const std::vector<EdgeTotal>& edges);

// Serial reference for tests: the same grouping by Warshall's transitive closure over each
// assessed organization's persons (no adjacency lists, no search; cubic, small inputs only). Two
// persons share a released organization iff a path of releasable edges joins them through persons
// of that assessed organization; returns the member lists in released-id order.
std::vector<std::vector<std::uint64_t>> reference_released_groups(const std::vector<RunMember>& members,
                                                                  const std::vector<Observation>& observations,
                                                                  const std::vector<std::uint64_t>& person_of,
                                                                  const std::vector<EdgeTotal>& edges);

// Record ids a lead may cite: ids of releasable observations, mapped to their person
// (kNoPerson when one id names several persons). An id that also names a withheld observation is
// left out: a lead citing it might rest on the withheld one.
std::map<std::string, std::uint64_t> citable_records(const std::vector<Observation>& observations,
                                                     const std::vector<std::uint64_t>& person_of,
                                                     const std::set<std::string>& withheld_ids);

// A row of assessment.h5 /leads, in the run's rank order.
struct RunLead {
  std::string kind, subject, evidence, issue;
  std::int64_t organization = -1;
};

struct ReleasedLead {
  std::uint32_t rank = 0;        // dense 1, 2, … in the run's rank order
  std::string kind, subject;
  std::uint64_t person = kNoPerson;
  std::int64_t organization = -1;  // released organization holding every person behind the evidence, or -1
  std::string reason, evidence, issue;
};

// A lead is released only if its evidence list is complete (not truncated with "...(+N more)")
// and every id in it is citable; a person lead needs its evidence to name exactly one released
// person (the subject becomes that person id), a phone or booking lead needs its subject to occur
// in a releasable observation. Its `organization` is the released organization, out of the lead's
// assessed one, that contains every released person behind its evidence (-1 when there is none,
// e.g. the person was not released as a member, or the persons fall into different released
// organizations). Score, agency and jurisdiction are not released; the reason is rebuilt from
// released values only. `document_fraud` (which may rest on withheld identities or document
// swaps) and `facilitator_abroad` (the assessor's coordinator-abroad role) become
// `trafficking_indicators`.
std::vector<ReleasedLead> release_leads(
    const std::vector<RunLead>& leads, const std::vector<Observation>& observations,
    const std::map<std::string, std::uint64_t>& citable,
    const std::map<std::pair<std::int64_t, std::uint64_t>, std::int64_t>& organization_of);

}  // namespace ch::release
