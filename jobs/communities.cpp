#include "jobs/communities.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>

#include "cluster/collectives.hpp"
#include "cluster/louvain.hpp"
#include "cluster/shuffle.hpp"
#include "io/provenance.hpp"
#include "io/table.hpp"
#include "jobs/checkpoint.hpp"
#include "jobs/cli.hpp"
#include "jobs/log.hpp"
#include "kernels/community/edge_csv.hpp"
#include "kernels/rng.hpp"

namespace ch::jobs {
namespace {

using community::Arc;
using community::Weight;

struct EdgeGraph {
  std::vector<std::string> labels;  // sorted distinct labels: label of vertex id i (replicated)
  std::vector<std::uint64_t> entities;  // network.h5 input: entity id of vertex i (replicated)
  community::GraphSlice slice;
  std::uint64_t edges = 0;           // distinct undirected edges with weight > 0
  std::uint64_t duplicates = 0;      // extra lines naming an edge already seen (weights summed)
  std::uint64_t self_loops = 0;      // dropped
  std::uint64_t zero_weight = 0;     // lines with weight 0
  std::uint64_t bytes = 0;
};

std::string read_range(const std::filesystem::path& path, std::uint64_t begin, std::uint64_t end) {
  std::ifstream in(path, std::ios::binary);
  std::string s(end - begin, '\0');
  in.seekg(static_cast<std::streamoff>(begin));
  in.read(s.data(), static_cast<std::streamsize>(s.size()));
  if (static_cast<std::uint64_t>(in.gcount()) != s.size())
    throw std::runtime_error("cannot read " + path.string());
  return s;
}

// This rank's lines: those whose first byte lies in its share of [data_begin, size). The share
// is extended to the end of its last line, and a partial first line is left to the rank before.
std::string my_lines(const cluster::Context& ctx, const std::filesystem::path& path,
                     std::uint64_t data_begin, std::uint64_t size) {
  const auto [b0, e0] = io::even_share(size - data_begin, ctx.rank(), ctx.size());
  std::uint64_t begin = data_begin + b0, end = data_begin + e0;
  if (begin == end) return {};
  std::ifstream in(path, std::ios::binary);
  auto byte_at = [&](std::uint64_t at) {
    in.seekg(static_cast<std::streamoff>(at));
    return static_cast<char>(in.get());
  };
  if (begin > data_begin && byte_at(begin - 1) != '\n') {
    // Skip to the first line that starts inside the share.
    constexpr std::uint64_t kStep = 1 << 16;
    while (begin < end) {
      const std::string s = read_range(path, begin, std::min(end, begin + kStep));
      const auto nl = s.find('\n');
      if (nl != std::string::npos) {
        begin += nl + 1;
        break;
      }
      begin += s.size();
    }
    if (begin >= end) return {};
  }
  std::string text = read_range(path, begin, end);
  // Finish the last line.
  while (!text.empty() && text.back() != '\n' && end < size) {
    const std::string more = read_range(path, end, std::min(size, end + (1 << 16)));
    const auto nl = more.find('\n');
    const std::size_t take = nl == std::string::npos ? more.size() : nl + 1;
    text.append(more, 0, take);
    end += take;
  }
  return text;
}

// The first error on any rank (smallest line number), raised on every rank.
void raise_first_error(const cluster::Context& ctx, const std::filesystem::path& path, std::uint64_t line,
                       const std::string& message) {
  const std::uint64_t local = line == 0 ? std::numeric_limits<std::uint64_t>::max() : line;
  const auto lines = cluster::allgather<std::uint64_t>(ctx, local);
  const auto first = std::min_element(lines.begin(), lines.end());
  if (*first == std::numeric_limits<std::uint64_t>::max()) return;
  const int root = static_cast<int>(first - lines.begin());
  const std::string text = cluster::broadcast_string(ctx, message, root);
  throw UsageError(path.string() + ":" + std::to_string(*first) + ": " + text);
}

void finish_graph(const cluster::Context& ctx, const std::filesystem::path& path, std::vector<Arc> arcs,
                  EdgeGraph& g);

// True on every rank when every label on every rank is a decimal label (edge_csv.hpp).
bool all_decimal_labels(const cluster::Context& ctx, const std::vector<community::RawEdge>& edges) {
  bool ok = true;
  for (const auto& e : edges)
    if (community::decimal_label(e.source).digits == 0 || community::decimal_label(e.target).digits == 0) {
      ok = false;
      break;
    }
  return !cluster::allreduce_or(ctx, !ok);
}

// Ids by sorting the labels as strings (any labels).
std::vector<Arc> string_label_arcs(const cluster::Context& ctx, const std::vector<community::RawEdge>& edges,
                                   EdgeGraph& g) {
  std::vector<std::string_view> mine;
  mine.reserve(2 * edges.size());
  for (const auto& e : edges) {
    mine.push_back(e.source);
    mine.push_back(e.target);
  }
  std::sort(mine.begin(), mine.end());
  mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
  g.labels = cluster::allgatherv_strings(ctx, std::vector<std::string>(mine.begin(), mine.end()));
  std::sort(g.labels.begin(), g.labels.end());
  g.labels.erase(std::unique(g.labels.begin(), g.labels.end()), g.labels.end());
  const std::uint64_t n = g.labels.size();
  std::unordered_map<std::string_view, std::uint64_t> id;
  id.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) id.emplace(g.labels[i], i);
  std::vector<Arc> arcs;
  arcs.reserve(edges.size());
  for (const auto& e : edges) {
    const std::uint64_t u = id.at(e.source), v = id.at(e.target);
    arcs.push_back({std::min(u, v), std::max(u, v), community::to_fixed(e.weight)});
  }
  return arcs;
}

// Integer vertex values (decimal labels, entity ids) to dense ids. Values are deduplicated with a
// bitmap (or a sort when they are sparse) and mapped to ids through a dense table (or a sorted one
// when sparse): O(values + distinct log distinct + largest value) instead of sorting all values
// and searching for each.
bool dense_span(std::uint64_t top, std::uint64_t count) { return top < 8 * count + (1u << 20); }

std::vector<std::uint64_t> distinct_values(const std::vector<std::uint64_t>& values) {
  std::uint64_t largest = 0;
  for (const auto v : values) largest = std::max(largest, v);
  std::vector<std::uint64_t> distinct;
  if (dense_span(largest, values.size())) {
    std::vector<std::uint64_t> bits(largest / 64 + 1, 0);
    for (const auto v : values) bits[v / 64] |= std::uint64_t{1} << (v % 64);
    for (std::uint64_t w = 0; w < bits.size(); ++w)
      for (std::uint64_t b = bits[w]; b != 0; b &= b - 1) distinct.push_back(w * 64 + static_cast<std::uint64_t>(__builtin_ctzll(b)));
  } else {
    distinct = values;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  }
  return distinct;
}

// Arcs of edge i = (values[2i], values[2i+1]) with weight weight_of(i), the ids being the
// positions of the values in `value_of_id` (every value occurs there once).
template <class WeightOf>
std::vector<Arc> arcs_by_id(const std::vector<std::uint64_t>& values, const std::vector<std::uint64_t>& value_of_id,
                            WeightOf weight_of) {
  const std::uint64_t n = value_of_id.size();
  std::uint64_t top = 0;
  for (const auto v : value_of_id) top = std::max(top, v);
  std::vector<Arc> arcs(values.size() / 2);
  auto fill = [&](auto id_of) {
    for (std::size_t i = 0; i < arcs.size(); ++i) {
      const std::uint64_t u = id_of(values[2 * i]), v = id_of(values[2 * i + 1]);
      arcs[i] = {std::min(u, v), std::max(u, v), weight_of(i)};
    }
  };
  if (dense_span(top, n)) {
    std::vector<std::uint64_t> id(top + 1, 0);
    for (std::uint64_t i = 0; i < n; ++i) id[value_of_id[i]] = i;
    fill([&](std::uint64_t v) { return id[v]; });
  } else {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> by_value(n);
    for (std::uint64_t i = 0; i < n; ++i) by_value[i] = {value_of_id[i], i};
    std::sort(by_value.begin(), by_value.end());
    fill([&](std::uint64_t v) {
      return std::lower_bound(by_value.begin(), by_value.end(), std::pair<std::uint64_t, std::uint64_t>{v, 0})->second;
    });
  }
  return arcs;
}

// The same ids as string_label_arcs when all labels are decimal, from integer keys that sort like
// the strings: only the distinct keys are sorted and exchanged. O(edges + distinct log distinct +
// largest value) instead of sorting and hashing 2·edges strings.
std::vector<Arc> decimal_label_arcs(const cluster::Context& ctx, const std::vector<community::RawEdge>& edges,
                                    EdgeGraph& g) {
  using community::decimal_label;
  std::vector<std::uint64_t> value(2 * edges.size());
  for (std::size_t i = 0; i < edges.size(); ++i) {
    value[2 * i] = decimal_label(edges[i].source).value;
    value[2 * i + 1] = decimal_label(edges[i].target).value;
  }
  std::vector<std::uint64_t> distinct = distinct_values(value);
  auto key_of = [](std::uint64_t v) {
    std::uint32_t digits = 1;
    for (std::uint64_t t = v; t >= 10; t /= 10) ++digits;
    return community::decimal_label_key({v, digits});
  };
  for (auto& v : distinct) v = key_of(v);
  std::sort(distinct.begin(), distinct.end());
  auto keys = cluster::allgatherv<std::uint64_t>(ctx, distinct);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  const std::uint64_t n = keys.size();
  g.labels.resize(n);
  std::vector<std::uint64_t> value_of_id(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto d = community::decimal_label_of_key(keys[i]);
    value_of_id[i] = d.value;
    g.labels[i] = community::decimal_label_text(d);
  }
  return arcs_by_id(value, value_of_id, [&](std::size_t i) { return community::to_fixed(edges[i].weight); });
}

EdgeGraph load_edges(const JobEnv& env, const std::filesystem::path& path) {
  const auto& ctx = env.ctx;
  // Rank 0 checks the file and reads the header; the verdict is shared so all ranks stop alike.
  std::string header, error;
  std::uint64_t size = 0;
  if (ctx.is_root()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      error = path.string() + ": cannot open the edge file";
    } else {
      std::getline(in, header);
      if (in.bad() || (header.empty() && in.eof())) error = path.string() + ":1: empty file (expected a header source,target[,weight])";
      size = std::filesystem::file_size(path);
    }
  }
  error = cluster::broadcast_string(ctx, error);
  if (!error.empty()) throw UsageError(error);
  header = cluster::broadcast_string(ctx, header);
  size = cluster::allreduce_max<std::uint64_t>(ctx, size);
  community::EdgeColumns columns;
  try {
    columns = community::parse_edge_header(header);
  } catch (const std::invalid_argument& e) {
    throw UsageError(path.string() + ":1: " + e.what());
  }
  const std::uint64_t data_begin = std::min<std::uint64_t>(size, header.size() + 1);

