#include "jobs/evaluate.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <tbb/parallel_sort.h>

#include <map>
#include <optional>
#include <regex>
#include <unordered_map>

#include "io/provenance.hpp"
#include "io/table.hpp"
#include "jobs/cli.hpp"
#include "jobs/evaluate_assessment.hpp"
#include "jobs/log.hpp"

namespace ch::jobs {
namespace {

std::uint64_t pairs_of(std::uint64_t n) { return n * (n - 1) / 2; }

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n\"");
  const auto e = s.find_last_not_of(" \t\r\n\"");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) out.push_back(trim(std::move(cur))), cur.clear();
    else cur += c;
  }
  out.push_back(trim(std::move(cur)));
  return out;
}

// record id → true entity, from an external CSV column and a regex whose first group (or whole
// match) names the entity.
std::unordered_map<std::string, std::uint64_t> truth_from_csv(const EvaluateOptions& o) {
  std::ifstream in(o.truth_csv);
  if (!in) throw UsageError("evaluate: cannot read --truth-csv '" + o.truth_csv.string() + "'");
  std::regex pattern;
  try {
    pattern = std::regex(o.truth_pattern);
  } catch (const std::regex_error& e) {
    throw UsageError("evaluate: --truth-pattern '" + o.truth_pattern + "': " + e.what());
  }
  std::string line;
  std::getline(in, line);
  const auto header = split_csv_line(line);
  const auto it = std::find(header.begin(), header.end(), o.truth_id_column);
  if (it == header.end())
    throw UsageError("evaluate: --truth-id-column '" + o.truth_id_column + "' is not a column of " +
                     o.truth_csv.string());
  const auto col = static_cast<std::size_t>(it - header.begin());
  std::unordered_map<std::string, std::uint64_t> labels;  // truth text → dense id
  std::unordered_map<std::string, std::uint64_t> out;
  while (std::getline(in, line)) {
    if (trim(line).empty()) continue;
    const auto f = split_csv_line(line);
    if (col >= f.size()) continue;
    std::smatch m;
    if (!std::regex_search(f[col], m, pattern)) continue;
    const std::string key = m.size() > 1 ? m[1].str() : m[0].str();
    const auto [lit, fresh] = labels.try_emplace(key, labels.size());
    out[f[col]] = lit->second;
  }
  return out;
}

}  // namespace

ResolutionScores score_clustering(const std::vector<std::uint64_t>& predicted,
                                  const std::vector<std::uint64_t>& truth) {
  ResolutionScores s;
  s.observations = s.with_truth = predicted.size();
  // Contingency cells (predicted, true) by sorting: runs of one predicted entity, and inside
  // them runs of one true entity. The sums run in (predicted, true) order.
  using Cell = std::pair<std::uint64_t, std::uint64_t>;
  std::vector<Cell> cells(predicted.size());
  for (std::size_t i = 0; i < cells.size(); ++i) cells[i] = {predicted[i], truth[i]};
  tbb::parallel_sort(cells.begin(), cells.end());
  std::vector<Cell> true_size;  // (true entity, records), sorted
  {
    std::vector<std::uint64_t> t = truth;
    tbb::parallel_sort(t.begin(), t.end());
    for (std::size_t i = 0, j = 0; i < t.size(); i = j) {
      while (j < t.size() && t[j] == t[i]) ++j;
      true_size.push_back({t[i], j - i});
      s.true_pairs += pairs_of(j - i);
    }
  }
  auto size_of_true = [&](std::uint64_t t) {
    return std::lower_bound(true_size.begin(), true_size.end(), Cell{t, 0})->second;
  };
  double bp = 0, br = 0;
  for (std::size_t i = 0, j = 0; i < cells.size(); i = j) {
    while (j < cells.size() && cells[j].first == cells[i].first) ++j;
    const auto pred_size = static_cast<double>(j - i);
    s.predicted_pairs += pairs_of(j - i);
    for (std::size_t a = i, b = i; a < j; a = b) {
      while (b < j && cells[b].second == cells[a].second) ++b;
      const std::uint64_t n = b - a;
      s.correct_pairs += pairs_of(n);
      const double nn = static_cast<double>(n) * static_cast<double>(n);
      bp += nn / pred_size;
      br += nn / static_cast<double>(size_of_true(cells[a].second));
    }
  }
  auto f1 = [](double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0.0; };
  s.pairwise_precision = s.predicted_pairs ? static_cast<double>(s.correct_pairs) / static_cast<double>(s.predicted_pairs) : 1.0;
  s.pairwise_recall = s.true_pairs ? static_cast<double>(s.correct_pairs) / static_cast<double>(s.true_pairs) : 1.0;
  s.pairwise_f1 = f1(s.pairwise_precision, s.pairwise_recall);
  const double n = static_cast<double>(std::max<std::size_t>(predicted.size(), 1));
  s.bcubed_precision = predicted.empty() ? 1.0 : bp / n;
  s.bcubed_recall = predicted.empty() ? 1.0 : br / n;
  s.bcubed_f1 = f1(s.bcubed_precision, s.bcubed_recall);
  return s;
}

