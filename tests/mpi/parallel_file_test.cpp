// ParallelFileWriter under 1, 2 and 4 ranks: batches appended round-robin (as the generator
// does) give the same file for every rank count, whatever their sizes (empty ones included); a
// stale longer file of the same name leaves no tail, no other file is left behind, and an
// uncommitted writer leaves nothing under either name.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "cluster/collectives.hpp"
#include "io/parallel_file.hpp"
#include "tests/mpi/scratch.hpp"

namespace fs = std::filesystem;
using ch::cluster::Context;

namespace {

fs::path scratch(const std::string& name) { return ch::test::scratch_dir("ch_parallel_file_", true) / name; }

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Batch b's bytes: b * 1000 + 7 of them, except every third batch, which is empty.
std::string batch(std::uint64_t b) {
  if (b % 3 == 1) return {};
  std::string s;
  for (std::uint64_t i = 0; i < b * 1000 + 7; ++i) s.push_back(static_cast<char>('a' + (b * 7 + i) % 26));
  return s;
}
constexpr std::uint64_t kBatches = 10;

std::size_t files_in(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST(ParallelFile, RoundRobinBatchesInOrderOverAStaleLongerFile) {
  const auto ctx = Context::world();
  const auto path = scratch("feed.csv");
  if (ctx.is_root()) {
    // Stale output of an earlier, larger run under both names: neither may leave a tail.
    const std::string stale(1 << 20, 'Z');
    std::ofstream(path, std::ios::binary) << stale;
    std::ofstream(path.string() + ".partial", std::ios::binary) << stale;
  }
  ch::cluster::barrier(ctx, "stale files written");
  std::string expected;
  for (std::uint64_t b = 0; b < kBatches; ++b) expected += batch(b);
  {
    ch::io::ParallelFileWriter file(ctx, path);
    const auto p = static_cast<std::uint64_t>(ctx.size());
    std::uint64_t mine = 0;
    for (std::uint64_t round = 0; round * p < kBatches; ++round) {
      const std::uint64_t b = round * p + static_cast<std::uint64_t>(ctx.rank());
      const auto bytes = b < kBatches ? batch(b) : std::string();
      file.append(bytes);
      mine += bytes.size();
    }
    EXPECT_EQ(file.local_size(), mine);
    file.commit();
  }
  ch::cluster::barrier(ctx, "file committed");
  EXPECT_EQ(slurp(path), expected);
  EXPECT_EQ(files_in(path.parent_path()), 1u) << "a side or partial file was left behind";
}

TEST(ParallelFile, UncommittedWriterLeavesNothing) {
  const auto ctx = Context::world();
  const auto path = scratch("never.csv");
  {
    ch::io::ParallelFileWriter file(ctx, path);
    file.append(batch(static_cast<std::uint64_t>(ctx.rank())));
  }
  ch::cluster::barrier(ctx, "writers destroyed");
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(files_in(path.parent_path()), 0u);
}