  EdgeGraph g;
  g.bytes = size;
  std::vector<Arc> arcs;
  {
    const std::string text = my_lines(ctx, path, data_begin, size);
    const auto lines_here = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n')) +
                            (!text.empty() && text.back() != '\n' ? 1 : 0);
    const std::uint64_t first_line = 2 + cluster::exclusive_scan(ctx, lines_here);
    const auto parsed = community::parse_edge_lines(text, columns, first_line);
    raise_first_error(ctx, path, parsed.error_line, parsed.error);

    // Dense ids: position in the sorted set of all labels, so ids do not depend on the rank count.
    arcs = all_decimal_labels(ctx, parsed.edges) ? decimal_label_arcs(ctx, parsed.edges, g)
                                                 : string_label_arcs(ctx, parsed.edges, g);
    g.self_loops = cluster::allreduce_sum<std::uint64_t>(ctx, parsed.self_loops);
    g.zero_weight = cluster::allreduce_sum<std::uint64_t>(ctx, parsed.zero_weight);
  }
  finish_graph(ctx, path, std::move(arcs), g);
  return g;
}

// The common tail of every input: each undirected edge once as (min, max) at the owner of min,
// where duplicates meet and are summed; then both directions to their sources' owners.
void finish_graph(const cluster::Context& ctx, const std::filesystem::path& path, std::vector<Arc> arcs,
                  EdgeGraph& g) {
  const std::uint64_t n = g.entities.empty() ? g.labels.size() : g.entities.size();
  const int p = ctx.size();
  PhaseClock phase(ctx, "communities");
  // Copies of an edge meet at the owner of the hash of its smaller end: vertex ranges would give
  // rank 0 most edges (ids follow entity ids, the busiest persons first).
  // Every array below is released as soon as the next is built: fresh memory is the largest
  // cost of loading on these machines, and the load sets the stage's peak.
  auto edges = cluster::shuffle(ctx, std::move(arcs), [p](const Arc& a) { return hash_owner(a.source, p); });
  const std::uint64_t before = edges.size();
  community::sort_and_merge(edges);
  std::uint64_t duplicates = before - edges.size();
  std::erase_if(edges, [](const Arc& a) { return a.weight == 0; });
  // Total weight must leave room for exact sums (graph.hpp). Decided from an exact integer sum.
  community::Wide local_total = 0;
  for (const auto& a : edges) local_total += 2 * static_cast<community::Wide>(a.weight);
  const auto cap = static_cast<community::Wide>(community::kMaxTotalWeight);
  community::Wide total = 0;
  for (const auto t : cluster::allgather<std::uint64_t>(ctx, static_cast<std::uint64_t>(std::min(local_total, cap + 1))))
    total += t;
  if (total > cap) throw UsageError(path.string() + ": total edge weight exceeds 2^40; scale the weights down");

  g.edges = cluster::allreduce_sum<std::uint64_t>(ctx, edges.size());
  g.duplicates = cluster::allreduce_sum<std::uint64_t>(ctx, duplicates);
  // Both directions: the reversed arcs after the edges, in the same array.
  const std::size_t m = edges.size();
  // Room for a quarter more than both directions: the shuffle to the owners then assembles what
  // a rank receives in this array (cluster::shuffle's fits_in_place) unless it gets more than
  // 2.5 m arcs. Sized exactly, a rank receiving more than it sent needed a second array of all
  // its arcs beside this one (medium, 2 ranks: rank 0's live heap 718 MB). Pages never written
  // are never resident.
  edges.reserve(2 * m + m / 2);
  edges.resize(2 * m);
  for (std::size_t i = 0; i < m; ++i) edges[m + i] = {edges[i].target, edges[i].source, edges[i].weight};
  phase.mark("edges merged");
  // Vertices are numbered by entity id, which puts the busiest persons first: cut by arcs.
  auto split = community::cut_by_arcs(n, edges, p,
                                      [&](std::vector<std::uint64_t>& count) { cluster::allreduce_sum(ctx, count); });
  auto in = cluster::shuffle(ctx, std::move(edges), [&](const Arc& a) { return split.owner(a.source); });
  phase.mark("arcs to owners");
  g.slice = community::build_slice(std::move(split), ctx.rank(), std::move(in));
  phase.mark("slice built");
}

