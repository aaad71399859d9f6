// Merging sorted runs (what a shuffle of sorted pieces delivers) gives what a sort gives: for any
// number of runs, an odd one left over, empty runs, and input far from sorted (the fallback).
#include "kernels/sorted_runs.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace {

std::vector<std::uint64_t> runs_of(std::size_t runs, std::mt19937_64& rng) {
  std::vector<std::uint64_t> v;
  for (std::size_t r = 0; r < runs; ++r) {
    std::vector<std::uint64_t> run(rng() % 50);  // some empty
    for (auto& x : run) x = rng() % 1000;
    std::sort(run.begin(), run.end());
    v.insert(v.end(), run.begin(), run.end());
  }
  return v;
}

}  // namespace

TEST(SortedRuns, BoundsMarkEachDescent) {
  const std::vector<int> v{1, 3, 5, 2, 4, 0};
  EXPECT_EQ(ch::run_bounds(v, std::less<>{}, 8), (std::vector<std::size_t>{0, 3, 5, 6}));
  EXPECT_EQ(ch::run_bounds(std::vector<int>{1, 1, 2}, std::less<>{}, 8), (std::vector<std::size_t>{0, 3}));
  EXPECT_TRUE(ch::run_bounds(v, std::less<>{}, 2).empty());  // more runs than allowed
}

TEST(SortedRuns, MergedRunsEqualASort) {
  std::mt19937_64 rng(7);
  for (const std::size_t runs : {0, 1, 2, 3, 4, 5, 8, 300}) {
    auto v = runs_of(runs, rng);
    auto expected = v;
    std::sort(expected.begin(), expected.end());
    ch::merge_sorted_runs(v, std::less<>{}, 256);
    EXPECT_EQ(v, expected) << runs << " runs";
  }
}

TEST(SortedRuns, VisitedInSortedOrder) {
  std::mt19937_64 rng(11);
  for (const std::size_t runs : {0, 1, 2, 3, 7, 300}) {
    auto v = runs_of(runs, rng);
    auto expected = v;
    std::sort(expected.begin(), expected.end());
    std::vector<std::uint64_t> seen;
    ch::visit_in_order(v, std::less<>{}, [&](std::uint64_t x) { seen.push_back(x); }, 256);
    EXPECT_EQ(seen, expected) << runs << " runs";
  }
}
