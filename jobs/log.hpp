// One logger for the whole program. Rank 0 reports progress; other ranks speak only for
// warnings and errors, prefixed with their rank, so a 1,000-rank job does not print 1,000 lines.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "cluster/context.hpp"

namespace ch::jobs {

void init_logging(const cluster::Context& ctx, const std::string& level);

struct JobEnv;

// Returns memory that tcmalloc holds for reuse to the system. The arrays of one phase rarely fit
// the holes the previous one left: without this, resident memory on small grew by a quarter after
// resolve's EM, and `run` on medium carried resolve's 9 GB per rank into assess (killed for want
// of memory). No-op without tcmalloc (sanitizer builds).
void release_free_memory();

// Whether a stage starting now may keep the memory tcmalloc holds free from the stages before it
// in the same process (`run`): yes while the node could still give every local rank as much
// again (free bytes × ranks on the node ≤ node_available_bytes()), so that a stage whose arrays fit none
// of the holes still has room. Memory the next stage reuses is not faulted in and zeroed again:
// on these VMs a fresh page costs ~1.7 s per GB (a third of assess's time on medium), and
// `run` on medium took 142.9 → 121.4 s on 2 ranks and 239.8 → 195.4 s on 1 (docs/performance.md).
// False without tcmalloc.
bool keep_free_memory(const cluster::Context& ctx);
// The rule: `free_bytes` kept by each of `node_ranks` ranks fit in `available_bytes` again.
bool room_to_keep(std::uint64_t free_bytes, int node_ranks, std::uint64_t available_bytes);
// What this process may still take: MemAvailable of /proc/meminfo (what the node can give
// without swapping; 0 if unknown), or less where its memory cgroup allows less (cgroup_room_bytes).
std::uint64_t node_available_bytes();
// The least limit − usage of the process's memory cgroup and its ancestors (cgroup v2
// memory.max / memory.current, v1 memory.limit_in_bytes / memory.usage_in_bytes), read from
// `proc_cgroup` and the hierarchy under `root`; UINT64_MAX where none sets a limit. A Slurm job
// confined by cgroups sees the whole node's MemAvailable, not its own allowance.
std::uint64_t cgroup_room_bytes(const std::filesystem::path& proc_cgroup = "/proc/self/cgroup",
                                const std::filesystem::path& root = "/sys/fs/cgroup");

// Per-stage summary line: "ingest: 1234567 rows in 2.31 s (534000 rows/s, 85.2 MB/s, peak RSS
// 412 MB/rank, shuffled 12.0 MB/rank)". Starting a stage keeps the free memory of earlier
// stages for reuse when the node has room for it (keep_free_memory), else returns it first; the
// peak is the resident memory during the stage, which in `run` includes what earlier stages left
// free for it (a stage alone gives its own). With --metrics FILE, rank 0 also appends the figures as
// one JSON line, which bench/scale.sh collects.
class StageTimer {
 public:
  StageTimer(const JobEnv& env, std::string stage);
  double seconds() const;
  // Collective (takes maxima over ranks). `rows` and `bytes` are global totals.
  void report(std::uint64_t rows, std::uint64_t bytes) const;

 private:
  const JobEnv& env_;
  std::string stage_;
  std::chrono::steady_clock::time_point start_;
  std::uint64_t shuffled_at_start_;
  double shuffle_seconds_at_start_;
};

// Phase figures of a stage at --log-level debug (every rank's at trace): wall and CPU seconds,
// seconds spent in shuffle exchanges (mostly waiting for the other ranks) and page faults since
// the previous mark, and the stage's peak resident memory so far. CPU time is the figure that means something on a shared machine; the
// shuffle seconds show which rank the others wait for; touching fresh memory is much of a
// data-heavy phase's cost.
class PhaseClock {
 public:
  PhaseClock(const cluster::Context& ctx, std::string stage);
  void mark(const char* phase);  // ends `phase`, starts the next

 private:
  const cluster::Context& ctx_;
  std::string stage_;
  std::chrono::steady_clock::time_point wall_;
  double cpu_, shuffle_;
  std::uint64_t faults_;
};

// Progress of a long loop on rank 0: a redrawn bar on a terminal, a plain line every
// `interval` seconds otherwise (batch logs under Slurm).
class Progress {
 public:
  Progress(const cluster::Context& ctx, std::string what, std::uint64_t total);
  ~Progress();
  void advance(std::uint64_t done_so_far);

 private:
  bool enabled_;
  bool tty_;
  std::string what_;
  std::uint64_t total_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace ch::jobs
