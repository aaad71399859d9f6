#include "jobs/report.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "cluster/collectives.hpp"
#include "io/hash.hpp"
#include "io/table.hpp"
#include "jobs/cli.hpp"
#include "jobs/log.hpp"
#include "kernels/report/briefing.hpp"

namespace ch::jobs {
namespace {

namespace fs = std::filesystem;

// Rows per read of the large tables (edges, entities): bounds memory whatever their size.
constexpr std::uint64_t kSliceRows = 1u << 20;

std::string text_attribute(const io::Attributes& a, const std::string& name) {
  const auto it = a.find(name);
  if (it == a.end()) return "";
  if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
  return std::visit([](const auto& v) { return fmt::format("{}", v); }, it->second);
}

double number_attribute(const io::Attributes& a, const std::string& name) {
  const auto it = a.find(name);
  if (it == a.end()) return 0;
  if (const auto* d = std::get_if<double>(&it->second)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&it->second)) return static_cast<double>(*i);
  return 0;
}

// `[world] name = "..."` of a synthetic run's scenario (truth.h5 `config`), "" if none.
std::string scenario_name(const std::string& config) {
  std::istringstream lines(config);
  bool in_world = false;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.front() == '[') in_world = line.rfind("[world]", 0) == 0;
    if (!in_world || line.rfind("name", 0) != 0) continue;
    const auto open = line.find('"'), close = line.rfind('"');
    if (open != std::string::npos && close > open) return line.substr(open + 1, close - open - 1);
  }
  return "";
}

// "file sha256:HEX" lines of the `inputs` attribute.
std::vector<std::pair<std::string, std::string>> parse_inputs(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto at = line.rfind(" sha256:");
    if (at == std::string::npos) continue;
    out.emplace_back(line.substr(0, at), line.substr(at + 8));
  }
  return out;
}

// Calls `visit(table, row)` for every row of this rank's share of `group`, read in slices.
template <class Visit>
void scan_my_share(const cluster::Context& ctx, const io::TableReader& file, const std::string& group,
                   const std::vector<std::string>& columns, Visit visit) {
  const auto [begin, end] = io::even_share(file.rows(group), ctx.rank(), ctx.size());
  for (std::uint64_t at = begin; at < end; at += kSliceRows) {
    const auto t = file.read(group, at, std::min(end, at + kSliceRows), columns);
    for (std::size_t i = 0; i < t.rows(); ++i) visit(t, i);
  }
}

