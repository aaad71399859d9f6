// EM recovers known m/u probabilities from pattern counts drawn from a two-class mixture, and
// the weights order patterns sensibly.
#include <gtest/gtest.h>

#include <map>

#include "kernels/match/fellegi_sunter.hpp"
#include "kernels/rng.hpp"

using namespace ch::match;

TEST(Patterns, EncodeDecodeRoundTrip) {
  const std::vector<ComparisonLevels> spec = {{"a", 3}, {"b", 4}, {"c", 2}};
  EXPECT_EQ(pattern_space(spec), 24u);
  std::vector<std::uint8_t> lv(3);
  for (std::uint64_t code = 0; code < 24; ++code) {
    decode_pattern(spec, code, lv);
    EXPECT_EQ(encode_pattern(spec, lv), code);
  }
  const std::vector<std::uint8_t> bad = {3, 0, 0};
  EXPECT_THROW(encode_pattern(spec, bad), std::out_of_range);
}

TEST(Em, RecoversMixtureParameters) {
  // Three comparisons with levels {missing, disagree, partial, exact}.
  const std::vector<ComparisonLevels> spec = {{"given", 4}, {"family", 4}, {"dob", 4}};
  const double true_lambda = 0.2;
  const double m_true[3][4] = {{0, 0.05, 0.15, 0.80}, {0, 0.03, 0.12, 0.85}, {0, 0.05, 0.05, 0.90}};
  const double u_true[3][4] = {{0, 0.85, 0.12, 0.03}, {0, 0.90, 0.08, 0.02}, {0, 0.95, 0.04, 0.01}};
  ch::Rng rng(5, 6);
  std::map<std::uint64_t, std::uint64_t> counts;
  for (int i = 0; i < 200000; ++i) {
    const bool match = rng.chance(true_lambda);
    std::vector<std::uint8_t> lv(3);
    for (int c = 0; c < 3; ++c) {
      const double w[3] = {match ? m_true[c][1] : u_true[c][1], match ? m_true[c][2] : u_true[c][2],
                           match ? m_true[c][3] : u_true[c][3]};
      lv[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(1 + rng.weighted(w));
    }
    ++counts[encode_pattern(spec, lv)];
  }
  std::vector<std::pair<std::uint64_t, std::uint64_t>> sorted(counts.begin(), counts.end());
  const auto model = estimate_em(initial_model(spec, sorted), sorted, {.max_iterations = 500, .tolerance = 1e-9});
  EXPECT_NEAR(model.lambda, true_lambda, 0.01);
  for (std::size_t c = 0; c < 3; ++c)
    for (std::size_t l = 1; l < 4; ++l) {
      EXPECT_NEAR(model.m[c][l], m_true[c][l], 0.02) << "m " << c << "," << l;
      EXPECT_NEAR(model.u[c][l], u_true[c][l], 0.02) << "u " << c << "," << l;
    }
  // Log-likelihood never decreases (the EM guarantee).
  for (std::size_t i = 1; i < model.trace.size(); ++i)
    EXPECT_GE(model.trace[i].log_likelihood, model.trace[i - 1].log_likelihood - 1e-6);
  // All exact beats all partial beats all disagree; missing is neutral.
  const std::vector<std::uint8_t> exact = {3, 3, 3}, partial = {2, 2, 2}, disagree = {1, 1, 1},
                                  exact_missing = {3, 3, 0};
  EXPECT_GT(model.match_weight(exact), model.match_weight(partial));
  EXPECT_GT(model.match_weight(partial), model.match_weight(disagree));
  EXPECT_LT(model.match_weight(exact_missing), model.match_weight(exact));
  EXPECT_GT(model.match_probability(model.match_weight(exact)), 0.99);
  EXPECT_LT(model.match_probability(model.match_weight(disagree)), 0.01);
}

TEST(Em, RejectsUnsortedCounts) {
  const std::vector<ComparisonLevels> spec = {{"a", 3}};
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> unsorted = {{2, 5}, {1, 5}};
  EXPECT_THROW(estimate_em(initial_model(spec, unsorted), unsorted), std::invalid_argument);
}

// Checkpoints (jobs/resolve.cpp): EM stopped after any iteration and continued from a copy of the
// model — all a checkpoint keeps — ends bit-identical to an uninterrupted run, and does only the
// remaining iterations.
TEST(Em, ContinuingFromAnySavedModelIsBitIdentical) {
  const std::vector<ComparisonLevels> spec = {{"given", 4}, {"family", 4}, {"dob", 3}};
  ch::Rng rng(11, 12);
  std::map<std::uint64_t, std::uint64_t> counts;
  for (int i = 0; i < 20000; ++i) {
    const bool match = rng.chance(0.3);
    std::vector<std::uint8_t> lv(3);
    for (std::size_t c = 0; c < 3; ++c)
      lv[c] = static_cast<std::uint8_t>(rng.chance(0.05) ? 0 : 1 + (match ? 2 - rng.below(2) * rng.below(2) : rng.below(2)) % (spec[c].levels - 1));
    ++counts[encode_pattern(spec, lv)];
  }
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> sorted(counts.begin(), counts.end());
  const EmOptions options{.max_iterations = 40, .tolerance = 1e-7};
  const auto start = initial_model(spec, sorted);
  const auto full = estimate_em(start, sorted, options);
  ASSERT_GE(full.trace.size(), 3u);
  const EmEstimator em(spec, sorted, options);
  for (std::size_t stop = 0; stop <= full.trace.size(); ++stop) {
    auto model = start;
    for (std::size_t i = 0; i < stop; ++i) em.step(model);
    FsModel resumed = model;  // what a checkpoint carries over
    std::size_t steps = 0;
    while (!em.converged(resumed)) em.step(resumed), ++steps;
    EXPECT_EQ(steps, full.trace.size() - stop);
    EXPECT_EQ(resumed.m, full.m) << "stopped after " << stop;
    EXPECT_EQ(resumed.u, full.u) << "stopped after " << stop;
    EXPECT_EQ(resumed.lambda, full.lambda);
    ASSERT_EQ(resumed.trace.size(), full.trace.size());
    for (std::size_t i = 0; i < full.trace.size(); ++i) {
      EXPECT_EQ(resumed.trace[i].iteration, static_cast<int>(i) + 1);
      EXPECT_EQ(resumed.trace[i].log_likelihood, full.trace[i].log_likelihood);
      EXPECT_EQ(resumed.trace[i].max_change, full.trace[i].max_change);
    }
  }
  // Zero iterations allowed: converged from the start.
  EXPECT_TRUE(EmEstimator(spec, sorted, {.max_iterations = 0}).converged(start));
}

// resolve skips the exp2 of pairs whose weight is below this by a margin.
TEST(FsModel, WeightForProbabilityInvertsMatchProbability) {
  FsModel model;
  for (const double lambda : {0.01, 0.277, 0.96}) {
    model.lambda = lambda;
    for (const double p : {0.5, 0.9, 0.999}) {
      const double w = model.weight_for_probability(p);
      EXPECT_NEAR(model.match_probability(w), p, 1e-12);
      EXPECT_LT(model.match_probability(w - 1e-6), p);
      EXPECT_GT(model.match_probability(w + 1e-6), p);
    }
  }
}
