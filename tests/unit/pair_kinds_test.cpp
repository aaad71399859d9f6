// PairKinds numbers distinct (pattern, names_swapped) outcomes in order of first appearance and
// gives the same number back for the same outcome, also after its table has grown many times.
#include <gtest/gtest.h>

#include <map>
#include <utility>

#include "kernels/match/pair_kinds.hpp"

using ch::match::PairKinds;

TEST(PairKinds, SameOutcomeSameNumberInOrderOfFirstAppearance) {
  PairKinds kinds;
  EXPECT_EQ(kinds.id(42, false), 0u);
  EXPECT_EQ(kinds.id(42, true), 1u);  // the same pattern compared crossed is another kind
  EXPECT_EQ(kinds.id(7, false), 2u);
  EXPECT_EQ(kinds.id(42, false), 0u);
  EXPECT_EQ(kinds.id(42, true), 1u);
  EXPECT_EQ(kinds.size(), 3u);
  EXPECT_EQ(kinds[1].pattern, 42u);
  EXPECT_TRUE(kinds[1].names_swapped);
  EXPECT_FALSE(kinds[2].names_swapped);
}

TEST(PairKinds, AgreesWithAMapThroughGrowth) {
  PairKinds kinds;
  std::map<std::pair<std::uint64_t, bool>, std::uint32_t> reference;
  std::uint64_t state = 99;
  for (int i = 0; i < 200000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    // 5,000 distinct patterns spread over 64 bits, some also crossed: the table grows past 8,192.
    const std::uint64_t pattern = ((state >> 20) % 5000) * 0x9E3779B97F4A7C15ULL;
    const bool swapped = (state >> 60) == 0;
    const auto [it, added] = reference.try_emplace({pattern, swapped}, static_cast<std::uint32_t>(reference.size()));
    ASSERT_EQ(kinds.id(pattern, swapped), it->second) << "draw " << i;
  }
  ASSERT_EQ(kinds.size(), reference.size());
  EXPECT_GT(kinds.size(), 5000u);
  for (const auto& [key, id] : reference) {
    EXPECT_EQ(kinds[id].pattern, key.first);
    EXPECT_EQ(kinds[id].names_swapped, key.second);
  }
}
