// Network evidence kernels: Newman weighting, hub cap, exact aggregation, month bucketing.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <tuple>

#include "kernels/network/evidence.hpp"

using namespace ch::network;

TEST(GroupPairs, NewmanWeightsAndHubCap) {
  std::vector<Evidence> out;
  GroupStats stats;
  const std::vector<std::uint64_t> two = {3, 9}, four = {1, 2, 5, 7}, one = {4};
  group_pairs(two, EdgeType::kCoBooked, 1.0, 10, 0, out, stats);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].a, 3u);
  EXPECT_EQ(out[0].b, 9u);
  EXPECT_DOUBLE_EQ(from_fixed(out[0].weight), 1.0);
  group_pairs(four, EdgeType::kSharedPhone, 1.0, 10, 0, out, stats);
  ASSERT_EQ(out.size(), 7u);  // 1 + 6 pairs
  EXPECT_NEAR(from_fixed(out[1].weight), 1.0 / 3.0, 1e-6);
  group_pairs(one, EdgeType::kSharedPhone, 1.0, 10, 0, out, stats);
  EXPECT_EQ(out.size(), 7u);
  group_pairs(four, EdgeType::kSharedPhone, 1.0, 3, 0, out, stats);  // a hub: no pairs
  EXPECT_EQ(out.size(), 7u);
  EXPECT_EQ(stats.hubs, 1u);
  EXPECT_EQ(stats.groups, 3u);
  EXPECT_EQ(stats.pairs, 7u);
}

TEST(Aggregate, ExactAndOrderFree) {
  std::vector<Evidence> items;
  for (int i = 0; i < 30; ++i)
    items.push_back({1, 2, 0, i % 2, to_fixed(0.1), 1, static_cast<std::uint64_t>(i), 100 + i, 100 + i});
  auto reversed = items;
  std::reverse(reversed.begin(), reversed.end());
  const auto x = aggregate(items), y = aggregate(reversed);
  ASSERT_EQ(x.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(x[i].weight, y[i].weight);  // fixed point: exact whatever the order
    EXPECT_EQ(x[i].count, 15u);
  }
  EXPECT_EQ(x[0].first_utc, 100);
  EXPECT_EQ(x[0].last_utc, 128);
  EXPECT_EQ(x[1].seconds, 1u + 3 + 5 + 7 + 9 + 11 + 13 + 15 + 17 + 19 + 21 + 23 + 25 + 27 + 29);
}

// aggregate() sums sorted input in place, merges a few sorted runs and sorts anything else: the
// same sums from every shape, equal to a plain map's.
TEST(Aggregate, EveryInputShape) {
  std::vector<Evidence> items;
  std::uint64_t state = 7;
  auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL, state >> 33; };
  for (int i = 0; i < 5000; ++i) {
    const std::uint64_t a = next() % 40, b = a + 1 + next() % 5;
    const auto t = static_cast<std::int64_t>(next() % 1000);
    items.push_back({a, b, static_cast<std::uint8_t>(next() % 3), static_cast<std::int32_t>(next() % 4),
                     static_cast<std::int64_t>(next() % 100), 1, next() % 60, t, t});
  }
  std::map<std::tuple<std::uint64_t, std::uint64_t, std::uint8_t, std::int32_t>, Evidence> want;
  for (const auto& e : items) {
    auto [it, fresh] = want.try_emplace({e.a, e.b, e.type, e.month}, e);
    if (fresh) continue;
    auto& acc = it->second;
    acc.weight += e.weight, acc.count += e.count, acc.seconds += e.seconds;
    acc.first_utc = std::min(acc.first_utc, e.first_utc), acc.last_utc = std::max(acc.last_utc, e.last_utc);
  }
  auto sorted = items;
  std::sort(sorted.begin(), sorted.end(), evidence_key_less);
  std::vector<Evidence> runs;  // three sorted runs back to back, as a shuffle delivers them
  for (int r = 0; r < 3; ++r) {
    std::vector<Evidence> part;
    for (std::size_t i = static_cast<std::size_t>(r); i < items.size(); i += 3) part.push_back(items[i]);
    std::sort(part.begin(), part.end(), evidence_key_less);
    runs.insert(runs.end(), part.begin(), part.end());
  }
  for (const auto* input : {&items, &sorted, &runs}) {
    const auto got = aggregate(*input);
    ASSERT_EQ(got.size(), want.size());
    std::size_t k = 0;
    for (const auto& [key, e] : want) {
      const auto& g = got[k++];
      EXPECT_EQ(std::tie(g.a, g.b, g.type, g.month), key);
      EXPECT_EQ(std::tie(g.weight, g.count, g.seconds, g.first_utc, g.last_utc),
                std::tie(e.weight, e.count, e.seconds, e.first_utc, e.last_utc));
    }
  }
}

TEST(Months, FromUnixTime) {
  EXPECT_EQ(month_of(0), 0);
  EXPECT_EQ(month_of(31 * 86400 - 1), 0);
  EXPECT_EQ(month_of(31 * 86400), 1);
  EXPECT_EQ(month_of(1735689600), (2025 - 1970) * 12);      // 2025-01-01
  EXPECT_EQ(month_of(1740787200), (2025 - 1970) * 12 + 2);  // 2025-03-01
  EXPECT_EQ(month_of(-1), -1);
}

TEST(IdentifierHash, KindSalts) {
  EXPECT_EQ(identifier_hash("+4412345", 1), identifier_hash("+4412345", 1));
  EXPECT_NE(identifier_hash("+4412345", 1), identifier_hash("+4412345", 2));
  EXPECT_NE(identifier_hash("AB12", 1), identifier_hash("AB13", 1));
}

