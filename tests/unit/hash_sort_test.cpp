// sort_by_hash equals std::sort for records ordered first by a uniform 64-bit hash: with ties
// broken by further fields, with many equal hashes, with hashes in one bucket only, empty input,
// and under 1 and 4 TBB threads.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <random>
#include <tuple>
#include <vector>

#include "kernels/hash_sort.hpp"
#include "kernels/rng.hpp"

namespace {

struct Call {
  std::uint64_t phone, contact;
  std::int32_t day;
  bool operator==(const Call&) const = default;
};
bool by_tuple(const Call& x, const Call& y) {
  return std::tie(x.phone, x.contact, x.day) < std::tie(y.phone, y.contact, y.day);
}

std::vector<Call> calls(std::size_t n, std::uint64_t distinct_phones, std::uint64_t seed, std::uint64_t mask) {
  std::mt19937_64 rng(seed);
  std::vector<Call> out(n);
  for (auto& c : out)
    c = {ch::mix64(rng() % distinct_phones) & mask, rng() % 50, static_cast<std::int32_t>(rng() % 30) - 10};
  return out;
}

}  // namespace

TEST(SortByHash, EqualsStdSort) {
  for (int threads : {1, 4}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    for (auto [n, phones, mask] : {std::tuple<std::size_t, std::uint64_t, std::uint64_t>{0, 1, ~0ULL},
                                   {1, 1, ~0ULL},
                                   {200000, 1000000, ~0ULL},
                                   {200000, 300, ~0ULL},                       // long runs of one phone
                                   {50000, 1000000, 0x0000FFFFFFFFFFFFULL}}) {  // all in bucket 0
      auto got = calls(n, phones, n + phones, mask);
      auto want = got;
      std::sort(want.begin(), want.end(), by_tuple);
      ch::sort_by_hash(got, [](const Call& c) { return c.phone; }, by_tuple);
      EXPECT_EQ(got, want) << "n " << n << ", phones " << phones << ", threads " << threads;
    }
  }
}

TEST(SortByHash, ByTheHashAlone) {
  std::vector<std::uint64_t> v;
  for (std::uint64_t i = 0; i < 100000; ++i) v.push_back(ch::mix64(i % 7919));
  auto want = v;
  std::sort(want.begin(), want.end());
  ch::sort_by_hash(v, [](std::uint64_t h) { return h; });
  EXPECT_EQ(v, want);
}
