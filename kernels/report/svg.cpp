#include "kernels/report/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>
#include <tuple>

namespace ch::report {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kFont = 11;          // px, chart text
constexpr double kCharWidth = 0.62;   // average glyph width of a sans-serif font, in em

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Upper estimate of the width of `s` in px: layouts reserve this much room for a label.
double text_width(std::string_view s, double font = kFont) {
  return static_cast<double>(code_points(s)) * font * kCharWidth;
}

// Coordinates with at most 1 decimal: short markup, and the same text on every machine.
std::string num(double v) {
  if (!std::isfinite(v)) v = 0;
  auto s = fmt::format("{:.1f}", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

// A round tick step so that about `ticks` steps cover [0, max].
double nice_step(double max, int ticks) {
  if (max <= 0) return 1;
  const double raw = max / ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  const double step = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  return step * magnitude;
}

std::string svg_open(double width, double height, const std::string& css_class, const std::string& title) {
  return fmt::format("<svg class=\"{}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
                     "font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\" font-size=\"{}\">"
                     "<title>{}</title>",
                     css_class, num(width), num(height), num(width), num(height), num(kFont), escape(title));
}

std::string text_at(double x, double y, std::string_view text, const char* anchor = "start",
                    const char* extra = "") {
  return fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"{}\"{}>{}</text>", num(x), num(y), anchor, extra,
                     escape(text));
}

std::string pretty_role(std::string_view role) {
  std::string s(role);
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters are not allowed in HTML text; show them as spaces.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string format_count(std::uint64_t n) {
  auto digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_fixed(double value, int decimals) {
  if (std::isnan(value)) return "-";
  auto s = fmt::format("{:.{}f}", value, std::max(0, decimals));
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string truncate_text(std::string_view text, std::size_t max_chars) {
  if (code_points(text) <= max_chars) return std::string(text);
  if (max_chars == 0) return "";
  std::string out;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool starts = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts && ++kept > max_chars - 1) break;
    out += text[i];
  }
  return out + "\u2026";
}

const std::string& series_colour(std::size_t i) {
  static const std::vector<std::string> palette = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                                   "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return palette[i % palette.size()];
}

const std::string& role_colour(std::string_view role) {
  static const std::map<std::string, std::string, std::less<>> colours = {
      {"organizer", "#d62728"},         {"financier", "#e6a100"}, {"coordinator_abroad", "#9467bd"},
      {"transporter", "#2ca02c"},       {"document_supplier", "#8c564b"},
      {"recruiter", "#1f77b4"},         {"client", "#b8bcc2"}};
  static const std::string other = "#7f7f7f";
  const auto it = colours.find(role);
  return it == colours.end() ? other : it->second;
}

int role_tier(std::string_view role) {
  if (role == "organizer") return 0;
  if (role == "financier" || role == "coordinator_abroad" || role == "transporter" || role == "document_supplier")
    return 1;
  if (role == "recruiter") return 2;
  if (role == "client") return 3;
  return 4;
}

const std::vector<std::string>& role_order() {
  static const std::vector<std::string> order = {"organizer",         "financier", "coordinator_abroad",
                                                 "document_supplier", "transporter", "recruiter", "client"};
  return order;
}

// ---- bar chart -----------------------------------------------------------------------------

std::string bar_chart(const BarChart& c) {
  const std::size_t rows = c.labels.size();
  const std::size_t k = std::max<std::size_t>(1, c.series.size());
  double max = c.max_value;
  std::string longest_value;
  for (const auto& s : c.series)
    for (std::size_t r = 0; r < rows && r < s.values.size(); ++r) {
      const double v = std::max(0.0, s.values[r]);
      max = std::max(max, v);
      const auto text = format_fixed(v, c.decimals);
      if (text.size() > longest_value.size()) longest_value = text;
    }
  if (max <= 0) max = 1;
  const double legend_h = c.series.size() > 1 ? 22 : 0;
  const double group_h = static_cast<double>(k) * c.bar_height + static_cast<double>(k - 1) * 2;
  const double pitch = group_h + 8;
  const double height = rows == 0 ? 30 : legend_h + static_cast<double>(rows) * pitch + 4;
  const double x0 = c.label_width;
  const double x1 = c.width - std::max(40.0, text_width(longest_value) + 10);
  const double scale = (x1 - x0) / max;

  std::string out = svg_open(c.width, height, "chart bar-chart", c.title);
  if (rows == 0) return out + text_at(8, 20, "no data", "start", " fill=\"#666\"") + "</svg>";
  if (c.series.size() > 1) {
    double x = x0;
    for (const auto& s : c.series) {
      out += fmt::format("<rect x=\"{}\" y=\"5\" width=\"12\" height=\"12\" fill=\"{}\"/>", num(x), escape(s.colour));
      out += text_at(x + 16, 15, s.name);
      x += 16 + text_width(s.name) + 18;
    }
  }
  const auto label_chars = static_cast<std::size_t>(std::max(1.0, (c.label_width - 12) / (kFont * kCharWidth)));
  for (std::size_t r = 0; r < rows; ++r) {
    const double top = legend_h + static_cast<double>(r) * pitch + 4;
    out += "<g>";
    const auto shown = truncate_text(c.labels[r], label_chars);
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}{}</text>", num(x0 - 8),
                       num(top + group_h / 2 + 4), shown == c.labels[r] ? "" : "<title>" + escape(c.labels[r]) + "</title>",
                       escape(shown));
    for (std::size_t s = 0; s < c.series.size(); ++s) {
      const double v = r < c.series[s].values.size() ? std::max(0.0, c.series[s].values[r]) : 0.0;
      const double y = top + static_cast<double>(s) * (c.bar_height + 2);
      const double w = v > 0 ? std::max(1.0, v * scale) : 0.0;
      const auto value = format_fixed(v, c.decimals);
      const auto tip = c.series.size() > 1 ? c.labels[r] + " (" + c.series[s].name + "): " + value : c.labels[r] + ": " + value;
      out += fmt::format("<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
                         num(x0), num(y), num(w), c.bar_height, escape(c.series[s].colour), escape(tip));
      out += text_at(x0 + w + 4, y + c.bar_height / 2.0 + 4, value, "start", " fill=\"#333\"");
    }
    out += "</g>";
  }
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#999\"/>", num(x0), num(legend_h),
                     num(height - 2));
  return out + "</svg>";
}

