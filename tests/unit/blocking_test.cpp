// Blocking keys, sorted-neighbourhood handling of oversize blocks, and pair de-duplication.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <limits>
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

// Planning by smaller-row ranges: the ranges row_pieces cuts from pairs_by_smaller_row cover
// every row, and planning them one after another gives exactly the pairs of one whole plan, each
// in the range of its smaller row.
TEST(PlanBlocks, RowRangesPartitionThePlan) {
  std::vector<BlockMember> m;
  std::uint64_t state = 12345;
  const auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
  constexpr std::uint64_t kRows = 1000;
  for (std::uint64_t key = 0; key < 60; ++key) {
    const std::size_t size = 2 + next() % (key % 10 == 0 ? 40 : 8);  // some above max_block
    for (std::size_t i = 0; i < size; ++i) {
      BlockMember x{key, (next() >> 33) % kRows, static_cast<std::uint8_t>(key % 3), {}};
      std::snprintf(x.sort, sizeof x.sort, "s%05llu", static_cast<unsigned long long>(next() % 997));
      m.push_back(x);
    }
  }
  std::sort(m.begin(), m.end());
  const auto ignore = [](std::uint64_t, std::size_t, std::uint8_t) {};
  std::vector<std::uint64_t> whole;
  BlockingStats all;
  plan_blocks(m, 20, 4, whole, all, ignore);

  for (const std::size_t buckets : {1, 7, 64, 5000}) {
    const auto histogram = pairs_by_smaller_row(m, 20, 4, kRows, buckets);
    ASSERT_EQ(histogram.size(), buckets);
    std::uint64_t counted = 0;
    for (const auto c : histogram) counted += c;
    EXPECT_EQ(counted, whole.size());
    for (const std::size_t pieces : {1, 2, 5, 40}) {
      const auto ranges = row_pieces(histogram, kRows, pieces);
      ASSERT_FALSE(ranges.empty());
      EXPECT_LE(ranges.size(), pieces);
      EXPECT_EQ(ranges.front().begin, 0u);
      EXPECT_EQ(ranges.back().end, std::numeric_limits<std::uint64_t>::max());
      for (std::size_t r = 1; r < ranges.size(); ++r) EXPECT_EQ(ranges[r].begin, ranges[r - 1].end);
      if (buckets >= 64 && pieces > 1) {
        EXPECT_GT(ranges.size(), 1u) << buckets << " buckets, " << pieces << " pieces";
      }
      std::vector<std::uint64_t> joined;
      std::uint64_t emitted = 0;
      for (const auto& range : ranges) {
        std::vector<std::uint64_t> part;
        BlockingStats stats;
        plan_blocks(m, 20, 4, part, stats, ignore, range);
        EXPECT_EQ(stats.blocks, all.blocks);  // block figures describe every block on every call
        EXPECT_EQ(stats.pairs, part.size());
        emitted += stats.pairs;
        for (const auto w : part) EXPECT_TRUE(range.contains(unpack_pair(w).lo));
        joined.insert(joined.end(), part.begin(), part.end());
      }
      EXPECT_EQ(emitted, whole.size());
      auto a = whole, b = joined;
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      EXPECT_EQ(a, b) << buckets << " buckets, " << pieces << " pieces";
      // The de-duplicated ranges, concatenated, are the de-duplicated whole: already in order.
      std::vector<std::uint64_t> concatenated;
      for (const auto& range : ranges) {
        std::vector<std::uint64_t> part;
        BlockingStats stats;
        plan_blocks(m, 20, 4, part, stats, ignore, range);
        dedupe_packed(part);
        concatenated.insert(concatenated.end(), part.begin(), part.end());
      }
      auto deduped = whole;
      dedupe_packed(deduped);
      EXPECT_EQ(concatenated, deduped);
    }
  }
}

TEST(PlanBlocks, RowPiecesHoldAboutEqualShares) {
  // 100 buckets of 10 rows; the pairs fall off linearly, as with smaller rows of uniform pairs.
  std::vector<std::uint64_t> histogram(100);
  std::uint64_t total = 0;
  for (std::size_t b = 0; b < histogram.size(); ++b) total += histogram[b] = 2 * (100 - b);
  const auto ranges = row_pieces(histogram, 1000, 4);
  ASSERT_EQ(ranges.size(), 4u);
  for (const auto& r : ranges) {
    std::uint64_t share = 0;
    for (std::size_t b = 0; b < histogram.size(); ++b)
      if (r.contains(b * 10)) share += histogram[b];
    EXPECT_NEAR(static_cast<double>(share), total / 4.0, 200.0);  // within one bucket
  }
  // An empty histogram (no pairs anywhere) is one range over every row.
  const auto none = row_pieces(std::vector<std::uint64_t>(16, 0), 1000, 4);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_TRUE(none[0].contains(0) && none[0].contains(999));
}

TEST(PackedPairs, AppendMergedJoinsRangesOfShuffledRuns) {
  // Pairs with repeats under different rules, planned in three ranges of their smaller row; each
  // range's pairs are split over three senders, de-duplicated there and arrive back to back.
  std::mt19937_64 rng(11);
  std::vector<CandidatePair> pairs;
  for (int i = 0; i < 6000; ++i) {
    const std::uint64_t a = rng() % 300, b = rng() % 300;
    if (a != b) pairs.push_back({std::min(a, b), std::max(a, b), 1u << (rng() % 5)});
  }
  auto expected = pairs;
  dedupe_pairs(expected);
  std::vector<std::uint64_t> packed_out;
  std::vector<CandidatePair> wide_out;
  for (const std::uint64_t begin : {0, 100, 200}) {
    std::vector<std::uint64_t> packed_runs;
    std::vector<CandidatePair> wide_runs;
    for (std::uint64_t sender = 0; sender < 3; ++sender) {
      std::vector<CandidatePair> part;
      for (const auto& p : pairs)
        if (p.lo >= begin && p.lo < begin + 100 && (p.lo * 7 + p.hi + p.rules) % 3 == sender) part.push_back(p);
      dedupe_pairs(part);
      wide_runs.insert(wide_runs.end(), part.begin(), part.end());
      auto words = pack_pairs(std::move(part));
      packed_runs.insert(packed_runs.end(), words.begin(), words.end());
    }
    append_merged(packed_out, packed_runs);
    if (begin == 100) std::shuffle(wide_runs.begin(), wide_runs.end(), rng);  // far from sorted: sorted first
    append_merged(wide_out, wide_runs);
  }
  std::vector<CandidatePair> unpacked = unpack_pairs(packed_out);
  for (const std::vector<CandidatePair>* got : {&unpacked, &wide_out}) {
    ASSERT_EQ(got->size(), expected.size());
    for (std::size_t i = 0; i < got->size(); ++i) {
      EXPECT_EQ((*got)[i].lo, expected[i].lo) << i;
      EXPECT_EQ((*got)[i].hi, expected[i].hi) << i;
      EXPECT_EQ((*got)[i].rules, expected[i].rules) << i;
    }
  }
}
