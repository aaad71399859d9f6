#include "kernels/community/subgraph.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "kernels/rng.hpp"

namespace ch::community {

std::vector<CommunitySubgraph> assemble_subgraphs(std::vector<MemberRecord> members,
                                                  std::vector<InternalArc> arcs) {
  if (members.empty()) return {};
  auto by_community_vertex = [](const MemberRecord& a, const MemberRecord& b) {
    return a.community != b.community ? a.community < b.community : a.vertex < b.vertex;
  };
  const auto [lo, hi] = std::minmax_element(members.begin(), members.end(), [](const MemberRecord& a, const MemberRecord& b) {
    return a.community < b.community;
  });
  const std::uint64_t first_label = lo->community, labels = hi->community - lo->community + 1;
  if (labels <= 2 * members.size() + 1024) {
    // Labels are dense (a rank's range of vertex ids): a stable counting sort by community. Members
    // arrive in vertex order from each rank, so the runs are usually sorted by vertex already.
    std::vector<std::uint64_t> at(labels + 1, 0);
    for (const auto& m : members) ++at[m.community - first_label + 1];
    for (std::uint64_t c = 0; c < labels; ++c) at[c + 1] += at[c];
    std::vector<MemberRecord> sorted(members.size());
    for (const auto& m : members) sorted[at[m.community - first_label]++] = m;
    members.swap(sorted);
    if (!std::is_sorted(members.begin(), members.end(), by_community_vertex))
      tbb::parallel_sort(members.begin(), members.end(), by_community_vertex);
  } else {
    tbb::parallel_sort(members.begin(), members.end(), by_community_vertex);
  }
  // Position of every member in the sorted order, by vertex id. Arcs are then bucketed by the
  // position of their source with a counting sort (no comparison sort over all arcs).
  std::uint64_t max_vertex = 0;
  for (const auto& m : members) max_vertex = std::max(max_vertex, m.vertex);
  std::vector<std::uint64_t> position(max_vertex + 1);
  for (std::uint64_t i = 0; i < members.size(); ++i) position[members[i].vertex] = i;
  std::vector<std::uint64_t> start(members.size() + 1, 0);
  std::vector<std::uint64_t> target(arcs.size());  // position of the target
  std::vector<Weight> weight(arcs.size());
  const auto all = tbb::blocked_range<std::size_t>(1, std::max<std::size_t>(arcs.size(), 1), 1 << 16);
  const bool by_source = tbb::parallel_reduce(all, true, [&](const auto& r, bool ok) {
    for (std::size_t i = r.begin(); i != r.end() && ok; ++i) ok = arcs[i - 1].source <= arcs[i].source;
    return ok;
  }, std::logical_and<>());
  if (by_source) {
    // The usual arrival order (gathered in vertex order, ranks in order): each member's arcs are
    // one run. Runs are found where the source changes and copied to their members' places in
    // parallel.
    std::vector<std::uint64_t> run_first(members.size(), 0);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, arcs.size(), 1 << 14), [&](const auto& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) {
        if (i == 0 || arcs[i - 1].source != arcs[i].source) run_first[position[arcs[i].source]] = i;
        if (i + 1 == arcs.size() || arcs[i + 1].source != arcs[i].source) start[position[arcs[i].source] + 1] = i + 1;
      }
    });
    // start[i + 1] holds the end of member i's run (0 without arcs); turn ends into counts.
    for (std::size_t i = 0; i < members.size(); ++i)
      start[i + 1] = start[i + 1] == 0 ? 0 : start[i + 1] - run_first[i];
    for (std::size_t i = 0; i < members.size(); ++i) start[i + 1] += start[i];
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, members.size(), 1024), [&](const auto& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i)
        for (std::uint64_t k = start[i], e = run_first[i]; k < start[i + 1]; ++k, ++e) {
          target[k] = position[arcs[e].target];
          weight[k] = arcs[e].weight;
        }
    });
  } else {
    for (const auto& a : arcs) ++start[position[a.source] + 1];
    for (std::size_t i = 0; i < members.size(); ++i) start[i + 1] += start[i];
    std::vector<std::uint64_t> at(start.begin(), start.end() - 1);
    for (const auto& a : arcs) {
      const std::uint64_t k = at[position[a.source]]++;
      target[k] = position[a.target];
      weight[k] = a.weight;
    }
  }
  // Every arc is in target/weight now. Freed here, the arcs are not held beside the subgraphs
  // built from those arrays (medium, 2 ranks: refinement's gather set the communities stage's
  // peak).
  arcs = std::vector<InternalArc>();
  std::vector<std::pair<std::size_t, std::size_t>> ranges;  // [first, last) member per community
  for (std::size_t i = 0; i < members.size();) {
    std::size_t j = i;
    while (j < members.size() && members[j].community == members[i].community) ++j;
    ranges.emplace_back(i, j);
    i = j;
  }
  std::vector<CommunitySubgraph> out(ranges.size());
  tbb::parallel_for(std::size_t{0}, ranges.size(), [&](std::size_t r) {
    const auto [first, last] = ranges[r];
    if (last - first > std::numeric_limits<std::uint32_t>::max())
      throw std::length_error("community with more than 2^32 members");
    CommunitySubgraph& c = out[r];
    c.community = members[first].community;
    c.offsets.assign(1, 0);
    c.offsets.reserve(last - first + 1);
    c.members.reserve(last - first);
    c.node_weight.reserve(last - first);
    c.targets.reserve(start[last] - start[first]);
    c.weights.reserve(start[last] - start[first]);
    std::vector<std::pair<std::uint32_t, Weight>> row;
    for (std::size_t i = first; i < last; ++i) {
      c.members.push_back(members[i].vertex);
      c.node_weight.push_back(members[i].node_weight);
      // Targets in member order whatever order the arcs arrived in (arcs are distinct); they
      // usually arrive in order (a slice's rows are sorted, members are in vertex order).
      bool in_order = true;
      for (std::uint64_t e = start[i]; e + 1 < start[i + 1]; ++e) in_order = in_order && target[e] < target[e + 1];
      if (in_order) {
        for (std::uint64_t e = start[i]; e < start[i + 1]; ++e) {
          c.targets.push_back(static_cast<std::uint32_t>(target[e] - first));
          c.weights.push_back(weight[e]);
        }
      } else {
        row.clear();
        for (std::uint64_t e = start[i]; e < start[i + 1]; ++e)
          row.emplace_back(static_cast<std::uint32_t>(target[e] - first), weight[e]);
        std::sort(row.begin(), row.end());
        for (const auto& [t, w] : row) {
          c.targets.push_back(t);
          c.weights.push_back(w);
        }
      }
      c.offsets.push_back(c.targets.size());
    }
  });
  return out;
}

