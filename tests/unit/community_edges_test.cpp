// Edge-list CSV parsing: accepted forms and the errors users see (with line numbers).
#include <gtest/gtest.h>

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
