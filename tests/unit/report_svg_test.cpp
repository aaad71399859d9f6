// kernels/report/svg: escaping and formatting, and that each chart draws what it is given,
// inside its viewBox, the same way every time.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>
#include <string>

#include "kernels/report/svg.hpp"
#include "tests/unit/count_text.hpp"

namespace {

using namespace ch::report;

using ch::test::count;

struct Box {
  double width = 0, height = 0;
};

Box view_box(const std::string& svg) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(svg, m, std::regex("viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"")));
  return {std::stod(m[1]), std::stod(m[2])};
}

// Every coordinate attribute and polyline point lies inside the viewBox.
void expect_inside(const std::string& svg) {
  const auto box = view_box(svg);
  const std::regex attr("\\s(x|x1|x2|cx|y|y1|y2|cy)=\"(-?[0-9.]+)\"");
  std::size_t checked = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), attr); it != std::sregex_iterator(); ++it) {
    const auto name = (*it)[1].str();
    const double v = std::stod((*it)[2]);
    const double limit = name[0] == 'x' || name == "cx" ? box.width : box.height;
    ++checked;
    EXPECT_GE(v, 0) << name << " in " << svg.substr(0, 80);
    EXPECT_LE(v, limit) << name << " in " << svg.substr(0, 80);
  }
  const std::regex points("points=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), points); it != std::sregex_iterator(); ++it) {
    const auto list = (*it)[1].str();
    const std::regex pair("(-?[0-9.]+),(-?[0-9.]+)");
    for (auto p = std::sregex_iterator(list.begin(), list.end(), pair); p != std::sregex_iterator(); ++p) {
      EXPECT_GE(std::stod((*p)[1]), 0);
      EXPECT_LE(std::stod((*p)[1]), box.width);
      EXPECT_GE(std::stod((*p)[2]), 0);
      EXPECT_LE(std::stod((*p)[2]), box.height);
      ++checked;
    }
  }
  EXPECT_GT(checked, 10u) << "no coordinates found: the pattern no longer matches the markup";
}