// ---- line chart ----------------------------------------------------------------------------

std::string line_chart(const LineChart& c) {
  const std::size_t n = c.x_labels.size();
  double max = 0;
  for (const auto& s : c.series)
    for (double v : s.values) max = std::max(max, v);
  const double step = std::max(nice_step(max, 4), max <= 4 ? 1.0 : 0.0);
  const double top_value = std::max(step, std::ceil(max / step) * step);
  std::vector<double> ticks;
  for (double t = 0; t <= top_value + step / 2; t += step) ticks.push_back(t);
  const int decimals = step < 1 ? 1 : 0;
  double tick_w = 0;
  for (double t : ticks) tick_w = std::max(tick_w, text_width(format_fixed(t, decimals)));
  double label_w = 0;
  for (const auto& l : c.x_labels) label_w = std::max(label_w, text_width(l));

  const double left = std::max(tick_w + 12, label_w / 2 + 4), right = std::max(14.0, label_w / 2 + 4);
  const double top = 22, bottom = 26;
  const double plot_w = c.width - left - right, plot_h = c.height - top - bottom;
  auto x_of = [&](std::size_t i) {
    return n <= 1 ? left + plot_w / 2 : left + plot_w * static_cast<double>(i) / static_cast<double>(n - 1);
  };
  auto y_of = [&](double v) { return top + plot_h - plot_h * std::max(0.0, v) / top_value; };

  // Legend rows below the axes: items wrap at the chart width.
  struct Item {
    double x, y;
    std::size_t series;
    std::string text;
  };
  std::vector<Item> legend;
  double lx = left, ly = c.height + 8;
  for (std::size_t s = 0; s < c.series.size(); ++s) {
    const auto text = truncate_text(c.series[s].name, 32);
    const double w = 22 + text_width(text) + 16;
    if (lx + w > c.width && lx > left) lx = left, ly += 18;
    legend.push_back({lx, ly, s, text});
    lx += w;
  }
  const double height = c.series.empty() ? c.height : ly + 18;

  std::string out = svg_open(c.width, height, "chart line-chart", c.title);
  if (!c.y_label.empty()) out += text_at(4, 12, c.y_label, "start", " fill=\"#555\"");
  for (double t : ticks) {
    const double y = y_of(t);
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e3e3e3\"/>", num(left), num(y),
                       num(left + plot_w), num(y));
    out += text_at(left - 6, y + 4, format_fixed(t, decimals), "end", " fill=\"#555\"");
  }
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#999\"/>", num(left), num(top),
                     num(top + plot_h));
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#999\"/>", num(left),
                     num(top + plot_h), num(left + plot_w));
  // Show every k-th x label so that neighbours keep at least 8 px apart.
  if (n > 0) {
    const double spacing = n <= 1 ? plot_w : plot_w / static_cast<double>(n - 1);
    const auto every = static_cast<std::size_t>(std::max(1.0, std::ceil((label_w + 8) / spacing)));
    for (std::size_t i = 0; i < n; i += every)
      out += text_at(x_of(i), top + plot_h + 16, c.x_labels[i], "middle", " fill=\"#555\"");
  }
  for (const auto& s : c.series) {
    std::string points, markers;
    for (std::size_t i = 0; i < n && i < s.values.size(); ++i) {
      points += (points.empty() ? "" : " ") + num(x_of(i)) + "," + num(y_of(s.values[i]));
      markers += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{}\"><title>{}</title></circle>", num(x_of(i)),
                             num(y_of(s.values[i])), escape(s.colour),
                             escape(s.name + " " + c.x_labels[i] + ": " + format_fixed(s.values[i], decimals)));
    }
    out += fmt::format("<g><polyline class=\"line\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" "
                       "stroke-linejoin=\"round\"/>{}</g>",
                       points, escape(s.colour), markers);
  }
  for (const auto& item : legend) {
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"3\"/>", num(item.x),
                       num(item.y + 6), num(item.x + 16), num(item.y + 6), escape(c.series[item.series].colour));
    out += text_at(item.x + 22, item.y + 10, item.text);
  }
  return out + "</svg>";
}

