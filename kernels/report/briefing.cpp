#include "kernels/report/briefing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "kernels/report/svg.hpp"

namespace ch::report {
namespace {

// System fonts only (no web fonts): DejaVu and Liberation are Debian's defaults.
constexpr const char* kStyle = R"css(
:root { --ink: #1d2430; --muted: #5b6472; --line: #d9dde3; --accent: #1f4e79; --soft: #f3f5f8; }
* { box-sizing: border-box; }
body { margin: 0; background: #e9ecf0; color: var(--ink);
       font: 14px/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 40px; background: #fff; }
header h1 { font-size: 26px; margin: 0 0 2px; }
header .subtitle { font-size: 15px; color: var(--muted); margin: 0 0 12px; }
.provenance { font-size: 12px; color: var(--muted); }
.provenance td, .provenance th { padding: 2px 10px 2px 0; border: 0; background: none; }
.provenance code { font-size: 11px; }
h2 { font-size: 20px; color: var(--accent); border-bottom: 2px solid var(--accent);
     padding-bottom: 3px; margin: 34px 0 12px; }
h3 { font-size: 17px; margin: 0 0 6px; }
h4 { font-size: 14px; margin: 12px 0 4px; color: #3b4452; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 12.5px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 7px; text-align: left; vertical-align: top; }
th { background: #e8edf3; font-weight: 600; white-space: nowrap; }
tr:nth-child(even) td { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(165px, 1fr)); gap: 10px; margin: 8px 0 14px; }
.card { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 4px;
        padding: 8px 12px; background: var(--soft); }
.card .value { font-size: 24px; font-weight: 700; }
.card .label { color: var(--muted); font-size: 12px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 11.5px; font-weight: 600;
         color: #fff; background: #757575; vertical-align: middle; }
.status-active { background: #2e7d32; } .status-disrupted { background: #c62828; }
.status-inactive { background: #757575; } .status-merged { background: #ef6c00; }
.fate-dissolved { background: #2e7d32; } .fate-split, .fate-merged { background: #ef6c00; }
.fate-persisted, .fate-reconstituted { background: #c62828; }
.org { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 16px 0; break-inside: avoid; }
.org .facts { color: var(--muted); margin: 0 0 8px; }
.grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 18px; align-items: start; }
.org-grid { display: grid; grid-template-columns: 590px minmax(0, 1fr); gap: 18px; align-items: start; }
figure { margin: 0 0 12px; }
figcaption { font-size: 12px; color: var(--muted); margin: 2px 0 6px; }
svg { max-width: 100%; height: auto; display: block; }
.halo { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.scorebar { display: inline-block; height: 8px; background: #4e79a7; border-radius: 2px; margin-right: 6px;
            vertical-align: middle; }
.note { color: var(--muted); font-size: 12px; }
ul.judgements { margin: 4px 0 8px; padding-left: 20px; }
ul.judgements li { margin: 2px 0; }
footer { margin-top: 36px; border-top: 1px solid var(--line); padding-top: 8px; font-size: 12px; color: var(--muted); }
@media print {
  body { background: #fff; }
  main { padding: 0; max-width: none; }
  section, figure, .org { break-inside: avoid; }
}
)css";

std::string h(std::string_view s) { return escape(s); }

std::string pretty(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string corridor_label(const std::string& origin, const std::string& transit, const std::string& destination) {
  return transit.empty() ? origin + " \u2192 " + destination : origin + " \u2192 " + transit + " \u2192 " + destination;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= s.size()) {
    auto next = s.find(sep, at);
    if (next == std::string::npos) next = s.size();
    if (next > at) out.push_back(s.substr(at, next - at));
    at = next + 1;
  }
  return out;
}

// "KBL>DXB>ATH;LHE>DOH>MAN" → escaped "KBL → DXB → ATH<br>LHE → DOH → MAN" (or another separator).
std::string corridor_cell(const std::string& text, const char* separator = "<br>") {
  std::string out;
  for (const auto& c : split(text, ';')) {
    std::string arrows;
    for (char ch : c) arrows += ch == '>' ? std::string(" \u2192 ") : std::string(1, ch);
    out += (out.empty() ? "" : separator) + h(arrows);
  }
  return out.empty() ? "&ndash;" : out;
}

std::string list_cell(const std::string& text) {
  const auto parts = split(text, ';');
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out.empty() ? "&ndash;" : h(out);
}

std::string badge(const std::string& kind, const std::string& value) {
  // The class name is built from a known prefix and the value's letters only.
  std::string cls;
  for (char c : value)
    if ((c >= 'a' && c <= 'z') || c == '_') cls += c;
  return fmt::format("<span class=\"badge {}-{}\">{}</span>", kind, cls, h(pretty(value)));
}

std::string card(const std::string& value, const std::string& label) {
  return fmt::format("<div class=\"card\"><div class=\"value\">{}</div><div class=\"label\">{}</div></div>", value,
                     label);
}

std::string org_name(std::int64_t id) { return id < 0 ? "&ndash;" : fmt::format("{}", id); }

std::string member_name(const Member& m) {
  return m.name.empty() ? fmt::format("entity {}", m.entity) : m.name;
}

// All months that occur in the trends (or corridors), sorted: the x axis of every line chart.
std::vector<std::string> months_of(const Briefing& b) {
  std::set<std::string> months;
  for (const auto& t : b.trends) months.insert(t.month);
  if (months.empty())
    for (const auto& c : b.corridors) months.insert(c.month);
  return {months.begin(), months.end()};
}

struct CorridorTotal {
  std::string origin, transit, destination;
  std::uint64_t clients = 0, bookings = 0;
  std::set<std::string> months, organizations;
  std::string label() const { return corridor_label(origin, transit, destination); }
};

// Corridors over the whole period, most clients first (ties by route).
std::vector<CorridorTotal> corridor_totals(const Briefing& b) {
  std::map<std::tuple<std::string, std::string, std::string>, CorridorTotal> by_route;
  for (const auto& c : b.corridors) {
    auto& t = by_route[{c.origin, c.transit, c.destination}];
    t.origin = c.origin, t.transit = c.transit, t.destination = c.destination;
    t.clients += c.clients;
    t.bookings += c.bookings;
    if (c.clients > 0 || c.bookings > 0) t.months.insert(c.month);
    for (const auto& o : split(c.organizations, ';')) t.organizations.insert(o);
  }
  std::vector<CorridorTotal> out;
  for (auto& [route, t] : by_route) out.push_back(std::move(t));
  std::stable_sort(out.begin(), out.end(), [](const CorridorTotal& a, const CorridorTotal& b2) { return a.clients > b2.clients; });
  return out;
}

// Monthly series of one kind (corridor, nationality, organization), keyed by `key`.
std::map<std::string, std::map<std::string, std::uint64_t>> series_of(const Briefing& b, const std::string& kind) {
  std::map<std::string, std::map<std::string, std::uint64_t>> out;
  for (const auto& t : b.trends)
    if (t.series == kind) out[t.key][t.month] += t.clients;
  return out;
}

// The `n` keys with the most clients over all months (ties by key), or the given keys in order.
LineChart trend_chart(const Briefing& b, const std::string& kind, std::vector<std::string> keys, std::size_t n,
                      const std::string& title, int width) {
  const auto series = series_of(b, kind);
  if (keys.empty()) {
    std::vector<std::pair<std::uint64_t, std::string>> totals;
    for (const auto& [key, months] : series) {
      std::uint64_t sum = 0;
      for (const auto& [m, v] : months) sum += v;
      totals.emplace_back(sum, key);
    }
    std::stable_sort(totals.begin(), totals.end(), [](const auto& a, const auto& c) { return a.first > c.first; });
    for (std::size_t i = 0; i < totals.size() && i < n; ++i) keys.push_back(totals[i].second);
  }
  LineChart chart;
  chart.title = title;
  chart.y_label = "estimated migrants per month";
  chart.x_labels = months_of(b);
  chart.width = width;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    LineSeries s;
    s.name = kind == "organization" ? "organization " + keys[i] : keys[i];
    if (kind == "corridor") {
      const auto parts = split(keys[i], '>');
      if (parts.size() == 3) s.name = corridor_label(parts[0], parts[1], parts[2]);
    }
    s.colour = series_colour(i);
    const auto it = series.find(keys[i]);
    for (const auto& m : chart.x_labels) {
      double v = 0;
      if (it != series.end())
        if (const auto jt = it->second.find(m); jt != it->second.end()) v = static_cast<double>(jt->second);
      s.values.push_back(v);
    }
    chart.series.push_back(std::move(s));
  }
  return chart;
}

// A chart under a visible heading, with a caption below.
std::string figure(const std::string& heading, const std::string& svg, const std::string& caption) {
  return "<figure><h4>" + heading + "</h4>" + svg + "<figcaption>" + caption + "</figcaption></figure>";
}

// ---- sections ------------------------------------------------------------------------------

std::string header_section(const Briefing& b) {
  const auto& r = b.run;
  std::string out = "<header id=\"provenance\">";
  out += "<h1>Strategic assessment briefing</h1>";
  out += fmt::format("<p class=\"subtitle\">Target package: the {} leading smuggling organizations, their members, "
                     "corridors, trends{} and leads</p>",
                     std::min(b.top, b.organizations.size()), b.have_progress ? ", dismantling progress" : "");
  out += "<table class=\"provenance\"><tbody>";
  out += fmt::format("<tr><th>Scenario</th><td>{}</td><th>Assessed</th><td>{}</td></tr>",
                     r.scenario.empty() ? "&ndash; (not a synthetic run)" : h(r.scenario), h(r.assessed_utc));
  out += fmt::format("<tr><th>Run hash</th><td><code title=\"SHA-256 of assessment.h5: {0}\">{1}</code></td>"
                     "<th>Program</th><td>clearinghouse {2} ({3})</td></tr>",
                     h(r.run_hash), h(r.run_hash.substr(0, 16)), h(r.program_version), h(r.program_commit));
  out += fmt::format("<tr><th>Run directory</th><td><code>{}</code></td><th>Earlier assessment</th><td>{}</td></tr>",
                     h(r.run_dir), b.previous_run.empty() ? "&ndash;" : "<code>" + h(b.previous_run) + "</code>");
  std::string inputs;
  for (const auto& [file, sha] : r.inputs)
    inputs += (inputs.empty() ? "" : " &middot; ") + fmt::format("{} <code title=\"{}\">{}</code>", h(file), h(sha),
                                                                h(sha.substr(0, 12)));
  out += fmt::format("<tr><th>Inputs</th><td colspan=\"3\">{}</td></tr>", inputs.empty() ? "&ndash;" : inputs);
  out += "</tbody></table></header>";
  return out;
}

std::string summary_section(const Briefing& b, const std::vector<CorridorTotal>& corridors) {
  std::uint64_t aides = 0, clients = 0, arrested = 0;
  for (const auto& o : b.organizations) aides += o.size, clients += o.clients, arrested += o.arrested;
  std::set<std::string> agencies;
  for (const auto& r : b.referrals) agencies.insert(r.agency);
  const auto months = months_of(b);
  std::string out = "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">";
  out += card(format_count(b.organizations.size()),
              fmt::format("organizations (of {} candidates)", format_count(static_cast<std::uint64_t>(
                                                                   std::max<std::int64_t>(0, b.run.organization_candidates)))));
  out += card(format_count(aides), "aides (organization members)");
  out += card(format_count(clients), "estimated migrants moved");
  out += card(format_count(corridors.size()), "corridors");
  out += card(months.empty() ? "&ndash;" : h(months.front() + " \u2013 " + months.back()),
              fmt::format("period ({} months)", months.size()));
  out += card(format_count(arrested), "aides with an arrest record");
  out += card(format_count(b.leads.size()), fmt::format("leads, to {} agencies", agencies.size()));
  if (b.have_progress) out += card(format_fixed(b.dismantling_index, 2), "dismantling index (0 = intact, 1 = gone)");
  out += "</div><ul class=\"judgements\">";
  out += fmt::format("<li>{} organizations show the smuggling signature (score &ge; {}) among {} candidate groups.</li>",
                     b.organizations.size(), format_fixed(b.run.score_threshold, 2),
                     format_count(static_cast<std::uint64_t>(std::max<std::int64_t>(0, b.run.organization_candidates))));
  if (!b.organizations.empty()) {
    const auto& o = b.organizations.front();
    out += fmt::format("<li>The largest, organization {}, has {} aides and moved an estimated {} migrants over {} "
                       "months; status {}.</li>",
                       o.id, format_count(o.size), format_count(o.clients), o.active_months, h(o.status));
  }
  if (!corridors.empty())
    out += fmt::format("<li>The busiest corridor is {} with an estimated {} migrants in {} bookings.</li>",
                       h(corridors.front().label()), format_count(corridors.front().clients),
                       format_count(corridors.front().bookings));
  if (b.have_progress) {
    std::map<std::string, int> fates;
    for (const auto& p : b.progress) ++fates[p.fate];
    std::string list;
    for (const auto& [fate, n] : fates) list += (list.empty() ? "" : ", ") + fmt::format("{} {}", n, h(fate));
    out += fmt::format("<li>Of the {} organizations of the earlier assessment: {}. Overall dismantling index {}.</li>",
                       b.progress.size(), list, format_fixed(b.dismantling_index, 2));
  } else {
    out += "<li>No earlier assessment was given (<code>assess --previous</code>): progress is not measured.</li>";
  }
  if (!b.leads.empty())
    out += fmt::format("<li>Top lead: {}.</li>", h(b.leads.front().reason));
  out += "</ul></section>";
  return out;
}

std::string organizations_section(const Briefing& b) {
  const auto top = top_organizations(b);
  std::string out = "<section id=\"organizations\"><h2>Organizations</h2>";
  out += fmt::format("<p class=\"note\">The {} organizations with the most aides (of {}); estimated migrants are the "
                     "clients moved on one-way hub journeys. Cohesion is the density of ties among aides.</p>",
                     top.size(), b.organizations.size());
  out += "<table><thead><tr><th class=\"num\">Org</th><th class=\"num\">Score</th><th class=\"num\">Size (aides)</th>"
         "<th class=\"num\">Months active</th><th>Main corridors</th><th>Nationalities</th>"
         "<th class=\"num\">Est. migrants</th><th>Status</th><th class=\"num\">Cohesion</th>"
         "<th class=\"num\">Arrested</th></tr></thead><tbody>";
  for (const auto* o : top)
    out += fmt::format("<tr><td class=\"num\"><a href=\"#org-{0}\">{0}</a></td><td class=\"num\">{1}</td>"
                       "<td class=\"num\">{2}</td><td class=\"num\">{3} <span class=\"note\">({4}&ndash;{5})</span></td>"
                       "<td class=\"nowrap\">{6}</td><td>{7}</td><td class=\"num\">{8}</td><td>{9}</td>"
                       "<td class=\"num\">{10}</td><td class=\"num\">{11}</td></tr>",
                       o->id, format_fixed(o->score, 2), format_count(o->size), o->active_months, h(o->first_seen),
                       h(o->last_seen), corridor_cell(o->main_corridors), list_cell(o->nationalities),
                       format_count(o->clients), badge("status", o->status), format_fixed(o->cohesion, 3),
                       format_count(o->arrested));
  out += "</tbody></table>";
  BarChart chart;
  chart.title = "Estimated migrants and aides per organization";
  chart.label_width = 120;
  chart.width = 1000;
  BarSeries migrants{"estimated migrants", series_colour(0), {}}, aides{"aides", series_colour(1), {}};
  for (const auto* o : top) {
    chart.labels.push_back(fmt::format("organization {}", o->id));
    migrants.values.push_back(static_cast<double>(o->clients));
    aides.values.push_back(static_cast<double>(o->size));
  }
  chart.series = {migrants, aides};
  out += figure("Estimated migrants and aides per organization", bar_chart(chart),
                "Estimated migrants: clients moved over the period; aides: non-client members.");
  return out + "</section>";
}

std::string organization_section(const Briefing& b, const Organization& o) {
  const auto drawn = diagram_members(b, o.id);
  std::size_t total = 0, clients = 0;
  for (const auto& m : b.members)
    if (m.organization == o.id) ++total, clients += m.role == "client" ? 1 : 0;
  std::map<std::uint64_t, std::size_t> node_of;
  Diagram d;
  d.title = fmt::format("Members of organization {} and the ties among them", o.id);
  const std::size_t labelled = std::min<std::size_t>(8, drawn.size());
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    const auto& m = *drawn[i];
    node_of[m.entity] = i;
    d.nodes.push_back({m.entity, m.role, m.key_actor_score, m.arrested, i < labelled ? fmt::format("{}", i + 1) : "",
                       fmt::format("{} (entity {}): {}, key-actor score {}{}", member_name(m), m.entity, pretty(m.role),
                                   format_fixed(m.key_actor_score, 2), m.arrested ? ", arrested" : "")});
  }
  for (const auto& t : b.ties) {
    const auto a = node_of.find(t.a), c = node_of.find(t.b);
    if (a != node_of.end() && c != node_of.end() && a->second != c->second)
      d.edges.push_back({a->second, c->second, t.weight});
  }

  std::string out = fmt::format("<section class=\"org\" id=\"org-{}\">", o.id);
  out += fmt::format("<h3>Organization {} {}</h3>", o.id, badge("status", o.status));
  out += fmt::format("<p class=\"facts\">score {} &middot; {} aides &middot; {} estimated migrants &middot; {} months "
                     "active ({} &ndash; {}) &middot; cohesion {} &middot; {} identities &middot; {} phones &middot; "
                     "{} arrested{}</p>",
                     format_fixed(o.score, 2), format_count(o.size), format_count(o.clients), o.active_months,
                     h(o.first_seen), h(o.last_seen), format_fixed(o.cohesion, 3), format_count(o.identities),
                     format_count(o.phones), format_count(o.arrested),
                     (o.previous_id >= 0 ? fmt::format(" &middot; continues earlier organization {}", o.previous_id) : "") +
                         (o.merged_into >= 0 ? fmt::format(" &middot; merged into organization {}", o.merged_into) : ""));
  // Diagram on the left; monthly activity, schemes and routes on the right; the key members
  // (numbered as in the diagram) below at full width, where their evidence reads on one line.
  out += "<div class=\"org-grid\"><div>";
  std::string caption = fmt::format("{} of {} members ({} clients) with the highest key-actor scores; numbers refer "
                                    "to the key members below.",
                                    drawn.size(), total, clients);
  if (!b.have_ties) caption += " Ties not drawn: network.h5 was not available.";
  out += figure("Members and their ties", network_diagram(d), caption);
  out += "</div><div>";
  const auto trend = trend_chart(b, "organization", {fmt::format("{}", o.id)}, 1,
                                 fmt::format("Estimated migrants per month, organization {}", o.id), 500);
  out += figure("Monthly activity", line_chart(trend), "Estimated migrants moved per month.");
  out += "<h4>Schemes</h4>";
  std::vector<const Scheme*> schemes;
  for (const auto& s : b.schemes)
    if (s.organization == o.id) schemes.push_back(&s);
  if (schemes.empty()) {
    out += "<p class=\"note\">No scheme recorded.</p>";
  } else {
    out += "<table><thead><tr><th>Scheme</th><th class=\"num\">Count</th></tr></thead><tbody>";
    for (const auto* s : schemes)
      out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td></tr>", h(pretty(s->scheme)), format_count(s->count));
    out += "</tbody></table>";
  }
  out += fmt::format("<p class=\"note\">Main corridors: {}.<br>Client nationalities: {}.</p>",
                     corridor_cell(o.main_corridors, "; "), list_cell(o.nationalities));
  out += "</div></div><h4>Key members</h4><table><thead><tr><th class=\"num\">#</th><th>Name</th>"
         "<th class=\"num\">Entity</th><th>Role</th><th class=\"num\">Key-actor score</th>"
         "<th class=\"num\">Identities</th><th class=\"num\">Burner phones</th><th>Arrested</th><th>Evidence</th>"
         "</tr></thead><tbody>";
  for (std::size_t i = 0; i < labelled; ++i) {
    const auto& m = *drawn[i];
    out += fmt::format("<tr><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td>"
                       "<td class=\"nowrap\"><span style=\"color:{}\">&#9679;</span> {}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                       i + 1, h(member_name(m)), m.entity, role_colour(m.role), h(pretty(m.role)),
                       format_fixed(m.key_actor_score, 2), m.identities, m.burner_phones, m.arrested ? "yes" : "",
                       h(m.evidence));
  }
  out += "</tbody></table></section>";
  return out;
}

std::string corridors_section(const std::vector<CorridorTotal>& corridors) {
  const std::size_t shown = std::min<std::size_t>(12, corridors.size());
  std::string out = "<section id=\"corridors\"><h2>Corridors</h2>";
  out += fmt::format("<p class=\"note\">The {} routes (origin &rarr; transit hub &rarr; destination) with the most "
                     "estimated migrants over the period, of {}.</p>",
                     shown, corridors.size());
  BarChart bars;
  bars.title = "Estimated migrants per corridor";
  bars.width = 1000;
  bars.label_width = 190;
  BarSeries s{"estimated migrants", series_colour(0), {}};
  FlowChart flows;
  flows.title = "Flows from origin through transit to destination";
  flows.width = 1000;
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& c = corridors[i];
    bars.labels.push_back(c.label());
    s.values.push_back(static_cast<double>(c.clients));
    flows.flows.push_back({c.origin, c.transit, c.destination, static_cast<double>(c.clients)});
  }
  bars.series = {s};
  out += figure("Estimated migrants per corridor", bar_chart(bars), "Whole period.");
  out += figure("Flows from origin through transit to destination", flow_chart(flows),
                "The same corridors; band width = estimated migrants, colour = origin.");
  out += "<table><thead><tr><th>Corridor</th><th class=\"num\">Est. migrants</th><th class=\"num\">Bookings</th>"
         "<th class=\"num\">Months</th><th>First &ndash; last</th><th>Organizations</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& c = corridors[i];
    std::string orgs;
    for (const auto& o : c.organizations) orgs += (orgs.empty() ? "" : ", ") + o;
    out += fmt::format("<tr><td class=\"nowrap\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"nowrap\">{}</td><td>{}</td></tr>",
                       h(c.label()), format_count(c.clients), format_count(c.bookings), c.months.size(),
                       c.months.empty() ? "&ndash;" : h(*c.months.begin() + " \u2013 " + *c.months.rbegin()),
                       orgs.empty() ? "&ndash;" : h(orgs));
  }
  out += "</tbody></table></section>";
  return out;
}

std::string trends_section(const Briefing& b) {
  std::vector<std::string> org_keys;
  for (const auto* o : top_organizations(b))
    if (org_keys.size() < 8) org_keys.push_back(fmt::format("{}", o->id));
  std::string out = "<section id=\"trends\"><h2>Monthly trends</h2><div class=\"grid2\">";
  out += "<div>" + figure("Top corridors", line_chart(trend_chart(b, "corridor", {}, 6, "Top corridors per month", 560)),
                          "The six corridors with the most estimated migrants.") + "</div>";
  out += "<div>" + figure("Organizations", line_chart(trend_chart(b, "organization", org_keys, 8, "Organizations per month", 560)),
                          "Estimated migrants moved per month by the largest organizations.") + "</div>";
  out += "<div>" + figure("Client nationalities", line_chart(trend_chart(b, "nationality", {}, 6, "Client nationalities per month", 560)),
                          "The six commonest client nationalities.") + "</div>";
  out += "</div></section>";
  return out;
}

std::string progress_section(const Briefing& b) {
  std::string out = "<section id=\"progress\"><h2>Progress against the earlier assessment</h2>";
  out += "<div class=\"cards\">" + card(format_fixed(b.dismantling_index, 2), "overall dismantling index (member-weighted)");
  std::uint64_t removed = 0, before = 0, found = 0;
  for (const auto& p : b.progress) removed += p.removed_by_enforcement, before += p.members_before, found += p.members_found;
  out += card(format_count(b.progress.size()), "earlier organizations");
  out += card(format_count(removed), "members removed by enforcement");
  out += card(format_count(found) + " / " + format_count(before), "earlier aides found again");
  out += "</div>";
  out += fmt::format("<p class=\"note\">Earlier assessment: <code>{}</code>. Dismantling index = 1 &minus; capacity "
                     "after / before (clients per active month), 1 when dissolved.</p>",
                     h(b.previous_run));
  BarChart index, capacity;
  index.title = "Dismantling index per earlier organization";
  index.decimals = 2;
  index.max_value = 1;
  index.width = 560;
  index.label_width = 120;
  capacity.title = "Capacity before and after";
  capacity.decimals = 1;
  capacity.width = 560;
  capacity.label_width = 120;
  BarSeries idx{"dismantling index", series_colour(4), {}}, cap_b{"before", series_colour(9), {}},
      cap_a{"after", series_colour(0), {}};
  for (const auto& p : b.progress) {
    index.labels.push_back(fmt::format("earlier org {}", p.previous_id));
    capacity.labels.push_back(fmt::format("earlier org {}", p.previous_id));
    idx.values.push_back(p.dismantling_index);
    cap_b.values.push_back(p.capacity_before);
    cap_a.values.push_back(p.capacity_after);
  }
  index.series = {idx};
  capacity.series = {cap_b, cap_a};
  out += "<div class=\"grid2\"><div>" + figure("Dismantling index per earlier organization", bar_chart(index), "0 = capacity intact, 1 = dismantled.") + "</div><div>" +
         figure("Capacity before and after", bar_chart(capacity), "Clients per active month, earlier run vs. this run.") + "</div></div>";
  out += "<table><thead><tr><th class=\"num\">Earlier org</th><th>Fate</th><th>Successors</th>"
         "<th class=\"num\">Best Jaccard</th><th class=\"num\">Members before</th><th class=\"num\">Found again</th>"
         "<th class=\"num\">Removed</th><th class=\"num\">Capacity before</th><th class=\"num\">after</th>"
         "<th class=\"num\">Dismantling index</th></tr></thead><tbody>";
  for (const auto& p : b.progress)
    out += fmt::format("<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                       p.previous_id, badge("fate", p.fate), list_cell(p.successors), format_fixed(p.best_jaccard, 2),
                       format_count(p.members_before), format_count(p.members_found),
                       format_count(p.removed_by_enforcement), format_fixed(p.capacity_before, 1),
                       format_fixed(p.capacity_after, 1), format_fixed(p.dismantling_index, 2));
  out += "</tbody></table></section>";
  return out;
}

std::string leads_section(const Briefing& b) {
  const std::size_t shown = std::min(b.max_leads, b.leads.size());
  std::string out = "<section id=\"leads\"><h2>Leads</h2>";
  out += fmt::format("<p class=\"note\">The top {} of {} leads by score, with the reason the assessment gives.</p>", shown,
                     b.leads.size());
  out += "<table><thead><tr><th class=\"num\">Rank</th><th>Kind</th><th>Subject</th><th class=\"num\">Org</th>"
         "<th>Score</th><th>Reason</th><th>Issue</th><th>Agency</th><th>Jurisd.</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& l = b.leads[i];
    const std::string subject = l.name.empty() ? h(l.subject)
                                               : h(l.name) + "<br><span class=\"note\">entity " + h(l.subject) + "</span>";
    out += fmt::format("<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>"
                       "<td class=\"nowrap\"><span class=\"scorebar\" style=\"width:{}px\"></span>{}</td>"
                       "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                       l.rank, h(l.kind), subject, org_name(l.organization),
                       static_cast<int>(std::clamp(l.score, 0.0, 1.0) * 50 + 0.5), format_fixed(l.score, 2),
                       h(l.reason), h(pretty(l.issue)), h(pretty(l.agency)), h(l.jurisdiction));
  }
  out += "</tbody></table></section>";
  return out;
}

std::string referrals_section(const Briefing& b) {
  struct Group {
    std::vector<std::uint32_t> ranks;
    std::set<std::string> jurisdictions;
  };
  std::map<std::string, std::map<std::string, Group>> by_agency;
  std::map<std::string, std::uint64_t> per_agency;
  for (const auto& r : b.referrals) {
    auto& g = by_agency[r.agency][r.issue];
    g.ranks.push_back(r.lead_rank);
    if (!r.jurisdiction.empty()) g.jurisdictions.insert(r.jurisdiction);
    ++per_agency[r.agency];
  }
  std::string out = "<section id=\"referrals\"><h2>Referrals per agency</h2>";
  BarChart chart;
  chart.title = "Referrals per agency";
  chart.width = 1000;
  chart.label_width = 190;
  BarSeries s{"referrals", series_colour(6), {}};
  for (const auto& [agency, n] : per_agency) chart.labels.push_back(pretty(agency)), s.values.push_back(static_cast<double>(n));
  chart.series = {s};
  out += figure("Referrals per agency", bar_chart(chart), "Leads referred to each agency by issue type and jurisdiction.");
  out += "<table><thead><tr><th>Agency</th><th>Issue</th><th class=\"num\">Referrals</th><th>Lead ranks</th>"
         "<th>Jurisdictions</th></tr></thead><tbody>";
  for (const auto& [agency, issues] : by_agency)
    for (const auto& [issue, g] : issues) {
      auto ranks = g.ranks;
      std::sort(ranks.begin(), ranks.end());
      std::string rank_text;
      for (std::size_t i = 0; i < ranks.size() && i < 12; ++i) rank_text += (i ? ", " : "") + std::to_string(ranks[i]);
      if (ranks.size() > 12) rank_text += fmt::format(", &hellip; (+{})", ranks.size() - 12);
      std::string places;
      std::size_t n = 0;
      for (const auto& j : g.jurisdictions)
        if (n++ < 8) places += (places.empty() ? "" : ", ") + j;
      if (g.jurisdictions.size() > 8) places += ", \u2026";
      out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                         h(pretty(agency)), h(pretty(issue)), ranks.size(), rank_text, h(places));
    }
  out += "</tbody></table></section>";
  return out;
}

}  // namespace

std::vector<const Organization*> top_organizations(const Briefing& b) {
  std::vector<const Organization*> out;
  for (const auto& o : b.organizations) out.push_back(&o);
  std::stable_sort(out.begin(), out.end(), [](const Organization* a, const Organization* c) { return a->id < c->id; });
  if (out.size() > b.top) out.resize(b.top);
  return out;
}

std::vector<const Member*> diagram_members(const Briefing& b, std::int64_t organization) {
  std::vector<const Member*> of;
  for (const auto& m : b.members)
    if (m.organization == organization) of.push_back(&m);
  std::vector<double> score;
  std::vector<bool> client;
  std::vector<std::uint64_t> id;
  for (const auto* m : of) score.push_back(m->key_actor_score), client.push_back(m->role == "client"), id.push_back(m->entity);
  std::vector<const Member*> out;
  for (auto i : select_top(score, client, id, b.max_nodes)) out.push_back(of[i]);
  return out;
}

std::string render_briefing(const Briefing& b) {
  const auto corridors = corridor_totals(b);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  out += fmt::format("<title>Briefing{}{}</title>", b.run.scenario.empty() ? "" : " \u2013 " + h(b.run.scenario),
                     b.run.assessed_utc.empty() ? "" : " \u2013 " + h(b.run.assessed_utc.substr(0, 10)));
  out += "<style>";
  out += kStyle;
  out += "</style></head><body><main>\n";
  out += header_section(b) + "\n";
  out += summary_section(b, corridors) + "\n";
  out += organizations_section(b) + "\n";
  out += "<section id=\"packages\"><h2>Target packages</h2>\n";
  for (const auto* o : top_organizations(b)) out += organization_section(b, *o) + "\n";
  out += "</section>\n";
  out += corridors_section(corridors) + "\n";
  out += trends_section(b) + "\n";
  if (b.have_progress) out += progress_section(b) + "\n";
  out += leads_section(b) + "\n";
  out += referrals_section(b) + "\n";
  out += fmt::format("<footer>Written by clearinghouse report {} from <code>{}</code>. Organizations, roles and "
                     "counts are estimates from the assessment rules (docs/assessment.md); every figure traces to "
                     "record ids in assessment.h5.</footer>",
                     h(b.run.program_version), h(b.run.run_dir.empty() ? "assessment.h5" : b.run.run_dir + "/assessment.h5"));
  out += "\n</main></body></html>\n";
  return out;
}

}  // namespace ch::report
