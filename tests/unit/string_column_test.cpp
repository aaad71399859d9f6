// io::StringColumn: cells read back as written across chunk boundaries (columns appended from
// blocks), padding, filtering and slicing keep row order, and equality ignores the chunking.
#include <gtest/gtest.h>

#include <algorithm>
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

namespace {

// Cells with few distinct values, in runs and alone (a feed's agency, partner lists, countries).
std::vector<std::string> categorical_cells(std::size_t n, std::uint64_t seed) {
  static const std::vector<std::string> kValues = {"police", "border", "europol;frontex", "", "USA", "PRT",
                                                   "a-value-longer-than-eight-bytes"};
  std::mt19937_64 rng(seed);
  std::vector<std::string> out;
  while (out.size() < n) {
    const auto& v = kValues[rng() % kValues.size()];
    for (std::size_t run = 1 + rng() % 4; run > 0 && out.size() < n; --run) out.push_back(v);
  }
  return out;
}

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

TEST(StringColumn, CodedCellsReadBackAsWritten) {
  const auto cells = categorical_cells(3000, 7);
  auto col = StringColumn::coded();
  for (const auto& c : cells) col.push_back(c);
  ASSERT_TRUE(col.is_coded());
  ASSERT_EQ(col.size(), cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) EXPECT_EQ(col[i], cells[i]) << i;
  EXPECT_EQ(col.to_strings(), cells);
  EXPECT_TRUE(col == StringColumn(cells));  // same cells as the plain column
  std::size_t bytes = 0, longest = 0;
  for (const auto& c : cells) bytes += c.size(), longest = std::max(longest, c.size());
  EXPECT_EQ(col.bytes(), bytes);
  EXPECT_EQ(col.max_length(), longest);
  // One value per distinct cell, and one 4-byte code per row.
  EXPECT_EQ(sorted_unique(col.values()), sorted_unique(cells));
  ASSERT_EQ(col.codes().size(), cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) EXPECT_EQ(col.values()[col.codes()[i]], cells[i]);
}

TEST(StringColumn, CodedColumnsAppendAcrossDictionaries) {
  // Blocks code their values in their own first-seen order; appending translates the codes.
  const auto cells = categorical_cells(5000, 8);
  std::mt19937_64 rng(9);
  auto all = StringColumn::coded();
  for (std::size_t at = 0; at < cells.size();) {
    const std::size_t n = std::min<std::size_t>(cells.size() - at, rng() % 60);
    auto block = StringColumn::coded();
    for (std::size_t i = 0; i < n; ++i) block.push_back(cells[at + i]);
    if (rng() % 2) all.append_cells(block);
    else all.append(std::move(block));
    at += n;
  }
  EXPECT_EQ(all.to_strings(), cells);
  EXPECT_EQ(all.values().size(), sorted_unique(cells).size());
  // Plain into coded and coded into plain give the same cells too.
  auto from_plain = StringColumn::coded();
  from_plain.append_cells(StringColumn(cells));
  EXPECT_EQ(from_plain.to_strings(), cells);
  StringColumn plain;
  plain.append_cells(all);
  EXPECT_FALSE(plain.is_coded());
  EXPECT_EQ(plain.to_strings(), cells);
}

TEST(StringColumn, CodesOfAStoredDictionaryEqualTheirValuesPushed) {
  // A stored dictionary in its own order, with values no cell uses: the column gets the values
  // in first-seen order and only those used, as if each cell's value had been pushed.
  const std::vector<std::string> dict = {"unused", "SYR", "", "AFG", "also unused", "ERI"};
  std::mt19937_64 rng(11);
  std::vector<std::uint32_t> cells(4000);
  for (auto& c : cells) c = 1 + static_cast<std::uint32_t>(rng() % 3) * (rng() % 2 ? 2 : 1);  // 1, 2, 3, 5
  auto pushed = StringColumn::coded();
  pushed.push_back("ERI");  // an earlier cell: its value keeps its code
  for (const auto c : cells) pushed.push_back(dict[c]);
  auto coded = StringColumn::coded();
  coded.push_back("ERI");
  coded.append_codes(dict, cells);
  EXPECT_EQ(coded.to_strings(), pushed.to_strings());
  EXPECT_EQ(coded.values(), pushed.values());
  EXPECT_EQ(std::vector<std::uint32_t>(coded.codes().begin(), coded.codes().end()),
            std::vector<std::uint32_t>(pushed.codes().begin(), pushed.codes().end()));
  EXPECT_EQ(coded.bytes(), pushed.bytes());
  EXPECT_EQ(coded.max_length(), pushed.max_length());
  coded.push_back("AFG");  // the lookup table knows the values it was given
  EXPECT_EQ(coded.codes().back(), pushed.codes()[1 + std::distance(cells.begin(), std::find(cells.begin(), cells.end(), 3u))]);
  StringColumn plain;
  plain.append_codes(dict, cells);
  EXPECT_FALSE(plain.is_coded());
  const auto all = pushed.to_strings();
  EXPECT_EQ(plain.to_strings(), std::vector<std::string>(all.begin() + 1, all.end()));
}

TEST(StringColumn, CodedFilterKeepsOnlyUsedValues) {
  // A writer builds its dictionary from values(): a value whose rows were all filtered out must
  // not stay in it (the dictionary would then depend on which rows a rank once held).
  auto col = StringColumn::coded();
  for (const char* v : {"police", "border", "police", "customs", "border"}) col.push_back(v);
  col.pad_to(7);
  EXPECT_EQ(col.to_strings(), (std::vector<std::string>{"police", "border", "police", "customs", "border", "", ""}));
  const auto kept = col.filter({1, 1, 1, 0, 1, 0, 0});
  EXPECT_TRUE(kept.is_coded());
  EXPECT_EQ(kept.to_strings(), (std::vector<std::string>{"police", "border", "police", "border"}));
  EXPECT_EQ(sorted_unique(kept.values()), (std::vector<std::string>{"border", "police"}));
  const auto part = col.slice(3, 5);
  EXPECT_TRUE(part.is_coded());
  EXPECT_EQ(sorted_unique(part.values()), (std::vector<std::string>{"border", "customs"}));
  col.clear();
  EXPECT_TRUE(col.is_coded());
  EXPECT_TRUE(col.empty());
  EXPECT_TRUE(col.values().empty());
}

// Short cells are coded through a cache keyed by their bytes as two words (io::StringColumn's
// load_padded): cells that differ in one byte at any position of 0–17 bytes, that differ only by
// a trailing NUL, or that are prefixes of each other must keep distinct codes, whatever order
// they arrive in and however often the cache's 64 slots are overwritten.
TEST(StringColumn, CodedCellsThatDifferInOneByteKeepTheirOwnCodes) {
  std::vector<std::string> distinct;
  for (std::size_t n = 0; n <= 17; ++n) {
    const std::string base(n, 'a');
    distinct.push_back(base);
    for (std::size_t at = 0; at < n; ++at) {
      std::string s = base;
      s[at] = 'b';
      distinct.push_back(s);
      s[at] = '\0';
      distinct.push_back(s);
    }
  }
  distinct.push_back(std::string("ab\0", 3));
  distinct.push_back("ab");
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::mt19937_64 rng(5);
  std::vector<std::string> cells;
  for (int i = 0; i < 20000; ++i) cells.push_back(distinct[rng() % distinct.size()]);
  auto col = StringColumn::coded();
  for (const auto& c : cells) col.push_back(c);
  for (std::size_t i = 0; i < cells.size(); ++i) ASSERT_EQ(col[i], cells[i]) << i;
  EXPECT_EQ(sorted_unique(col.values()), distinct);
  col.clear();  // the cache goes with the values: a cleared column codes afresh
  col.push_back("ab");
  col.push_back(std::string("ab\0", 3));
  EXPECT_EQ(col.to_strings(), (std::vector<std::string>{"ab", std::string("ab\0", 3)}));
  EXPECT_EQ(col.values().size(), 2u);
}

// Empty cells before a column's first non-empty one are held as a count: a column of a feed that
// is empty in every row costs no memory, and whatever mix of leading empties, reserve(), moved
// and copied blocks builds a column, its cells read back as written.
TEST(StringColumn, LeadingEmptyCellsCostNothingAndReadBack) {
  StringColumn blank;
  blank.reserve(100000, 1 << 20);
  for (int i = 0; i < 100000; ++i) blank.push_back("");
  blank.pad_to(150000);
  EXPECT_EQ(blank.size(), 150000u);
  EXPECT_EQ(blank.footprint(), 0u);  // without the count: 600 kB of offsets, 1 MB reserved
  EXPECT_EQ(blank[149999], "");
  EXPECT_EQ(blank.max_length(), 0u);

  std::mt19937_64 rng(11);
  for (int round = 0; round < 40; ++round) {
    // Blocks that are all empty, or start empty and turn non-empty, in random order.
    std::vector<std::string> cells;
    StringColumn moved, copied;
    if (round % 2) moved.reserve(500, 2000), copied.reserve(500, 2000);
    const int blocks = 1 + static_cast<int>(rng() % 6);
    for (int b = 0; b < blocks; ++b) {
      StringColumn block, block2;
      const std::size_t n = rng() % 40, first_text = rng() % 3 == 0 ? n : rng() % (n + 1);
      for (std::size_t i = 0; i < n; ++i) {
        std::string s = i < first_text || rng() % 4 == 0 ? "" : std::string(1 + rng() % 5, static_cast<char>('a' + rng() % 26));
        cells.push_back(s);
        block.push_back(s);
        block2.push_back(s);
      }
      if (rng() % 3 == 0) {  // padding a block to a longer length, as ingest pads extras
        const std::size_t pad = rng() % 5;
        block.pad_to(block.size() + pad);
        block2.pad_to(block2.size() + pad);
        cells.resize(cells.size() + pad);
      }
      moved.append(std::move(block));
      copied.append_cells(block2);
    }
    ASSERT_EQ(moved.size(), cells.size());
    ASSERT_EQ(copied.size(), cells.size());
    for (std::size_t i = 0; i < cells.size(); ++i) {
      ASSERT_EQ(moved[i], cells[i]) << round << " " << i;
      ASSERT_EQ(copied[i], cells[i]) << round << " " << i;
    }
    EXPECT_EQ(moved.to_strings(), cells);
    EXPECT_EQ(copied.to_strings(), cells);
    EXPECT_TRUE(moved == StringColumn(cells));
    std::vector<std::uint8_t> keep(cells.size());
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < cells.size(); ++i)
      if ((keep[i] = rng() % 2)) kept.push_back(cells[i]);
    EXPECT_EQ(copied.filter(keep).to_strings(), kept);
    if (!cells.empty()) {
      const std::size_t a = rng() % cells.size(), b = a + rng() % (cells.size() - a + 1);
      EXPECT_EQ(moved.slice(a, b).to_strings(), std::vector<std::string>(cells.begin() + a, cells.begin() + b));
    }
  }
}

