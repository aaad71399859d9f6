#include "kernels/community/graph.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <functional>
#include <tuple>

#include "kernels/sorted_runs.hpp"

namespace ch::community {

namespace {

// Sums parallel arcs; `arcs` is sorted by (source, target). Integer sums make the merge order
// irrelevant.
void merge_parallel_arcs(std::vector<Arc>& arcs) {
  std::size_t out = 0;
  for (std::size_t i = 0; i < arcs.size(); ++i) {
    if (out > 0 && arcs[out - 1].source == arcs[i].source && arcs[out - 1].target == arcs[i].target)
      arcs[out - 1].weight += arcs[i].weight;
    else
      arcs[out++] = arcs[i];
  }
  arcs.resize(out);
}

bool by_source_target(const Arc& x, const Arc& y) { return x.source != y.source ? x.source < y.source : x.target < y.target; }

// Sorts by (source, target). Sources are dense (the usual case: a rank's own vertex range): a
// counting sort by source, then short sorts by target inside each source. O(a + span + Σ d log d).
void sort_by_source(std::vector<Arc>& arcs) {
  auto [lo, hi] = std::minmax_element(arcs.begin(), arcs.end(),
                                      [](const Arc& a, const Arc& b) { return a.source < b.source; });
  const std::uint64_t first = lo->source, span = hi->source - lo->source + 1;
  auto by_target = [](const Arc& a, const Arc& b) { return a.target < b.target; };
  if (span <= 2 * arcs.size() + 1024) {
    std::vector<std::uint64_t> start(span + 1, 0);
    for (const Arc& a : arcs) ++start[a.source - first + 1];
    for (std::uint64_t s = 0; s < span; ++s) start[s + 1] += start[s];
    std::vector<Arc> sorted(arcs.size());
    {
      std::vector<std::uint64_t> at(start.begin(), start.end() - 1);
      for (const Arc& a : arcs) sorted[at[a.source - first]++] = a;
    }
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, span, 1024), [&](const auto& r) {
      for (std::uint64_t s = r.begin(); s != r.end(); ++s) {
        // The counting sort is stable: rows that arrived in order (both directions of sorted
        // edges do) need no sort.
        const auto first_arc = sorted.begin() + static_cast<std::ptrdiff_t>(start[s]);
        const auto last_arc = sorted.begin() + static_cast<std::ptrdiff_t>(start[s + 1]);
        if (!std::is_sorted(first_arc, last_arc, by_target)) std::sort(first_arc, last_arc, by_target);
      }
    });
    arcs.swap(sorted);
  } else {
    tbb::parallel_sort(arcs.begin(), arcs.end(), by_source_target);
  }
}

}  // namespace

void sort_and_merge(std::vector<Arc>& arcs) {
  if (arcs.empty()) return;
  // Already sorted and merged (a single rank's shuffle returns what it sent): nothing to do.
  const bool in_order = tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(1, arcs.size(), 1 << 16), true,
      [&](const auto& r, bool ok) {
        for (std::size_t i = r.begin(); i != r.end() && ok; ++i) {
          const Arc& a = arcs[i - 1];
          const Arc& b = arcs[i];
          ok = by_source_target(a, b);
        }
        return ok;
      },
      std::logical_and<>());
  if (in_order) return;
  // A shuffle of sorted pieces (aggregation's merged rows) delivers one sorted run per sending
  // rank: merged pairwise, O(a log runs) and sequential, instead of scattered by source.
  ch::merge_sorted_runs(arcs, by_source_target, 64, sort_by_source);
  merge_parallel_arcs(arcs);
}

VertexSplit VertexSplit::even(std::uint64_t n, int ranks) {
  VertexSplit s;
  s.bounds.resize(static_cast<std::size_t>(ranks) + 1);
  for (int r = 0; r < ranks; ++r) s.bounds[static_cast<std::size_t>(r)] = vertex_range(n, r, ranks).first;
  s.bounds.back() = n;
  return s;
}

VertexSplit VertexSplit::by_arcs(const std::vector<std::uint64_t>& arcs, int ranks) {
  const std::uint64_t n = arcs.size();
  Wide total = 0;
  for (const auto a : arcs) total += a + 1;
  VertexSplit s;
  s.bounds.assign(static_cast<std::size_t>(ranks) + 1, n);
  s.bounds[0] = 0;
  // Each rank in turn takes vertices until it has its share of the work still unassigned, so a
  // vertex heavier than a share (a hub) does not leave the ranks after it idle.
  std::uint64_t v = 0;
  Wide before = 0;  // work of the vertices [0, v)
  for (int r = 1; r < ranks; ++r) {
    const Wide start = before, left = static_cast<Wide>(ranks - r + 1);
    while (v < n && (before - start) * left < total - start) before += arcs[v++] + 1;
    s.bounds[static_cast<std::size_t>(r)] = v;
  }
  return s;
}

