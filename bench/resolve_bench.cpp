// Entity-resolution kernels: the comparison kernel (field comparisons per second: each pair
// compares family, given, dob, document and phone — 5 fields; target ≥ 10 M fields/s per core),
// blocking (keys + sort + plan per observation), one EM fit and one EM step on pattern counts.
// GCC 12 at -O3 reports a false -Wrestrict inside std::string appends (GCC PR 105651).
#pragma GCC diagnostic ignored "-Wrestrict"
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "kernels/match/blocking.hpp"
#include "kernels/match/comparison.hpp"
#include "kernels/match/fellegi_sunter.hpp"
#include "kernels/rng.hpp"
#include "kernels/text/metaphone.hpp"

namespace {

using namespace ch::match;

// As resolve holds them: in an ObservationStore, read through views.
ObservationStore observations(std::size_t n, std::uint64_t seed) {
  static const char* given[] = {"mohammed", "muhammad", "anna", "ana", "john", "jon", "wei", "li",
                                "maria", "mariya", "olga", "fatima", "ahmed", "ahmad", "chen", "nguyen"};
  static const char* family[] = {"smith", "smyth", "hassan", "hasan", "garcia lopez", "garcia",
                                 "okafor", "ivanov", "ivanova", "tran", "zhang", "khan", "ali", "mueller"};
  ch::Rng rng(seed, 1);
  ObservationStore out;
  ObservationFields o;
  for (std::size_t i = 0; i < n; ++i) {
    o = ObservationFields();
    o.row = i;
    o.given = given[rng.below(16)];
    o.family = family[rng.below(14)];
    if (rng.chance(0.2)) o.family[rng.below(o.family.size())] = static_cast<char>('a' + rng.below(26));
    const auto g = ch::text::double_metaphone_name(o.given), f = ch::text::double_metaphone_name(o.family);
    o.given_phon1 = g.primary;
    o.given_phon2 = g.alternate;
    o.family_phon1 = f.primary;
    o.family_phon2 = f.alternate;
    o.dob = rng.chance(0.08) ? kMissingDate : static_cast<std::int32_t>(-3650 + rng.below(15000));
    // Appends, not operator+ on a literal: GCC 12 -O3 warns (-Wrestrict) on the latter.
    o.document = "P";
    o.document += std::to_string(1000000 + rng.below(50000));
    if (!rng.chance(0.3)) {
      o.phone = "+4477";
      o.phone += std::to_string(1000000 + rng.below(100000));
    }
    out.push_back(o);
  }
  return out;
}

void BM_ComparePairs(benchmark::State& state) {
  const auto obs = observations(4096, 1);
  ComparisonSpec spec;
  spec.document = spec.phone = true;
  ch::Rng rng(2, 2);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs(1 << 16);
  for (auto& p : pairs) p = {static_cast<std::uint32_t>(rng.below(4096)), static_cast<std::uint32_t>(rng.below(4096))};
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [a, b] = pairs[i++ & (pairs.size() - 1)];
    benchmark::DoNotOptimize(compare_observations(obs[a], obs[b], spec));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 5);  // fields
  state.SetLabel("items = field comparisons");
}
BENCHMARK(BM_ComparePairs);

// compare_pairs as resolve calls it: pairs sorted by their first row, the second at random in a
// store of millions of observations, so that the second rows come from memory, not cache.
void BM_ComparePairsInStore(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  static const auto obs = observations(std::size_t{1} << 22, 4);
  ComparisonSpec spec;
  spec.document = spec.phone = true;
  ch::Rng rng(3, 3);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs(std::size_t{1} << 20);
  for (auto& p : pairs) p = {static_cast<std::uint32_t>(rng.below(n)), static_cast<std::uint32_t>(rng.below(n))};
  std::sort(pairs.begin(), pairs.end());
  for (auto _ : state) benchmark::DoNotOptimize(compare_pairs(obs, pairs, spec).data());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * pairs.size()) * 5);  // fields
  state.SetLabel("items = field comparisons");
}
// Second rows among 4 k (in cache) and among 4 M observations (resolve's case).
BENCHMARK(BM_ComparePairsInStore)->Arg(1 << 12)->Arg(1 << 22)->Unit(benchmark::kMillisecond);