ResolutionScores evaluate(const JobEnv& env, const RunLayout& layout, const EvaluateOptions& o) {
  const auto& ctx = env.ctx;
  StageTimer timer(env, "evaluate");
  PhaseClock phase(ctx, "evaluate");
  const auto entities_path = layout.entities();
  if (!std::filesystem::is_regular_file(entities_path))
    throw UsageError("evaluate: no entities.h5 in '" + layout.dir.string() + "' (run resolve first)");
  const auto truth_path = o.truth.empty() ? layout.truth() : o.truth;
  const bool csv = !o.truth_csv.empty();
  io::Provenance prov{.stage = "evaluate", .config_text = "",
                      .inputs = io::hash_inputs(ctx, {entities_path, csv ? o.truth_csv : truth_path}),
                      .started_utc = io::utc_now(), .row_counts = {}};
  prov.config_text = csv ? fmt::format("truth_csv = \"{}\"\ntruth_id_column = \"{}\"\ntruth_pattern = '{}'\n",
                                       o.truth_csv.string(), o.truth_id_column, o.truth_pattern)
                         : fmt::format("truth = \"{}\"\n", truth_path.string());

  phase.mark("hash inputs");
  // Every rank reads and scores the same data (small next to resolve): no rank-order effects.
  const io::TableReader ent(ctx, entities_path);
  std::vector<std::uint64_t> pred, truth;
  std::uint64_t records = 0;
  std::optional<io::TableReader> truth_file;
  RecordTruth joined;
  if (csv) {
    const auto m = ent.read_all("/membership", {"record_id", "entity_id"});
    const auto& rid = m.get<std::string>("record_id");
    const auto& eid = m.get<std::uint64_t>("entity_id");
    records = rid.size();
    const auto t = truth_from_csv(o);
    for (std::size_t i = 0; i < rid.size(); ++i)
      if (const auto it = t.find(rid[i]); it != t.end()) pred.push_back(eid[i]), truth.push_back(it->second);
  } else {
    if (!std::filesystem::is_regular_file(truth_path))
      throw UsageError("evaluate: no truth file '" + truth_path.string() + "' (give --truth or --truth-csv)");
    truth_file.emplace(ctx, truth_path);
    joined = record_truth(*truth_file, ent);
    records = joined.records;
    pred = joined.entity;
    // A true entity for merging is one identity of one person.
    truth.resize(pred.size());
    for (std::size_t i = 0; i < pred.size(); ++i) truth[i] = joined.person[i] * 1024 + joined.identity[i];
  }
  phase.mark("join");
  auto s = score_clustering(pred, truth);
  s.observations = records;
  if (s.with_truth == 0) throw UsageError("evaluate: no record of entities.h5 has a truth value (wrong truth file?)");

  phase.mark("score");
  if (!csv && ent.has_table("/aliases")) {
    const auto a = ent.read_all("/aliases", {"entity_a", "entity_b"});
    const auto& ea = a.get<std::uint64_t>("entity_a");
    const auto& eb = a.get<std::uint64_t>("entity_b");
    // Both over the same entities in the same order.
    const auto maj_person = majority(pred, joined.person);
    const auto maj_identity = majority(pred, truth);
    s.alias_links = ea.size();
    for (std::size_t i = 0; i < ea.size(); ++i) {
      const auto *pa = value_of(maj_person, ea[i]), *pb = value_of(maj_person, eb[i]);
      if (!pa || !pb || *pa != *pb) continue;
      ++s.alias_correct;
      if (*value_of(maj_identity, ea[i]) != *value_of(maj_identity, eb[i])) ++s.alias_found;
    }
    // True alias pairs: entities of one person showing different identities.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> person_identity(maj_person.size());
    for (std::size_t k = 0; k < maj_person.size(); ++k) person_identity[k] = {maj_person[k].second, maj_identity[k].second};
    tbb::parallel_sort(person_identity.begin(), person_identity.end());
    const auto& pi = person_identity;
    for (std::size_t i = 0, j = 0; i < pi.size(); i = j) {
      while (j < pi.size() && pi[j].first == pi[i].first) ++j;  // one person's entities
      std::uint64_t same = 0;
      for (std::size_t k = i, l = i; k < j; k = l) {
        while (l < j && pi[l] == pi[k]) ++l;
        same += pairs_of(l - k);
      }
      s.alias_true += pairs_of(j - i) - same;
    }
    s.alias_precision = s.alias_links ? static_cast<double>(s.alias_correct) / static_cast<double>(s.alias_links) : 1.0;
    s.alias_recall = s.alias_true ? static_cast<double>(s.alias_found) / static_cast<double>(s.alias_true) : 1.0;
  }

  if (ctx.is_root()) {
    fmt::print("Entity resolution vs {} ({} of {} observations have truth)\n",
               csv ? o.truth_csv.string() : truth_path.string(), s.with_truth, s.observations);
    fmt::print("  {:<10} {:>10} {:>10} {:>10}\n", "", "precision", "recall", "F1");
    fmt::print("  {:<10} {:>10.4f} {:>10.4f} {:>10.4f}   ({} true pairs, {} predicted, {} correct)\n", "pairwise",
               s.pairwise_precision, s.pairwise_recall, s.pairwise_f1, s.true_pairs, s.predicted_pairs, s.correct_pairs);
    fmt::print("  {:<10} {:>10.4f} {:>10.4f} {:>10.4f}\n", "B-cubed", s.bcubed_precision, s.bcubed_recall, s.bcubed_f1);
    if (!csv)
      fmt::print("  {:<10} {:>10.4f} {:>10.4f} {:>10}   ({} links, {} same person; {} true alias pairs, {} found)\n",
                 "aliases", s.alias_precision, s.alias_recall, "", s.alias_links, s.alias_correct, s.alias_true,
                 s.alias_found);
  }

  phase.mark("aliases");
  const auto out = o.out.empty() ? layout.evaluation() : o.out;
  io::TableWriter writer(ctx, out);
  const std::vector<std::pair<std::string, double>> metrics = {
      {"er_pairwise_precision", s.pairwise_precision}, {"er_pairwise_recall", s.pairwise_recall},
      {"er_pairwise_f1", s.pairwise_f1},               {"er_bcubed_precision", s.bcubed_precision},
      {"er_bcubed_recall", s.bcubed_recall},           {"er_bcubed_f1", s.bcubed_f1},
      {"er_alias_precision", s.alias_precision},       {"er_alias_recall", s.alias_recall}};
  std::vector<std::string> names;
  std::vector<double> values;
  if (ctx.is_root())
    for (const auto& [k, v] : metrics) names.push_back(k), values.push_back(v);
  io::Table t;
  t.add("metric", std::move(names)).add("value", std::move(values));
  writer.write_table("/resolution", t);
  io::Attributes attrs;
  for (const auto& [k, v] : metrics) attrs[k] = v;
  attrs["er_observations_with_truth"] = static_cast<std::int64_t>(s.with_truth);
  prov.row_counts["/resolution"] = metrics.size();
  prov.write(ctx, writer, env.threads);
  writer.set_attributes("/", attrs);
  // Organization metrics (jobs/evaluate_assessment.cpp) go into the same file when assessed.
  if (!csv) add_assessment_metrics(env, layout, *truth_file, joined, writer);
  phase.mark("assessment");
  writer.commit();
  timer.report(s.observations, 0);
  return s;
}

void add_evaluate_command(Cli& cli) {
  struct Options {
    std::filesystem::path run;
    EvaluateOptions e;
  };
  auto o = std::make_shared<Options>();
  auto* sub = cli.add_command("evaluate", "Accuracy of entity resolution against ground truth");
  sub->add_option("--run", o->run, "Run directory (entities.h5; truth.h5 unless --truth/--truth-csv)")->required();
  sub->add_option("--truth", o->e.truth, "truth.h5 from generate (default: RUN/truth.h5)");
  sub->add_option("--truth-csv", o->e.truth_csv, "External CSV holding the truth in a column (e.g. Febrl)");
  sub->add_option("--truth-id-column", o->e.truth_id_column, "Column of --truth-csv with the record ids")
      ->capture_default_str();
  sub->add_option("--truth-pattern", o->e.truth_pattern,
                  "Regex on that column; its first group names the true entity")
      ->capture_default_str();
  sub->add_option("--out", o->e.out, "Output file (default: RUN/evaluation.h5)");
  sub->callback([o, &action = cli.action] {
    action = [o](const JobEnv& env) {
      evaluate(env, RunLayout{o->run}, o->e);
      return 0;
    };
  });
}

}  // namespace ch::jobs
