// Comparison measures against published worked examples and against the O(m·n) reference.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernels/match/similarity.hpp"
#include "kernels/rng.hpp"

using namespace ch::match;

TEST(Jaro, PublishedExamples) {
  // Winkler (1990) / the usual textbook pairs.
  EXPECT_NEAR(jaro("martha", "marhta"), 0.9444, 1e-4);
  EXPECT_NEAR(jaro_winkler("martha", "marhta"), 0.9611, 1e-4);
  EXPECT_NEAR(jaro("dixon", "dicksonx"), 0.7667, 1e-4);
  EXPECT_NEAR(jaro_winkler("dixon", "dicksonx"), 0.8133, 1e-4);
  EXPECT_NEAR(jaro("dwayne", "duane"), 0.8222, 1e-4);
  EXPECT_NEAR(jaro_winkler("dwayne", "duane"), 0.84, 1e-4);
  EXPECT_DOUBLE_EQ(jaro("", ""), 1.0);
  EXPECT_DOUBLE_EQ(jaro("abc", ""), 0.0);
  EXPECT_DOUBLE_EQ(jaro("abc", "xyz"), 0.0);
  EXPECT_DOUBLE_EQ(jaro_winkler("mohammed", "mohammed"), 1.0);
  // Transliteration variants stay close; unrelated names do not.
  EXPECT_GT(jaro_winkler("mohammed", "muhammad"), 0.8);
  EXPECT_LT(jaro_winkler("mohammed", "zhang"), 0.6);
  EXPECT_DOUBLE_EQ(jaro("abcd", "dcba"), jaro("dcba", "abcd"));
}

TEST(Levenshtein, KnownDistances) {
  EXPECT_EQ(levenshtein("kitten", "sitting"), 3u);
  EXPECT_EQ(levenshtein("", "abc"), 3u);
  EXPECT_EQ(levenshtein("abc", ""), 3u);
  EXPECT_EQ(levenshtein("flaw", "lawn"), 2u);
  EXPECT_EQ(levenshtein("alhasan", "al-hassan"), 2u);
}

TEST(Levenshtein, BitParallelMatchesReferenceOnRandomStrings) {
  ch::Rng rng(42, 1);
  for (int trial = 0; trial < 3000; ++trial) {
    // Lengths around the 64-char word boundary exercise both paths.
    std::string a(rng.below(80), 'a'), b(rng.below(80), 'a');
    for (auto& c : a) c = static_cast<char>('a' + rng.below(4));
    for (auto& c : b) c = static_cast<char>('a' + rng.below(4));
    ASSERT_EQ(levenshtein(a, b), levenshtein_reference(a, b)) << a << " / " << b;
  }
}

TEST(DamerauLevenshtein, TranspositionCostsOne) {
  EXPECT_EQ(damerau_levenshtein("ca", "ac"), 1u);
  EXPECT_EQ(levenshtein("ca", "ac"), 2u);
  EXPECT_EQ(damerau_levenshtein("yusuf", "yusfu"), 1u);
  EXPECT_EQ(damerau_levenshtein("kitten", "sitting"), 3u);
  ch::Rng rng(7, 2);
  for (int trial = 0; trial < 500; ++trial) {
    std::string a(rng.below(12), 'a'), b(rng.below(12), 'a');
    for (auto& c : a) c = static_cast<char>('a' + rng.below(3));
    for (auto& c : b) c = static_cast<char>('a' + rng.below(3));
    ASSERT_LE(damerau_levenshtein(a, b), levenshtein(a, b));
  }
}

TEST(DamerauLevenshtein, WithinOneEditMatchesTheDynamicProgramme) {
  EXPECT_TRUE(within_one_edit("yusuf", "yusfu"));
  EXPECT_TRUE(within_one_edit("", "a"));
  EXPECT_FALSE(within_one_edit("ab", "ba c"));
  // Small alphabets and near-equal strings, so that every kind of one-edit pair occurs often.
  ch::Rng rng(11, 3);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string a(rng.below(9), 'a');
    for (auto& c : a) c = static_cast<char>('a' + rng.below(3));
    std::string b = a;
    for (std::uint64_t edits = rng.below(3); edits > 0; --edits) {
      const auto at = b.empty() ? 0 : rng.below(b.size());
      switch (rng.below(4)) {
        case 0: b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>('a' + rng.below(3))); break;
        case 1: if (!b.empty()) b.erase(at, 1); break;
        case 2: if (!b.empty()) b[at] = static_cast<char>('a' + rng.below(3)); break;
        default: if (at + 1 < b.size()) std::swap(b[at], b[at + 1]); break;
      }
    }
    ASSERT_EQ(within_one_edit(a, b), damerau_levenshtein(a, b) <= 1) << a << " / " << b;
    ASSERT_EQ(within_one_edit(b, a), damerau_levenshtein(a, b) <= 1) << b << " / " << a;
  }
}

