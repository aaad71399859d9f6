#include "jobs/explain.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <unordered_map>

#include "io/table.hpp"
#include "jobs/cli.hpp"
#include "jobs/resolve_data.hpp"

namespace ch::jobs {
namespace {

struct PairRow {
  std::uint64_t a, b;
  double weight, probability, tf_family, tf_given;
  std::uint32_t rules;
  bool same_entity, swapped;
  std::vector<std::uint8_t> level;
};

struct Model {
  std::vector<std::string> comparisons;
  std::map<std::pair<std::string, std::uint8_t>, std::tuple<std::string, double, double, double>> level;
  double lambda = 0.5;
};

std::string split_list(const std::string& s, std::vector<std::string>& out) {
  for (std::size_t at = 0; at < s.size();) {
    auto next = s.find(',', at);
    if (next == std::string::npos) next = s.size();
    if (next > at) out.push_back(s.substr(at, next - at));
    at = next + 1;
  }
  return s;
}

}  // namespace

std::string explain(const JobEnv& env, const RunLayout& layout, const std::string& record,
                    const std::string& other_record) {
  const auto& ctx = env.ctx;
  if (!std::filesystem::is_regular_file(layout.entities()))
    throw UsageError("explain: no entities.h5 in '" + layout.dir.string() + "' (run resolve first)");
  const io::TableReader ent(ctx, layout.entities());
  if (!ent.has_table("/pairs"))
    throw UsageError("explain: entities.h5 has no /pairs table (resolve ran with write_pairs = false)");
  const auto mem = ent.read_all("/membership", {"record_id", "obs", "entity_id"});
  const auto& rid = mem.get<std::string>("record_id");
  const auto& obs = mem.get<std::uint64_t>("obs");
  const auto& eid = mem.get<std::uint64_t>("entity_id");
  auto row_of = [&](const std::string& id) {
    const auto it = std::find(rid.begin(), rid.end(), id);
    if (it == rid.end()) throw UsageError("explain: no record '" + id + "' in " + layout.entities().string());
    return static_cast<std::uint64_t>(it - rid.begin());
  };
  const auto r1 = row_of(record);
  std::uint64_t target = 0;
  if (!other_record.empty()) {
    target = row_of(other_record);
  } else {
    target = static_cast<std::uint64_t>(std::find(obs.begin(), obs.end(), eid[r1]) - obs.begin());
  }

  // Model and blocking rules.
  Model model;
  {
    const auto lv = ent.read_all("/model/levels");
    const auto& comp = lv.get<std::string>("comparison");
    const auto& level = lv.get<std::uint8_t>("level");
    const auto& label = lv.get<std::string>("label");
    const auto& m = lv.get<double>("m");
    const auto& u = lv.get<double>("u");
    const auto& w = lv.get<double>("weight");
    for (std::size_t i = 0; i < comp.size(); ++i) {
      if (model.comparisons.empty() || model.comparisons.back() != comp[i]) model.comparisons.push_back(comp[i]);
      model.level[{comp[i], level[i]}] = {label[i], m[i], u[i], w[i]};
    }
    const auto attrs = ent.attributes("/model/levels");
    if (const auto it = attrs.find("lambda"); it != attrs.end()) model.lambda = std::get<double>(it->second);
  }
  std::vector<std::string> rule_text;
  {
    const auto bl = ent.read_all("/model/blocking", {"text"});
    rule_text = bl.get<std::string>("text");
  }

  // Matched pairs of the run, as an adjacency list over rows.
  std::vector<PairRow> pairs;
  {
    std::vector<std::string> level_cols;
    for (const auto& c : model.comparisons) level_cols.push_back("level_" + c);
    std::vector<std::string> cols = {"row_a", "row_b", "weight", "probability", "tf_family", "tf_given",
                                     "blocking_rules", "same_entity", "names_swapped"};
    cols.insert(cols.end(), level_cols.begin(), level_cols.end());
    const auto t = ent.read_all("/pairs", cols);
    const auto n = t.rows();
    pairs.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      auto& p = pairs[i];
      p.a = t.get<std::uint64_t>("row_a")[i];
      p.b = t.get<std::uint64_t>("row_b")[i];
      p.weight = t.get<double>("weight")[i];
      p.probability = t.get<double>("probability")[i];
      p.tf_family = t.get<double>("tf_family")[i];
      p.tf_given = t.get<double>("tf_given")[i];
      p.rules = t.get<std::uint32_t>("blocking_rules")[i];
      p.same_entity = t.get<std::uint8_t>("same_entity")[i] != 0;
      p.swapped = t.get<std::uint8_t>("names_swapped")[i] != 0;
      for (const auto& c : level_cols) p.level.push_back(t.get<std::uint8_t>(c)[i]);
    }
  }
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> adjacent;
  for (std::size_t i = 0; i < pairs.size(); ++i)
    if (pairs[i].same_entity) adjacent[pairs[i].a].push_back(i), adjacent[pairs[i].b].push_back(i);