// network.h5 /edges: persons are entity ids; dense ids are their positions in the sorted set.
EdgeGraph load_network(const JobEnv& env, const std::filesystem::path& path) {
  const auto& ctx = env.ctx;
  PhaseClock phase(ctx, "communities");
  EdgeGraph g;
  std::vector<Arc> arcs;
  {
    const io::TableReader network(ctx, path);
    const auto edges = network.read_my_share("/edges", {"source", "target", "weight"});
    phase.mark("read edges");
    const auto& source = edges.get<std::uint64_t>("source");
    const auto& target = edges.get<std::uint64_t>("target");
    const auto& weight = edges.get<double>("weight");
    std::vector<std::uint64_t> value(2 * source.size());
    for (std::size_t i = 0; i < source.size(); ++i) value[2 * i] = source[i], value[2 * i + 1] = target[i];
    // Entity ids are numbers below the observation count: a bitmap and a dense table (arcs_by_id).
    // A person with a self-loop only is a vertex all the same; the loop itself is dropped.
    g.entities = cluster::allgatherv<std::uint64_t>(ctx, distinct_values(value));
    std::sort(g.entities.begin(), g.entities.end());
    g.entities.erase(std::unique(g.entities.begin(), g.entities.end()), g.entities.end());
    arcs = arcs_by_id(value, g.entities, [&](std::size_t i) { return community::to_fixed(weight[i]); });
  }
  const auto loops = std::erase_if(arcs, [](const Arc& a) { return a.source == a.target; });
  g.self_loops = cluster::allreduce_sum<std::uint64_t>(ctx, loops);
  g.bytes = std::filesystem::file_size(path);
  phase.mark("dense ids");
  finish_graph(ctx, path, std::move(arcs), g);
  return g;
}