// ---- flow chart ----------------------------------------------------------------------------

std::string flow_chart(const FlowChart& c) {
  struct Node {
    std::string name;
    double value = 0, y = 0, height = 0, in_at = 0, out_at = 0;
  };
  // Columns: 0 origin, 1 transit, 2 destination; a node per distinct name in its column.
  std::vector<Node> column[3];
  std::vector<std::map<std::string, std::size_t>> index(3);
  std::vector<std::array<std::size_t, 3>> at;  // per flow: node index in each column
  double total = 0;
  for (const auto& f : c.flows) {
    if (!(f.value > 0)) continue;
    const std::string names[3] = {f.origin, f.transit.empty() ? "(direct)" : f.transit, f.destination};
    std::array<std::size_t, 3> a{};
    for (int k = 0; k < 3; ++k) {
      auto [it, fresh] = index[k].try_emplace(names[k], column[k].size());
      if (fresh) column[k].push_back({names[k]});
      column[k][it->second].value += f.value;
      a[k] = it->second;
    }
    at.push_back(a);
    total += f.value;
  }
  std::vector<const Flow*> flows;
  for (const auto& f : c.flows)
    if (f.value > 0) flows.push_back(&f);
  // Order nodes by volume, then name; remap the flows' node indices.
  for (int k = 0; k < 3; ++k) {
    std::vector<std::size_t> order(column[k].size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(column[k][b].value, column[k][a].name) < std::tie(column[k][a].value, column[k][b].name);
    });
    std::vector<std::size_t> rank(order.size());
    std::vector<Node> sorted;
    for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = i, sorted.push_back(column[k][order[i]]);
    column[k] = std::move(sorted);
    for (auto& a : at) a[static_cast<std::size_t>(k)] = rank[a[static_cast<std::size_t>(k)]];
  }

  const std::size_t most = std::max({column[0].size(), column[1].size(), column[2].size(), std::size_t{1}});
  const double pad = 16, top = 26, node_w = 10;
  const double plot_h = std::clamp(static_cast<double>(most) * 30.0, 160.0, 560.0);
  const double scale = total > 0 ? (plot_h - pad * static_cast<double>(most - 1)) / total : 0;
  auto label_of = [](const Node& n) { return n.name + " " + format_fixed(n.value, 0); };
  double left_w = 0, right_w = 0;
  for (const auto& n : column[0]) left_w = std::max(left_w, text_width(label_of(n)));
  for (const auto& n : column[2]) right_w = std::max(right_w, text_width(label_of(n)));
  const double x[3] = {left_w + 12, 0, c.width - right_w - 12 - node_w};
  const double xs[3] = {x[0], (x[0] + x[2]) / 2, x[2]};
  for (auto& col : column) {
    double h = 0;
    for (auto& n : col) n.height = std::max(2.0, n.value * scale), h += n.height;
    h += pad * static_cast<double>(col.empty() ? 0 : col.size() - 1);
    double y = top + (plot_h - h) / 2;
    for (auto& n : col) n.y = y, n.in_at = y, n.out_at = y, y += n.height + pad;
  }
  const double height = top + plot_h + 10;
  std::string out = svg_open(c.width, height, "chart flow-chart", c.title);
  if (flows.empty()) return out + text_at(8, 20, "no data", "start", " fill=\"#666\"") + "</svg>";
  const char* heads[3] = {"origin", "transit", "destination"};
  for (int k = 0; k < 3; ++k)
    out += text_at(xs[k] + node_w / 2, 14, heads[k], "middle", " fill=\"#555\" font-weight=\"bold\"");

  // Bands leave a node in the order of the node they go to, and enter in the order they come
  // from, so that bands do not cross at the nodes.
  auto band = [&](std::size_t from_col, std::size_t to_col, const std::vector<std::size_t>& order, std::string& svg) {
    std::vector<double> out_y(order.size()), in_y(order.size());
    std::vector<std::size_t> by_target = order, by_source = order;
    std::stable_sort(by_target.begin(), by_target.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(at[a][from_col], at[a][to_col], at[a][0]) < std::tie(at[b][from_col], at[b][to_col], at[b][0]);
    });
    std::stable_sort(by_source.begin(), by_source.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(at[a][to_col], at[a][from_col], at[a][0]) < std::tie(at[b][to_col], at[b][from_col], at[b][0]);
    });
    std::map<std::size_t, double> out_pos, in_pos;
    for (auto f : by_target) {
      auto& n = column[from_col][at[f][from_col]];
      out_pos[f] = n.out_at, n.out_at += flows[f]->value * scale;
    }
    for (auto f : by_source) {
      auto& n = column[to_col][at[f][to_col]];
      in_pos[f] = n.in_at, n.in_at += flows[f]->value * scale;
    }
    const double x1 = xs[from_col] + node_w, x2 = xs[to_col], xm = (x1 + x2) / 2;
    for (auto f : order) {
      const double h = flows[f]->value * scale;
      const double a = out_pos[f], b = in_pos[f];
      const auto& fl = *flows[f];
      svg += fmt::format(
          "<path class=\"flow\" d=\"M{0},{1} C{2},{1} {2},{3} {4},{3} L{4},{5} C{2},{5} {2},{6} {0},{6} Z\" "
          "fill=\"{7}\" fill-opacity=\"0.45\"><title>{8}</title></path>",
          num(x1), num(a), num(xm), num(b), num(x2), num(b + h), num(a + h), series_colour(at[f][0]),
          escape(fl.origin + " \u2192 " + (fl.transit.empty() ? "(direct)" : fl.transit) + " \u2192 " + fl.destination +
                 ": " + format_fixed(fl.value, 0)));
    }
  };
  std::vector<std::size_t> order(flows.size());
  std::iota(order.begin(), order.end(), 0);
  band(0, 1, order, out);
  band(1, 2, order, out);
  for (int k = 0; k < 3; ++k)
    for (std::size_t i = 0; i < column[k].size(); ++i) {
      const auto& n = column[k][i];
      const auto fill = k == 0 ? series_colour(i) : std::string("#555");
      out += fmt::format("<rect class=\"flow-node\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
                         num(xs[k]), num(n.y), num(node_w), num(n.height), fill, escape(label_of(n)));
      const double ty = n.y + n.height / 2 + 4;
      if (k == 0) out += text_at(xs[k] - 4, ty, label_of(n), "end");
      else out += text_at(xs[k] + node_w + 4, ty, label_of(n), "start", k == 1 ? " class=\"halo\"" : "");
    }
  return out + "</svg>";
}