std::vector<std::uint64_t> arcs_per_source(std::uint64_t n, const std::vector<Arc>& arcs) {
  std::vector<std::uint64_t> count(n, 0);
  for (const Arc& a : arcs) ++count[a.source];
  return count;
}

namespace {

// build_slice for arcs sorted by (source, target), merged, without loops or zero weights
// (aggregation on one rank): copied in parallel; offsets[s] is the first arc with source ≥ s,
// written where the source changes (every entry exactly once).
void copy_sorted_arcs(GraphSlice& g, const std::vector<Arc>& arcs) {
  const std::uint64_t owned = g.owned(), begin = g.begin;
  g.offsets.resize(owned + 1);
  g.targets.resize(arcs.size());
  g.weights.resize(arcs.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, arcs.size(), 1 << 14), [&](const auto& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      g.targets[i] = arcs[i].target;
      g.weights[i] = arcs[i].weight;
      if (i == 0 || arcs[i - 1].source != arcs[i].source) {
        const std::uint64_t from = i == 0 ? 0 : arcs[i - 1].source - begin + 1;
        for (std::uint64_t k = from; k <= arcs[i].source - begin; ++k) g.offsets[k] = i;
      }
    }
  });
  const std::uint64_t after_last = arcs.empty() ? 0 : arcs.back().source - begin + 1;
  for (std::uint64_t k = after_last; k <= owned; ++k) g.offsets[k] = arcs.size();
}

// build_slice for arcs in any order: counted by source and scattered straight into the CSR
// arrays, which are needed anyway; the arcs are freed before each row is sorted by target and
// its parallel arcs summed. Sorting the arcs first held them twice (the counting sort's copy),
// then once more beside the CSR arrays: the largest array of the communities stage's load.
void scatter_arcs(GraphSlice& g, std::vector<Arc> arcs) {
  const std::uint64_t owned = g.owned(), begin = g.begin;
  const auto keep = [](const Arc& a) { return a.source != a.target && a.weight != 0; };
  g.offsets.assign(owned + 1, 0);
  for (const Arc& a : arcs)
    if (keep(a)) ++g.offsets[a.source - begin + 1];
  for (std::uint64_t v = 0; v < owned; ++v) g.offsets[v + 1] += g.offsets[v];
  g.targets.resize(g.offsets[owned]);
  g.weights.resize(g.offsets[owned]);
  {
    std::vector<std::uint64_t> at(g.offsets.begin(), g.offsets.end() - 1);
    for (const Arc& a : arcs)
      if (keep(a)) {
        const std::uint64_t k = at[a.source - begin]++;
        g.targets[k] = a.target;
        g.weights[k] = a.weight;
      }
  }
  arcs = std::vector<Arc>();
  // Rows in target order with parallel arcs summed (integers: the order of the sums does not
  // matter). The scatter is stable, so rows that arrived in order (aggregation's merged rows,
  // both directions of sorted edges) are only checked. `kept[v]`: row v's length afterwards.
  std::vector<std::uint64_t> kept(owned, 0);
  tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, owned, 1024), [&](const auto& r) {
    std::vector<std::pair<std::uint64_t, Weight>> row;
    for (std::uint64_t v = r.begin(); v != r.end(); ++v) {
      const std::uint64_t b = g.offsets[v], e = g.offsets[v + 1];
      if (!std::is_sorted(g.targets.begin() + static_cast<std::ptrdiff_t>(b),
                          g.targets.begin() + static_cast<std::ptrdiff_t>(e))) {
        row.clear();
        for (std::uint64_t k = b; k < e; ++k) row.emplace_back(g.targets[k], g.weights[k]);
        std::sort(row.begin(), row.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
        for (std::uint64_t k = b; k < e; ++k) std::tie(g.targets[k], g.weights[k]) = row[k - b];
      }
      std::uint64_t out = b;
      for (std::uint64_t k = b; k < e; ++k) {
        if (out > b && g.targets[out - 1] == g.targets[k]) {
          g.weights[out - 1] += g.weights[k];
        } else {
          g.targets[out] = g.targets[k];
          g.weights[out] = g.weights[k];
          ++out;
        }
      }
      kept[v] = out - b;
    }
  });
  // Close the gaps parallel arcs left (none in most inputs: then nothing moves).
  std::uint64_t w = 0;
  for (std::uint64_t v = 0; v < owned; ++v) {
    const std::uint64_t b = g.offsets[v];
    if (w != b)
      for (std::uint64_t k = 0; k < kept[v]; ++k) {
        g.targets[w + k] = g.targets[b + k];
        g.weights[w + k] = g.weights[b + k];
      }
    g.offsets[v] = w;
    w += kept[v];
  }
  g.offsets[owned] = w;
  g.targets.resize(w);
  g.weights.resize(w);
}

}  // namespace

