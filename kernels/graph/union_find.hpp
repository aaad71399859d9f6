// Serial union-find with path halving and union by smaller id, so each set's root is its
// smallest member. It is the reference that the distributed connected-components verb is tested
// against, and the node-local building block for small graphs.
#pragma once

#include <cstdint>
#include <numeric>
#include <span>
#include <utility>
#include <vector>

namespace ch::graph {

class UnionFind {
 public:
  explicit UnionFind(std::uint64_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }

  std::uint64_t find(std::uint64_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];  // path halving
      x = parent_[x];
    }
    return x;
  }
  // The smaller root wins, so roots are canonical: the minimum id of each component.
  bool unite(std::uint64_t a, std::uint64_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    if (b < a) std::swap(a, b);
    parent_[b] = a;
    return true;
  }
  std::uint64_t size() const { return parent_.size(); }

 private:
  std::vector<std::uint64_t> parent_;
};

// Component label (= smallest vertex id in the component) of every vertex 0..n-1.
inline std::vector<std::uint64_t> component_labels(
    std::uint64_t n, std::span<const std::pair<std::uint64_t, std::uint64_t>> edges) {
  UnionFind uf(n);
  for (const auto& [a, b] : edges) uf.unite(a, b);
  std::vector<std::uint64_t> label(n);
  for (std::uint64_t v = 0; v < n; ++v) label[v] = uf.find(v);
  return label;
}

}  // namespace ch::graph