// ---- network diagram -----------------------------------------------------------------------

std::vector<Point> ring_layout(const std::vector<DiagramNode>& nodes, double size, double margin) {
  std::map<int, std::vector<std::size_t>> tiers;
  for (std::size_t i = 0; i < nodes.size(); ++i) tiers[role_tier(nodes[i].role)].push_back(i);
  const auto& order = role_order();
  auto role_index = [&](const std::string& r) {
    return static_cast<std::size_t>(std::find(order.begin(), order.end(), r) - order.begin());
  };
  std::vector<Point> at(nodes.size());
  const double centre = size / 2, outer = std::max(0.0, size / 2 - margin);
  const bool lone_centre = !tiers.empty() && tiers.begin()->second.size() == 1;
  const std::size_t rings = tiers.size() - (lone_centre ? 1 : 0);
  std::size_t ring = 0;
  for (auto& [tier, members] : tiers) {
    std::sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
      return std::make_tuple(role_index(nodes[a].role), nodes[a].role, nodes[a].id) <
             std::make_tuple(role_index(nodes[b].role), nodes[b].role, nodes[b].id);
    });
    if (lone_centre && tier == tiers.begin()->first) {
      at[members[0]] = {centre, centre};
      continue;
    }
    const double radius = outer * static_cast<double>(ring + 1) / static_cast<double>(rings);
    const double offset = -kPi / 2 + 0.61 * static_cast<double>(ring);  // stagger the rings
    for (std::size_t j = 0; j < members.size(); ++j) {
      const double angle = offset + 2 * kPi * static_cast<double>(j) / static_cast<double>(members.size());
      at[members[j]] = {centre + radius * std::cos(angle), centre + radius * std::sin(angle)};
    }
    ++ring;
  }
  return at;
}

