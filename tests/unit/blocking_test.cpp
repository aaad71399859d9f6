// Blocking keys, sorted-neighbourhood handling of oversize blocks, and pair de-duplication.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <tuple>

#include "kernels/match/blocking.hpp"

using namespace ch::match;

namespace {
ObservationFields obs(std::uint64_t row, std::string given, std::string family, std::string gp,
                      std::string fp, std::int32_t dob, std::string doc = {}) {
  ObservationFields f;
  f.row = row;
  f.given = std::move(given);
  f.family = std::move(family);
  f.given_phon1 = std::move(gp);
  f.family_phon1 = std::move(fp);
  f.dob = dob;
  f.document = std::move(doc);
  return f;
}
}  // namespace

TEST(BlockingRule, ParsesTermsAndRejectsUnknown) {
  const std::vector<std::string> extra = {"address_postcode"};
  const auto r = parse_blocking_rule("family_phonetic+birth_year", extra);
  ASSERT_EQ(r.terms.size(), 2u);
  EXPECT_EQ(r.terms[0].kind, BlockTermKind::kFamilyPhonetic);
  EXPECT_EQ(parse_blocking_rule("address_postcode", extra).terms[0].kind, BlockTermKind::kExtra);
  EXPECT_THROW(parse_blocking_rule("family_phonetik", extra), std::invalid_argument);
}

TEST(BlockingKeys, MissingTermGivesNoKeyAndSwapMeetsSwap) {
  const std::vector<std::string> none;
  const std::vector<BlockingRule> rules = {parse_blocking_rule("document", none),
                                           parse_blocking_rule("family_phonetic+birth_year", none),
                                           parse_blocking_rule("name_pair_phonetic+birth_year", none)};
  const auto dob = days_from_civil(1980, 5, 5);
  const auto a = obs(0, "wei", "zhang", "A", "JNK", dob);
  const auto b = obs(1, "zhang", "wei", "JNK", "A", dob);
  std::vector<BlockKey> ka, kb;
  blocking_keys(a, rules, ka);
  blocking_keys(b, rules, kb);
  ASSERT_EQ(ka.size(), 2u);  // no document: no document key
  EXPECT_EQ(ka[0].rule, 1);
  EXPECT_NE(ka[0].hash, kb[0].hash);  // family keys differ ...
  EXPECT_EQ(ka[1].hash, kb[1].hash);  // ... the order-free name pair meets
  EXPECT_EQ(blocking_key_text(a, rules[1]), "JNK|1980");
  // The same text under another rule is another key.
  const std::vector<BlockingRule> two = {parse_blocking_rule("given_prefix3", none),
                                         parse_blocking_rule("family_prefix3", none)};
  std::vector<BlockKey> k;
  blocking_keys(obs(2, "lee", "lee", "", "", kMissingDate), two, k);
  ASSERT_EQ(k.size(), 2u);
  EXPECT_NE(k[0].hash, k[1].hash);
}

TEST(PlanBlocks, SmallBlocksAllPairsLargeBlocksWindow) {
  std::vector<BlockMember> m;
  for (std::uint64_t i = 0; i < 4; ++i) m.push_back({7, i, 0, {}});
  for (std::uint64_t i = 10; i < 40; ++i) m.push_back({9, i, 1, {}});
  for (auto& x : m) std::snprintf(x.sort, sizeof x.sort, "n%03llu", static_cast<unsigned long long>(x.row));
  std::sort(m.begin(), m.end());
  std::vector<CandidatePair> out;
  BlockingStats stats;
  std::vector<std::size_t> oversize;
  plan_blocks(m, 10, 3, out, stats, [&](std::uint64_t, std::size_t n, std::uint8_t) { oversize.push_back(n); });
  EXPECT_EQ(stats.blocks, 2u);
  EXPECT_EQ(stats.oversize, 1u);
  ASSERT_EQ(oversize, std::vector<std::size_t>{30});
  // 6 pairs in the small block; in the large block each of 30 meets its next 2 (29 + 28).
  EXPECT_EQ(out.size(), 6u + 29u + 28u);
  EXPECT_EQ(planned_pairs(m, 10, 3), out.size());
  for (const auto& p : out) {
    EXPECT_LT(p.lo, p.hi);
    if (p.lo >= 10) {
      EXPECT_LE(p.hi - p.lo, 2u);  // sorted by row here: neighbours only
    }
  }
}

TEST(PlanBlocks, PackedOutputIsThePairsPacked) {
  std::vector<BlockMember> m;
  for (std::uint64_t i = 0; i < 5; ++i) m.push_back({7, 100 + i, 2, {}});
  for (std::uint64_t i = 0; i < 30; ++i) m.push_back({9, (std::uint64_t{1} << 28) - 1 - i, 7, {}});
  for (auto& x : m) std::snprintf(x.sort, sizeof x.sort, "n%09llu", static_cast<unsigned long long>(x.row));
  std::sort(m.begin(), m.end());
  std::vector<CandidatePair> pairs;
  std::vector<std::uint64_t> words;
  BlockingStats a, b;
  const auto ignore = [](std::uint64_t, std::size_t, std::uint8_t) {};
  plan_blocks(m, 10, 3, pairs, a, ignore);
  plan_blocks(m, 10, 3, words, b, ignore);
  EXPECT_EQ(a.pairs, b.pairs);
  ASSERT_EQ(words.size(), pairs.size());
  ASSERT_EQ(words.size(), 10u + 29u + 28u);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto p = unpack_pair(words[i]);
    EXPECT_EQ(p.lo, pairs[i].lo);
    EXPECT_EQ(p.hi, pairs[i].hi);
    EXPECT_EQ(p.rules, pairs[i].rules);
    EXPECT_EQ(p.rules, pairs[i].lo < 100 + 5 ? 1u << 2 : 1u << 7);
  }
}

