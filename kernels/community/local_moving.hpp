// Louvain local moving (Blondel et al. 2008), one synchronous sub-round over a rank's slice.
//
// For every candidate vertex v (owned by this slice) the kernel finds the community C that
// maximizes  w(v, C) − penalty · nw(v) · NW(C \ v)  over v's neighbouring communities and its
// own (see objective.hpp). It only *decides*: the state (community of every vertex, node-weight
// total of every community) is a read-only snapshot, so decisions of different vertices do not
// depend on each other or on the order in which threads evaluate them. Callers apply the
// decided moves afterwards, in vertex-id order, with exact integer updates of the totals, and
// drop a move that the totals as earlier moves left them make worthless (see `delta`).
//
// Rules that make a decision a pure function of the snapshot:
//   - v moves only if the best gain is strictly larger than the gain of staying;
//   - among equal best gains the smallest community id wins.
//
// Complexity: O(Σ deg(v)) over candidates, parallel over candidates with oneTBB; scratch is
// O(n) per worker thread (a dense accumulator with a touched list; arc weights are positive, so
// a zero entry means "not touched yet" and no separate flag array is read), kept in a MoveWorkspace
// across calls so that a sub-round costs no allocation.
#pragma once

#include <tbb/enumerable_thread_specific.h>

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/community/graph.hpp"

namespace ch::community {

struct Snapshot {
  std::span<const std::uint64_t> community;       // size n: community label of every vertex
  std::span<const Weight> community_node_weight;  // size n: Σ nw over members, by label
  std::span<const Weight> node_weight;            // size n: nw of every vertex
  double penalty = 0;                             // Objective::penalty(2m)
};

class MoveWorkspace {
 public:
  explicit MoveWorkspace(std::uint64_t n)
      : per_thread_([n] { return Scratch{std::vector<Weight>(n, 0), {}}; }) {}

 private:
  friend void decide_moves(const GraphSlice&, const Snapshot&, std::span<const std::uint64_t>,
                           std::span<std::uint64_t>, MoveWorkspace&, std::span<Weight>);
  struct Scratch {
    std::vector<Weight> to_community;  // w(v, C) by label; zero outside `touched`
    std::vector<std::uint64_t> touched;
  };
  tbb::enumerable_thread_specific<Scratch> per_thread_;
};

// `candidates` are local indices (v - g.begin). Writes the chosen label of candidates[i] to
// target[i] (its current label when it stays) and, when `delta` is given, w(v, target) − w(v,
// own community) to delta[i], so that the caller can check the move again against the totals
// that earlier moves changed. `workspace` must be sized for g.n.
void decide_moves(const GraphSlice& g, const Snapshot& s, std::span<const std::uint64_t> candidates,
                  std::span<std::uint64_t> target, MoveWorkspace& workspace, std::span<Weight> delta = {});

}  // namespace ch::community