template <class Members>
std::vector<std::uint64_t> refine(const Members& c, double penalty, std::uint64_t seed) {
  const std::size_t s = c.size();
  std::vector<std::uint64_t> label(c.members.begin(), c.members.end());
  if (s <= 1) return label;
  Weight total_nw = 0;
  std::vector<Weight> ext(s, 0);  // weight from a member to the rest of the community
  for (std::size_t v = 0; v < s; ++v) {
    total_nw += c.node_weight[v];
    c.for_each_arc(v, [&](std::uint32_t, Weight w) { ext[v] += w; });
  }
  // Refined sub-communities are named by the index of the member that founded them.
  std::vector<std::uint32_t> sub(s);
  std::iota(sub.begin(), sub.end(), 0u);
  std::vector<Weight> sub_nw(c.node_weight.begin(), c.node_weight.end()), sub_ext(ext);
  std::vector<std::uint32_t> sub_min(sub);  // smallest member index: the tie-break and the label
  std::vector<char> singleton(s, 1);

  std::vector<std::uint32_t> order(sub);
  std::vector<std::uint64_t> key(s);
  for (std::size_t v = 0; v < s; ++v) key[v] = mix64(seed ^ mix64(c.members[v]));
  std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    return key[x] != key[y] ? key[x] < key[y] : x < y;
  });

  std::vector<Weight> to_sub(s, 0);
  std::vector<std::uint32_t> touched;
  const double nw_total = static_cast<double>(total_nw);
  auto well_connected = [&](Weight ext_w, Weight nw) {
    return static_cast<double>(ext_w) >=
           penalty * static_cast<double>(nw) * (nw_total - static_cast<double>(nw));
  };
  for (const std::uint32_t v : order) {
    if (!singleton[v] || !well_connected(ext[v], c.node_weight[v])) continue;
    touched.clear();
    c.for_each_arc(v, [&](std::uint32_t t, Weight w) {
      const std::uint32_t r = sub[t];
      if (r == sub[v]) return;
      if (to_sub[r] == 0) touched.push_back(r);
      to_sub[r] += w;
    });
    const double nw = static_cast<double>(c.node_weight[v]);
    std::uint32_t best = sub[v];
    double best_gain = 0;
    bool found = false;
    for (const std::uint32_t r : touched) {
      if (!well_connected(sub_ext[r], sub_nw[r])) continue;
      const double g = static_cast<double>(to_sub[r]) - penalty * nw * static_cast<double>(sub_nw[r]);
      if (g < 0) continue;
      if (!found || g > best_gain || (g == best_gain && sub_min[r] < sub_min[best])) {
        best = r;
        best_gain = g;
        found = true;
      }
    }
    if (found) {
      const std::uint32_t from = sub[v];
      sub[v] = best;
      sub_nw[best] += c.node_weight[v];
      sub_ext[best] += ext[v] - 2 * to_sub[best];
      sub_nw[from] = 0;
      sub_ext[from] = 0;
      sub_min[best] = std::min(sub_min[best], v);
      singleton[v] = 0;
      singleton[best] = 0;  // the founder is no longer alone either
    }
    for (const std::uint32_t r : touched) to_sub[r] = 0;
  }
  for (std::size_t v = 0; v < s; ++v) label[v] = c.members[sub_min[sub[v]]];
  return label;
}
template std::vector<std::uint64_t> refine(const CommunitySubgraph&, double, std::uint64_t);
template std::vector<std::uint64_t> refine(const CommunityView&, double, std::uint64_t);

