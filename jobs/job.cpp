#include "jobs/job.hpp"

#include <stdexcept>

#include "cluster/signals.hpp"

namespace ch::jobs {

void JobEnv::fault_point(const std::string& stage, const std::string& point) const {
  if (fault.empty()) return;
  const auto a = fault.find(':'), b = fault.rfind(':');
  if (a == std::string::npos || a == b)
    throw UsageError("--inject-fault: expected STAGE:RANK:POINT, got '" + fault + "'");
  const int rank = std::atoi(fault.substr(a + 1, b - a - 1).c_str());
  if (fault.substr(0, a) == stage && fault.substr(b + 1) == point && rank == ctx.rank())
    throw std::runtime_error("injected fault at " + stage + ":" + point);
}

void JobEnv::stop_point(const std::string& stage) const {
  if (cluster::stop_requested(ctx))
    throw Error(kExitInterrupted,
                stage + ": stopped by a signal at a safe point; rerun with --resume to continue", true);
}

}  // namespace ch::jobs
