// Inline SVG charts and HTML text helpers for the briefing that `clearinghouse report` writes.
//
// Everything is a pure function from values to markup: no I/O, no JavaScript, no external
// resources (inline SVG in HTML needs no xmlns, so the page holds no URL at all). Each chart is
// one self-contained <svg> element with a viewBox; every coordinate it draws lies inside it.
// Text from the data (names, places, reasons) is escaped with `escape` before it is written.
// Layouts are deterministic: the same input gives the same bytes, whatever the rank count.
//
// Colours: series use the Tableau 10 palette (distinct in print and for most colour-blind
// readers); roles have fixed colours so that every diagram of a report reads the same way.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ch::report {

// & < > " ' as entities: safe in element text and in quoted attribute values.
std::string escape(std::string_view text);
// 1234567 → "1,234,567".
std::string format_count(std::uint64_t n);
// Fixed decimals, "-" for NaN; -0.0 prints as 0.
std::string format_fixed(double value, int decimals);
// At most `max_chars` code points; longer text ends in "…". UTF-8 aware (never splits a character).
std::string truncate_text(std::string_view text, std::size_t max_chars);

// Colour i of the series palette (cycles after 10).
const std::string& series_colour(std::size_t i);
// Fixed colour per member role (organizer, recruiter, transporter, document_supplier, financier,
// coordinator_abroad, client); grey for anything else.
const std::string& role_colour(std::string_view role);
// Ring of a role in the network diagram: 0 organizer; 1 financier, coordinator abroad,
// transporter, document supplier; 2 recruiter; 3 client; 4 anything else.
int role_tier(std::string_view role);
// The roles in legend order (tier, then name).
const std::vector<std::string>& role_order();

// ---- horizontal bar chart ------------------------------------------------------------------

struct BarSeries {
  std::string name;  // shown in a legend when there are several series
  std::string colour;
  std::vector<double> values;  // one per label; negative values draw as 0
};

struct BarChart {
  std::string title;                // the chart's accessible name (<title>)
  std::vector<std::string> labels;  // one row per label, top to bottom
  std::vector<BarSeries> series;    // one bar per series in each row
  int width = 720;
  int label_width = 170;  // left column for the row labels (truncated to fit)
  int bar_height = 16;
  int decimals = 0;       // of the value printed after each bar
  double max_value = 0;   // scale: 0 = the largest value
};

// Bars are <rect class="bar"> with a <title> "label: value", in row-then-series order.
std::string bar_chart(const BarChart& chart);

// ---- line chart ----------------------------------------------------------------------------

struct LineSeries {
  std::string name;
  std::string colour;
  std::vector<double> values;  // one per x label
};

struct LineChart {
  std::string title;
  std::string y_label;              // e.g. "clients per month"
  std::vector<std::string> x_labels;
  std::vector<LineSeries> series;
  int width = 720;
  int height = 240;  // of the plot area and axes; the legend adds rows below
};

// One <polyline class="line"> per series, a point marker with a <title> per value, a y axis
// with round ticks from 0, x labels thinned so they never overlap, a legend below.
std::string line_chart(const LineChart& chart);

// ---- corridor flows ------------------------------------------------------------------------

struct Flow {
  std::string origin, transit, destination;  // transit "" = direct
  double value = 0;
};

struct FlowChart {
  std::string title;
  std::vector<Flow> flows;
  int width = 720;
};

// Three columns (origin, transit, destination) of nodes sized by volume, a band per flow from
// origin to transit to destination, coloured by origin. Nodes in a column are ordered by volume
// (then name) and spaced so that their labels cannot overlap.
std::string flow_chart(const FlowChart& chart);

// ---- network diagram -----------------------------------------------------------------------

struct Point {
  double x = 0, y = 0;
};

struct DiagramNode {
  std::uint64_t id = 0;
  std::string role;
  double score = 0;       // key-actor score in [0, 1]: the node's size
  bool arrested = false;  // drawn with a dark ring
  std::string label;      // short text beside the node ("" = none), e.g. "1"
  std::string title;      // hover text
};

struct DiagramEdge {
  std::size_t a = 0, b = 0;  // node indices
  double weight = 0;
};

struct Diagram {
  std::string title;
  std::vector<DiagramNode> nodes;
  std::vector<DiagramEdge> edges;
  int size = 400;  // the square drawing; the legend adds a column on the right
};

// Concentric rings by role tier (role_tier), inner tiers inside; a lone node of the innermost
// tier sits at the centre. On a ring nodes go by (role, id) at equal angles — roles form sectors,
// and the high scorers (labelled) spread out — rings staggered so that spokes do not line up. Deterministic; every point lies within
// [margin, size − margin] on both axes.
std::vector<Point> ring_layout(const std::vector<DiagramNode>& nodes, double size, double margin);

// Edges as <line class="edge"> (width and opacity by weight), nodes as <circle class="node">
// coloured by role, labels beside them, and a legend of the roles present.
std::string network_diagram(const Diagram& diagram);

// Which of n candidates to draw when at most `cap` fit: by score descending, then non-clients
// before clients, then id ascending. Returns indices in that order.
std::vector<std::size_t> select_top(const std::vector<double>& score, const std::vector<bool>& is_client,
                                    const std::vector<std::uint64_t>& id, std::size_t cap);

}  // namespace ch::report