template <class Members>
std::vector<std::uint64_t> components(const Members& c) {
  const std::size_t s = c.size();
  constexpr auto kNone = std::numeric_limits<std::uint64_t>::max();
  std::vector<std::uint64_t> label(s, kNone);
  std::vector<std::uint32_t> queue;
  for (std::size_t start = 0; start < s; ++start) {
    if (label[start] != kNone) continue;
    // Members are ascending, so the first unlabelled one is its component's smallest id.
    label[start] = c.members[start];
    queue.assign(1, static_cast<std::uint32_t>(start));
    for (std::size_t q = 0; q < queue.size(); ++q) {
      const std::uint32_t v = queue[q];
      c.for_each_arc(v, [&](std::uint32_t t, Weight) {
        if (label[t] != kNone) return;
        label[t] = c.members[start];
        queue.push_back(t);
      });
    }
  }
  return label;
}
template std::vector<std::uint64_t> components(const CommunitySubgraph&);
template std::vector<std::uint64_t> components(const CommunityView&);

std::vector<double> pagerank(const CommunitySubgraph& c, double damping, double tolerance,
                             int max_iterations) {
  const std::size_t s = c.size();
  if (s == 0) return {};
  const double inv = 1.0 / static_cast<double>(s);
  std::vector<double> rank(s, inv), next(s), strength(s, 0.0);
  for (std::size_t v = 0; v < s; ++v)
    for (std::uint64_t e = c.offsets[v]; e < c.offsets[v + 1]; ++e) strength[v] += to_real(c.weights[e]);
  for (int it = 0; it < max_iterations; ++it) {
    double dangling = 0;
    for (std::size_t v = 0; v < s; ++v)
      if (strength[v] == 0) dangling += rank[v];
    const double base = (1.0 - damping) * inv + damping * dangling * inv;
    std::fill(next.begin(), next.end(), base);
    // Push in member order: a fixed summation order, hence a reproducible result.
    for (std::size_t v = 0; v < s; ++v) {
      if (strength[v] == 0) continue;
      const double share = damping * rank[v] / strength[v];
      for (std::uint64_t e = c.offsets[v]; e < c.offsets[v + 1]; ++e)
        next[c.targets[e]] += share * to_real(c.weights[e]);
    }
    double change = 0;
    for (std::size_t v = 0; v < s; ++v) change += std::abs(next[v] - rank[v]);
    rank.swap(next);
    if (change < tolerance) break;
  }
  return rank;
}