std::string config_text(const CommunitiesOptions& o) {
  std::ostringstream s;
  s << "[communities]\n"
    << "edges = \"" << o.edges.string() << "\"\n"
    << "objective = \"" << community::objective_name(o.leiden.objective.kind) << "\"\n"
    << "resolution = " << o.leiden.objective.resolution << "\n"
    << "seed = " << o.leiden.seed << "\n"
    << "sub_rounds = " << o.leiden.sub_rounds << "\n"
    << "max_iterations = " << o.leiden.max_iterations << "\n"
    << "tolerance = " << o.leiden.tolerance << "\n"
    << "betweenness_sources = " << o.betweenness_sources << "\n";
  return s.str();
}

// ---- checkpoint: the Leiden state at a safe point (jobs/checkpoint.hpp) ------------------------
//
// /partition   label: the partition the iteration in progress started from (n rows)
//              attributes: iteration, level, levels_total, done, levels, best_quality, vertices
// /level       vertex_of, community_of: the aggregated graph's numbering and communities (n rows
//              after a level, none at an iteration's start)
// Every rank writes its vertex range of the replicated arrays, so the file does not depend on
// the rank count; every rank reads all of it.

// Names of the safe points (and of --inject-fault points): "level1", "level2", ... counting
// levels over the whole detection, "iteration1", ... after an iteration another one follows,
// "detected" when all iterations are done.
std::string safe_point_name(const community::LeidenProgress& at) {
  if (at.done) return "detected";
  if (at.level == 0) return "iteration" + std::to_string(at.iteration);
  return "level" + std::to_string(at.levels_total);
}

