// Kernels that work on one community at a time, on the subgraph induced by its members.
//
// The distributed driver gathers each community's members and internal arcs on one rank
// (communities are what this stage looks for: organizations of tens to thousands of persons),
// and runs these kernels per community, in parallel over communities with oneTBB. Each kernel is
// sequential inside a community and visits members in a fixed order, so its result depends only
// on the subgraph, never on ranks or threads.
//
//   refine          Leiden refinement (Traag, Waltman & van Eck 2019, Alg. A.2, greedy variant)
//   components      connected components (BFS)
//   pagerank        weighted PageRank inside the community (Brin & Page 1998)
//   betweenness     Brandes (2001) betweenness inside the community, exact for small communities,
//                   else from sampled pivot sources (Brandes & Pich 2007)
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kernels/community/graph.hpp"

namespace ch::community {

// A member of a community as gathered from its owner rank.
struct MemberRecord {
  std::uint64_t community;
  std::uint64_t vertex;
  Weight node_weight;
};
// An arc between two members of the same community. Its community is its source's (the member
// records carry it), so the arc does not: 24 bytes instead of 32 for most arcs of the graph,
// gathered every level by refinement and once by the key actors.
using InternalArc = Arc;

struct CommunitySubgraph {
  std::uint64_t community = 0;
  std::vector<std::uint64_t> members;  // ascending global ids
  std::vector<Weight> node_weight;     // per member
  std::vector<std::uint64_t> offsets;  // CSR over member indices
  std::vector<std::uint32_t> targets;  // member indices
  std::vector<Weight> weights;

  std::size_t size() const { return members.size(); }
  // f(j, w) for each arc of member v: to member j, of weight w.
  template <class F>
  void for_each_arc(std::size_t v, F&& f) const {
    for (std::uint64_t e = offsets[v]; e < offsets[v + 1]; ++e) f(targets[e], weights[e]);
  }
};

// One community of a graph slice that holds the whole graph (one rank), read in place: the
// members' rows are scanned and arcs leaving the community skipped, where gathering copied every
// internal arc (24 bytes each) into a CommunitySubgraph first. Same members, node weights and
// arcs, in the same order (rows sorted by target, members ascending), as the gathered subgraph.
struct CommunityView {
  std::uint64_t community = 0;
  std::span<const std::uint64_t> members;  // ascending global ids
  std::span<const Weight> node_weight;     // per member
  const GraphSlice* graph = nullptr;       // owns every vertex
  const std::uint64_t* label = nullptr;    // community of every vertex
  const std::uint32_t* index = nullptr;    // position of every vertex among its community's members

  std::size_t size() const { return members.size(); }
  template <class F>
  void for_each_arc(std::size_t v, F&& f) const {
    const auto nb = graph->neighbours(members[v] - graph->begin);
    const auto ws = graph->neighbour_weights(members[v] - graph->begin);
    for (std::size_t j = 0; j < nb.size(); ++j)
      if (label[nb[j]] == community) f(index[nb[j]], ws[j]);
  }
};

// Groups gathered records into one subgraph per community, in ascending community order.
// Arrival order does not matter (members are sorted, arcs bucketed by source and sorted by
// target). O(s log s + a + max vertex id + Σ d log d) for s members and a arcs.
std::vector<CommunitySubgraph> assemble_subgraphs(std::vector<MemberRecord> members,
                                                  std::vector<InternalArc> arcs);

// Leiden refinement: starting from singletons, each member that is still a singleton and is
// well connected to the community (w(v, C−v) ≥ penalty·nw(v)·(NW(C)−nw(v))) joins the
// well-connected refined sub-community R that maximizes w(v,R) − penalty·nw(v)·NW(R), if that
// gain is ≥ 0 and w(v,R) > 0. Members are visited in the order of a hash of (seed, vertex id) —
// Leiden's random order made reproducible; ties go to the sub-community with the smallest member.
// Every refined sub-community is connected (a member only joins along an edge).
// Returns, per member, the smallest global id in its refined sub-community. O(Σ deg + s log s).
// Works on a CommunitySubgraph or a CommunityView alike (explicitly instantiated for both).
template <class Members>
std::vector<std::uint64_t> refine(const Members& c, double penalty, std::uint64_t seed);

// Per member, the smallest global id in its connected component. O(s + a). For a
// CommunitySubgraph or a CommunityView.
template <class Members>
std::vector<std::uint64_t> components(const Members& c);

// Weighted PageRank of the members (sum 1), damping d, iterated until the L1 change is below
// `tolerance` or `max_iterations` were made. Members without internal edges spread their rank
// uniformly. O(iterations · (s + a)).
std::vector<double> pagerank(const CommunitySubgraph& c, double damping = 0.85,
                             double tolerance = 1e-12, int max_iterations = 200);

// Unweighted (hop-count) shortest-path betweenness inside the community, each unordered pair
// counted once. With more than `max_sources` members, only the `max_sources` members with the
// smallest hash of (seed, id) are sources and the result is scaled by s / max_sources.
// O(k · (s + a)) for k sources.
std::vector<double> betweenness(const CommunitySubgraph& c, std::size_t max_sources, std::uint64_t seed);

}  // namespace ch::community
