// Comparison levels of the entity-resolution kernel: each comparator maps known pairs to the
// documented level, name order swaps are recognised, TF adjustment has the right sign and size,
// and the parallel kernel equals the serial comparison pair by pair.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/match/comparison.hpp"
#include "kernels/rng.hpp"

using namespace ch::match;

namespace {
ObservationFields person(std::string given, std::string family, std::int32_t dob) {
  ObservationFields f;
  f.given = std::move(given);
  f.family = std::move(family);
  f.dob = dob;
  return f;
}
}  // namespace

TEST(NameLevel, OrderedByStrength) {
  EXPECT_EQ(name_level("", "smith", "", "", "SM0", "XMT"), 0);
  EXPECT_EQ(name_level("smith", "smith", "", "", "", ""), 4);
  EXPECT_EQ(name_level("smith", "smiht", "", "", "", ""), 3);       // transposition
  EXPECT_EQ(name_level("mohammed", "muhammad", "MHMT", "", "MHMT", ""), 2);  // phonetic
  EXPECT_EQ(name_level("garcia lopez", "lopez", "", "", "", ""), 2);         // token set 0.5
  EXPECT_EQ(name_level("smith", "okafor", "SM0", "XMT", "AKFR", ""), 1);
}

TEST(DateLevel, ExactSwapTypoYearDifferent) {
  const auto d = [](int y, unsigned m, unsigned dd) { return days_from_civil(y, m, dd); };
  EXPECT_EQ(date_level(kMissingDate, d(1980, 1, 2)), 0);
  EXPECT_EQ(date_level(d(1985, 3, 7), d(1985, 3, 7)), 5);
  EXPECT_EQ(date_level(d(1985, 3, 7), d(1985, 7, 3)), 4);   // day/month swapped
  EXPECT_EQ(date_level(d(1985, 3, 17), d(1985, 3, 12)), 4);  // one digit off
  EXPECT_EQ(date_level(d(1985, 3, 17), d(1985, 11, 28)), 3); // same year
  EXPECT_EQ(date_level(d(1985, 12, 30), d(1986, 2, 11)), 2); // within a year
  EXPECT_EQ(date_level(d(1950, 1, 1), d(1985, 6, 6)), 1);
}

TEST(IdentifierLevel, TypoNeedsLength) {
  EXPECT_EQ(identifier_level("P1234567", "P1234567"), 3);
  EXPECT_EQ(identifier_level("P1234567", "P1243567"), 2);
  EXPECT_EQ(identifier_level("AB1", "AB2"), 1);
  EXPECT_EQ(identifier_level("", "AB2"), 0);
}

TEST(CompareObservations, SwappedNamesUseCrossedLevels) {
  ComparisonSpec spec;
  const auto a = person("wei", "zhang", days_from_civil(1990, 4, 1));
  const auto b = person("zhang", "wei", days_from_civil(1990, 4, 1));
  const auto l = compare_observations(a, b, spec);
  EXPECT_TRUE(l.names_swapped);
  EXPECT_EQ(l.level[kFamilyComparison], 4);
  EXPECT_EQ(l.level[kGivenComparison], 4);
  EXPECT_EQ(l.level[kDobComparison], 5);
  const auto c = compare_observations(a, person("li", "zhang", a.dob), spec);
  EXPECT_FALSE(c.names_swapped);
  EXPECT_EQ(c.level[kFamilyComparison], 4);
}

TEST(CompareObservations, OptionalComparisonsFollowSpec) {
  ComparisonSpec spec;
  spec.document = true;
  spec.phone = true;
  spec.extra = {{"postcode", FieldKind::kIdentifier}};
  ASSERT_EQ(spec.size(), 6u);
  EXPECT_EQ(spec.levels()[3].name, "document");
  auto a = person("ann", "lee", kMissingDate), b = a;
  a.document = "X12345";
  b.document = "X12345";
  a.phone = "+441";
  a.extra = {"2600"};
  b.extra = {"2601"};
  const auto l = compare_observations(a, b, spec);
  EXPECT_EQ(l.level[3], 3);  // document exact
  EXPECT_EQ(l.level[4], 0);  // phone missing on one side
  EXPECT_EQ(l.level[5], 1);  // postcode: 4 chars, too short for the typo level
}

TEST(TfAdjustment, CommonValuesWeighLessRareMore) {
  // u_exact = 0.01 (Σ tf²); a value held by 10% of observations is common.
  EXPECT_NEAR(tf_adjustment(0.01, 100, 1000, 10), std::log2(0.01 / 0.1), 1e-12);
  EXPECT_LT(tf_adjustment(0.01, 100, 1000, 10), 0);
  EXPECT_GT(tf_adjustment(0.01, 1, 1000, 10), 0);
  EXPECT_DOUBLE_EQ(tf_adjustment(0.01, 1, 1000000, 4), 4.0);  // clamped
  EXPECT_DOUBLE_EQ(tf_adjustment(0.01, 0, 1000, 4), 0.0);     // unknown count: neutral
}

