#include "kernels/community/graph.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include <algorithm>

namespace ch::community {

namespace {

// Sorts arcs within each source bucket by target and sums parallel arcs; `arcs` is grouped by
// source already. Integer sums make the merge order irrelevant.
void merge_sorted_runs(std::vector<Arc>& arcs) {
  std::size_t out = 0;
  for (std::size_t i = 0; i < arcs.size(); ++i) {
    if (out > 0 && arcs[out - 1].source == arcs[i].source && arcs[out - 1].target == arcs[i].target)
      arcs[out - 1].weight += arcs[i].weight;
    else
      arcs[out++] = arcs[i];
  }
  arcs.resize(out);
}

}  // namespace

void sort_and_merge(std::vector<Arc>& arcs) {
  if (arcs.empty()) return;
  // Already sorted and merged (a single rank's shuffle returns what it sent): nothing to do.
  if (std::adjacent_find(arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) {
        return a.source != b.source ? a.source > b.source : a.target >= b.target;
      }) == arcs.end())
    return;
  auto [lo, hi] = std::minmax_element(arcs.begin(), arcs.end(),
                                      [](const Arc& a, const Arc& b) { return a.source < b.source; });
  const std::uint64_t first = lo->source, span = hi->source - lo->source + 1;
  auto by_target = [](const Arc& a, const Arc& b) { return a.target < b.target; };
  if (span <= 2 * arcs.size() + 1024) {
    // Dense sources (the usual case: a rank's own vertex range): a counting sort by source, then
    // short sorts by target inside each source. O(a + span + Σ d log d).
    std::vector<std::uint64_t> start(span + 1, 0);
    for (const Arc& a : arcs) ++start[a.source - first + 1];
    for (std::uint64_t s = 0; s < span; ++s) start[s + 1] += start[s];
    std::vector<Arc> sorted(arcs.size());
    {
      std::vector<std::uint64_t> at(start.begin(), start.end() - 1);
      for (const Arc& a : arcs) sorted[at[a.source - first]++] = a;
    }
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, span, 1024), [&](const auto& r) {
      for (std::uint64_t s = r.begin(); s != r.end(); ++s)
        std::sort(sorted.begin() + static_cast<std::ptrdiff_t>(start[s]),
                  sorted.begin() + static_cast<std::ptrdiff_t>(start[s + 1]), by_target);
    });
    arcs.swap(sorted);
  } else {
    tbb::parallel_sort(arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) {
      return a.source != b.source ? a.source < b.source : a.target < b.target;
    });
  }
  merge_sorted_runs(arcs);
}

GraphSlice build_slice(std::uint64_t n, std::uint64_t begin, std::uint64_t end, std::vector<Arc> arcs) {
  std::erase_if(arcs, [](const Arc& a) { return a.source == a.target || a.weight == 0; });
  sort_and_merge(arcs);
  GraphSlice g;
  g.n = n;
  g.begin = begin;
  g.end = end;
  g.offsets.assign(end - begin + 1, 0);
  g.targets.resize(arcs.size());
  g.weights.resize(arcs.size());
  for (std::size_t i = 0; i < arcs.size(); ++i) {
    ++g.offsets[arcs[i].source - begin + 1];
    g.targets[i] = arcs[i].target;
    g.weights[i] = arcs[i].weight;
  }
  for (std::uint64_t v = 0; v < end - begin; ++v) g.offsets[v + 1] += g.offsets[v];
  return g;
}

std::vector<Arc> group_arcs(const GraphSlice& g, const std::vector<std::uint64_t>& new_id) {
  std::vector<Arc> arcs;
  arcs.reserve(g.targets.size());
  for (std::uint64_t v = 0; v < g.owned(); ++v) {
    const std::uint64_t a = new_id[g.begin + v];
    const auto nb = g.neighbours(v);
    const auto ws = g.neighbour_weights(v);
    for (std::size_t j = 0; j < nb.size(); ++j) {
      const std::uint64_t b = new_id[nb[j]];
      if (a != b) arcs.push_back({a, b, ws[j]});
    }
  }
  sort_and_merge(arcs);
  return arcs;
}

}  // namespace ch::community
