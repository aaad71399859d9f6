#include "jobs/job.hpp"

#include <stdexcept>

#include "cluster/signals.hpp"

namespace ch::jobs {

bool JobEnv::fault_matches(const std::string& stage, const std::string& point) const {
  if (fault.empty()) return false;
  const auto a = fault.find(':'), b = fault.rfind(':');
  if (a == std::string::npos || a == b)
    throw UsageError("--inject-fault: expected STAGE:RANK:POINT, got '" + fault + "'");
  const int rank = std::atoi(fault.substr(a + 1, b - a - 1).c_str());
  return fault.substr(0, a) == stage && fault.substr(b + 1) == point && rank == ctx.rank();
}

void JobEnv::fault_point(const std::string& stage, const std::string& point) const {
  if (fault_matches(stage, point)) throw std::runtime_error("injected fault at " + stage + ":" + point);
}

void JobEnv::stop_point(const std::string& stage) const {
  // `--inject-fault STAGE:RANK:signal` behaves as if RANK received SIGUSR1 just before this point.
  if (fault_matches(stage, "signal")) cluster::request_stop();
  if (cluster::stop_requested(ctx))
    throw Error(kExitInterrupted,
                stage + ": stopped by a signal at a safe point; rerun with --resume to continue", true);
}

}  // namespace ch::jobs
