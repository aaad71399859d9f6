// Guard against chaining in transitive closure. Connected components over pairwise matches
// merge A–B–C even when A and C disagree; one false link between two large clusters glues them
// together, and the damage grows with the cluster size (Christen 2012, §6.8 on clustering;
// the "hub" problem of Winkler's 1990s census work).
//
// Rule (two thresholds): a component with more than `max_size` observations is rebuilt from
// only its strong edges, those with match probability ≥ `strong_probability`; components of at
// most `max_size` keep every match edge. A genuine person seen many times is held together by
// many near-certain links (same document, same name and birth date), while a chain is usually
// bridged by a single marginal link, which this rule cuts. One pass: the rebuilt pieces are
// final even if still large (they are then joined by strong evidence only).
//
// This header holds the serial reference; jobs/resolve_cluster.cpp applies the same rule
// distributed (FastSV twice) and tests/mpi/resolve_cluster_test.cpp compares the two.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace ch::match {

struct MatchEdge {
  std::uint64_t a, b;
  double probability;
};

struct ChainingGuard {
  std::uint64_t max_size = 50;
  double strong_probability = 0.999;
};

// Component label (smallest member) of every vertex 0..n-1 under the rule above.
std::vector<std::uint64_t> guarded_components(std::uint64_t n, std::span<const MatchEdge> edges,
                                              const ChainingGuard& guard);

}  // namespace ch::match
