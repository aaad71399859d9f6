// The two objectives a partition is optimized for, in the "node weight" form of Traag et al.
// (2011, 2019) that lets one local-moving kernel serve both:
//
//   gain of moving v into community C = w(v, C) - penalty * nw(v) * NW(C)
//
// where w(v, C) is the edge weight between v and C, nw(v) the node weight of v and NW(C) the
// node weight of C (v excluded).
//   modularity (Newman & Girvan 2004, with resolution γ; Reichardt & Bornholdt 2006):
//       nw = weighted degree, penalty = γ / 2m
//   CPM, the constant Potts model (Traag, Van Dooren & Nesterov 2011):
//       nw = number of original vertices, penalty = γ (in weight units)
// Node weights are fixed-point integers like edge weights, so totals are exact.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "kernels/community/graph.hpp"

namespace ch::community {

enum class ObjectiveKind { kModularity, kCpm };

struct Objective {
  ObjectiveKind kind = ObjectiveKind::kModularity;
  double resolution = 1.0;

  // `two_m` is the total weight of the graph counted in both directions.
  double penalty(Weight two_m) const {
    if (kind == ObjectiveKind::kModularity) return two_m > 0 ? resolution / static_cast<double>(two_m) : 0.0;
    return resolution * kWeightScale;
  }
};

inline ObjectiveKind parse_objective(std::string_view name) {
  if (name == "modularity") return ObjectiveKind::kModularity;
  if (name == "cpm") return ObjectiveKind::kCpm;
  throw std::invalid_argument("objective must be modularity or cpm, not '" + std::string(name) + "'");
}
inline const char* objective_name(ObjectiveKind k) {
  return k == ObjectiveKind::kModularity ? "modularity" : "cpm";
}

// Per-community totals from which both qualities follow exactly.
struct CommunityTotals {
  Weight internal = 0;  // weight of arcs inside the community, both directions (2 × edge weight)
  Weight degree = 0;    // sum of member degrees
  std::int64_t size = 0;  // original vertices
};

}  // namespace ch::community
