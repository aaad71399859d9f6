// Scenario generator throughput per feed on one core: CSV rows/s and bytes/s of
// World::generate on the demo scenario's unit ranges (no file I/O).
#include <benchmark/benchmark.h>

#include "kernels/world/scenario.hpp"
#include "kernels/world/world.hpp"

namespace {

const ch::world::World& demo_world() {
  static const ch::world::World world(
      ch::world::parse_scenario(ch::world::builtin_scenario("demo"), "builtin:demo"));
  return world;
}

void BM_Generate(benchmark::State& state) {
  const auto feed = static_cast<ch::world::Feed>(state.range(0));
  const auto& world = demo_world();
  const std::uint64_t units = world.unit_count(feed);
  std::int64_t rows = 0, bytes = 0;
  for (auto _ : state) {
    ch::world::FeedChunk chunk;
    world.generate(feed, 0, units, chunk);
    rows += static_cast<std::int64_t>(chunk.record_id.size());
    bytes += static_cast<std::int64_t>(chunk.csv.size());
  }
  state.SetItemsProcessed(rows);
  state.SetBytesProcessed(bytes);
  state.SetLabel(std::string(ch::world::feed_name(feed)));
}
BENCHMARK(BM_Generate)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

void BM_WorldSetup(benchmark::State& state) {
  const auto scenario = ch::world::parse_scenario(ch::world::builtin_scenario("demo"), "builtin:demo");
  for (auto _ : state) benchmark::DoNotOptimize(ch::world::World(scenario));
}
BENCHMARK(BM_WorldSetup)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
