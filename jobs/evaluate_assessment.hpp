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

#include "io/table.hpp"
#include "jobs/job.hpp"

namespace ch::jobs {

// The truth.h5 tables whose records can be observations: /records/*, less /records/calls (call
// records become records.h5 /calls, never observations, and are most of the rows — reading them
// cost evaluate most of its time and memory).
std::vector<std::string> observation_truth_tables(const io::TableReader& truth);

// Collective. Adds org_match_top10, lead_precision_top20, org_nmi, org_ari, key_actor_recall
// (found among the top 5 / min(5, key actors) per organization), key_actor_recall_uncapped
// (found / key actors) (and progress_accuracy, see above) to `writer`'s root when the run has an assessment.h5; does
// nothing otherwise.
void add_assessment_metrics(const JobEnv& env, const RunLayout& run, io::TableWriter& writer);

}  // namespace ch::jobs