void save_leiden_state(const cluster::Context& ctx, io::TableWriter& w, const community::LeidenState& s) {
  const std::uint64_t n = s.partition.size();
  const auto [b, e] = community::vertex_range(n, ctx.rank(), ctx.size());
  auto slice = [&](const std::vector<std::uint64_t>& v) {
    if (v.empty()) return std::vector<std::uint64_t>{};
    return std::vector<std::uint64_t>(v.begin() + static_cast<std::ptrdiff_t>(b), v.begin() + static_cast<std::ptrdiff_t>(e));
  };
  io::Table partition, level;
  partition.add("label", slice(s.partition));
  level.add("vertex_of", slice(s.vertex_of)).add("community_of", slice(s.community_of));
  w.write_table("/partition", partition);
  w.write_table("/level", level);
  w.set_attributes("/partition", {{"iteration", static_cast<std::int64_t>(s.at.iteration)},
                                  {"level", static_cast<std::int64_t>(s.at.level)},
                                  {"levels_total", static_cast<std::int64_t>(s.at.levels_total)},
                                  {"done", static_cast<std::int64_t>(s.at.done)},
                                  {"levels", static_cast<std::int64_t>(s.levels)},
                                  {"best_quality", s.best_quality},
                                  {"vertices", static_cast<std::int64_t>(n)}});
}

