// Google Benchmark for the network stage's kernels (kernels/network/evidence.hpp):
//   BM_GroupIdentifierUses  sort identifier uses and turn each shared identifier into pair
//                           evidence (items = identifier uses);
//   BM_EvidenceAggregate    sort evidence by (a, b, type, month) and merge equal keys — the edge
//                           aggregation that bench/baselines.sh compares with `sort | uniq -c`
//                           (items = evidence items in).
// Inputs are drawn from the counter-based RNG; building them is not measured.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/network/evidence.hpp"
#include "kernels/rng.hpp"

namespace {

using ch::network::Evidence;

constexpr std::int64_t kJan2025 = 1735689600;

// `items` evidence items over items/4 distinct (pair, type, month) keys, in random order: about
// four pieces of evidence per key, as calls and repeated bookings give.
std::vector<Evidence> evidence(std::size_t items) {
  struct Key {
    std::uint64_t a, b;
    std::uint8_t type;
    std::int64_t utc;
  };
  ch::Rng rng(21, items);
  const std::uint64_t persons = items / 2;
  std::vector<Key> keys(items / 4);
  for (auto& k : keys) {
    const std::uint64_t x = rng.below(persons), y = rng.below(persons);
    k = {std::min(x, y), std::max(x, y) + (x == y), static_cast<std::uint8_t>(rng.below(ch::network::kEdgeTypeCount)),
         kJan2025 + static_cast<std::int64_t>(rng.below(365 * 86400))};
  }
  std::vector<Evidence> out(items);
  for (auto& e : out) {
    const auto& k = keys[rng.below(keys.size())];
    const std::int64_t utc = k.utc + static_cast<std::int64_t>(rng.below(86400));
    e = {k.a, k.b, k.type, ch::network::month_of(k.utc), ch::network::to_fixed(0.5), 1, rng.below(600), utc, utc};
  }
  return out;
}

void BM_EvidenceAggregate(benchmark::State& state) {
  const auto items = evidence(static_cast<std::size_t>(state.range(0)));
  std::size_t keys = 0;
  for (auto _ : state) {
    state.PauseTiming();  // aggregate takes its input by value; the stage moves it in
    auto copy = items;
    state.ResumeTiming();
    const auto out = ch::network::aggregate(std::move(copy));
    keys = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["keys_out"] = static_cast<double>(keys);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_EvidenceAggregate)->Arg(1 << 16)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

// Identifier uses like the stage's: booking references shared by 1–4 persons, phones by 1–3,
// e-mails and payment references mostly by one, and flights (carrier+number@day) by 1–20 linked
// passengers (the cap of 150 is for the rare full flight; big groups would dominate the time).
ch::network::IdentifierUses uses(std::size_t n) {
  using ch::network::EdgeType;
  ch::Rng rng(22, n);
  ch::network::IdentifierUses out;
  out.uses.reserve(n);
  std::uint64_t id = 0;
  while (out.size() < n) {
    const auto kind = rng.below(5);
    const EdgeType type = kind == 0 ? EdgeType::kCoBooked : kind == 1 ? EdgeType::kSharedPhone
                        : kind == 2 ? EdgeType::kSharedEmail : kind == 3 ? EdgeType::kSharedPayment
                                    : EdgeType::kCoTravelled;
    const std::uint64_t group = type == EdgeType::kCoTravelled ? 1 + rng.below(20)
                              : type == EdgeType::kCoBooked    ? 1 + rng.below(4)
                              : type == EdgeType::kSharedPhone ? 1 + rng.below(3)
                                                               : 1 + (rng.chance(0.1) ? 1 : 0);
    std::string value = type == EdgeType::kCoTravelled ? "LH" : type == EdgeType::kSharedPhone ? "+4477" : "BK";
    value += std::to_string(1000000 + id++);
    const std::int64_t utc = kJan2025 + static_cast<std::int64_t>(rng.below(365 * 86400));
    for (std::uint64_t i = 0; i < group && out.size() < n; ++i)
      out.add(value, rng.below(n / 2), utc, type);
  }
  // Arrival order after the shuffle is arbitrary.
  for (std::size_t i = out.size() - 1; i > 0; --i) std::swap(out.uses[i], out.uses[rng.below(i + 1)]);
  return out;
}

void BM_GroupIdentifierUses(benchmark::State& state) {
  const auto input = uses(static_cast<std::size_t>(state.range(0)));
  const ch::network::EdgeRules rules;
  std::size_t pairs = 0;
  for (auto _ : state) {
    state.PauseTiming();  // the kernel sorts its input in place
    auto copy = input;
    state.ResumeTiming();
    std::array<ch::network::GroupStats, ch::network::kEdgeTypeCount> stats{};
    const auto out = ch::network::group_identifier_uses(copy, rules, stats, nullptr);
    pairs = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["evidence_out"] = static_cast<double>(pairs);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_GroupIdentifierUses)->Arg(1 << 16)->Arg(1 << 18)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