TEST(PackedPairs, PackableFromRowAndRuleCounts) {
  EXPECT_TRUE(packable(std::uint64_t{1} << 28, 8));  // rows 0 .. 2^28 - 1, rule bits 1 .. 2^7
  EXPECT_FALSE(packable((std::uint64_t{1} << 28) + 1, 8));
  EXPECT_FALSE(packable(1000, 9));
}

TEST(DedupePairs, PackedAndWidePathsAgree) {
  // Small rows and rule sets take the one-word path; a row at 2^28 or a ninth rule forces the
  // general one.
  std::mt19937_64 rng(3);
  for (const std::uint64_t top : {std::uint64_t{1000}, std::uint64_t{1001}, std::uint64_t{1} << 28}) {
    std::vector<CandidatePair> pairs;
    for (int i = 0; i < 20000; ++i) {
      const std::uint64_t a = rng() % 300, b = a + 1 + rng() % 40;
      pairs.push_back({a, b, std::uint32_t{1} << (rng() % 5)});
    }
    pairs.push_back({5, top, top == 1001 ? 1u << 8 : 1u << 7});
    auto expected = pairs;
    std::sort(expected.begin(), expected.end(),
              [](const CandidatePair& x, const CandidatePair& y) { return std::tie(x.lo, x.hi) < std::tie(y.lo, y.hi); });
    std::vector<CandidatePair> merged;
    for (const auto& c : expected)
      if (!merged.empty() && merged.back().lo == c.lo && merged.back().hi == c.hi) merged.back().rules |= c.rules;
      else merged.push_back(c);
    dedupe_pairs(pairs);
    ASSERT_EQ(pairs.size(), merged.size()) << top;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      EXPECT_EQ(pairs[i].lo, merged[i].lo);
      EXPECT_EQ(pairs[i].hi, merged[i].hi);
      EXPECT_EQ(pairs[i].rules, merged[i].rules) << i;
    }
  }
}

TEST(DedupePairs, UnionOfRules) {
  std::vector<CandidatePair> p = {{1, 2, 1}, {3, 4, 2}, {1, 2, 4}, {1, 3, 1}, {1, 2, 1}};
  dedupe_pairs(p);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].lo, 1u);
  EXPECT_EQ(p[0].hi, 2u);
  EXPECT_EQ(p[0].rules, 5u);
  EXPECT_EQ(p[1].hi, 3u);
  EXPECT_EQ(p[2].lo, 3u);
}

TEST(PackedPairs, RoundTripAndDedupeAgreeWithThePairForm) {
  std::mt19937_64 rng(7);
  std::vector<CandidatePair> pairs;
  for (int i = 0; i < 5000; ++i) {
    const std::uint64_t a = rng() % ((std::uint64_t{1} << 28) - 64), b = a + 1 + rng() % 50;
    pairs.push_back({a, b, std::uint32_t{1} << (rng() % 8)});
    if (i % 3 == 0) pairs.push_back({a, b, std::uint32_t{1} << (rng() % 8)});  // a repeat, other rule
  }
  ASSERT_TRUE(packable(pairs));
  auto expected = pairs;
  dedupe_pairs(expected);
  auto words = pack_pairs(std::move(pairs));
  EXPECT_TRUE(pairs.empty());
  // Shuffled words give the same result; so do the runs of three ranks' de-duplicated parts
  // back to back (as they arrive after the shuffle: merged, not radix-sorted).
  std::shuffle(words.begin(), words.end(), rng);
  std::vector<std::uint64_t> runs;
  for (std::size_t k = 0; k < 3; ++k) {
    std::vector<std::uint64_t> part(words.begin() + static_cast<std::ptrdiff_t>(k * words.size() / 3),
                                    words.begin() + static_cast<std::ptrdiff_t>((k + 1) * words.size() / 3));
    dedupe_packed(part);
    runs.insert(runs.end(), part.begin(), part.end());
  }
  dedupe_packed(words);
  dedupe_packed(runs);
  for (const auto* result : {&words, &runs}) {
    const auto got = unpack_pairs(*result);
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].lo, expected[i].lo);
      EXPECT_EQ(got[i].hi, expected[i].hi);
      EXPECT_EQ(got[i].rules, expected[i].rules) << i;
    }
  }
}

TEST(PackedPairs, RowsOrRulesTooWideAreNotPackable) {
  EXPECT_FALSE(packable(std::vector<CandidatePair>{{1, std::uint64_t{1} << 28, 1}}));
  EXPECT_FALSE(packable(std::vector<CandidatePair>{{1, 2, 1u << 8}}));
  EXPECT_TRUE(packable(std::vector<CandidatePair>{{1, (std::uint64_t{1} << 28) - 1, 1u << 7}}));
  const auto p = unpack_pair(pack_pairs({{12345, (std::uint64_t{1} << 28) - 1, 0x81}})[0]);
  EXPECT_EQ(p.lo, 12345u);
  EXPECT_EQ(p.hi, (std::uint64_t{1} << 28) - 1);
  EXPECT_EQ(p.rules, 0x81u);
}