TEST(TokenSet, OrderFreeMultiPartNames) {
  EXPECT_DOUBLE_EQ(token_set_similarity("al hassan mohammed", "mohammed al hassan"), 1.0);
  EXPECT_DOUBLE_EQ(token_set_similarity("al-hassan", "al hassan"), 1.0);
  EXPECT_DOUBLE_EQ(token_set_similarity("zhang wei", "wei zhang"), 1.0);
  EXPECT_NEAR(token_set_similarity("maria jose garcia", "maria garcia"), 2.0 / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(token_set_similarity("ahmed", "olena"), 0.0);
}

TEST(Dates, CivilRoundTripAndLevels) {
  for (std::int32_t d = -80000; d < 80000; d += 37) {
    int y;
    unsigned m, day;
    civil_from_days(d, y, m, day);
    ASSERT_EQ(days_from_civil(y, m, day), d);
  }
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  const auto d = [](int y, unsigned m, unsigned day) { return days_from_civil(y, m, day); };
  EXPECT_EQ(compare_dates(d(1985, 3, 7), d(1985, 3, 7)), DateAgreement::kExact);
  EXPECT_EQ(compare_dates(d(1985, 3, 7), d(1985, 7, 3)), DateAgreement::kDayMonthSwapped);
  EXPECT_EQ(compare_dates(d(1985, 3, 7), d(1985, 11, 20)), DateAgreement::kSameYear);
  EXPECT_EQ(compare_dates(d(1985, 3, 7), d(1986, 3, 7)), DateAgreement::kWithinOneYear);
  EXPECT_EQ(compare_dates(d(1985, 12, 30), d(1986, 1, 2)), DateAgreement::kWithinOneYear);
  EXPECT_EQ(compare_dates(d(1985, 3, 7), d(1990, 3, 7)), DateAgreement::kDifferent);
  EXPECT_EQ(compare_dates(kMissingDate, d(1990, 3, 7)), DateAgreement::kMissing);
}

TEST(Jaro, WordPathMatchesLongPathOnRandomStrings) {
  // Strings over 64 chars take the general path; pad both sides identically to compare paths.
  ch::Rng rng(9, 4);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string a(1 + rng.below(30), 'a'), b(1 + rng.below(30), 'a');
    for (auto& c : a) c = static_cast<char>('a' + rng.below(5));
    for (auto& c : b) c = static_cast<char>('a' + rng.below(5));
    const double fast = jaro(a, b);
    // Reference: the textbook definition evaluated directly.
    const std::string& s = a.size() <= b.size() ? a : b;
    const std::string& t = a.size() <= b.size() ? b : a;
    const std::size_t window = t.size() / 2 > 0 ? t.size() / 2 - 1 : 0;
    std::vector<bool> ms(s.size()), mt(t.size());
    double m = 0;
    for (std::size_t i = 0; i < s.size(); ++i)
      for (std::size_t j = (i > window ? i - window : 0); j < std::min(t.size(), i + window + 1); ++j)
        if (!mt[j] && s[i] == t[j]) {
          ms[i] = mt[j] = true;
          ++m;
          break;
        }
    double tr = 0;
    for (std::size_t i = 0, k = 0; i < s.size(); ++i)
      if (ms[i]) {
        while (!mt[k]) ++k;
        if (s[i] != t[k]) ++tr;
        ++k;
      }
    const double expected = m == 0 ? 0.0 : (m / s.size() + m / t.size() + (m - tr / 2) / m) / 3.0;
    ASSERT_NEAR(fast, expected, 1e-12) << a << " / " << b;
  }
  const std::string long_a(100, 'x'), long_b = std::string(99, 'x') + "y";
  EXPECT_NEAR(jaro(long_a, long_b), (0.99 + 0.99 + 1.0) / 3.0, 1e-12);
}