namespace {
// A model whose levels all weigh 0 but the exact family name (u 0.01), and a person whose family
// name is seen 100 times and given name once.
FsModel flat_model() {
  FsModel model;
  model.spec = ComparisonSpec{}.levels();
  for (const auto& c : model.spec) {
    model.m.push_back(std::vector<double>(c.levels, 0.2));
    model.u.push_back(std::vector<double>(c.levels, 0.2));
  }
  model.u[kFamilyComparison][4] = 0.01;
  return model;
}
ObservationFields counted_person() {
  auto a = person("ann", "smith", kMissingDate);
  a.family_count = 100;
  a.given_count = 1;
  return a;
}
}  // namespace

TEST(TfAdjustment, PairWeightAddsTermsOnExactNames) {
  const auto model = flat_model();
  const auto a = counted_person();
  PairLevels l;
  l.level[kFamilyComparison] = 4;
  l.level[kGivenComparison] = 1;
  TfTotals tf{.given = 1000, .family = 1000, .max_bits = 20, .enabled = true};
  const double base = model.match_weight(std::span<const std::uint8_t>(l.level, model.spec.size()));
  EXPECT_NEAR(pair_weight(model, l, a, tf) - base, std::log2(0.01 / 0.1), 1e-12);
  tf.enabled = false;
  EXPECT_DOUBLE_EQ(pair_weight(model, l, a, tf), base);
}

// Resolve scores a pair where it was compared, with only the smaller row's counts at hand.
TEST(TfAdjustment, CountsAloneGiveTheTermsOfTheFields) {
  auto model = flat_model();
  model.u[kGivenComparison][4] = 0.02;
  const auto a = counted_person();
  PairLevels l;
  l.level[kFamilyComparison] = 4;
  l.level[kGivenComparison] = 4;
  const TfTotals tf{.given = 1000, .family = 1000, .max_bits = 20, .enabled = true};
  const auto from_counts = pair_tf_terms(model, l, NameCounts{.family = 100, .given = 1}, tf);
  EXPECT_EQ(from_counts, pair_tf_terms(model, l, a, tf));
  EXPECT_NEAR(from_counts.first, std::log2(0.01 / 0.1), 1e-12);
  EXPECT_NEAR(from_counts.second, std::log2(0.02 / 0.001), 1e-12);
  // Split per row and per pair, as resolve's scoring loop takes it: the same bits.
  const auto exact = exact_name_tf_terms(model, NameCounts{.family = 100, .given = 1}, tf);
  EXPECT_EQ(pair_tf_terms(l, exact), from_counts);
  l.level[kGivenComparison] = 3;  // close, not exact: no given-name term
  EXPECT_EQ(pair_tf_terms(l, exact), std::make_pair(from_counts.first, 0.0));
  EXPECT_EQ(pair_tf_terms(l, exact), pair_tf_terms(model, l, a, tf));
}

TEST(ComparePairs, ParallelEqualsSerial) {
  ch::Rng rng(7, 1);
  const char* names[] = {"anna", "ana", "anne", "john", "jon", "smith", "smyth", "lee", "li"};
  ObservationStore obs, head, tail;  // tail: the observations after the first 123
  for (std::uint64_t i = 0; i < 500; ++i) {
    ObservationFields o;
    o.row = i;
    o.given = names[rng.below(9)];
    o.family = names[rng.below(9)];
    o.dob = rng.chance(0.1) ? kMissingDate : static_cast<std::int32_t>(rng.below(400));
    obs.push_back(o);
    (i < 123 ? head : tail).push_back(o);
  }
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::uint32_t i = 0; i < 5000; ++i)
    pairs.emplace_back(static_cast<std::uint32_t>(rng.below(500)), static_cast<std::uint32_t>(rng.below(500)));
  ComparisonSpec spec;
  const auto par = compare_pairs(obs, pairs, spec);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto ser = compare_observations(obs[pairs[i].first], obs[pairs[i].second], spec);
    for (std::size_t c = 0; c < spec.size(); ++c) ASSERT_EQ(par[i].level[c], ser.level[c]);
  }
  // Split into two arrays taken as one: the same levels.
  const auto split = compare_pairs(head, tail, pairs, spec);
  ASSERT_EQ(split.size(), par.size());
  for (std::size_t i = 0; i < pairs.size(); ++i)
    for (std::size_t c = 0; c < spec.size(); ++c) ASSERT_EQ(split[i].level[c], par[i].level[c]);
}

