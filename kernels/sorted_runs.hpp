// Ordering what arrives as a few sorted runs back to back (a shuffle of sorted pieces delivers
// each rank's part in rank order): merging the runs costs O(n log runs), a sort O(n log n).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace ch {

// Starts of the sorted runs of `items` and items.size() at the end ({0, n} when sorted; {} when
// there are more than `max_runs` runs: far from sorted, better sorted from scratch).
template <class T, class Less>
std::vector<std::size_t> run_bounds(const std::vector<T>& items, Less less, std::size_t max_runs) {
  std::vector<std::size_t> bounds{0};
  for (std::size_t i = 1; i < items.size(); ++i)
    if (less(items[i], items[i - 1])) {
      if (bounds.size() == max_runs) return {};
      bounds.push_back(i);
    }
  bounds.push_back(items.size());
  return bounds;
}

// Sorts `items` by merging neighbouring runs pairwise into a second buffer and back (one extra
// buffer of n items, as a shuffle's own peak); `sort_all(items)` (std::sort by default) when far
// from sorted. The result
// equals std::sort's when `less` is a strict total order. It ends in `items`' own memory: left
// in the second buffer, the freed original raised resolve's peak by 0.5 GB on `medium` (the
// later allocations did not fit into it).
template <class T, class Less, class SortAll>
void merge_sorted_runs(std::vector<T>& items, Less less, std::size_t max_runs, SortAll sort_all) {
  auto bounds = run_bounds(items, less, max_runs);
  if (bounds.empty()) {
    sort_all(items);
    return;
  }
  if (bounds.size() <= 2) return;
  auto at = [](std::vector<T>& v, std::size_t i) { return v.begin() + static_cast<std::ptrdiff_t>(i); };
  std::vector<T> other(items.size());
  bool swapped = false;
  while (bounds.size() > 2) {
    std::vector<std::size_t> next{0};
    std::size_t k = 0;
    for (; k + 2 < bounds.size(); k += 2) {
      std::merge(at(items, bounds[k]), at(items, bounds[k + 1]), at(items, bounds[k + 1]), at(items, bounds[k + 2]),
                 at(other, bounds[k]), less);
      next.push_back(bounds[k + 2]);
    }
    if (k + 1 < bounds.size()) {  // an odd run out: carried over as it is
      std::copy(at(items, bounds[k]), items.end(), at(other, bounds[k]));
      next.push_back(items.size());
    }
    items.swap(other);
    swapped = !swapped;
    bounds.swap(next);
  }
  if (swapped) {
    std::copy(items.begin(), items.end(), other.begin());
    items.swap(other);
  }
}

template <class T, class Less>
void merge_sorted_runs(std::vector<T>& items, Less less, std::size_t max_runs = 256) {
  merge_sorted_runs(items, less, max_runs, [&](std::vector<T>& v) { std::sort(v.begin(), v.end(), less); });
}

// Calls f(item) for every item of the sorted runs `bounds` (from run_bounds, not empty) in sorted
// order: a heap over the runs' heads, no second buffer. Equal items of different runs come in no
// particular order.
template <class T, class Less, class F>
void visit_runs_in_order(const std::vector<T>& items, const std::vector<std::size_t>& bounds, Less less, F&& f) {
  if (bounds.size() <= 2) {
    for (const T& x : items) f(x);
    return;
  }
  struct Cursor {
    std::size_t at, end;
  };
  std::vector<Cursor> heap;
  for (std::size_t k = 0; k + 1 < bounds.size(); ++k)
    if (bounds[k] < bounds[k + 1]) heap.push_back({bounds[k], bounds[k + 1]});
  const auto later = [&](const Cursor& a, const Cursor& b) { return less(items[b.at], items[a.at]); };
  std::make_heap(heap.begin(), heap.end(), later);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    Cursor& c = heap.back();
    f(items[c.at]);
    if (++c.at < c.end) std::push_heap(heap.begin(), heap.end(), later);
    else heap.pop_back();
  }
}

// run_bounds, but never empty: `items` far from sorted are sorted in place first ({0, n}).
template <class T, class Less>
std::vector<std::size_t> sorted_runs(std::vector<T>& items, Less less, std::size_t max_runs = 256) {
  auto bounds = run_bounds(items, less, max_runs);
  if (bounds.empty()) {
    std::sort(items.begin(), items.end(), less);
    bounds = {0, items.size()};
  }
  return bounds;
}

// The same for any items: sorted in place first when far from sorted.
template <class T, class Less, class F>
void visit_in_order(std::vector<T>& items, Less less, F&& f, std::size_t max_runs = 256) {
  visit_runs_in_order(items, sorted_runs(items, less, max_runs), less, f);
}

}  // namespace ch
