// What every stage driver receives, and where a run directory keeps each stage's output.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cluster/context.hpp"
#include "kernels/error.hpp"

namespace ch::jobs {

struct JobEnv {
  const cluster::Context& ctx;
  int threads = 1;
  std::vector<std::string> overrides;  // --set key=value, in the order given
  std::string fault;                   // --inject-fault STAGE:RANK:POINT (tests of failure handling)
  std::string metrics;                 // --metrics FILE: per-stage figures as JSON lines
  bool resume = false;                 // --resume: stages may continue from their checkpoints

  // Throws on the chosen rank when the stage reaches the named point, as a real failure would.
  void fault_point(const std::string& stage, const std::string& point) const;
  bool fault_matches(const std::string& stage, const std::string& point) const;
  // Collective safe point: if any rank got SIGTERM/SIGUSR1, every rank throws the same
  // ch::Error with exit code 75 so the scheduler requeues the job and `--resume` continues.
  void stop_point(const std::string& stage) const;
};

// Fixed names inside a run directory: `run --out DIR` writes them, `--run DIR` reads them.
struct RunLayout {
  std::filesystem::path dir;
  std::filesystem::path feeds() const { return dir / "feeds"; }
  std::filesystem::path truth() const { return dir / "truth.h5"; }
  std::filesystem::path records() const { return dir / "records.h5"; }
  std::filesystem::path entities() const { return dir / "entities.h5"; }
  std::filesystem::path network() const { return dir / "network.h5"; }
  std::filesystem::path communities() const { return dir / "communities.h5"; }
  std::filesystem::path assessment() const { return dir / "assessment.h5"; }
  std::filesystem::path evaluation() const { return dir / "evaluation.h5"; }
};

}  // namespace ch::jobs
