// evaluate: accuracy of a run's entity resolution against ground truth.
//
// Truth is either the generator's truth.h5 (/records/<feed>: record_id → person, identity; a
// true entity for merging is (person, identity), aliases are judged on person) or a column of an
// external CSV whose regex capture names the true entity (Febrl: "rec-(\d+)-").
//
// Metrics (Christen 2012, ch. 7; Bagga & Baldwin 1998 for B-cubed), over observations that
// have a truth value:
//   pairwise precision/recall/F1 over all pairs of observations put in one entity;
//   B-cubed precision/recall/F1, the per-observation average overlap of its predicted and true
//   clusters (less dominated by large clusters than pairwise);
//   alias precision/recall: an alias link is right when both entities' majority person agree;
//   the true alias pairs are pairs of predicted entities with the same majority person but a
//   different majority identity.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "jobs/job.hpp"

namespace ch::jobs {

struct EvaluateOptions {
  std::filesystem::path truth;          // truth.h5 (default: the run's)
  std::filesystem::path truth_csv;      // or an external CSV
  std::string truth_id_column = "rec_id";
  std::string truth_pattern = "rec-(\\d+)-";
  std::filesystem::path out;            // default: the run's evaluation.h5
};

struct ResolutionScores {
  std::uint64_t observations = 0, with_truth = 0;
  std::uint64_t true_pairs = 0, predicted_pairs = 0, correct_pairs = 0;
  double pairwise_precision = 0, pairwise_recall = 0, pairwise_f1 = 0;
  double bcubed_precision = 0, bcubed_recall = 0, bcubed_f1 = 0;
  std::uint64_t alias_links = 0, alias_correct = 0, alias_true = 0, alias_found = 0;
  double alias_precision = 0, alias_recall = 0;
};

// Pure: scores of predicted entity ids against true entity ids (same length; one per
// observation). Used by evaluate and by the unit tests.
ResolutionScores score_clustering(const std::vector<std::uint64_t>& predicted,
                                  const std::vector<std::uint64_t>& truth);

// Reads the run's entities.h5 and the truth, prints the table (rank 0), writes evaluation.h5.
ResolutionScores evaluate(const JobEnv& env, const RunLayout& layout, const EvaluateOptions& options);

}  // namespace ch::jobs
