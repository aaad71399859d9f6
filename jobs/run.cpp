#include "jobs/run.hpp"

#include <fmt/core.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <functional>

#include "cluster/collectives.hpp"
#include "io/hash.hpp"
#include "io/provenance.hpp"
#include "io/table.hpp"
#include "jobs/cli.hpp"
#include "jobs/assess.hpp"
#include "jobs/checkpoint.hpp"
#include "jobs/communities.hpp"
#include "jobs/config.hpp"
#include "jobs/evaluate.hpp"
#include "jobs/generate.hpp"
#include "jobs/ingest.hpp"
#include "jobs/network.hpp"
#include "jobs/resolve.hpp"

namespace ch::jobs {
namespace {

struct Stage {
  std::string name;
  std::filesystem::path output;           // written last by the stage: its checkpoint
  std::function<std::string()> inputs;    // expected `inputs` provenance text, for --resume
  std::function<void()> execute;
};

std::string resume_key(const JobEnv& env, const std::string& stage, const std::string& inputs) {
  return stage_resume_key(stage, inputs,
                          stage == "generate" ? scenario_overrides(env.overrides) : stage_overrides(env.overrides, stage),
                          io::program_build());
}

std::string read_resume_key(const JobEnv& env, const RunLayout& layout, const std::string& stage) {
  std::string key;
  if (env.ctx.is_root()) {
    std::ifstream in(layout.dir / ".resume" / stage);
    std::getline(in, key);
  }
  return cluster::broadcast_string(env.ctx, key);
}

void write_resume_key(const JobEnv& env, const RunLayout& layout, const std::string& stage,
                      const std::string& key) {
  if (!env.ctx.is_root()) return;
  const auto dir = layout.dir / ".resume";
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / (stage + ".partial"));
    out << key << "\n";
  }
  std::filesystem::rename(dir / (stage + ".partial"), dir / stage);
}

}  // namespace

int run_pipeline(const JobEnv& env, const std::string& scenario_name, const RunLayout& layout,
                 bool resume, const std::string& until, const std::filesystem::path& previous) {
  const auto scenario = load_scenario(env, scenario_name);
  const std::vector<Stage> stages = {
      {"generate", layout.truth(),
       [&] { return io::inputs_text({{scenario.source, io::sha256_hex(scenario.effective_toml)}}); },
       [&] { generate(env, scenario, layout.dir); }},
      {"ingest", layout.records(),
       [&] { return io::inputs_text(io::hash_inputs(env.ctx, feed_files(layout.feeds()))); },
       [&] { ingest_feeds(env, layout.feeds(), layout.records(), ingest_options(stage_overrides(env.overrides, "ingest"))); }},
      {"resolve", layout.entities(),
       [&] { return io::inputs_text(io::hash_inputs(env.ctx, {layout.records()})); },
       [&] { resolve(env, layout.records(), layout.entities(), load_resolve_config(env, "")); }},
      {"network", layout.network(),
       [&] { return io::inputs_text(io::hash_inputs(env.ctx, {layout.records(), layout.entities()})); },
       [&] { build_network(env, layout.records(), layout.entities(), layout.network(), load_network_config(env)); }},
      {"communities", layout.communities(),
       [&] { return io::inputs_text(io::hash_inputs(env.ctx, {layout.network()})); },
       [&] {
         CommunitiesOptions options;
         options.network = layout.network();
         options.out = layout.communities();
         communities(env, options);
       }},
      {"assess", layout.assessment(),
       [&] {
         std::vector<std::filesystem::path> inputs = {layout.records(), layout.entities(), layout.network(),
                                                      layout.communities()};
         if (!previous.empty()) {
           inputs.push_back(RunLayout{previous}.assessment());
           inputs.push_back(RunLayout{previous}.entities());
         }
         return io::inputs_text(io::hash_inputs(env.ctx, inputs));
       },
       [&] { assess(env, layout, previous, layout.assessment(), load_assess_config(env)); }},
      // Cheap, and it reads the assessment as well as its recorded inputs: always redone.
      {"evaluate", layout.evaluation(), [] { return std::string("(always redone)"); },
       [&] {
         if (std::filesystem::exists(layout.truth())) evaluate(env, layout, EvaluateOptions{});
       }},
  };
  if (!until.empty() && std::none_of(stages.begin(), stages.end(),
                                      [&](const Stage& s) { return s.name == until; }))
    throw UsageError("--until: unknown stage '" + until + "'");
  try {
    for (const auto& stage : stages) {
      env.stop_point(stage.name);
      const std::string inputs = stage.inputs();
      const std::string key = resume_key(env, stage.name, inputs);
      if (resume && io::output_is_current(env.ctx, stage.output, inputs) &&
          read_resume_key(env, layout, stage.name) == key) {
        spdlog::info("{}: up to date ({}), skipped", stage.name, stage.output.string());
      } else {
        stage.execute();
        write_resume_key(env, layout, stage.name, key);
      }
      if (stage.name == until) break;
    }
  } catch (const Error& e) {
    // A stage that is not built yet ends the run, but what was produced is still summarized.
    if (e.collective()) print_run_summary(env, layout);
    throw;
  }
  print_run_summary(env, layout);
  return 0;
}

