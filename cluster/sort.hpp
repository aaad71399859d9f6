// Distributed sort by regular sampling (PSRS: Shi & Schaeffer, J. Parallel Distrib. Comput.
// 14(4), 1992). After the call, rank r holds the r-th slice of the globally sorted sequence, so
// writing the slices in rank order (TableWriter does) gives a file whose row order is the same
// for any number of ranks — provided `less` is a strict total order on the items (break ties on
// a unique id).
//
// Cost: a local sort (a check only when the items arrive sorted, as aggregated ones do), one
// allgather of P·s samples, one shuffle, and a merge of the P sorted runs received as they are
// assembled (O(n log P), not a sort from scratch, and no second buffer). Balance: with s samples
// per rank, no rank receives more than about 2n/P items (the PSRS bound) unless many keys are
// equal.
#pragma once

#include <algorithm>
#include <span>
#include <vector>

#include "cluster/collectives.hpp"
#include "cluster/shuffle.hpp"

namespace ch::cluster {

// The same, with the slices cut only between items that differ under `group`, an order coarser
// than `less` (x before y by group implies x before y by less): items equal under `group` (a
// pair's months) end on one rank, so sums over them need no further shuffle.
template <class T, class Less, class Group>
std::vector<T> sort_distributed(const Context& ctx, std::vector<T> items, Less less, Group group) {
  static_assert(std::is_trivially_copyable_v<T>, "sort_distributed moves items with the fast shuffle");
  if (!std::is_sorted(items.begin(), items.end(), less)) std::sort(items.begin(), items.end(), less);
  const auto p = static_cast<std::size_t>(ctx.size());
  if (p == 1) return items;
  const std::size_t samples_per_rank = 16 * p;
  std::vector<T> sample;
  const std::size_t s = std::min(items.size(), samples_per_rank);
  for (std::size_t i = 0; i < s; ++i) sample.push_back(items[(2 * i + 1) * items.size() / (2 * s)]);
  auto all = allgatherv<T>(ctx, std::span<const T>(sample));
  std::sort(all.begin(), all.end(), less);
  std::vector<T> splitters;
  for (std::size_t r = 1; r < p && !all.empty(); ++r) splitters.push_back(all[r * all.size() / p]);
  // Item goes to the number of splitters not greater than it: equal keys land together.
  auto owner = [&](const T& item) {
    return static_cast<int>(std::upper_bound(splitters.begin(), splitters.end(), item, group) -
                            splitters.begin());
  };
  // Destinations are monotone in sorted items: each rank's part is a sorted run, merged as it
  // arrives.
  return shuffle_merge(ctx, std::move(items), owner, less);
}

template <class T, class Less>
std::vector<T> sort_distributed(const Context& ctx, std::vector<T> items, Less less) {
  return sort_distributed(ctx, std::move(items), less, less);
}

}  // namespace ch::cluster
