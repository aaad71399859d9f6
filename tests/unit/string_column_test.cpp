// io::StringColumn: cells read back as written across chunk boundaries (columns appended from
// blocks), padding, filtering and slicing keep row order, and equality ignores the chunking.
#include <gtest/gtest.h>

#include <random>

#include "io/string_column.hpp"

using ch::io::StringColumn;

namespace {

std::vector<std::string> random_cells(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::string s(rng() % 24, 'a');
    for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
    out.push_back(std::move(s));  // empty cells included (length 0 one time in 24)
  }
  return out;
}

// The cells split into columns of random sizes (blocks of records), appended in order.
StringColumn chunked(const std::vector<std::string>& cells, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  StringColumn all;
  for (std::size_t at = 0; at < cells.size();) {
    const std::size_t n = std::min<std::size_t>(cells.size() - at, rng() % 50);
    StringColumn block;
    for (std::size_t i = 0; i < n; ++i) block.push_back(cells[at + i]);
    all.append(std::move(block));
    EXPECT_TRUE(block.empty());
    at += n;
  }
  return all;
}

}  // namespace

TEST(StringColumn, ReadsBackAcrossChunks) {
  const auto cells = random_cells(5000, 1);
  const auto col = chunked(cells, 2);
  ASSERT_EQ(col.size(), cells.size());
  std::size_t bytes = 0, longest = 0;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    EXPECT_EQ(col[i], cells[i]) << i;
    bytes += cells[i].size();
    longest = std::max(longest, cells[i].size());
  }
  EXPECT_EQ(col.bytes(), bytes);
  EXPECT_EQ(col.max_length(), longest);
  EXPECT_EQ(col.to_strings(), cells);
  // for_each over an arbitrary range visits exactly those rows, in order.
  std::vector<std::size_t> seen;
  col.for_each(1234, 3210, [&](std::size_t i, std::string_view s) {
    seen.push_back(i);
    EXPECT_EQ(s, cells[i]);
  });
  ASSERT_EQ(seen.size(), 3210u - 1234u);
  EXPECT_EQ(seen.front(), 1234u);
  EXPECT_EQ(seen.back(), 3209u);
}

TEST(StringColumn, EqualityIgnoresChunking) {
  const auto cells = random_cells(2000, 3);
  EXPECT_TRUE(chunked(cells, 4) == StringColumn(cells));
  auto other = cells;
  other[1999] += "x";
  EXPECT_FALSE(chunked(cells, 4) == StringColumn(other));
  other = cells;
  other[0] = "first";
  other[1] = "second";
  std::swap(other[0], other[1]);
  EXPECT_FALSE(StringColumn(other) == chunked(std::vector<std::string>(other.rbegin(), other.rend()), 5));
}

TEST(StringColumn, PadFilterAndSliceKeepRowOrder) {
  StringColumn col;
  col.push_back("a");
  col.pad_to(4);  // rows 1..3 empty
  col.push_back("e");
  StringColumn tail;
  tail.push_back("f");
  tail.pad_to(2);
  col.append(std::move(tail));
  EXPECT_EQ(col.to_strings(), (std::vector<std::string>{"a", "", "", "", "e", "f", ""}));
  const std::vector<std::uint8_t> keep = {1, 0, 1, 0, 1, 1, 0};
  EXPECT_EQ(col.filter(keep).to_strings(), (std::vector<std::string>{"a", "", "e", "f"}));
  EXPECT_EQ(col.slice(3, 6).to_strings(), (std::vector<std::string>{"", "e", "f"}));
  EXPECT_TRUE(col.slice(2, 2).empty());
}
