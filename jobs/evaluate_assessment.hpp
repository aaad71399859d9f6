// Assessment metrics for `evaluate`: how well assessment.h5 recovers the true organizations,
// their key actors, and how precise its leads are (root attributes of evaluation.h5).
//
// True organization of a person: the organization of most of its months in truth.h5
// /org_membership (ties: the smaller id). Persons ↔ entities via record ids (truth.h5
// /records/* and entities.h5 /membership); an entity's person is the majority person of its
// records. Assessed organization members = /members rows whose role is not "client".
//
// progress_accuracy (when /progress exists): each organization of the earlier run stands for the
// true organization most of its members belonged to in the earlier run's last month; its true
// fate by this run's last month comes from truth.h5 /org_months (merged, else dissolved or
// reconstituted, else split, else persisted; "disrupted" is not a fate; a split, merger or
// dissolution of this run's last month takes effect after it and does not count). Each true
// organization is judged once, by the earlier organization holding most of its members (a lesser
// piece of one that the earlier assessment cut has no fate of its own). The share whose assessed
// fate is the true one.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "io/table.hpp"
#include "jobs/job.hpp"

namespace ch::jobs {

// The records of an entities.h5 joined to their truth: one entry per /membership row whose
// record_id is in the truth (in membership order). Record ids are unique in truth.h5 as generate
// writes it; one listed twice matches one of its rows.
struct RecordTruth {
  std::uint64_t records = 0;            // /membership rows, with truth or not
  std::vector<std::uint64_t> entity;    // membership entity_id
  std::vector<std::uint64_t> person;    // true person
  std::vector<std::uint32_t> identity;  // which of the person's identities the record shows
};

// Collective (every rank reads and gets the same). Each record is looked for first just after
// the previous one's match and at the tables' first rows (both files keep the feeds' order), and
// only then in an open-addressing table of the truth's row numbers, built at the first such
// miss: O(truth rows + membership rows), strings never copied.
RecordTruth record_truth(const io::TableReader& truth, const io::TableReader& entities);

// For each entity, the value most of its records carry (ties: the smallest value), as pairs
// sorted by entity. `entity` and `value` are parallel. O(n log n).
using EntityValues = std::vector<std::pair<std::uint64_t, std::uint64_t>>;
EntityValues majority(const std::vector<std::uint64_t>& entity, const std::vector<std::uint64_t>& value);
// The value of `entity` in a majority() result, or nullptr.
const std::uint64_t* value_of(const EntityValues& values, std::uint64_t entity);

// The truth.h5 tables whose records can be observations: /records/*, less /records/calls (call
// records become records.h5 /calls, never observations, and are most of the rows — reading them
// cost evaluate most of its time and memory).
std::vector<std::string> observation_truth_tables(const io::TableReader& truth);

// Collective. Adds org_match_top10, lead_precision_top20, org_nmi, org_ari, key_actor_recall
// (found among the top 5 / min(5, key actors) per organization), key_actor_recall_uncapped
// (found / key actors) (and progress_accuracy, see above) to `writer`'s root when the run has an
// assessment.h5; does nothing otherwise. `truth` is the truth file `records` was joined from.
void add_assessment_metrics(const JobEnv& env, const RunLayout& run, const io::TableReader& truth,
                            const RecordTruth& records, io::TableWriter& writer);

}  // namespace ch::jobs