void load_assessment(const io::TableReader& a, report::Briefing& b) {
  const auto path = a.path().string();
  for (const char* table : {"/organizations", "/members", "/corridors", "/trends", "/schemes", "/leads", "/referrals"})
    if (!a.has_table(table))
      throw UsageError("report: " + path + " has no " + table + " table (not an assessment.h5 of this version?)");
  {
    const auto t = a.read_all("/organizations");
    for (std::size_t i = 0; i < t.rows(); ++i) {
      report::Organization o;
      o.id = t.get<std::int64_t>("id")[i];
      o.previous_id = t.get<std::int64_t>("previous_id")[i];
      o.score = t.get<double>("score")[i];
      o.size = t.get<std::uint32_t>("size")[i];
      o.clients = t.get<std::uint64_t>("clients")[i];
      o.active_months = t.get<std::uint32_t>("active_months")[i];
      o.first_seen = t.get<std::string>("first_seen")[i];
      o.last_seen = t.get<std::string>("last_seen")[i];
      o.main_corridors = t.get<std::string>("main_corridors")[i];
      o.nationalities = t.get<std::string>("nationalities")[i];
      o.identities = t.get<std::uint64_t>("identities")[i];
      o.phones = t.get<std::uint64_t>("phones")[i];
      o.arrested = t.get<std::uint64_t>("arrested")[i];
      o.cohesion = t.get<double>("cohesion")[i];
      o.status = t.get<std::string>("status")[i];
      // Assessments written before predecessors were cut have no merged_into column.
      if (t.has("merged_into")) o.merged_into = t.get<std::int64_t>("merged_into")[i];
      b.organizations.push_back(std::move(o));
    }
  }
  std::unordered_set<std::int64_t> shown;
  for (const auto* o : report::top_organizations(b)) shown.insert(o->id);
  {
    const auto t = a.read_all("/members", {"organization", "entity", "role", "evidence", "key_actor_score",
                                           "identities", "burner_phones", "arrested"});
    for (std::size_t i = 0; i < t.rows(); ++i) {
      if (!shown.count(t.get<std::int64_t>("organization")[i])) continue;
      report::Member m;
      m.organization = t.get<std::int64_t>("organization")[i];
      m.entity = t.get<std::uint64_t>("entity")[i];
      m.role = t.get<std::string>("role")[i];
      m.evidence = t.get<std::string>("evidence")[i];
      m.key_actor_score = t.get<double>("key_actor_score")[i];
      m.identities = t.get<std::uint32_t>("identities")[i];
      m.burner_phones = t.get<std::uint32_t>("burner_phones")[i];
      m.arrested = t.get<std::uint8_t>("arrested")[i] != 0;
      b.members.push_back(std::move(m));
    }
  }
  {
    const auto t = a.read_all("/corridors", {"origin", "transit", "destination", "month", "clients", "bookings",
                                             "organizations"});
    for (std::size_t i = 0; i < t.rows(); ++i)
      b.corridors.push_back({t.get<std::string>("origin")[i], t.get<std::string>("transit")[i],
                             t.get<std::string>("destination")[i], t.get<std::string>("month")[i],
                             t.get<std::uint64_t>("clients")[i], t.get<std::uint64_t>("bookings")[i],
                             t.get<std::string>("organizations")[i]});
  }
  {
    const auto t = a.read_all("/trends", {"series", "key", "month", "clients"});
    for (std::size_t i = 0; i < t.rows(); ++i)
      b.trends.push_back({t.get<std::string>("series")[i], t.get<std::string>("key")[i], t.get<std::string>("month")[i],
                          t.get<std::uint64_t>("clients")[i]});
  }
  {
    const auto t = a.read_all("/schemes", {"organization", "scheme", "count"});
    for (std::size_t i = 0; i < t.rows(); ++i)
      if (shown.count(t.get<std::int64_t>("organization")[i]))
        b.schemes.push_back({t.get<std::int64_t>("organization")[i], t.get<std::string>("scheme")[i],
                             t.get<std::uint64_t>("count")[i]});
  }
  {
    const auto t = a.read_all("/leads", {"rank", "kind", "subject", "entity", "organization", "score", "reason",
                                         "agency", "issue", "jurisdiction"});
    for (std::size_t i = 0; i < t.rows(); ++i) {
      report::Lead l;
      l.rank = t.get<std::uint32_t>("rank")[i];
      l.kind = t.get<std::string>("kind")[i];
      l.subject = t.get<std::string>("subject")[i];
      l.organization = t.get<std::int64_t>("organization")[i];
      l.score = t.get<double>("score")[i];
      l.reason = t.get<std::string>("reason")[i];
      l.agency = t.get<std::string>("agency")[i];
      l.issue = t.get<std::string>("issue")[i];
      l.jurisdiction = t.get<std::string>("jurisdiction")[i];
      b.leads.push_back(std::move(l));
    }
  }
  {
    const auto t = a.read_all("/referrals", {"agency", "issue", "lead_rank", "subject", "organization", "jurisdiction"});
    for (std::size_t i = 0; i < t.rows(); ++i)
      b.referrals.push_back({t.get<std::string>("agency")[i], t.get<std::string>("issue")[i],
                             t.get<std::string>("subject")[i], t.get<std::string>("jurisdiction")[i],
                             t.get<std::uint32_t>("lead_rank")[i], t.get<std::int64_t>("organization")[i]});
  }
  if (a.has_table("/progress")) {
    b.have_progress = true;
    const auto t = a.read_all("/progress");
    for (std::size_t i = 0; i < t.rows(); ++i) {
      report::ProgressRow p;
      p.previous_id = t.get<std::int64_t>("previous_id")[i];
      p.fate = t.get<std::string>("fate")[i];
      p.successors = t.get<std::string>("successors")[i];
      p.best_jaccard = t.get<double>("best_jaccard")[i];
      p.members_before = t.get<std::uint64_t>("members_before")[i];
      p.members_found = t.get<std::uint64_t>("members_found")[i];
      p.removed_by_enforcement = t.get<std::uint64_t>("removed_by_enforcement")[i];
      p.capacity_before = t.get<double>("capacity_before")[i];
      p.capacity_after = t.get<double>("capacity_after")[i];
      p.dismantling_index = t.get<double>("dismantling_index")[i];
      b.progress.push_back(std::move(p));
    }
    const auto attrs = a.attributes("/progress");
    b.dismantling_index = number_attribute(attrs, "dismantling_index");
    b.previous_run = text_attribute(attrs, "previous_run");
  }
}