void print_run_summary(const JobEnv& env, const RunLayout& layout) {
  const std::filesystem::path outputs[] = {layout.truth(),       layout.records(),
                                           layout.entities(),    layout.network(),
                                           layout.communities(), layout.assessment(),
                                           layout.evaluation()};
  if (env.ctx.is_root()) fmt::print("\nRun directory: {}\n", layout.dir.string());
  if (env.ctx.is_root() && std::filesystem::is_directory(layout.feeds())) {
    fmt::print("  feeds/\n");
    for (const auto& e : std::filesystem::directory_iterator(layout.feeds()))
      if (e.path().extension() == ".csv")
        fmt::print("    {:<22} {:>10.1f} MB\n", e.path().filename().string(),
                   static_cast<double>(e.file_size()) / 1e6);
  }
  for (const auto& path : outputs) {
    if (!std::filesystem::is_regular_file(path)) continue;
    const io::TableReader file(env.ctx, path);
    if (!env.ctx.is_root()) continue;
    fmt::print("  {}\n", path.filename().string());
    for (const auto& table : file.tables())
      fmt::print("    {:<22} {:>10} rows\n", table, file.rows(table));
  }
  print_top_leads(env, layout.assessment());
}

void print_top_leads(const JobEnv& env, const std::filesystem::path& assessment) {
  if (!std::filesystem::is_regular_file(assessment)) return;
  const io::TableReader file(env.ctx, assessment);
  if (!env.ctx.is_root() || !file.has_table("/leads")) return;
  const auto n = std::min<std::uint64_t>(5, file.rows("/leads"));
  const auto leads = file.read("/leads", 0, n, {"kind", "subject", "score", "reason"});
  fmt::print("\nTop leads:\n");
  for (std::uint64_t i = 0; i < n; ++i)
    fmt::print("  {}. [{} {:.2f}] {}: {}\n", i + 1, leads.get<std::string>("kind")[i],
               leads.get<double>("score")[i], leads.get<std::string>("subject")[i],
               leads.get<std::string>("reason")[i]);
}

void add_run_command(Cli& cli) {
  struct Options {
    std::string scenario = "demo";
    std::filesystem::path out;
    bool resume = false;
    std::string until;
    std::filesystem::path previous;
  };
  auto o = std::make_shared<Options>();
  auto* sub = cli.add_command("run", "Run the whole pipeline on a scenario into a run directory");
  sub->add_option("--scenario", o->scenario, "demo|small|medium|large or a TOML file")
      ->capture_default_str();
  sub->add_option("--out", o->out, "Run directory (feeds/, truth.h5, records.h5, ...)")->required();
  sub->add_flag("--resume", o->resume,
                "Reuse finished stages whose inputs are unchanged and continue an interrupted one "
                "from its checkpoint (DIR/.resume)");
  sub->add_option("--until", o->until, "Stop after this stage (generate, ingest, resolve, ...)");
  sub->add_option("--previous", o->previous,
                  "An earlier run directory: the assessment then reports each earlier organization's fate");
  sub->callback([o, &action = cli.action] {
    action = [o](const JobEnv& env) {
      JobEnv with_resume = env;  // stages continue from their own checkpoints too
      with_resume.resume = o->resume;
      return run_pipeline(with_resume, o->scenario, RunLayout{o->out}, o->resume, o->until, o->previous);
    };
  });
}

}  // namespace ch::jobs
