// The weighted undirected graph the community kernels work on, as one rank's slice.
//
// Vertices are dense ids 0..n-1. A rank owns the contiguous range [begin, end) of a VertexSplit
// (ranges in rank order; every rank holds the whole split, so any rank finds any vertex's owner)
// and keeps the adjacency of its vertices in CSR form with global neighbour ids: neighbours owned
// elsewhere are the ghost vertices. With one rank the slice is the whole graph.
//
// Weights are fixed-point integers (kWeightScale = 2^20 units per 1.0). Why: every total the
// algorithm needs (degrees, community totals, cut weights) is then a sum of integers, which is
// exact and associative, so it comes out the same whatever the rank count, thread count or
// order of summation. Floating point only appears when a gain or a quality is evaluated from
// those exact totals, always with the same inputs in the same order.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace ch::community {

using Weight = std::int64_t;
inline constexpr int kWeightBits = 20;
inline constexpr double kWeightScale = static_cast<double>(std::int64_t{1} << kWeightBits);
// Total weight (2m) must stay below this so that sums and products of totals in 128-bit
// intermediates cannot overflow, and a degree fits an int64 with room to spare.
inline constexpr Weight kMaxTotalWeight = std::int64_t{1} << 61;

constexpr double to_real(Weight w) { return static_cast<double>(w) / kWeightScale; }
// Rounds to the nearest fixed-point unit; 0 for weights below half a unit.
inline Weight to_fixed(double w) { return static_cast<Weight>(std::llround(w * kWeightScale)); }

// One directed arc of an undirected edge; shuffles carry these between ranks.
struct Arc {
  std::uint64_t source;
  std::uint64_t target;
  Weight weight;
};

__extension__ using Wide = unsigned __int128;  // vertex * ranks may exceed 64 bits

// Range of vertices owned by `rank` of `ranks` when n vertices are split evenly.
constexpr std::pair<std::uint64_t, std::uint64_t> vertex_range(std::uint64_t n, int rank, int ranks) {
  // 64-bit arithmetic when n · (rank + 1) fits (shuffles call this per item; a 128-bit division
  // is a library call), else 128-bit. Both give the same values.
  const auto r64 = static_cast<std::uint64_t>(rank), p64 = static_cast<std::uint64_t>(ranks);
  std::uint64_t first = 0, second = 0;
  if (!__builtin_mul_overflow(n, r64, &first) && !__builtin_mul_overflow(n, r64 + 1, &second))
    return {first / p64, second / p64};
  const auto r = static_cast<Wide>(rank), p = static_cast<Wide>(ranks);
  return {static_cast<std::uint64_t>(n * r / p), static_cast<std::uint64_t>(n * (r + 1) / p)};
}
// The rank whose vertex_range holds v (v < n). O(1), one division: the owner is the last rank
// whose range starts at or before v (empty ranges are skipped), the largest r with
// floor(n·r / p) ≤ v, i.e. n·r < p·(v + 1), i.e. r = floor((p·(v + 1) − 1) / n). Shuffles ask
// it for every item (docs/performance.md: stepping an estimate by vertex_range cost up to eight
// divisions a call).
constexpr int vertex_owner(std::uint64_t v, std::uint64_t n, int ranks) {
  if (ranks == 1) return 0;
  const auto p = static_cast<std::uint64_t>(ranks);
  std::uint64_t scaled = 0;
  if (!__builtin_mul_overflow(p, v + 1, &scaled)) return static_cast<int>((scaled - 1) / n);
  return static_cast<int>((static_cast<Wide>(p) * (static_cast<Wide>(v) + 1) - 1) / n);
}

// Where the vertices [0, n) are cut into one contiguous range per rank, in rank order. The
// community kernels give the same results for any cut (leiden.hpp); the cut only decides how
// much work each rank does.
struct VertexSplit {
  std::vector<std::uint64_t> bounds{0, 0};  // ranks + 1: rank r owns [bounds[r], bounds[r + 1])