// Ties among the members each diagram draws: every rank scans its share of network.h5 /edges
// and keeps the edges whose two ends are drawn in one organization; the pieces are gathered
// in rank order, which is row order.
void load_ties(const cluster::Context& ctx, const fs::path& network, report::Briefing& b) {
  std::unordered_map<std::uint64_t, std::vector<std::int64_t>> drawn_in;
  for (const auto* o : report::top_organizations(b))
    for (const auto* m : report::diagram_members(b, o->id)) drawn_in[m->entity].push_back(o->id);
  const io::TableReader net(ctx, network);
  if (!net.has_table("/edges")) return;
  std::vector<report::Tie> mine;
  scan_my_share(ctx, net, "/edges", {"source", "target", "weight"}, [&](const io::Table& t, std::size_t i) {
    const auto s = drawn_in.find(t.get<std::uint64_t>("source")[i]);
    const auto d = drawn_in.find(t.get<std::uint64_t>("target")[i]);
    if (s == drawn_in.end() || d == drawn_in.end()) return;
    for (auto org : s->second)
      if (std::find(d->second.begin(), d->second.end(), org) != d->second.end()) {
        mine.push_back({s->first, d->first, t.get<double>("weight")[i]});
        return;
      }
  });
  b.ties = cluster::allgatherv<report::Tie>(ctx, mine);
  b.have_ties = true;
}

// Names (entities.h5 /entities) of the drawn members and of the persons behind listed leads.
void load_names(const cluster::Context& ctx, const fs::path& entities, report::Briefing& b) {
  std::unordered_set<std::uint64_t> wanted;
  for (const auto* o : report::top_organizations(b))
    for (const auto* m : report::diagram_members(b, o->id)) wanted.insert(m->entity);
  std::map<std::size_t, std::uint64_t> lead_entity;  // lead index → entity
  for (std::size_t i = 0; i < b.leads.size() && i < b.max_leads; ++i) {
    if (b.leads[i].kind != "person") continue;
    try {
      const auto e = std::stoull(b.leads[i].subject);
      lead_entity[i] = e;
      wanted.insert(e);
    } catch (const std::exception&) {
      // A subject that is not an entity id keeps no name.
    }
  }
  const io::TableReader ent(ctx, entities);
  if (!ent.has_table("/entities")) return;
  std::vector<std::uint64_t> ids;
  std::vector<std::string> names;
  scan_my_share(ctx, ent, "/entities", {"entity_id", "name"}, [&](const io::Table& t, std::size_t i) {
    const auto id = t.get<std::uint64_t>("entity_id")[i];
    if (wanted.count(id)) ids.push_back(id), names.push_back(t.get<std::string>("name")[i]);
  });
  const auto all_ids = cluster::allgatherv<std::uint64_t>(ctx, ids);
  const auto all_names = cluster::allgatherv_strings(ctx, names);
  std::unordered_map<std::uint64_t, std::string> name_of;
  for (std::size_t i = 0; i < all_ids.size() && i < all_names.size(); ++i) name_of.emplace(all_ids[i], all_names[i]);
  for (auto& m : b.members)
    if (const auto it = name_of.find(m.entity); it != name_of.end()) m.name = it->second;
  for (const auto& [i, e] : lead_entity)
    if (const auto it = name_of.find(e); it != name_of.end()) b.leads[i].name = it->second;
}

// Rank 0 writes PATH.partial (mode 0640) and renames it; the verdict is shared so that every
// rank fails alike (exit 1) when the file cannot be written.
void write_atomically(const cluster::Context& ctx, const fs::path& path, const std::string& bytes) {
  std::string error;
  if (ctx.is_root()) {
    const fs::path partial = path.string() + ".partial";
    {
      std::ofstream f(partial, std::ios::binary | std::ios::trunc);
      f << bytes;
      if (!f.flush()) error = "cannot write " + partial.string();
    }
    std::error_code ec;
    if (error.empty()) fs::permissions(partial, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read, ec);
    if (error.empty() && !ec) fs::rename(partial, path, ec);
    if (error.empty() && ec) error = "cannot write " + path.string() + ": " + ec.message();
    if (!error.empty()) fs::remove(partial, ec);
  }
  error = cluster::broadcast_string(ctx, error);
  if (!error.empty()) throw Error(kExitFailure, "report: " + error, true);
}

}  // namespace