  // Observation fields for blocking key texts (records.h5, when present).
  std::unique_ptr<io::TableReader> rec;
  match::ComparisonSpec spec;
  std::vector<match::BlockingRule> rules;
  if (std::filesystem::is_regular_file(layout.records())) {
    rec = std::make_unique<io::TableReader>(ctx, layout.records());
    std::vector<std::string> extra;
    const auto attrs = ent.attributes("/model/levels");
    if (const auto it = attrs.find("extra_comparisons"); it != attrs.end())
      split_list(std::get<std::string>(it->second), extra);
    spec = comparison_spec_for(*rec, extra);
    rules = blocking_rules_for(rule_text, spec, rec->column_names("/observations"));
  }
  // Only when `rec` is open.
  auto fields_of = [&](std::uint64_t row) { return read_observations(*rec, spec, row, row + 1).fields; };

  std::string out;
  auto print_link = [&](std::size_t index, int number) {
    const auto& p = pairs[index];
    out += fmt::format("\n  link {}: {} (obs {})  <->  {} (obs {})\n", number, rid[p.a], obs[p.a], rid[p.b], obs[p.b]);
    std::string keys;
    if (rec) {
      const auto fa = fields_of(p.a), fb = fields_of(p.b);
      for (std::size_t r = 0; r < rule_text.size() && r < 32; ++r) {
        if (!(p.rules & (1u << r))) continue;
        // Rule texts and parsed rules line up unless a rule was skipped for these records.
        const auto it = std::find_if(rules.begin(), rules.end(), [&](const match::BlockingRule& b) { return b.text == rule_text[r]; });
        std::string value;
        if (it != rules.end()) {
          const auto ka = match::blocking_key_text(fa[0], *it), kb = match::blocking_key_text(fb[0], *it);
          value = ka == kb ? " = \"" + ka + "\"" : " (sorted-neighbourhood window)";
        }
        keys += (keys.empty() ? "" : "; ") + rule_text[r] + value;
      }
    } else {
      for (std::size_t r = 0; r < rule_text.size() && r < 32; ++r)
        if (p.rules & (1u << r)) keys += (keys.empty() ? "" : "; ") + rule_text[r];
    }
    out += fmt::format("    brought together by: {}\n", keys);
    if (p.swapped) out += "    given and family names compared crossed (swapped order)\n";
    out += fmt::format("    {:<18} {:<36} {:>9} {:>9} {:>8} {:>9}\n", "comparison", "level", "m", "u", "weight", "running");
    const double prior = std::log2(model.lambda / (1.0 - model.lambda));
    double running = prior;
    out += fmt::format("    {:<18} {:<36} {:>9} {:>9} {:>+8.2f} {:>+9.2f}\n", "prior", fmt::format("lambda = {:.4f}", model.lambda), "", "", prior, running);
    for (std::size_t c = 0; c < model.comparisons.size(); ++c) {
      const auto& name = model.comparisons[c];
      if (p.level[c] == 0) {
        out += fmt::format("    {:<18} {:<36} {:>9} {:>9} {:>+8.2f} {:>+9.2f}\n", name, "missing", "", "", 0.0, running);
        continue;
      }
      const auto& [label, m, u, w] = model.level.at({name, p.level[c]});
      running += w;
      out += fmt::format("    {:<18} {:<36} {:>9.5f} {:>9.5f} {:>+8.2f} {:>+9.2f}\n", name, label, m, u, w, running);
      const double tf = c == 0 ? p.tf_family : c == 1 ? p.tf_given : 0.0;
      if (tf != 0.0) {
        running += tf;
        out += fmt::format("    {:<18} {:<36} {:>9} {:>9} {:>+8.2f} {:>+9.2f}\n", "", "term-frequency adjustment", "", "", tf, running);
      }
    }
    out += fmt::format("    match weight {:+.2f} bits (with prior {:+.2f}) -> probability {:.6f}\n", p.weight, running, p.probability);
  };

