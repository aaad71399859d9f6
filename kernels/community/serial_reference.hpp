// Serial reference for the community kernels: small, obviously correct, slow. Tests compare the
// distributed kernel against it (gapbs habit: a verifier next to the kernel).
//
// Invariants the verifiers check:
//   reference_modularity  Q = (1/2m) Σ_ij [A_ij − γ k_i k_j / 2m] δ(c_i, c_j), evaluated from its
//                         definition over communities (double weights, no fixed point);
//   reference_louvain     classic sequential Louvain (Blondel et al. 2008): vertices visited in id
//                         order and moved one at a time to the neighbouring community of largest
//                         positive gain until none moves, then aggregated; repeated until a level
//                         changes nothing. Communities are then split into connected components.
//   all_connected         every community induces a connected subgraph.
#pragma once

#include <cstdint>
#include <vector>

namespace ch::community {

struct ReferenceEdge {
  std::uint64_t u;
  std::uint64_t v;
  double w = 1.0;
};

double reference_modularity(std::uint64_t n, const std::vector<ReferenceEdge>& edges,
                            const std::vector<std::uint64_t>& membership, double resolution = 1.0);

// Labels: smallest vertex id of each community. O(levels · rounds · m).
std::vector<std::uint64_t> reference_louvain(std::uint64_t n, const std::vector<ReferenceEdge>& edges,
                                             double resolution = 1.0);

bool all_connected(std::uint64_t n, const std::vector<ReferenceEdge>& edges,
                   const std::vector<std::uint64_t>& membership);

}  // namespace ch::community
