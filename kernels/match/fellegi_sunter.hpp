// Fellegi–Sunter record-linkage model (Fellegi & Sunter, JASA 64(328), 1969) with parameters
// estimated without labels by EM over agreement-pattern counts (Winkler 1988; Jaro 1989).
//
// Each candidate pair is summarized by one level per comparison (e.g. family name: exact,
// Jaro-Winkler ≥ 0.92, ≥ 0.80, else). Level 0 means "missing on either side" and is neutral
// (contributes weight 0, as in Splink). A pair's pattern is the mixed-radix code of its levels.
// EM needs only the count of pairs per pattern, so ranks count locally, sum the counts with an
// exact integer Allreduce, and every rank runs the same EM on the same numbers: no pass over
// all pairs per iteration, and identical results for any rank count.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ch::match {

struct ComparisonLevels {
  std::string name;      // "family_name", "dob", ...
  std::uint8_t levels;   // including level 0 = missing; highest level = strongest agreement
};

// Pattern code ↔ levels (mixed radix, comparison 0 least significant).
std::uint64_t encode_pattern(std::span<const ComparisonLevels> spec, std::span<const std::uint8_t> levels);
void decode_pattern(std::span<const ComparisonLevels> spec, std::uint64_t code, std::span<std::uint8_t> levels);
std::uint64_t pattern_space(std::span<const ComparisonLevels> spec);

struct EmIteration {
  int iteration;
  double lambda;           // estimated share of matches among candidate pairs
  double log_likelihood;
  double max_change;       // largest change of any m or u probability
};

struct FsModel {
  std::vector<ComparisonLevels> spec;
  // m[c][l] = P(level l of comparison c | match), u[c][l] = P(level l | non-match); l ≥ 1.
  std::vector<std::vector<double>> m, u;
  double lambda = 0.01;
  std::vector<EmIteration> trace;

  // log2 Bayes factor of the pattern: Σ_c log2(m[c][l] / u[c][l]) over non-missing levels.
  double match_weight(std::span<const std::uint8_t> levels) const;
  double match_weight(std::uint64_t pattern) const;
  // Posterior P(match | pattern) from the weight and the prior lambda.
  double match_probability(double weight) const;
  // The weight at which match_probability reaches p (0 < p < 1), up to rounding: a caller
  // thresholding many pairs skips the exp2 of those clearly below it.
  double weight_for_probability(double p) const;
};

struct EmOptions {
  int max_iterations = 50;
  double tolerance = 1e-6;
  bool fix_u = false;      // keep u (e.g. estimated from random pairs) and learn only m and lambda
  double floor = 1e-6;     // no probability below this: a level never seen keeps a finite weight
};

// Starting point: m favours the top levels, u follows the overall level frequencies.
FsModel initial_model(std::vector<ComparisonLevels> spec,
                      std::span<const std::pair<std::uint64_t, std::uint64_t>> pattern_counts);

// EM driven one iteration at a time. The model (m, u, lambda and the trace of iterations done)
// is the whole state: a job may stop between iterations, save the model, and later continue
// from it with the same counts and options, which gives bit-identical results to an
// uninterrupted run. The counts must be sorted by pattern (deterministic sums); they are decoded
// once here, so a step costs O(patterns · comparisons).
class EmEstimator {
 public:
  EmEstimator(std::span<const ComparisonLevels> spec,
              std::span<const std::pair<std::uint64_t, std::uint64_t>> pattern_counts, EmOptions options);
  // True when no further iteration is due: the last one changed no probability by more than
  // the tolerance, or max_iterations have been done.
  bool converged(const FsModel& model) const;
  // One E+M iteration; appends its EmIteration (numbered trace.size() + 1) to model.trace.
  void step(FsModel& model) const;

 private:
  std::vector<ComparisonLevels> spec_;
  std::vector<std::uint64_t> counts_;
  std::vector<std::uint8_t> decoded_;  // patterns × comparisons
  EmOptions options_;
};

// EM on (pattern, count) pairs until converged (EmEstimator stepped to the end).
FsModel estimate_em(FsModel start, std::span<const std::pair<std::uint64_t, std::uint64_t>> pattern_counts,
                    const EmOptions& options = {});

}  // namespace ch::match