std::vector<double> betweenness(const CommunitySubgraph& c, std::size_t max_sources, std::uint64_t seed) {
  const std::size_t s = c.size();
  std::vector<double> bc(s, 0.0);
  if (s < 3) return bc;
  std::vector<std::uint32_t> sources(s);
  std::iota(sources.begin(), sources.end(), 0u);
  double scale = 0.5;  // each unordered pair is seen from both ends
  if (max_sources > 0 && s > max_sources) {
    std::vector<std::uint64_t> key(s);
    for (std::size_t v = 0; v < s; ++v) key[v] = mix64(seed ^ mix64(c.members[v]));
    std::partial_sort(sources.begin(), sources.begin() + static_cast<std::ptrdiff_t>(max_sources),
                      sources.end(), [&](std::uint32_t x, std::uint32_t y) {
                        return key[x] != key[y] ? key[x] < key[y] : x < y;
                      });
    sources.resize(max_sources);
    std::sort(sources.begin(), sources.end());
    scale *= static_cast<double>(s) / static_cast<double>(max_sources);
  }
  std::vector<std::int32_t> dist(s);
  // coef[w] = (1 + δ(w)) / σ(w): a predecessor v of w gains σ(v)·coef[w] (Brandes 2001, eq. 6).
  std::vector<double> sigma(s), coef(s);
  std::vector<std::uint32_t> stack;
  stack.reserve(s);
  for (const std::uint32_t src : sources) {
    std::fill(dist.begin(), dist.end(), -1);
    std::fill(sigma.begin(), sigma.end(), 0.0);
    stack.assign(1, src);
    dist[src] = 0;
    sigma[src] = 1;
    for (std::size_t q = 0; q < stack.size(); ++q) {  // BFS; `stack` is also the visit order
      const std::uint32_t v = stack[q];
      const std::int32_t next = dist[v] + 1;
      const double sv = sigma[v];
      for (std::uint64_t e = c.offsets[v]; e < c.offsets[v + 1]; ++e) {
        const std::uint32_t w = c.targets[e];
        if (dist[w] < 0) {
          dist[w] = next;
          stack.push_back(w);
        }
        if (dist[w] == next) sigma[w] += sv;
      }
    }
    // Dependencies pulled from the successors in reverse visit order: each member's sum is made
    // in a register, over its arcs in CSR order (a fixed order: reproducible).
    for (std::size_t q = stack.size(); q-- > 0;) {
      const std::uint32_t v = stack[q];
      const std::int32_t next = dist[v] + 1;
      double pull = 0;
      for (std::uint64_t e = c.offsets[v]; e < c.offsets[v + 1]; ++e)
        if (dist[c.targets[e]] == next) pull += coef[c.targets[e]];
      const double delta = sigma[v] * pull;
      coef[v] = (1.0 + delta) / sigma[v];
      if (q > 0) bc[v] += delta;
    }
  }
  for (auto& b : bc) b *= scale;
  return bc;
}

}  // namespace ch::community