GraphSlice build_slice(VertexSplit split, int rank, std::vector<Arc> arcs) {
  const auto [begin, end] = split.range(rank);
  GraphSlice g;
  g.n = split.n();
  g.begin = begin;
  g.end = end;
  g.split = std::move(split);
  const auto clean_and_sorted = tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, arcs.size(), 1 << 16), true,
      [&](const auto& r, bool ok) {
        for (std::size_t i = r.begin(); i != r.end() && ok; ++i)
          ok = arcs[i].source != arcs[i].target && arcs[i].weight != 0 &&
               (i == 0 || std::tie(arcs[i - 1].source, arcs[i - 1].target) < std::tie(arcs[i].source, arcs[i].target));
        return ok;
      },
      std::logical_and<>());
  if (clean_and_sorted)
    copy_sorted_arcs(g, arcs);
  else
    scatter_arcs(g, std::move(arcs));
  return g;
}

std::vector<Arc> group_arcs(const GraphSlice& g, const std::vector<std::uint64_t>& new_id) {
  const std::uint64_t owned = g.owned();
  if (owned == 0) return {};
  // Owned vertices by group (a counting sort over the groups present here), then one row per
  // group: its members' arcs summed into a dense accumulator indexed by the target group, the
  // row's targets sorted. No sort over all arcs; rows come out sorted and merged.
  std::uint64_t lo = new_id[g.begin], hi = lo, groups = 0;
  for (std::uint64_t v = 0; v < owned; ++v) {
    lo = std::min(lo, new_id[g.begin + v]);
    hi = std::max(hi, new_id[g.begin + v]);
  }
  for (const auto id : new_id) groups = std::max(groups, id + 1);
  const std::uint64_t span = hi - lo + 1;
  std::vector<std::uint64_t> start(span + 1, 0), member(owned);
  for (std::uint64_t v = 0; v < owned; ++v) ++start[new_id[g.begin + v] - lo + 1];
  for (std::uint64_t a = 0; a < span; ++a) start[a + 1] += start[a];
  {
    std::vector<std::uint64_t> at(start.begin(), start.end() - 1);
    for (std::uint64_t v = 0; v < owned; ++v) member[at[new_id[g.begin + v] - lo]++] = v;
  }
  struct Scratch {
    std::vector<Weight> weight;
    std::vector<char> seen;
    std::vector<std::uint64_t> touched;
  };
  tbb::enumerable_thread_specific<Scratch> scratch(
      [groups] { return Scratch{std::vector<Weight>(groups, 0), std::vector<char>(groups, 0), {}}; });
  // Fixed chunks of groups, each with its own output, concatenated in order.
  const std::uint64_t chunks = std::min<std::uint64_t>(span, 256);
  std::vector<std::vector<Arc>> out(chunks);
  tbb::parallel_for(std::uint64_t{0}, chunks, [&](std::uint64_t k) {
    auto& sc = scratch.local();
    auto& arcs = out[k];
    const std::uint64_t first = span * k / chunks, last = span * (k + 1) / chunks;
    for (std::uint64_t a = first; a < last; ++a) {
      const std::uint64_t id = lo + a;
      sc.touched.clear();
      for (std::uint64_t m = start[a]; m < start[a + 1]; ++m) {
        const auto nb = g.neighbours(member[m]);
        const auto ws = g.neighbour_weights(member[m]);
        for (std::size_t j = 0; j < nb.size(); ++j) {
          if (j + 8 < nb.size()) __builtin_prefetch(&new_id[nb[j + 8]]);
          const std::uint64_t b = new_id[nb[j]];
          if (b == id) continue;
          if (!sc.seen[b]) {
            sc.seen[b] = 1;
            sc.touched.push_back(b);
          }
          sc.weight[b] += ws[j];
        }
      }
      std::sort(sc.touched.begin(), sc.touched.end());
      for (const std::uint64_t b : sc.touched) {
        arcs.push_back({id, b, sc.weight[b]});
        sc.weight[b] = 0;
        sc.seen[b] = 0;
      }
    }
  });
  std::vector<std::size_t> at(chunks + 1, 0);
  for (std::uint64_t k = 0; k < chunks; ++k) at[k + 1] = at[k] + out[k].size();
  std::vector<Arc> arcs(at[chunks]);
  tbb::parallel_for(std::uint64_t{0}, chunks, [&](std::uint64_t k) {
    std::copy(out[k].begin(), out[k].end(), arcs.begin() + static_cast<std::ptrdiff_t>(at[k]));
    std::vector<Arc>().swap(out[k]);
  });
  return arcs;
}

}  // namespace ch::community
