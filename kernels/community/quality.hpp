// Quality of a partition from exact per-community totals.
//
// modularity Q = Σ_c [ in_c / 2m − γ (deg_c / 2m)^2 ]  (Newman & Girvan 2004; γ = resolution)
// CPM        H = Σ_c [ in_c / 2 − γ n_c (n_c − 1) / 2 ]  (Traag et al. 2011; weights in real units)
// The sum runs over `totals` in the order given; callers pass them in community-id order, so the
// double result is the same on every rank. O(#communities).
#pragma once

#include <cstdint>
#include <span>

#include "kernels/community/graph.hpp"
#include "kernels/community/objective.hpp"

namespace ch::community {

double modularity(std::span<const CommunityTotals> totals, Weight two_m, double resolution = 1.0);
double cpm_quality(std::span<const CommunityTotals> totals, double resolution);
double quality(std::span<const CommunityTotals> totals, Weight two_m, const Objective& objective);

}  // namespace ch::community
