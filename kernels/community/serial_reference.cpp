#include "kernels/community/serial_reference.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>

namespace ch::community {
namespace {

using Adjacency = std::vector<std::map<std::uint64_t, double>>;  // self-loops included

Adjacency adjacency(std::uint64_t n, const std::vector<ReferenceEdge>& edges) {
  Adjacency a(n);
  for (const auto& e : edges) {
    a[e.u][e.v] += e.w;
    if (e.u != e.v) a[e.v][e.u] += e.w;
  }
  return a;
}

std::vector<std::uint64_t> smallest_member_labels(const std::vector<std::uint64_t>& c) {
  std::map<std::uint64_t, std::uint64_t> smallest;
  for (std::uint64_t v = 0; v < c.size(); ++v) smallest.emplace(c[v], v);  // first = smallest
  std::vector<std::uint64_t> out(c.size());
  for (std::uint64_t v = 0; v < c.size(); ++v) out[v] = smallest[c[v]];
  return out;
}

}  // namespace

double reference_modularity(std::uint64_t n, const std::vector<ReferenceEdge>& edges,
                            const std::vector<std::uint64_t>& membership, double resolution) {
  std::map<std::uint64_t, double> inside, degree;
  double two_m = 0;
  std::vector<double> k(n, 0.0);
  for (const auto& e : edges) {
    k[e.u] += e.w;
    k[e.v] += e.w;  // a self-loop adds 2w to its vertex's degree
    two_m += 2 * e.w;
    if (membership[e.u] == membership[e.v]) inside[membership[e.u]] += 2 * e.w;
  }
  for (std::uint64_t v = 0; v < n; ++v) degree[membership[v]] += k[v];
  double q = 0;
  for (const auto& [c, d] : degree) q += inside[c] / two_m - resolution * (d / two_m) * (d / two_m);
  return q;
}

std::vector<std::uint64_t> reference_louvain(std::uint64_t n, const std::vector<ReferenceEdge>& edges,
                                             double resolution) {
  Adjacency a = adjacency(n, edges);
  std::vector<std::uint64_t> top(n);  // original vertex -> vertex of the current level
  std::iota(top.begin(), top.end(), std::uint64_t{0});
  double two_m = 0;
  for (const auto& e : edges) two_m += 2 * e.w;
  while (true) {
    const std::uint64_t nl = a.size();
    std::vector<double> k(nl, 0.0);
    for (std::uint64_t v = 0; v < nl; ++v)
      for (const auto& [u, w] : a[v]) k[v] += (u == v ? 2 * w : w);
    std::vector<std::uint64_t> c(nl);
    std::iota(c.begin(), c.end(), std::uint64_t{0});
    std::vector<double> tot(k);
    bool any = false;
    for (bool moved = true; moved;) {
      moved = false;
      for (std::uint64_t v = 0; v < nl; ++v) {
        std::map<std::uint64_t, double> to;
        for (const auto& [u, w] : a[v])
          if (u != v) to[c[u]] += w;
        tot[c[v]] -= k[v];
        auto gain = [&](std::uint64_t x) { return to[x] - resolution * k[v] * tot[x] / two_m; };
        std::uint64_t best = c[v];
        double best_gain = gain(c[v]);
        for (const auto& [x, w] : to)
          if (gain(x) > best_gain + 1e-12) {
            best = x;
            best_gain = gain(x);
          }
        tot[best] += k[v];
        if (best != c[v]) {
          c[v] = best;
          moved = any = true;
        }
      }
    }
    if (!any) break;
    const auto labels = smallest_member_labels(c);
    std::map<std::uint64_t, std::uint64_t> id;
    for (const auto l : labels) id.emplace(l, id.size());
    Adjacency next(id.size());
    for (std::uint64_t v = 0; v < nl; ++v)
      for (const auto& [u, w] : a[v]) next[id[labels[v]]][id[labels[u]]] += (u == v ? 2 * w : w);
    for (auto& t : top) t = id[labels[t]];
    a = std::move(next);
    // Internal edges (and loops, doubled above) arrived from both ends: halve the new loops.
    for (std::uint64_t v = 0; v < a.size(); ++v)
      if (auto it = a[v].find(v); it != a[v].end()) it->second /= 2;
  }
  // Split every community into connected components of the original graph.
  std::vector<std::uint64_t> membership(n);
  for (std::uint64_t v = 0; v < n; ++v) membership[v] = top[v];
  const Adjacency orig = adjacency(n, edges);
  std::vector<std::uint64_t> out(n, n);
  for (std::uint64_t s = 0; s < n; ++s) {
    if (out[s] != n) continue;
    std::vector<std::uint64_t> stack{s};
    out[s] = s;
    while (!stack.empty()) {
      const auto v = stack.back();
      stack.pop_back();
      for (const auto& [u, w] : orig[v])
        if (out[u] == n && membership[u] == membership[s]) {
          out[u] = s;
          stack.push_back(u);
        }
    }
  }
  return out;
}

bool all_connected(std::uint64_t n, const std::vector<ReferenceEdge>& edges,
                   const std::vector<std::uint64_t>& membership) {
  // Union-find over intra-community edges; connected iff one root per community.
  std::vector<std::uint64_t> parent(n);
  std::iota(parent.begin(), parent.end(), std::uint64_t{0});
  std::function<std::uint64_t(std::uint64_t)> find = [&](std::uint64_t x) {
    return parent[x] == x ? x : parent[x] = find(parent[x]);
  };
  for (const auto& e : edges)
    if (membership[e.u] == membership[e.v]) parent[find(e.u)] = find(e.v);
  std::map<std::uint64_t, std::uint64_t> root_of;
  for (std::uint64_t v = 0; v < n; ++v) {
    const auto [it, fresh] = root_of.emplace(membership[v], find(v));
    if (!fresh && it->second != find(v)) return false;
  }
  return true;
}

}  // namespace ch::community