community::LeidenState load_leiden_state(const io::TableReader& r, std::uint64_t n) {
  const auto a = r.attributes("/partition");
  auto integer = [&](const char* name) { return static_cast<int>(std::get<std::int64_t>(a.at(name))); };
  if (static_cast<std::uint64_t>(std::get<std::int64_t>(a.at("vertices"))) != n)
    throw std::runtime_error(r.path().string() + ": checkpoint of a graph with another vertex count");
  community::LeidenState s;
  s.at = {integer("iteration"), integer("level"), integer("levels_total"), integer("done") != 0};
  s.levels = integer("levels");
  s.best_quality = std::get<double>(a.at("best_quality"));
  s.partition = r.read_all("/partition").get<std::uint64_t>("label");
  const auto level = r.read_all("/level");
  s.vertex_of = level.get<std::uint64_t>("vertex_of");
  s.community_of = level.get<std::uint64_t>("community_of");
  return s;
}

}  // namespace

void communities(const JobEnv& env, const CommunitiesOptions& o) {
  const auto& ctx = env.ctx;
  if (o.edges.empty() == o.network.empty())
    throw UsageError("communities: give either --edges FILE.csv or --network network.h5 (or --run DIR)");
  if (!(o.leiden.objective.resolution > 0)) throw UsageError("--resolution must be > 0");
  StageTimer timer(env, "communities");
  io::Provenance prov{.stage = "communities", .config_text = config_text(o),
                      .inputs = io::hash_inputs(ctx, {o.edges.empty() ? o.network : o.edges}),
                      .started_utc = io::utc_now(),
                      .row_counts = {}};
  env.fault_point("communities", "start");

  const EdgeGraph g = o.edges.empty() ? load_network(env, o.network) : load_edges(env, o.edges);
  const std::uint64_t n = g.entities.empty() ? g.labels.size() : g.entities.size();
  // The counts are global, so rank 0 alone reports them.
  if (ctx.is_root() && g.duplicates > 0)
    spdlog::warn("communities: {} duplicate edge lines merged (weights summed)", g.duplicates);
  if (ctx.is_root() && g.self_loops > 0) spdlog::warn("communities: {} self-loops dropped", g.self_loops);
  if (g.zero_weight > 0) spdlog::info("communities: {} zero-weight edges kept as vertices only", g.zero_weight);
  const double t_load = timer.seconds();
  spdlog::info("communities: {} vertices, {} edges, loaded in {:.3f} s", n, g.edges, t_load);
  env.stop_point("communities");

  // Detection stops at its safe points (after each level, iteration, and at the end) when asked
  // to, and continues from the state saved there.
  const StageCheckpoint checkpoint(env, prov, o.out);
  community::LeidenOptions leiden = o.leiden;
  community::LeidenState resume_from;
  if (const auto saved = checkpoint.open()) {
    resume_from = load_leiden_state(*saved, n);
    leiden.resume = &resume_from;
    const auto& at = resume_from.at;
    const std::string where =
        at.done ? fmt::format("all {} iterations done", at.iteration)
        : at.level == 0
            ? fmt::format("iteration {} from its start", at.iteration + 1)
            : fmt::format("iteration {} after level {}, {} vertices at that level", at.iteration + 1, at.level,
                          *std::max_element(resume_from.vertex_of.begin(), resume_from.vertex_of.end()) + 1);
    spdlog::info("communities: resuming from checkpoint '{}' ({})",
                 std::get<std::string>(saved->attributes("/").at("point")), where);
  }
  leiden.stop_at = [&](const community::LeidenProgress& at) { return checkpoint.stop_requested(safe_point_name(at)); };
  const auto result = cluster::detect_communities(ctx, g.slice, leiden);
  if (result.stopped)
    checkpoint.save_and_stop(safe_point_name(result.stopped->at),
                             [&](io::TableWriter& w) { save_leiden_state(ctx, w, *result.stopped); });
  const double t_detect = timer.seconds();
  spdlog::info("communities: detection took {:.3f} s", t_detect - t_load);
  spdlog::info("communities: rank {}: local moving {:.3f} s ({} rounds, {:.1f} M arcs decided), refinement {:.3f} s, "
               "aggregation {:.3f} s", ctx.rank(), result.stats.move_s, result.stats.rounds,
               static_cast<double>(result.stats.decided_arcs) / 1e6, result.stats.refine_s, result.stats.aggregate_s);
  spdlog::info("communities: {} communities, modularity {:.6f} (objective {} at resolution {}: {:.6f}), "
               "{} levels, {} iterations",
               result.communities, result.modularity, community::objective_name(o.leiden.objective.kind),
               o.leiden.objective.resolution, result.quality, result.levels, result.iterations);
  community::KeyActorOptions ko;
  ko.betweenness_sources = o.betweenness_sources;
  ko.seed = o.leiden.seed;
  const auto actors = cluster::key_actors(ctx, g.slice, result.membership, ko);
  spdlog::info("communities: key actors took {:.3f} s", timer.seconds() - t_detect);
  env.fault_point("communities", "write");

  io::TableWriter out(ctx, o.out);
  const auto [b, e] = community::vertex_range(n, ctx.rank(), ctx.size());
  // Vertices are written as their labels (edge CSV) or entity ids (network.h5).
  auto vertex_column = [&g](auto&& ids) {
    if (g.entities.empty()) {
      std::vector<std::string> v;
      for (std::uint64_t i : ids) v.push_back(g.labels[i]);
      return io::Column{"vertex", io::ColumnData(std::move(v))};
    }
    std::vector<std::uint64_t> v;
    for (std::uint64_t i : ids) v.push_back(g.entities[i]);
    return io::Column{"vertex", io::ColumnData(std::move(v))};
  };
  {
    std::vector<std::uint64_t> mine(e - b);
    std::iota(mine.begin(), mine.end(), b);
    std::vector<std::uint64_t> community(result.membership.begin() + static_cast<std::ptrdiff_t>(b),
                                         result.membership.begin() + static_cast<std::ptrdiff_t>(e));
    io::Table t;
    t.add_column(vertex_column(mine)).add("community", std::move(community));
    out.write_table("/membership", t);
  }
  {
    const auto [cb, ce] = io::even_share(result.communities, ctx.rank(), ctx.size());
    std::vector<std::uint64_t> id, size;
    std::vector<double> internal, conductance;
    for (std::uint64_t c = cb; c < ce; ++c) {
      const auto& t = result.totals[c];
      id.push_back(c);
      size.push_back(static_cast<std::uint64_t>(t.size));
      internal.push_back(community::to_real(t.internal) / 2.0);
      const Weight cut = t.degree - t.internal;
      const Weight denominator = std::min(t.degree, result.two_m - t.degree);
      conductance.push_back(denominator > 0 ? static_cast<double>(cut) / static_cast<double>(denominator) : 0.0);
    }
    io::Table t;
    t.add("id", std::move(id)).add("size", std::move(size)).add("internal_weight", std::move(internal))
        .add("conductance", std::move(conductance));
    out.write_table("/communities", t);
  }
  {
    std::vector<std::uint64_t> vertex, community;
    std::vector<double> degree, pagerank, betweenness;
    for (const auto& r : actors) {
      vertex.push_back(r.vertex);
      community.push_back(r.community);
      degree.push_back(r.weighted_degree);
      pagerank.push_back(r.pagerank);
      betweenness.push_back(r.betweenness);
    }
    io::Table t;
    t.add_column(vertex_column(vertex)).add("community", std::move(community))
        .add("weighted_degree", std::move(degree)).add("pagerank", std::move(pagerank))
        .add("betweenness", std::move(betweenness));
    out.write_table("/centrality", t);
  }
  out.set_attributes("/", io::Attributes{
      {"modularity", result.modularity},
      {"quality", result.quality},
      {"objective", std::string(community::objective_name(o.leiden.objective.kind))},
      {"resolution", o.leiden.objective.resolution},
      {"levels", static_cast<std::int64_t>(result.levels)},
      {"iterations", static_cast<std::int64_t>(result.iterations)},
      {"communities", static_cast<std::int64_t>(result.communities)},
      {"vertices", static_cast<std::int64_t>(n)},
      {"edges", static_cast<std::int64_t>(g.edges)},
      {"duplicate_edges_merged", static_cast<std::int64_t>(g.duplicates)},
      {"self_loops_dropped", static_cast<std::int64_t>(g.self_loops)},
  });
  prov.row_counts["/membership"] = n;
  prov.row_counts["/communities"] = result.communities;
  prov.row_counts["/centrality"] = n;
  prov.write(ctx, out, env.threads);
  env.fault_point("communities", "commit");
  out.commit();
  checkpoint.remove();
  timer.report(g.edges, g.bytes);
}