// Cells read from fixed-width HDF5 strings: trailing NUL bytes are padding, leading empty cells
// stay a count, and the column equals one filled cell by cell (plain and coded alike). Widths
// below, at and above a word, so the word-at-a-time scan meets every case.
TEST(StringColumn, FixedWidthCellsEqualThePushedOnes) {
  for (const std::size_t width : {std::size_t{1}, std::size_t{5}, std::size_t{8}, std::size_t{19}}) {
    const std::vector<std::string> cells = {"", "", "a", std::string(width, 'x'), "", std::string("b\0c", 3), std::string(width > 1 ? width - 1 : 1, 'y'), ""};
    std::string packed;
    for (const auto& c : cells) {
      const auto cell = c.substr(0, width);
      packed += cell + std::string(width - cell.size(), '\0');
    }
    for (const bool coded : {false, true}) {
      auto bulk = coded ? StringColumn::coded() : StringColumn();
      auto pushed = coded ? StringColumn::coded() : StringColumn();
      bulk.append_fixed_width(packed.data(), cells.size(), width);
      for (const auto& c : cells) {
        auto cell = c.substr(0, width);
        while (!cell.empty() && cell.back() == '\0') cell.pop_back();
        pushed.push_back(cell);
      }
      ASSERT_EQ(bulk.size(), cells.size()) << width;
      EXPECT_TRUE(bulk == pushed) << "width " << width << (coded ? " coded" : "");
      EXPECT_EQ(bulk.max_length(), pushed.max_length()) << width;
      EXPECT_EQ(bulk.bytes(), pushed.bytes()) << width;
      bulk.append_fixed_width(packed.data(), cells.size(), width);  // a second batch goes after the first
      for (std::size_t i = 0; i < cells.size(); ++i) EXPECT_EQ(bulk[cells.size() + i], pushed[i]) << width;
    }
  }
}
