// The cluster verbs under 1, 2 and 4 ranks, checked against a serial reference: every item
// reaches its owner exactly once and in the documented order, also when the data needs many
// rounds because a message may carry only a few bytes.
#include <gtest/gtest.h>

#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include "cluster/collectives.hpp"
#include "cluster/shuffle.hpp"
#include "cluster/sort.hpp"

#include <tuple>

using ch::cluster::Context;

namespace {

struct Item {
  std::uint64_t key;
  std::uint32_t source;
  std::uint32_t seq;
};

struct Named {
  std::uint64_t key = 0;
  std::string name;
  std::vector<int> values;
  template <class Ar>
  void serialize(Ar& ar, unsigned) {
    ar & key & name & values;
  }
};

int owner_of(std::uint64_t key, int size) { return static_cast<int>((key * 2654435761ULL) % size); }

}  // namespace

class Shuffle : public ::testing::TestWithParam<std::size_t> {};

TEST_P(Shuffle, EveryItemReachesItsOwnerInOrder) {
  auto ctx = Context::world();
  ctx.set_max_message_bytes(GetParam());
  std::vector<Item> mine;
  const auto n = static_cast<std::uint32_t>(100 + 37 * ctx.rank());
  for (std::uint32_t i = 0; i < n; ++i)
    mine.push_back({ctx.rank() * 100000ULL + i * 13ULL, static_cast<std::uint32_t>(ctx.rank()), i});
  const double exchanging_before = ctx.shuffle_seconds();
  const auto got = ch::cluster::shuffle(ctx, std::span<const Item>(mine),
                                        [&](const Item& it) { return owner_of(it.key, ctx.size()); });
  // The exchange's time is counted for the stage metrics (dozens of rounds at 7 bytes); alone,
  // a rank exchanges nothing.
  if (ctx.size() > 1)
    EXPECT_GT(ctx.shuffle_seconds(), exchanging_before);
  else
    EXPECT_EQ(ctx.shuffle_seconds(), exchanging_before);
  // Serial reference: what every rank sent to me, in (source, send order).
  std::vector<Item> expected;
  for (int src = 0; src < ctx.size(); ++src)
    for (std::uint32_t i = 0; i < 100 + 37 * static_cast<std::uint32_t>(src); ++i) {
      const Item it{src * 100000ULL + i * 13ULL, static_cast<std::uint32_t>(src), i};
      if (owner_of(it.key, ctx.size()) == ctx.rank()) expected.push_back(it);
    }
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].key, expected[i].key);
    EXPECT_EQ(got[i].source, expected[i].source);
    EXPECT_EQ(got[i].seq, expected[i].seq);
  }
}

// 7 bytes per message forces dozens of rounds with items split across them.
INSTANTIATE_TEST_SUITE_P(MessageLimits, Shuffle, ::testing::Values(std::size_t{7}, std::size_t{1} << 30));

TEST(ShuffleSerialized, StringsAndVectorsArriveIntact) {
  auto ctx = Context::world();
  ctx.set_max_message_bytes(64);
  std::vector<Named> mine;
  for (int i = 0; i < 50; ++i)
    mine.push_back({static_cast<std::uint64_t>(ctx.rank() * 1000 + i),
                    "name,with \"quotes\" " + std::to_string(i), std::vector<int>(i % 5, i)});
  const auto got = ch::cluster::shuffle_serialized(
      ctx, std::span<const Named>(mine), [&](const Named& x) { return owner_of(x.key, ctx.size()); });
  std::uint64_t received = got.size();
  for (const auto& x : got) {
    EXPECT_EQ(owner_of(x.key, ctx.size()), ctx.rank());
    const int i = static_cast<int>(x.key % 1000);
    EXPECT_EQ(x.name, "name,with \"quotes\" " + std::to_string(i));
    EXPECT_EQ(x.values, std::vector<int>(i % 5, i));
  }
  EXPECT_EQ(ch::cluster::allreduce_sum(ctx, received), 50u * ctx.size());
}

// The overload for a vector the caller gives up moves the items that stay instead of serializing
// them; the result must be the span overload's, item for item and in the same order.
TEST(ShuffleSerialized, MovingTheInputGivesTheSameResult) {
  auto ctx = Context::world();
  ctx.set_max_message_bytes(64);
  std::vector<Named> mine;
  for (int i = 0; i < 60; ++i)
    mine.push_back({static_cast<std::uint64_t>(ctx.rank() * 1000 + i * 7), "n" + std::to_string(i),
                    std::vector<int>(i % 4, ctx.rank())});
  const auto owner = [&](const Named& x) { return owner_of(x.key, ctx.size()); };
  const auto copied = ch::cluster::shuffle_serialized(ctx, std::span<const Named>(mine), owner);
  auto input = mine;
  const auto moved = ch::cluster::shuffle_serialized(ctx, std::move(input), owner);
  EXPECT_TRUE(input.empty());
  ASSERT_EQ(moved.size(), copied.size());
  for (std::size_t i = 0; i < moved.size(); ++i) {
    EXPECT_EQ(moved[i].key, copied[i].key);
    EXPECT_EQ(moved[i].name, copied[i].name);
    EXPECT_EQ(moved[i].values, copied[i].values);
  }
  // Something stayed and, with more than one rank, something arrived.
  std::size_t local = 0;
  for (const auto& x : moved) local += x.key / 1000 == static_cast<std::uint64_t>(ctx.rank());
  EXPECT_GT(local, 0u);
  if (ctx.size() > 1) {
    EXPECT_LT(local, moved.size());
  }
}

