// Evidence-aware release of the assessment (assessment.h5): organizations, members, leads and
// referrals. The assessment was computed from all records, so nothing is copied as is: every row
// is kept only when releasable records support it, and every count or text in it is rebuilt from
// the released persons and records (rules: docs/release.md, "Assessment").
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kernels/release/extract.hpp"

namespace ch::release {

inline constexpr std::uint64_t kNoPerson = std::numeric_limits<std::uint64_t>::max();

// A row of assessment.h5 /members, as the run wrote it.
struct RunMember {
  std::int64_t organization = 0;
  std::uint64_t entity = 0;  // entities.h5 entity_id
  std::string role;
};

struct ReleasedOrganization {
  std::int64_t id = 0;        // dense 1, 2, … in the run's id order (run ids have gaps for withheld ones)
  std::uint64_t aides = 0;    // released persons in a non-client role
  std::uint64_t clients = 0;  // released persons in the client role
  std::uint64_t phones = 0;   // distinct phones of releasable observations of the released aides
};

struct ReleasedMember {
  std::int64_t organization = 0;  // released organization id
  std::uint64_t person = 0;       // released person id
  std::string role;
};

struct ReleasedOrganizations {
  std::vector<ReleasedOrganization> organizations;  // by id
  std::vector<ReleasedMember> members;              // by (organization, person)
  std::map<std::int64_t, std::int64_t> id_of;       // run organization id -> released id
};

// An organization is released when at least one member entity has a released person; each such
// entity contributes a member row per released person it was split into (rule 1), with its role.
// `observations`/`person_of` are the releasable observations and their persons (split_persons).
ReleasedOrganizations release_organizations(const std::vector<RunMember>& members,
                                            const std::vector<Observation>& observations,
                                            const std::vector<std::uint64_t>& person_of);

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
  std::int64_t organization = -1;  // released id, -1 when the organization is not released
  std::string reason, evidence, issue;
};

// A lead is released only if its evidence list is complete (not truncated with "...(+N more)")
// and every id in it is citable; a person lead needs its evidence to name exactly one released
// person (the subject becomes that person id), a phone or booking lead needs its subject to occur
// in a releasable observation. Score, agency and jurisdiction are not released; the reason is
// rebuilt from released values only, and `document_fraud` (which may rest on withheld identities
// or document swaps) becomes `trafficking_indicators`.
std::vector<ReleasedLead> release_leads(const std::vector<RunLead>& leads,
                                        const std::vector<Observation>& observations,
                                        const std::map<std::string, std::uint64_t>& citable,
                                        const std::map<std::int64_t, std::int64_t>& organization_id);

}  // namespace ch::release