  out += fmt::format("Record {} (obs {}) is in entity {}", record, obs[r1], eid[r1]);
  const auto members = static_cast<std::size_t>(std::count(eid.begin(), eid.end(), eid[r1]));
  out += fmt::format(" ({} observations).\n", members);
  if (eid[target] != eid[r1]) {
    out += fmt::format("Record {} is in another entity ({}): they were not merged.\n", rid[target], eid[target]);
    for (std::size_t i = 0; i < pairs.size(); ++i)
      if ((pairs[i].a == std::min(r1, target) && pairs[i].b == std::max(r1, target))) {
        out += "They matched directly, but the link was cut by the chaining guard:\n";
        print_link(i, 1);
      }
  } else if (target == r1) {
    out += "It is the entity's first observation (the entity id is its obs id). Its direct matches:\n";
    int number = 0;
    if (const auto it = adjacent.find(r1); it != adjacent.end())
      for (auto i : it->second) print_link(i, ++number);
    if (number == 0) out += "  none: it is a singleton.\n";
  } else {
    // Breadth-first search: the shortest chain of matches inside the entity.
    std::unordered_map<std::uint64_t, std::size_t> via;
    std::deque<std::uint64_t> queue{r1};
    via[r1] = SIZE_MAX;
    while (!queue.empty() && !via.count(target)) {
      const auto v = queue.front();
      queue.pop_front();
      if (const auto it = adjacent.find(v); it != adjacent.end())
        for (auto i : it->second) {
          const auto w = pairs[i].a == v ? pairs[i].b : pairs[i].a;
          if (via.try_emplace(w, i).second) queue.push_back(w);
        }
    }
    std::vector<std::size_t> chain;
    for (auto v = target; via.count(v) && via[v] != SIZE_MAX;) {
      chain.push_back(via[v]);
      const auto& p = pairs[via[v]];
      v = p.a == v ? p.b : p.a;
    }
    std::reverse(chain.begin(), chain.end());
    out += fmt::format("Chain of {} match{} from {} to {}:\n", chain.size(), chain.size() == 1 ? "" : "es", record, rid[target]);
    int number = 0;
    for (auto i : chain) print_link(i, ++number);
  }
  if (ctx.is_root()) fmt::print("{}", out);
  return out;
}

void add_explain_command(Cli& cli) {
  struct Options {
    std::filesystem::path run;
    std::vector<std::string> records;
  };
  auto o = std::make_shared<Options>();
  auto* sub = cli.add_command("explain", "Why a record sits in its entity: the chain of matches");
  sub->add_option("--run", o->run, "Run directory (entities.h5, records.h5)")->required();
  sub->add_option("--record", o->records, "Record id; a second --record explains the link between the two")
      ->required();
  sub->callback([o, &action = cli.action] {
    action = [o](const JobEnv& env) {
      if (o->records.size() > 2) throw UsageError("explain: at most two --record");
      explain(env, RunLayout{o->run}, o->records.at(0), o->records.size() > 1 ? o->records[1] : std::string());
      return 0;
    };
  });
}

}  // namespace ch::jobs