TEST(Collectives, ScanSumMaxGather) {
  const auto ctx = Context::world();
  const std::uint64_t mine = ctx.rank() + 1;
  EXPECT_EQ(ch::cluster::exclusive_scan(ctx, mine), static_cast<std::uint64_t>(ctx.rank() * (ctx.rank() + 1) / 2));
  EXPECT_EQ(ch::cluster::allreduce_sum(ctx, mine), static_cast<std::uint64_t>(ctx.size() * (ctx.size() + 1) / 2));
  EXPECT_EQ(ch::cluster::allreduce_max(ctx, mine), static_cast<std::uint64_t>(ctx.size()));
  EXPECT_TRUE(ch::cluster::allreduce_or(ctx, ctx.rank() == ctx.size() - 1));
  EXPECT_FALSE(ch::cluster::allreduce_or(ctx, false));
  const auto strings = ch::cluster::allgatherv_strings(ctx, std::vector<std::string>(ctx.rank(), std::string("r") + std::to_string(ctx.rank())));
  EXPECT_EQ(strings.size(), static_cast<std::size_t>(ctx.size() * (ctx.size() - 1) / 2));
  EXPECT_EQ(ch::cluster::broadcast_string(ctx, ctx.is_root() ? "hello" : ""), "hello");
}

TEST(SortDistributed, SlicesConcatenateToTheSerialSort) {
  const auto ctx = Context::world();
  // Skewed keys with many duplicates; ties broken by a unique id.
  std::vector<Item> mine;
  for (std::uint32_t i = 0; i < 300 + 50 * static_cast<std::uint32_t>(ctx.rank()); ++i)
    mine.push_back({(i * 7919ULL + ctx.rank()) % 97 * (i % 3 == 0 ? 1000 : 1), static_cast<std::uint32_t>(ctx.rank()), i});
  auto less = [](const Item& a, const Item& b) {
    return std::tie(a.key, a.source, a.seq) < std::tie(b.key, b.source, b.seq);
  };
  const auto sorted = ch::cluster::sort_distributed(ctx, mine, less);
  EXPECT_TRUE(std::is_sorted(sorted.begin(), sorted.end(), less));
  const auto gathered = ch::cluster::allgatherv<Item>(ctx, std::span<const Item>(sorted));
  std::vector<Item> expected;
  for (int r = 0; r < ctx.size(); ++r)
    for (std::uint32_t i = 0; i < 300 + 50 * static_cast<std::uint32_t>(r); ++i)
      expected.push_back({(i * 7919ULL + r) % 97 * (i % 3 == 0 ? 1000 : 1), static_cast<std::uint32_t>(r), i});
  std::sort(expected.begin(), expected.end(), less);
  ASSERT_EQ(gathered.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(gathered[i].key, expected[i].key);
    ASSERT_EQ(gathered[i].seq, expected[i].seq);
  }
}

// With a coarser `group` order, no group is cut between ranks: here 7 keys, hundreds of items
// each, so plain PSRS splitters would fall inside them.
TEST(SortDistributed, GroupsStayOnOneRank) {
  const auto ctx = Context::world();
  std::vector<Item> mine;
  for (std::uint32_t i = 0; i < 400 + 60 * static_cast<std::uint32_t>(ctx.rank()); ++i)
    mine.push_back({(i * 31ULL + ctx.rank()) % 7, static_cast<std::uint32_t>(ctx.rank()), i});
  auto less = [](const Item& a, const Item& b) { return std::tie(a.key, a.source, a.seq) < std::tie(b.key, b.source, b.seq); };
  auto by_key = [](const Item& a, const Item& b) { return a.key < b.key; };
  const auto sorted = ch::cluster::sort_distributed(ctx, mine, less, by_key);
  EXPECT_TRUE(std::is_sorted(sorted.begin(), sorted.end(), less));
  const auto keys = ch::cluster::allgatherv<std::uint64_t>(ctx, sorted.empty() ? std::vector<std::uint64_t>{}
                                                                                : std::vector<std::uint64_t>{sorted.front().key, sorted.back().key});
  // Each rank's first key is greater than the previous non-empty rank's last key.
  for (std::size_t k = 2; k + 1 < keys.size(); k += 2) EXPECT_LT(keys[k - 1], keys[k]);
  const auto total = ch::cluster::allreduce_sum<std::uint64_t>(ctx, sorted.size());
  std::uint64_t expected = 0;
  for (int r = 0; r < ctx.size(); ++r) expected += 400 + 60 * static_cast<std::uint64_t>(r);
  EXPECT_EQ(total, expected);
}

