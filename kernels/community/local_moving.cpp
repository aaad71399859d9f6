#include "kernels/community/local_moving.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>

namespace ch::community {

void decide_moves(const GraphSlice& g, const Snapshot& s, std::span<const std::uint64_t> candidates,
                  std::span<std::uint64_t> target, MoveWorkspace& workspace, std::span<Weight> delta) {
  // Chunks of about 4096 arcs (at most 256 vertices): aggregated levels have few vertices with
  // long rows, and a fixed vertex count per chunk would leave one thread with most of the work.
  std::uint64_t arcs = 0;
  for (const std::uint64_t local : candidates) arcs += g.offsets[local + 1] - g.offsets[local];
  const std::size_t grain = static_cast<std::size_t>(
      std::clamp<std::uint64_t>(arcs == 0 ? 256 : candidates.size() * 4096 / arcs, 1, 256));
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, candidates.size(), grain), [&](const auto& r) {
    auto& sc = workspace.per_thread_.local();
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      const std::uint64_t local = candidates[i];
      const std::uint64_t v = g.begin + local;
      const std::uint64_t own = s.community[v];
      const auto nbrs = g.neighbours(local);
      const auto ws = g.neighbour_weights(local);
      // Arc weights are positive (GraphSlice drops zero weights), so a community is new to the
      // row exactly when its accumulator is still zero; `own` is always listed first.
      sc.touched.clear();
      sc.touched.push_back(own);
      constexpr std::size_t kAhead = 8;  // prefetch distance for the neighbour's label
      for (std::size_t j = 0; j < nbrs.size(); ++j) {
        if (j + kAhead < nbrs.size()) __builtin_prefetch(&s.community[nbrs[j + kAhead]]);
        const std::uint64_t c = s.community[nbrs[j]];
        if (sc.to_community[c] == 0 && c != own) sc.touched.push_back(c);
        sc.to_community[c] += ws[j];
      }
      const double nw = static_cast<double>(s.node_weight[v]);
      auto gain = [&](std::uint64_t c) {
        const Weight others = s.community_node_weight[c] - (c == own ? s.node_weight[v] : 0);
        return static_cast<double>(sc.to_community[c]) - s.penalty * nw * static_cast<double>(others);
      };
      std::uint64_t best = own;
      double best_gain = gain(own);
      for (const std::uint64_t c : sc.touched) {
        if (c == own) continue;
        const double gc = gain(c);
        if (gc > best_gain || (gc == best_gain && best != own && c < best)) {
          best = c;
          best_gain = gc;
        }
      }
      target[i] = best;
      if (!delta.empty()) delta[i] = sc.to_community[best] - sc.to_community[own];
      for (const std::uint64_t c : sc.touched) sc.to_community[c] = 0;
    }
  });
}

}  // namespace ch::community