std::string network_diagram(const Diagram& d) {
  const double size = d.size, legend_w = 180, max_r = 10;
  const auto at = ring_layout(d.nodes, size, max_r + 8);
  std::vector<std::string> roles;
  for (const auto& r : role_order())
    if (std::any_of(d.nodes.begin(), d.nodes.end(), [&](const DiagramNode& n) { return n.role == r; })) roles.push_back(r);
  for (const auto& n : d.nodes)
    if (std::find(roles.begin(), roles.end(), n.role) == roles.end()) roles.push_back(n.role);
  const bool any_arrested = std::any_of(d.nodes.begin(), d.nodes.end(), [](const DiagramNode& n) { return n.arrested; });
  const double legend_h = 20 + 18.0 * static_cast<double>(roles.size() + (any_arrested ? 1 : 0)) + 60;
  std::string out = svg_open(size + legend_w, std::max(size, legend_h), "chart network", d.title);
  if (d.nodes.empty()) return out + text_at(8, 20, "no members", "start", " fill=\"#666\"") + "</svg>";

  double max_w = 0;
  for (const auto& e : d.edges) max_w = std::max(max_w, e.weight);
  out += "<g class=\"edges\">";
  for (const auto& e : d.edges) {
    if (e.a >= at.size() || e.b >= at.size() || e.a == e.b) continue;
    const double s = max_w > 0 ? std::sqrt(std::max(0.0, e.weight) / max_w) : 0.5;
    out += fmt::format("<line class=\"edge\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#7a808a\" "
                       "stroke-width=\"{}\" stroke-opacity=\"{}\"/>",
                       num(at[e.a].x), num(at[e.a].y), num(at[e.b].x), num(at[e.b].y), format_fixed(0.6 + 2.2 * s, 2),
                       format_fixed(0.25 + 0.5 * s, 2));
  }
  out += "</g><g class=\"nodes\">";
  std::string labels;
  for (std::size_t i = 0; i < d.nodes.size(); ++i) {
    const auto& n = d.nodes[i];
    const double r = 4 + 6 * std::clamp(n.score, 0.0, 1.0);
    out += fmt::format("<circle class=\"node\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\">"
                       "<title>{}</title></circle>",
                       num(at[i].x), num(at[i].y), num(r), role_colour(n.role), n.arrested ? "#111" : "#fff",
                       n.arrested ? "2.5" : "1", escape(n.title));
    if (!n.label.empty())
      labels += text_at(at[i].x + r + 2, at[i].y + 4, n.label, "start", " class=\"halo\" font-weight=\"bold\"");
  }
  out += "</g>" + labels;

  double y = 20;
  const double lx = size + 14;
  for (const auto& r : roles) {
    out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"{}\"/>", num(lx + 6), num(y - 4), role_colour(r));
    out += text_at(lx + 18, y, pretty_role(r));
    y += 18;
  }
  if (any_arrested) {
    out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"#ccc\" stroke=\"#111\" stroke-width=\"2.5\"/>",
                       num(lx + 6), num(y - 4));
    out += text_at(lx + 18, y, "arrested");
    y += 18;
  }
  out += text_at(lx, y + 8, "size: key-actor score", "start", " fill=\"#555\"");
  out += text_at(lx, y + 26, fmt::format("{} members, {} ties", d.nodes.size(), d.edges.size()), "start",
                 " fill=\"#555\"");
  return out + "</svg>";
}

std::vector<std::size_t> select_top(const std::vector<double>& score, const std::vector<bool>& is_client,
                                    const std::vector<std::uint64_t>& id, std::size_t cap) {
  std::vector<std::size_t> order(score.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::make_tuple(-score[a], static_cast<bool>(is_client[a]), id[a]) <
           std::make_tuple(-score[b], static_cast<bool>(is_client[b]), id[b]);
  });
  if (order.size() > cap) order.resize(cap);
  return order;
}

}  // namespace ch::report
