// Edge-list CSV parsing: accepted forms and the errors users see (with line numbers).
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "kernels/community/edge_csv.hpp"

using namespace ch::community;

TEST(CommunityEdges, HeaderFindsColumnsInAnyOrder) {
  const auto c = parse_edge_header("weight,extra,target,source\r");
  EXPECT_EQ(c.source, 3u);
  EXPECT_EQ(c.target, 2u);
  ASSERT_TRUE(c.weight.has_value());
  EXPECT_EQ(*c.weight, 0u);
  EXPECT_EQ(c.count, 4u);
  EXPECT_FALSE(parse_edge_header("source,target").weight.has_value());
  try {
    parse_edge_header("source,dest");
    FAIL() << "missing target accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'target'"), std::string::npos) << e.what();
  }
}

TEST(CommunityEdges, ParsesQuotesWeightsLoopsAndBlankLines) {
  const auto c = parse_edge_header("source,target,weight");
  const std::string text =
      "alice,bob,2.5\n"
      "\n"
      "\"smith, j\",\"o\"\"neil\",1\r\n"
      " carol , dave ,0\n"
      "eve,eve,3\n"
      "x,y,1e-3";
  const auto p = parse_edge_lines(text, c, 2);
  ASSERT_EQ(p.error_line, 0u) << p.error;
  ASSERT_EQ(p.edges.size(), 4u);
  EXPECT_EQ(p.edges[0].source, "alice");
  EXPECT_DOUBLE_EQ(p.edges[0].weight, 2.5);
  EXPECT_EQ(p.edges[1].source, "smith, j");
  EXPECT_EQ(p.edges[1].target, "o\"neil");
  EXPECT_EQ(p.edges[2].source, "carol");
  EXPECT_EQ(p.edges[2].target, "dave");
  EXPECT_DOUBLE_EQ(p.edges[3].weight, 1e-3);
  EXPECT_EQ(p.self_loops, 1u);
  EXPECT_EQ(p.zero_weight, 1u);
  EXPECT_EQ(p.lines, 6u);
}

TEST(CommunityEdges, ErrorsNameTheLine) {
  const auto c = parse_edge_header("source,target,weight");
  struct Case {
    std::string text;
    std::uint64_t line;
    std::string says;
  };
  const std::vector<Case> cases{
      {"a,b,1\nc,d,heavy\n", 11, "not a number"},
      {"a,b,1\na,c,-2\n", 11, "negative weight"},
      {"a,b\n", 10, "expected 3 fields"},
      {"a,b,1\n\nc,,1\n", 12, "empty target"},
      {"a,b,nan\n", 10, "not finite"},
      {"a,b,1e-9\n", 10, "resolution"},
      {"\"a,b,1\n", 10, "unterminated"},
  };
  for (const auto& k : cases) {
    const auto p = parse_edge_lines(k.text, c, 10);
    EXPECT_EQ(p.error_line, k.line) << k.text;
    EXPECT_NE(p.error.find(k.says), std::string::npos) << p.error;
  }
}

TEST(DecimalLabels, KeysSortLikeTheStrings) {
  std::vector<std::string> labels = {"0", "1", "10", "100", "1000", "2", "20", "19", "99999999999999999",
                                     "10000000000000000", "9", "90", "900", "123", "1230", "12300", "124"};
  for (std::uint64_t x = 1, i = 0; i < 300; ++i, x = x * 6364136223846793005ULL + 1442695040888963407ULL)
    labels.push_back(std::to_string((x >> 11) % (i % 2 ? 1000 : 100000000000000000ULL)));
  std::vector<std::pair<std::uint64_t, std::string>> keyed;
  for (const auto& l : labels) {
    const auto d = decimal_label(l);
    ASSERT_NE(d.digits, 0u) << l;
    keyed.emplace_back(decimal_label_key(d), l);
    EXPECT_EQ(decimal_label_text(decimal_label_of_key(decimal_label_key(d))), l);
  }
  for (const auto& a : keyed)
    for (const auto& b : keyed) EXPECT_EQ(a.first < b.first, a.second < b.second) << a.second << " " << b.second;
  for (const char* bad : {"", "01", "00", "1a", "-1", " 1", "1.0", "123456789012345678"})
    EXPECT_EQ(decimal_label(bad).digits, 0u) << bad;
}
