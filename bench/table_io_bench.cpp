// HDF5 table writer throughput (rows/s, bytes/s) for a records-like table: integers, a
// fixed-length string id and a dictionary-encoded code column, written collectively and
// committed (flush + rename) as the stages do.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <filesystem>

#include "cluster/context.hpp"
#include "io/table.hpp"

namespace {

ch::io::Table make_rows(std::size_t n) {
  std::vector<std::uint64_t> person(n);
  std::vector<std::int64_t> when(n);
  std::vector<std::string> id(n), agency(n);
  static const char* agencies[] = {"border_police", "customs", "immigration", "police"};
  for (std::size_t i = 0; i < n; ++i) {
    person[i] = i * 2654435761ULL % 1000003;
    when[i] = static_cast<std::int64_t>(1735689600 + i * 37);
    id[i] = fmt::format("T{}-01", 100000000 + i);
    agency[i] = agencies[i % 4];
  }
  ch::io::Table t;
  t.add("record_id", std::move(id)).add("person", std::move(person)).add("time", std::move(when));
  t.add("agency", std::move(agency), ch::io::StringEncoding::kDictionary);
  return t;
}

void BM_TableWrite(benchmark::State& state) {
  const auto ctx = ch::cluster::Context::world();
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto table = make_rows(rows);
  const auto path = std::filesystem::temp_directory_path() / "ch_bench_table.h5";
  for (auto _ : state) {
    ch::io::TableWriter w(ctx, path);
    w.write_table("/observations", table);
    w.commit();
  }
  const auto bytes = static_cast<std::int64_t>(rows * (13 + 8 + 8 + 4));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows));
  state.SetBytesProcessed(state.iterations() * bytes);
  std::filesystem::remove(path);
}
BENCHMARK(BM_TableWrite)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_TableRead(benchmark::State& state) {
  const auto ctx = ch::cluster::Context::world();
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto path = std::filesystem::temp_directory_path() / "ch_bench_table_read.h5";
  {
    ch::io::TableWriter w(ctx, path);
    w.write_table("/observations", make_rows(rows));
    w.commit();
  }
  ch::io::TableReader r(ctx, path);
  for (auto _ : state) benchmark::DoNotOptimize(r.read_all("/observations"));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows));
  std::filesystem::remove(path);
}
BENCHMARK(BM_TableRead)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  ch::cluster::MpiSession mpi(argc, argv);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