std::vector<double> bar_widths(const std::string& svg) {
  std::vector<double> out;
  const std::regex bar("<rect class=\"bar\"[^>]* width=\"([0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), bar); it != std::sregex_iterator(); ++it)
    out.push_back(std::stod((*it)[1]));
  return out;
}

TEST(ReportText, EscapesEverythingHtmlCares) {
  EXPECT_EQ(escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
  EXPECT_EQ(escape("plain \xC3\xA9t\xC3\xA9"), "plain \xC3\xA9t\xC3\xA9");  // UTF-8 passes through
  EXPECT_EQ(escape(std::string("a\x01z", 3)), "a z");                       // control characters → space
}

TEST(ReportText, NumbersAndTruncation) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_fixed(0.756, 2), "0.76");
  EXPECT_EQ(format_fixed(-0.0001, 2), "0.00");
  EXPECT_EQ(format_fixed(-1.5, 1), "-1.5");
  EXPECT_EQ(truncate_text("short", 10), "short");
  EXPECT_EQ(truncate_text("abcdefghij", 5), "abcd\u2026");
  // Four two-byte characters cut to three code points: two kept, then the ellipsis.
  EXPECT_EQ(truncate_text("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3), "\xC3\xA9\xC3\xA9\u2026");
}

TEST(ReportBarChart, OneBarPerValueScaledToTheLargest) {
  BarChart c;
  c.title = "corridors";
  c.labels = {"KBL>DXB>ATH", "<script>", "none"};
  c.series = {{"migrants", "#4e79a7", {200, 100, 0}}};
  const auto svg = bar_chart(c);
  EXPECT_EQ(count(svg, "class=\"bar\""), 3u);
  const auto w = bar_widths(svg);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_GT(w[0], 0);
  EXPECT_NEAR(w[1], w[0] / 2, 0.11);
  EXPECT_EQ(w[2], 0);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(svg.find(">200<"), std::string::npos);  // value printed after the bar
  expect_inside(svg);
}

TEST(ReportBarChart, GroupedSeriesAndLegend) {
  BarChart c;
  c.labels = {"org 1", "org 2"};
  c.series = {{"before", "#bab0ac", {30.3, 21.3}}, {"after", "#4e79a7", {0, 28.4}}};
  c.decimals = 1;
  const auto svg = bar_chart(c);
  EXPECT_EQ(count(svg, "class=\"bar\""), 4u);
  EXPECT_NE(svg.find(">before<"), std::string::npos);
  EXPECT_NE(svg.find(">28.4<"), std::string::npos);
  expect_inside(svg);
  // A fixed scale (an index in [0, 1]) is honoured.
  BarChart index;
  index.labels = {"a"};
  index.series = {{"index", "#59a14f", {0.5}}};
  index.max_value = 1;
  const auto half = bar_widths(bar_chart(index)).at(0);
  index.series[0].values = {1};
  EXPECT_NEAR(half * 2, bar_widths(bar_chart(index)).at(0), 0.11);
}

TEST(ReportBarChart, EmptySaysSo) {
  const auto svg = bar_chart(BarChart{});
  EXPECT_NE(svg.find("no data"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"bar\""), 0u);
}

TEST(ReportLineChart, OneLinePerSeriesInsideTheBox) {
  LineChart c;
  c.title = "trend";
  for (int m = 1; m <= 24; ++m) c.x_labels.push_back(m < 13 ? "2025-" + std::string(m < 10 ? "0" : "") + std::to_string(m)
                                                              : "2026-" + std::string(m - 12 < 10 ? "0" : "") +
                                                                    std::to_string(m - 12));
  std::vector<double> a(24), b(24);
  for (int i = 0; i < 24; ++i) a[i] = i * 3, b[i] = 70 - i;
  c.series = {{"KBL \u2192 DXB \u2192 ATH", "#4e79a7", a}, {"O'Neil & <Co>", "#f28e2b", b}};
  const auto svg = line_chart(c);
  EXPECT_EQ(count(svg, "class=\"line\""), 2u);
  EXPECT_EQ(count(svg, "<circle"), 48u);
  EXPECT_NE(svg.find("O&#39;Neil &amp; &lt;Co&gt;"), std::string::npos);
  expect_inside(svg);
  // 24 month labels do not fit side by side in 720 px: some are skipped, the first is shown.
  const auto shown = count(svg, ">2025-") + count(svg, ">2026-");
  EXPECT_GT(shown, 3u);
  EXPECT_LT(shown, 24u);
  EXPECT_NE(svg.find(">2025-01<"), std::string::npos);
}

TEST(ReportFlowChart, BandsPerFlowAndNodesPerPlace) {
  FlowChart c;
  c.flows = {{"KBL", "DXB", "ATH", 187}, {"KBL", "IST", "FRA", 87}, {"SGN", "DOH", "LHR", 137},
             {"LHE", "DOH", "MAN", 52},  {"X&Y", "", "<Z>", 3},      {"NIL", "DXB", "ATH", 0}};
  const auto svg = flow_chart(c);
  // Two bands (origin→transit, transit→destination) per flow with a volume.
  EXPECT_EQ(count(svg, "class=\"flow\""), 10u);
  // Origins KBL SGN LHE X&Y, transits DXB IST DOH (direct), destinations ATH FRA LHR MAN <Z>.
  EXPECT_EQ(count(svg, "class=\"flow-node\""), 4u + 4u + 5u);
  EXPECT_NE(svg.find("X&amp;Y"), std::string::npos);
  EXPECT_NE(svg.find("&lt;Z&gt;"), std::string::npos);
  EXPECT_NE(svg.find("(direct)"), std::string::npos);
  EXPECT_EQ(svg.find("NIL"), std::string::npos);
  expect_inside(svg);
}

std::vector<DiagramNode> sample_nodes() {
  std::vector<DiagramNode> nodes;
  nodes.push_back({10, "organizer", 1.0, false, "1", "boss"});
  const char* roles[] = {"recruiter", "transporter", "financier", "client", "coordinator_abroad"};
  for (std::uint64_t i = 0; i < 39; ++i)
    nodes.push_back({100 + i, roles[i % 5], 0.02 * static_cast<double>(i % 13), i % 7 == 0, "", "m"});
  return nodes;
}

TEST(ReportNetwork, RingLayoutIsDeterministicAndInside) {
  const auto nodes = sample_nodes();
  const double size = 400, margin = 18;
  const auto at = ring_layout(nodes, size, margin);
  ASSERT_EQ(at.size(), nodes.size());
  EXPECT_DOUBLE_EQ(at[0].x, size / 2);  // the lone organizer sits at the centre
  EXPECT_DOUBLE_EQ(at[0].y, size / 2);
  std::set<std::pair<long, long>> distinct;
  for (const auto& p : at) {
    EXPECT_GE(p.x, margin - 1e-9);
    EXPECT_LE(p.x, size - margin + 1e-9);
    EXPECT_GE(p.y, margin - 1e-9);
    EXPECT_LE(p.y, size - margin + 1e-9);
    distinct.insert({std::lround(p.x), std::lround(p.y)});
  }
  EXPECT_EQ(distinct.size(), nodes.size()) << "two nodes drawn on the same spot";
  // Same input, same picture; and a node's place does not depend on the input order.
  const auto again = ring_layout(nodes, size, margin);
  for (std::size_t i = 0; i < at.size(); ++i) {
    EXPECT_EQ(at[i].x, again[i].x);
    EXPECT_EQ(at[i].y, again[i].y);
  }
  auto reversed = nodes;
  std::reverse(reversed.begin(), reversed.end());
  const auto rev = ring_layout(reversed, size, margin);
  for (std::size_t i = 0; i < at.size(); ++i) {
    EXPECT_DOUBLE_EQ(rev[at.size() - 1 - i].x, at[i].x);
    EXPECT_DOUBLE_EQ(rev[at.size() - 1 - i].y, at[i].y);
  }
  // Outer rings for later tiers: clients (tier 3) lie farther out than transporters (tier 1).
  auto radius = [&](std::size_t i) { return std::hypot(at[i].x - size / 2, at[i].y - size / 2); };
  EXPECT_GT(radius(4), radius(2));  // node 4: client, node 2: transporter
}

TEST(ReportNetwork, DiagramDrawsNodesEdgesAndLegend) {
  Diagram d;
  d.title = "org <1>";
  d.nodes = sample_nodes();
  d.nodes[1].title = "\"quoted\" & <tagged>";
  d.edges = {{0, 1, 2.0}, {0, 2, 0.5}, {3, 4, 1.0}, {5, 5, 1.0}};  // a self-loop is not drawn
  const auto svg = network_diagram(d);
  EXPECT_EQ(count(svg, "class=\"node\""), d.nodes.size());
  EXPECT_EQ(count(svg, "class=\"edge\""), 3u);
  for (const char* role : {">organizer<", ">recruiter<", ">transporter<", ">financier<", ">client<",
                           ">coordinator abroad<", ">arrested<"})
    EXPECT_NE(svg.find(role), std::string::npos) << role;
  EXPECT_EQ(svg.find(">document supplier<"), std::string::npos);  // only roles present
  EXPECT_NE(svg.find("&quot;quoted&quot; &amp; &lt;tagged&gt;"), std::string::npos);
  EXPECT_NE(svg.find("org &lt;1&gt;"), std::string::npos);
  EXPECT_NE(svg.find(role_colour("organizer")), std::string::npos);
  expect_inside(svg);
  EXPECT_EQ(svg, network_diagram(d));
}

TEST(ReportNetwork, SelectTopCapsByScoreThenAidesThenId) {
  const std::vector<double> score = {0.1, 0.9, 0.0, 0.0, 0.5};
  const std::vector<bool> client = {false, false, true, false, false};
  const std::vector<std::uint64_t> id = {5, 4, 1, 3, 2};
  EXPECT_EQ(select_top(score, client, id, 10), (std::vector<std::size_t>{1, 4, 0, 3, 2}));
  EXPECT_EQ(select_top(score, client, id, 2), (std::vector<std::size_t>{1, 4}));
  EXPECT_TRUE(select_top({}, {}, {}, 40).empty());
}

TEST(ReportColours, RolesHaveDistinctColoursAndTiers) {
  std::set<std::string> colours;
  for (const auto& r : role_order()) colours.insert(role_colour(r));
  EXPECT_EQ(colours.size(), role_order().size());
  EXPECT_EQ(role_tier("organizer"), 0);
  EXPECT_EQ(role_tier("client"), 3);
  EXPECT_EQ(role_tier("someone"), 4);
  EXPECT_NE(series_colour(0), series_colour(1));
  EXPECT_EQ(series_colour(0), series_colour(10));
}

}  // namespace