void add_communities_command(Cli& cli) {
  struct Options {
    CommunitiesOptions o;
    std::string objective = "modularity";
    std::filesystem::path run;
    bool resume = false;
  };
  auto s = std::make_shared<Options>();
  auto* sub = cli.add_command("communities",
                              "Organizations in a person network: deterministic distributed Leiden "
                              "(communities.h5: membership, communities, key actors)");
  sub->add_option("--edges", s->o.edges, "Edge-list CSV with header source,target[,weight]");
  sub->add_option("--network", s->o.network, "network.h5 from the network stage");
  sub->add_option("--run", s->run, "Run directory: reads network.h5, writes communities.h5");
  sub->add_option("--out", s->o.out, "Output file communities.h5 (default RUN/communities.h5)");
  sub->add_option("--resolution", s->o.leiden.objective.resolution,
                  "Resolution γ: higher gives more, smaller communities")
      ->capture_default_str();
  sub->add_option("--objective", s->objective, "modularity or cpm (constant Potts model)")
      ->check(CLI::IsMember({"modularity", "cpm"}))
      ->capture_default_str();
  sub->add_option("--seed", s->o.leiden.seed, "Seed of the hash orders (results are reproducible)")
      ->capture_default_str();
  sub->add_option("--max-iterations", s->o.leiden.max_iterations,
                  "Leiden iterations (0: until the quality stops improving)")
      ->capture_default_str();
  sub->add_option("--tolerance", s->o.leiden.tolerance,
                  "Stop iterating once an iteration gains less than this fraction of the quality "
                  "(0: while there is any gain)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  sub->add_option("--betweenness-sources", s->o.betweenness_sources,
                  "Sampled sources per community for betweenness (exact below this size)")
      ->capture_default_str();
  sub->add_flag("--resume", s->resume,
                "Continue detection from the checkpoint an interrupted run left in OUTDIR/.resume, if it is current");
  sub->callback([s, &action = cli.action] {
    s->o.leiden.objective.kind = community::parse_objective(s->objective);
    action = [s](const JobEnv& job_env) {
      JobEnv env = job_env;
      env.resume = s->resume;
      auto o = s->o;
      if (!s->run.empty()) {
        const RunLayout run{s->run};
        if (o.edges.empty() && o.network.empty()) o.network = run.network();
        if (o.out.empty()) o.out = run.communities();
      }
      if (o.out.empty()) throw UsageError("communities: give --out FILE or --run DIR");
      communities(env, o);
      return 0;
    };
  });
}

}  // namespace ch::jobs