void BM_Blocking(benchmark::State& state) {
  const auto obs = observations(static_cast<std::size_t>(state.range(0)), 3);
  const std::vector<std::string> none;
  std::vector<BlockingRule> rules;
  for (const char* r : {"document", "phone", "family_phonetic+birth_year", "given_prefix3+dob",
                        "name_pair_phonetic+birth_year", "dob+given_initial", "family_phonetic+given_phonetic"})
    rules.push_back(parse_blocking_rule(r, none));
  for (auto _ : state) {
    std::vector<BlockMember> members;
    std::vector<BlockKey> keys;
    for (std::size_t i = 0; i < obs.size(); ++i) {
      const auto o = obs[i];
      keys.clear();
      blocking_keys(o, rules, keys);
      for (const auto& k : keys) {
        BlockMember m{k.hash, o.row, k.rule, {}};
        fill_sort_key(o, m);
        members.push_back(m);
      }
    }
    std::sort(members.begin(), members.end());
    BlockingStats stats;
    const auto ignore = [](std::uint64_t, std::size_t, std::uint8_t) {};
    if (state.range(1) != 0) {  // resolve's path when rows and rules fit a word
      std::vector<std::uint64_t> words;
      plan_blocks(members, 100, 20, words, stats, ignore);
      dedupe_packed(words);
      benchmark::DoNotOptimize(words.data());
    } else {
      std::vector<CandidatePair> pairs;
      plan_blocks(members, 100, 20, pairs, stats, ignore);
      dedupe_pairs(pairs);
      benchmark::DoNotOptimize(pairs.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));  // observations
}
// Second argument: 1 = pairs planned packed (one word each), 0 = planned as CandidatePair.
BENCHMARK(BM_Blocking)->ArgNames({"observations", "packed"})->Args({1 << 16, 1})->Args({1 << 16, 0});

// Pattern counts of a realistic spec (family, given, dob, document, phone, email, sex,
// nationality): a few thousand distinct patterns, as after blocking. Sorted by pattern, as
// estimate_em requires.
struct PatternCounts {
  std::vector<ComparisonLevels> levels;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> counts;
};
const PatternCounts& pattern_counts() {
  static const PatternCounts pc = [] {
    ComparisonSpec spec;
    spec.document = spec.phone = spec.email = spec.sex = spec.nationality = true;
    PatternCounts out{spec.levels(), {}};
    ch::Rng rng(4, 4);
    std::map<std::uint64_t, std::uint64_t> counts;
    std::vector<std::uint8_t> lv(out.levels.size());
    for (int i = 0; i < 200000; ++i) {
      const bool match = rng.chance(0.3);
      for (std::size_t c = 0; c < out.levels.size(); ++c) {
        const auto top = out.levels[c].levels - 1;
        lv[c] = static_cast<std::uint8_t>(rng.chance(0.1) ? 0 : match ? (rng.chance(0.8) ? top : 1 + rng.below(top))
                                                                       : (rng.chance(0.9) ? 1 : 1 + rng.below(top)));
      }
      ++counts[encode_pattern(out.levels, lv)];
    }
    out.counts.assign(counts.begin(), counts.end());
    return out;
  }();
  return pc;
}

void BM_EmFit(benchmark::State& state) {
  const auto& [levels, pc] = pattern_counts();
  std::size_t iterations = 0;
  for (auto _ : state) {
    const auto model = estimate_em(initial_model(levels, pc), pc, {.max_iterations = 20});
    iterations = model.trace.size();
    benchmark::DoNotOptimize(model.lambda);
  }
  // Items = EM iterations actually made (the fit stops early once it converges).
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * iterations));
  state.counters["patterns"] = static_cast<double>(pc.size());
  state.counters["em_iterations"] = static_cast<double>(iterations);
}
BENCHMARK(BM_EmFit);

// EM steps (E: posterior per pattern; M: new m, u, lambda) on the same counts from a fixed
// starting model, exactly 20 of them (tolerance 0), so that decoding the patterns — done once
// per estimate_em call — is a small share. Items = patterns visited (patterns × steps): the
// rate of the E+M pass, independent of how many distinct patterns the draw produced.
void BM_EmStep(benchmark::State& state) {
  const auto& [levels, pc] = pattern_counts();
  const auto start = initial_model(levels, pc);
  constexpr int kSteps = 20;
  for (auto _ : state) benchmark::DoNotOptimize(estimate_em(start, pc, {.max_iterations = kSteps, .tolerance = 0}));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kSteps * static_cast<std::int64_t>(pc.size()));
  state.counters["patterns"] = static_cast<double>(pc.size());
}
BENCHMARK(BM_EmStep);

}  // namespace

BENCHMARK_MAIN();
