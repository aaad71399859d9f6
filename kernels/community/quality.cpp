#include "kernels/community/quality.hpp"

namespace ch::community {

double modularity(std::span<const CommunityTotals> totals, Weight two_m, double resolution) {
  if (two_m <= 0) return 0.0;
  const double m2 = static_cast<double>(two_m);
  double q = 0;
  for (const auto& c : totals) {
    const double d = static_cast<double>(c.degree) / m2;
    q += static_cast<double>(c.internal) / m2 - resolution * d * d;
  }
  return q;
}

double cpm_quality(std::span<const CommunityTotals> totals, double resolution) {
  double h = 0;
  for (const auto& c : totals) {
    const double n = static_cast<double>(c.size);
    h += to_real(c.internal) / 2.0 - resolution * n * (n - 1.0) / 2.0;
  }
  return h;
}

double quality(std::span<const CommunityTotals> totals, Weight two_m, const Objective& objective) {
  return objective.kind == ObjectiveKind::kModularity ? modularity(totals, two_m, objective.resolution)
                                                      : cpm_quality(totals, objective.resolution);
}

}  // namespace ch::community