// shuffle_merge of sorted items with owners monotone along them: each rank's result is its key
// range, sorted, equal keys in rank order and then in their order within the rank (a stable sort
// of the concatenated inputs), whatever the rank count.
TEST(ShuffleMerge, StableMergeOfTheRuns) {
  const auto ctx = Context::world();
  const auto p = static_cast<std::uint64_t>(ctx.size());
  constexpr std::uint64_t kKeys = 40;
  auto items_of = [](int rank) {
    std::vector<Item> v;
    for (std::uint32_t i = 0; i < 200 + 30 * static_cast<std::uint32_t>(rank); ++i)
      v.push_back({(i * 13ULL + static_cast<std::uint64_t>(rank) * 7) % kKeys, static_cast<std::uint32_t>(rank), i});
    std::stable_sort(v.begin(), v.end(), [](const Item& a, const Item& b) { return a.key < b.key; });
    return v;
  };
  auto by_key = [](const Item& a, const Item& b) { return a.key < b.key; };
  auto owner = [&](const Item& it) { return static_cast<int>(it.key * p / kKeys); };
  const auto mine = ch::cluster::shuffle_merge(ctx, items_of(ctx.rank()), owner, by_key);
  const auto gathered = ch::cluster::allgatherv<Item>(ctx, std::span<const Item>(mine));
  std::vector<Item> expected;
  for (int r = 0; r < ctx.size(); ++r) {
    const auto v = items_of(r);
    expected.insert(expected.end(), v.begin(), v.end());
  }
  std::stable_sort(expected.begin(), expected.end(), by_key);
  ASSERT_EQ(gathered.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    ASSERT_EQ(std::tie(gathered[i].key, gathered[i].source, gathered[i].seq),
              std::tie(expected[i].key, expected[i].source, expected[i].seq)) << "at " << i;
  for (const auto& it : mine) EXPECT_EQ(owner(it), ctx.rank());
}

// The moved-in shuffle and shuffle_merge assemble their result in the input's buffer when it fits
// (the receivers' total within its capacity) and in a new one otherwise: both give what the
// copying shuffle and a stable sort give, whether the input has room to spare or none, and
// whether what arrives comes in one round or in pieces of 40 bytes (items cut across rounds).
TEST(ShuffleInPlace, SameResultWithAndWithoutRoom) {
  auto ctx = Context::world();
  const auto p = static_cast<std::uint64_t>(ctx.size());
  auto items_of = [](int rank) {
    std::vector<Item> v;
    // Unequal counts per rank, so some ranks receive more than they send and others less.
    for (std::uint32_t i = 0; i < 150 + 90 * static_cast<std::uint32_t>(rank); ++i)
      v.push_back({(i * 29ULL + static_cast<std::uint64_t>(rank) * 11) % 50, static_cast<std::uint32_t>(rank), i});
    return v;
  };
  const auto owner = [&](const Item& it) { return owner_of(it.key, ctx.size()); };
  const auto mine = items_of(ctx.rank());
  const auto reference = ch::cluster::shuffle(ctx, std::span<const Item>(mine), owner);
  auto by_key = [](const Item& a, const Item& b) { return a.key < b.key; };
  auto sorted_of = [&](int rank) {
    auto v = items_of(rank);
    std::stable_sort(v.begin(), v.end(), by_key);
    return v;
  };
  const auto range_owner = [&](const Item& it) { return static_cast<int>(it.key * p / 50); };
  std::vector<Item> merged_reference;
  for (int r = 0; r < ctx.size(); ++r)
    for (const auto& it : sorted_of(r))
      if (range_owner(it) == ctx.rank()) merged_reference.push_back(it);
  std::stable_sort(merged_reference.begin(), merged_reference.end(), by_key);
  const auto same = [](const std::vector<Item>& a, const std::vector<Item>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (std::tie(a[i].key, a[i].source, a[i].seq) != std::tie(b[i].key, b[i].source, b[i].seq)) return false;
    return true;
  };
  for (const std::size_t limit : {std::size_t{1} << 30, std::size_t{40}})
  for (const std::size_t room : {std::size_t{0}, std::size_t{100}, std::size_t{1000}}) {
    ctx.set_max_message_bytes(limit);
    auto input = mine;
    input.shrink_to_fit();
    input.reserve(input.size() + room);
    const auto got = ch::cluster::shuffle(ctx, std::move(input), owner);
    EXPECT_TRUE(same(got, reference)) << "shuffle, room " << room << ", pieces of " << limit;

    auto sorted = sorted_of(ctx.rank());
    sorted.shrink_to_fit();
    sorted.reserve(sorted.size() + room);
    const auto merged = ch::cluster::shuffle_merge(ctx, std::move(sorted), range_owner, by_key);
    EXPECT_TRUE(same(merged, merged_reference)) << "shuffle_merge, room " << room << ", pieces of " << limit;
  }
}
