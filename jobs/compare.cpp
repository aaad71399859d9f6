// compare: key metrics of several run directories side by side (a scenario sweep's sweep.h5).
//
// One row per run, in the order given. A metric whose file the run lacks (a run stopped early,
// or without truth) is NaN, so runs at different stages still line up in one table.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "io/provenance.hpp"
#include "io/table.hpp"
#include "jobs/cli.hpp"
#include "jobs/log.hpp"
#include "kernels/world/scenario.hpp"

namespace ch::jobs {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

// (file, table or attribute, metric name): a table's row count, or a numeric root attribute.
struct Metric {
  const char* name;
  std::filesystem::path (RunLayout::*file)() const;
  const char* table;      // row count of this table, or
  const char* attribute;  // this root attribute
};
const Metric kMetrics[] = {
    {"observations", &RunLayout::records, "/observations", nullptr},
    {"calls", &RunLayout::records, "/calls", nullptr},
    {"quarantined", &RunLayout::records, "/quarantine", nullptr},
    {"entities", &RunLayout::entities, "/entities", nullptr},
    {"aliases", &RunLayout::entities, "/aliases", nullptr},
    {"edges", &RunLayout::network, "/edges", nullptr},
    {"communities", &RunLayout::communities, "/communities", nullptr},
    {"modularity", &RunLayout::communities, nullptr, "modularity"},
    {"organizations", &RunLayout::assessment, "/organizations", nullptr},
    {"leads", &RunLayout::assessment, "/leads", nullptr},
    {"er_pairwise_f1", &RunLayout::evaluation, nullptr, "er_pairwise_f1"},
    {"er_bcubed_f1", &RunLayout::evaluation, nullptr, "er_bcubed_f1"},
    {"org_nmi", &RunLayout::evaluation, nullptr, "org_nmi"},
    {"org_ari", &RunLayout::evaluation, nullptr, "org_ari"},
    {"org_match_top10", &RunLayout::evaluation, nullptr, "org_match_top10"},
    {"lead_precision_top20", &RunLayout::evaluation, nullptr, "lead_precision_top20"},
    {"key_actor_recall", &RunLayout::evaluation, nullptr, "key_actor_recall"},
};

double metric_value(const JobEnv& env, const RunLayout& run, const Metric& m) {
  const auto path = (run.*m.file)();
  if (!std::filesystem::is_regular_file(path)) return kMissing;
  const io::TableReader file(env.ctx, path);
  if (m.table) return file.has_table(m.table) ? static_cast<double>(file.rows(m.table)) : kMissing;
  const auto attrs = file.attributes("/");
  const auto it = attrs.find(m.attribute);
  if (it == attrs.end()) return kMissing;
  if (const auto* d = std::get_if<double>(&it->second)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&it->second)) return static_cast<double>(*i);
  return kMissing;
}

}  // namespace

void compare_runs(const JobEnv& env, const std::vector<std::filesystem::path>& runs,
                  const std::filesystem::path& out) {
  const auto& ctx = env.ctx;
  StageTimer timer(env, "compare");
  io::Provenance prov{.stage = "compare", .config_text = "", .inputs = {}, .started_utc = io::utc_now(),
                      .row_counts = {}};
  std::vector<std::string> run_names, scenario;
  std::vector<std::uint64_t> seed;
  std::vector<std::int32_t> months;
  std::vector<std::vector<double>> values(std::size(kMetrics));
  for (const auto& dir : runs) {
    const RunLayout run{dir};
    if (!std::filesystem::is_regular_file(run.truth()) && !std::filesystem::is_regular_file(run.records()))
      throw UsageError("compare: " + dir.string() + " is not a run directory (no truth.h5 or records.h5)");
    run_names.push_back(dir.string());
    // The scenario a run was generated from is the effective TOML in truth.h5's provenance.
    std::string name, source = run.truth().string();
    std::uint64_t s = 0;
    std::int32_t m = 0;
    if (std::filesystem::is_regular_file(run.truth())) {
      const io::TableReader truth(ctx, run.truth());
      const auto attrs = truth.attributes("/");
      const auto it = attrs.find("config");
      if (it != attrs.end()) {
        const auto scenario_of_run = world::parse_scenario(std::get<std::string>(it->second), source);
        name = scenario_of_run.name;
        s = scenario_of_run.seed;
        m = scenario_of_run.months;
      }
      prov.inputs.emplace_back(run.truth().string(), "");
    }
    scenario.push_back(name);
    seed.push_back(s);
    months.push_back(m);
    for (std::size_t k = 0; k < std::size(kMetrics); ++k) values[k].push_back(metric_value(env, run, kMetrics[k]));
  }
  prov.inputs = io::hash_inputs(ctx, [&] {
    std::vector<std::filesystem::path> files;
    for (const auto& dir : runs)
      for (const auto& f : {RunLayout{dir}.truth(), RunLayout{dir}.evaluation()})
        if (std::filesystem::is_regular_file(f)) files.push_back(f);
    return files;
  }());

  // Every rank computed the same table; rank 0 contributes the rows.
  io::Table t;
  const bool root = ctx.is_root();
  auto mine = [root](auto v) { return root ? v : decltype(v){}; };
  t.add("run", mine(run_names)).add("scenario", mine(scenario)).add("seed", mine(seed)).add("months", mine(months));
  for (std::size_t k = 0; k < std::size(kMetrics); ++k) t.add(kMetrics[k].name, mine(values[k]));
  io::TableWriter writer(ctx, out);
  writer.write_table("/runs", t);
  prov.row_counts["/runs"] = runs.size();
  prov.write(ctx, writer, env.threads);
  writer.commit();
  if (root) {
    fmt::print("{:<40} {:>10} {:>6}", "run", "scenario", "seed");
    for (const char* k : {"entities", "organizations", "er_pairwise_f1", "org_nmi"}) fmt::print(" {:>14}", k);
    fmt::print("\n");
    for (std::size_t r = 0; r < runs.size(); ++r) {
      fmt::print("{:<40} {:>10} {:>6}", run_names[r], scenario[r], seed[r]);
      for (std::size_t k = 0; k < std::size(kMetrics); ++k) {
        const std::string_view name = kMetrics[k].name;
        if (name == "entities" || name == "organizations" || name == "er_pairwise_f1" || name == "org_nmi")
          fmt::print(" {:>14.6g}", values[k][r]);
      }
      fmt::print("\n");
    }
  }
  timer.report(runs.size(), 0);
}

void add_compare_command(Cli& cli) {
  struct Options {
    std::vector<std::filesystem::path> runs;
    std::filesystem::path out;
  };
  auto o = std::make_shared<Options>();
  auto* sub = cli.add_command("compare", "Key metrics of several runs side by side (e.g. a sweep's sweep.h5)");
  sub->add_option("runs", o->runs, "Run directories")->required();
  sub->add_option("--out", o->out, "Output file (one row per run in /runs)")->required();
  sub->callback([o, &action = cli.action] {
    action = [o](const JobEnv& env) {
      compare_runs(env, o->runs, o->out);
      return 0;
    };
  });
}

}  // namespace ch::jobs
