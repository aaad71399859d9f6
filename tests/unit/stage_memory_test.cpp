// The rule by which a stage of `run` keeps the memory earlier stages left free in tcmalloc
// (jobs::keep_free_memory): only while the node — or the job's memory cgroup, where it allows
// less — could give every local rank as much again.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "jobs/log.hpp"

namespace {

constexpr std::uint64_t kGB = std::uint64_t{1} << 30;

TEST(StageMemory, KeepsFreeMemoryOnlyWhileTheNodeHasRoomForItAgain) {
  // medium on 2 ranks: ~2 GB free per rank, ~15 GB available.
  EXPECT_TRUE(ch::jobs::room_to_keep(2 * kGB, 2, 15 * kGB));
  // The ranks of a node count together: 4 ranks × 4 GB do not fit in 15 GB.
  EXPECT_FALSE(ch::jobs::room_to_keep(4 * kGB, 4, 15 * kGB));
  EXPECT_TRUE(ch::jobs::room_to_keep(4 * kGB, 3, 12 * kGB));  // exactly as much again
  // large on 2 ranks after ingest: ~7.9 GB each against ~7 GB available: returned.
  EXPECT_FALSE(ch::jobs::room_to_keep(7900 * (kGB / 1000), 2, 7 * kGB));
  // Unknown availability (0) keeps nothing but nothing.
  EXPECT_FALSE(ch::jobs::room_to_keep(1, 1, 0));
  EXPECT_TRUE(ch::jobs::room_to_keep(0, 1, 0));
  // A rank count that is not known (0) counts as one rank.
  EXPECT_TRUE(ch::jobs::room_to_keep(kGB, 0, kGB));
}

TEST(StageMemory, ReadsTheNodesAvailableMemory) {
  // Linux always reports MemAvailable; the machines these tests run on have at least 1 GB.
  EXPECT_GT(ch::jobs::node_available_bytes(), kGB);
}

}  // namespace

namespace {

namespace fs = std::filesystem;

// A fake /proc/self/cgroup and hierarchy under a fresh temporary directory.
struct FakeCgroups {
  fs::path dir;
  explicit FakeCgroups(const std::string& name) : dir(fs::temp_directory_path() / ("ch_cgroup_" + name)) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~FakeCgroups() { fs::remove_all(dir); }
  void file(const fs::path& rel, const std::string& text) const {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel) << text;
  }
  // A cgroup directory under the fake root: its limit and usage files.
  void v1(const fs::path& rel, const std::string& limit, const std::string& usage) const {
    file("cg/memory" / rel / "memory.limit_in_bytes", limit + "\n");
    file("cg/memory" / rel / "memory.usage_in_bytes", usage + "\n");
  }
  void v2(const fs::path& rel, const std::string& max, const std::string& current) const {
    file("cg" / rel / "memory.max", max + "\n");
    file("cg" / rel / "memory.current", current + "\n");
  }
  std::uint64_t room() const { return ch::jobs::cgroup_room_bytes(dir / "proc_cgroup", dir / "cg"); }
};

const std::string kV1NoLimit = "9223372036854771712";

TEST(StageMemory, CgroupV1RoomIsTheLeastOverTheCgroupAndItsAncestors) {
  FakeCgroups f("v1");
  f.file("proc_cgroup", "5:cpu,cpuacct:/job\n4:memory:/job/step\n0::/\n");
  f.v1("job/step", "8000", "3000");
  f.v1("job", "6000", "5500");
  f.v1("", kV1NoLimit, "100");
  EXPECT_EQ(f.room(), 500u);
  f.v1("job", "6000", "7000");  // over its limit: no room
  EXPECT_EQ(f.room(), 0u);
}

TEST(StageMemory, CgroupV2RoomSkipsMaxAndReadsAncestors) {
  FakeCgroups f("v2");
  f.file("proc_cgroup", "0::/slurm/job1\n");
  f.v2("slurm/job1", "max", "100");
  f.v2("slurm", "1000", "400");
  EXPECT_EQ(f.room(), 600u);
}

TEST(StageMemory, NoMemoryCgroupLimitMeansNoBound) {
  FakeCgroups f("none");
  f.file("proc_cgroup", "4:memory:/\n0::/\n");
  f.v1("", kV1NoLimit, "100");
  EXPECT_EQ(f.room(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(ch::jobs::cgroup_room_bytes(f.dir / "missing", f.dir / "cg"), std::numeric_limits<std::uint64_t>::max());
}

}  // namespace