  // vertex_range's cut: equal vertex counts, a function of n and the rank count.
  static VertexSplit even(std::uint64_t n, int ranks);
  // About equal work per rank, a vertex counting its arcs plus one: ids are not random (a graph
  // numbered by sorted entity ids has its busiest persons first, and aggregated graphs number
  // communities by their smallest member), so equal vertex counts gave rank 0 of 2 twice the
  // arcs of rank 1 on `medium`. `arcs` holds every vertex's arc count (replicated). O(n).
  static VertexSplit by_arcs(const std::vector<std::uint64_t>& arcs, int ranks);

  std::uint64_t n() const { return bounds.back(); }
  int ranks() const { return static_cast<int>(bounds.size()) - 1; }
  std::pair<std::uint64_t, std::uint64_t> range(int rank) const {
    return {bounds[static_cast<std::size_t>(rank)], bounds[static_cast<std::size_t>(rank) + 1]};
  }
  // The rank whose range holds v (v < n). O(log ranks).
  int owner(std::uint64_t v) const {
    return static_cast<int>(std::upper_bound(bounds.begin() + 1, bounds.end() - 1, v) - (bounds.begin() + 1));
  }
};

// One rank's part of a graph. Move-only in spirit: it holds the edge arrays (too much data to
// copy by accident), so pass it by reference.
struct GraphSlice {
  std::uint64_t n = 0;      // vertices in the whole graph
  std::uint64_t begin = 0;  // owned vertices [begin, end) = split.range(this rank)
  std::uint64_t end = 0;
  VertexSplit split;
  std::vector<std::uint64_t> offsets;  // end-begin+1 entries into targets/weights
  std::vector<std::uint64_t> targets;  // global neighbour ids, ascending per vertex, no self-loops
  std::vector<Weight> weights;

  std::uint64_t owned() const { return end - begin; }
  std::span<const std::uint64_t> neighbours(std::uint64_t local) const {
    return {targets.data() + offsets[local], offsets[local + 1] - offsets[local]};
  }
  std::span<const Weight> neighbour_weights(std::uint64_t local) const {
    return {weights.data() + offsets[local], offsets[local + 1] - offsets[local]};
  }
};

// Builds rank `rank`'s slice of `split` from arcs whose source lies in its range (any order;
// parallel arcs are summed, self-loops are skipped: callers account for them in degrees).
// O(a + owned + Σ d log d) for a arcs, d per row (rows that arrive in order are not sorted).
GraphSlice build_slice(VertexSplit split, int rank, std::vector<Arc> arcs);
// The whole graph of n vertices as one slice.
inline GraphSlice build_graph(std::uint64_t n, std::vector<Arc> arcs) {
  return build_slice(VertexSplit::even(n, 1), 0, std::move(arcs));
}

// Arcs per source vertex of `arcs` (n entries).
std::vector<std::uint64_t> arcs_per_source(std::uint64_t n, const std::vector<Arc>& arcs);

// The by_arcs cut of a graph of n vertices whose arcs are spread over `ranks` ranks: each rank
// passes the arcs it holds, and `sum(counts)` adds a vector over the ranks in place
// (collective). The even (whole) cut with one rank.
template <class Sum>
VertexSplit cut_by_arcs(std::uint64_t n, const std::vector<Arc>& arcs, int ranks, Sum&& sum) {
  if (ranks == 1) return VertexSplit::even(n, 1);
  auto count = arcs_per_source(n, arcs);
  sum(count);
  return VertexSplit::by_arcs(count, ranks);
}

// Sorts arcs by (source, target) and merges parallel ones by summing weights. O(a log r) when
// they arrive as r ≤ 64 sorted runs (a shuffle of sorted pieces), else O(a + span of sources +
// Σ d log d) when sources are dense, else O(a log a).
void sort_and_merge(std::vector<Arc>& arcs);

// The arcs of g's owned vertices between the groups new_id[v], parallel arcs merged and arcs
// inside a group dropped: the local part of aggregating g (new_id indexed by global vertex).
// Sorted by (source, target). O(arcs + Σ row log row + n) with a dense accumulator per thread.
std::vector<Arc> group_arcs(const GraphSlice& g, const std::vector<std::uint64_t>& new_id);

}  // namespace ch::community