// Uses of one value form one group, whatever order they arrive in; values that share a 64-bit key
// (forced here: real collisions are rare but possible) are still separate groups.
TEST(GroupIdentifierUses, GroupsByValueEvenWhenKeysCollide) {
  auto run = [](IdentifierUses uses) {
    std::array<GroupStats, kEdgeTypeCount> stats{};
    PhoneHolders phones;
    auto out = aggregate(group_identifier_uses(uses, EdgeRules{}, stats, &phones));
    std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint8_t, std::int64_t>> pairs;
    for (const auto& e : out) pairs.emplace_back(e.a, e.b, e.type, e.first_utc);
    std::map<std::string, std::vector<std::uint64_t>> holders;
    phones.for_each([&](std::string_view phone, std::span<const std::uint64_t> h) {
      holders[std::string(phone)].assign(h.begin(), h.end());
    });
    return std::make_tuple(pairs, stats[static_cast<std::size_t>(EdgeType::kSharedPhone)].groups, holders);
  };
  IdentifierUses plain;
  plain.add("+441", 3, 500, EdgeType::kSharedPhone);
  plain.add("BK1", 1, 100, EdgeType::kCoBooked);
  plain.add("+441", 1, 300, EdgeType::kSharedPhone);
  plain.add("BK1", 2, 200, EdgeType::kCoBooked);
  plain.add("+442", 2, 400, EdgeType::kSharedPhone);
  plain.add("+442", 3, 600, EdgeType::kSharedPhone);
  const auto [pairs, phone_groups, phones] = run(plain);
  using P = std::tuple<std::uint64_t, std::uint64_t, std::uint8_t, std::int64_t>;
  const auto booked = static_cast<std::uint8_t>(EdgeType::kCoBooked), phone = static_cast<std::uint8_t>(EdgeType::kSharedPhone);
  EXPECT_EQ(pairs, (std::vector<P>{{1, 2, booked, 100}, {1, 3, phone, 300}, {2, 3, phone, 400}}));
  EXPECT_EQ(phone_groups, 2u);
  EXPECT_EQ(phones.at("+441"), (std::vector<std::uint64_t>{1, 3}));
  EXPECT_EQ(phones.size(), 2u);

  // The same uses with every phone given one key, interleaved by person: same groups, same pairs.
  IdentifierUses collided;
  for (const auto& u : plain.uses)
    collided.add_keyed(u.type == phone ? 42 : u.key, plain.value(u), u.person, u.utc, u.type, u.contact);
  EXPECT_EQ(run(collided), run(plain));
  // Merged by key alone, the four phone uses would be one group of persons {1, 2, 3}.
}

// A booking's contact phone on several tickets is the booker's: its calls belong to nobody on
// the tickets, while a registration names the holder and a call centre's line holds no one.
TEST(PhoneHolders, OwnUseBeatsBookingContact) {
  auto use = [](std::uint64_t person, bool contact) {
    return IdentifierUse{.person = person, .type = static_cast<std::uint8_t>(EdgeType::kSharedPhone), .contact = contact};
  };
  const std::vector<IdentifierUse> group_ticket = {use(1, true), use(2, true), use(3, true)};
  EXPECT_TRUE(phone_holders(group_ticket, 5).empty());
  const std::vector<IdentifierUse> solo_ticket = {use(4, true), use(4, true)};
  EXPECT_EQ(phone_holders(solo_ticket, 5), (std::vector<std::uint64_t>{4}));
  const std::vector<IdentifierUse> registered = {use(1, true), use(2, true), use(7, false), use(7, true)};
  EXPECT_EQ(phone_holders(registered, 5), (std::vector<std::uint64_t>{7}));
  const std::vector<IdentifierUse> line = {use(1, true), use(2, true), use(3, true), use(9, false)};
  EXPECT_TRUE(phone_holders(line, 3).empty());  // four persons show it: an agency's line

  EdgeRules rules;
  rules.max_phone_persons = 2;
  PhoneHolders phones;
  const std::vector<std::uint64_t> none, five = {5}, three = {5, 6, 8};
  phones.add("+1", none);
  phones.add("+2", five);
  phones.add("+3", three);
  EXPECT_TRUE(call_parties(phones, "+1", rules).empty());
  EXPECT_TRUE(call_parties(phones, "+0", rules).empty());
  EXPECT_EQ(std::vector<std::uint64_t>(call_parties(phones, "+2", rules).begin(), call_parties(phones, "+2", rules).end()),
            five);
  EXPECT_TRUE(call_parties(phones, "+3", rules).empty());  // more holders than max_phone_persons
}

// The flat table finds every phone it holds, and no other, through many growths of its index.
TEST(PhoneHolders, FindsEveryPhoneAfterGrowing) {
  PhoneHolders phones;
  for (std::uint64_t k = 0; k < 5000; ++k) {
    const std::vector<std::uint64_t> holders(k % 4, k);
    phones.add("+44" + std::to_string(k), holders);
  }
  EXPECT_EQ(phones.size(), 5000u);
  for (std::uint64_t k = 0; k < 5000; ++k) {
    const auto found = phones.find("+44" + std::to_string(k));
    ASSERT_TRUE(found.has_value()) << k;
    EXPECT_EQ(found->size(), k % 4);
    for (auto h : *found) EXPECT_EQ(h, k);
  }
  EXPECT_FALSE(phones.find("+445000").has_value());
  EXPECT_FALSE(phones.find("+44").has_value());
  std::size_t visited = 0;
  phones.for_each([&](std::string_view phone, std::span<const std::uint64_t> holders) {
    EXPECT_EQ(phone, "+44" + std::to_string(visited));  // in the order added
    EXPECT_EQ(holders.size(), visited % 4);
    ++visited;
  });
  EXPECT_EQ(visited, 5000u);
}
