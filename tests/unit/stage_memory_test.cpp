// The rule by which a stage of `run` keeps the memory earlier stages left free in tcmalloc
// (jobs::keep_free_memory): only while the node could give every local rank as much again.
#include <gtest/gtest.h>

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