fs::path report(const JobEnv& env, const ReportOptions& options) {
  const auto& ctx = env.ctx;
  StageTimer timer(env, "report");
  if (!env.overrides.empty())
    throw UsageError("report: --set " + env.overrides.front() + ": report has no config keys (options: --top, "
                     "--max-nodes, --leads)");
  const RunLayout run{options.run};
  const fs::path out = options.out.empty() ? run.dir / "report.html" : options.out;
  auto extension = out.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
  if (extension == ".pdf")
    throw UsageError("report: --out " + out.string() + ": report writes HTML; print it to PDF with "
                     "`chromium --headless --print-to-pdf=FILE.pdf file://REPORT.html` (docs/report.md)");
  if (!fs::is_directory(run.dir)) throw UsageError("report: run directory '" + run.dir.string() + "' does not exist");
  if (!fs::is_regular_file(run.assessment()))
    throw UsageError("report: no assessment.h5 in '" + run.dir.string() + "' (run `clearinghouse assess --run " +
                     run.dir.string() + "` first)");
  if (out.has_parent_path() && !fs::is_directory(out.parent_path()))
    throw UsageError("report: --out " + out.string() + ": directory '" + out.parent_path().string() + "' does not exist");

  report::Briefing b;
  b.top = options.top;
  b.max_nodes = options.max_nodes;
  b.max_leads = options.max_leads;
  {
    const io::TableReader a(ctx, run.assessment());
    load_assessment(a, b);
    const auto attrs = a.attributes("/");
    b.run.run_dir = run.dir.string();
    b.run.assessed_utc = text_attribute(attrs, "finished_utc");
    b.run.program_version = text_attribute(attrs, "program_version");
    b.run.program_commit = text_attribute(attrs, "program_commit");
    b.run.inputs = parse_inputs(text_attribute(attrs, "inputs"));
    b.run.organization_candidates = static_cast<std::int64_t>(number_attribute(attrs, "organization_candidates"));
    b.run.score_threshold = number_attribute(attrs, "score_threshold");
  }
  if (fs::is_regular_file(run.truth())) {
    const io::TableReader truth(ctx, run.truth());
    b.run.scenario = scenario_name(text_attribute(truth.attributes("/"), "config"));
  }
  if (fs::is_regular_file(run.network())) load_ties(ctx, run.network(), b);
  if (fs::is_regular_file(run.entities())) load_names(ctx, run.entities(), b);

  std::string html;
  if (ctx.is_root()) {
    b.run.run_hash = io::sha256_file(run.assessment());
    html = report::render_briefing(b);
  }
  write_atomically(ctx, out, html);
  const auto bytes = std::stoull(cluster::broadcast_string(ctx, std::to_string(html.size())));
  if (ctx.is_root())
    spdlog::info("report: wrote {} ({} KB; {} of {} organizations, {} leads{})", out.string(), (bytes + 1023) / 1024,
                 report::top_organizations(b).size(), b.organizations.size(), std::min(b.max_leads, b.leads.size()),
                 b.have_progress ? ", progress" : "");
  timer.report(b.organizations.size(), bytes);
  return out;
}

void add_report_command(Cli& cli) {
  auto o = std::make_shared<ReportOptions>();
  auto* sub = cli.add_command("report", "A briefing (self-contained HTML with charts) from a run's assessment");
  sub->add_option("--run", o->run, "Run directory (assessment.h5; network.h5 and entities.h5 for the diagrams)")
      ->required();
  sub->add_option("--out", o->out, "Output HTML file (default: RUN/report.html)");
  sub->add_option("--top", o->top, "Organizations with a section of their own (the first by id)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub->add_option("--max-nodes", o->max_nodes, "Members drawn per network diagram (highest key-actor scores)")
      ->capture_default_str()
      ->check(CLI::Range(1, 500));
  sub->add_option("--leads", o->max_leads, "Leads listed")->capture_default_str()->check(CLI::NonNegativeNumber);
  sub->callback([o, &action = cli.action] {
    action = [o](const JobEnv& env) {
      report(env, *o);
      return 0;
    };
  });
}

}  // namespace ch::jobs
