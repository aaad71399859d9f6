// Deterministic Leiden-class community detection over a graph split into vertex ranges.
//
// Algorithm (Traag, Waltman & van Eck 2019, "From Louvain to Leiden", built on the multilevel
// scheme of Blondel et al. 2008):
//   repeat (an "iteration", until the partition is stable or quality stops improving):
//     level loop:
//       1. local moving: synchronous sub-rounds (see below) until (almost) no vertex moves;
//       2. stop if every community is a single vertex of this level;
//       3. refinement: inside each community, Leiden's merge of singletons into well-connected
//          sub-communities (kernels/community/subgraph.hpp, `refine`);
//       4. aggregation: one vertex per refined sub-community; it starts in the community of its
//          members (Leiden's non-refined initial partition). If refinement merged nothing, the
//          communities themselves are aggregated (Louvain's step) so the graph always shrinks.
//   finally every community is split into its connected components in the original graph
//   (splitting along a zero cut never lowers modularity or CPM), and ids are made canonical.
//
// Determinism (identical output for any rank count and any thread count):
//   - Vertex ids are dense and global; a rank owns a contiguous range, ranges in rank order
//     (VertexSplit; each level is cut by arc counts, and no result depends on the cut).
//   - Local moving runs in sub-rounds. The vertices of a sub-round are those whose hash
//     mix64(key(seed, level, round) ^ id) falls in that sub-round. All vertices of a sub-round
//     decide from the same snapshot (decide_moves: a pure function of the snapshot, ties to the
//     smallest community id); the decided moves of all ranks are gathered in id order and every
//     rank applies them to its replicated state with exact integer updates. So the state after a
//     sub-round is a function of the state before it, whoever computed what.
//   - Refinement and the final split see one community at a time on one rank, with members and
//     arcs sorted, and visit members in a hash order: a function of the community's subgraph.
//   - Aggregation numbers refined sub-communities by their smallest member id and sums integer
//     weights; the new slices are sorted and merged, so arrival order does not matter.
//
// State per rank: the slice's arcs (distributed: O(m / p)) plus per-level arrays of O(n_level)
// entries replicated on every rank (community label, node weight, community totals). That trades
// memory for simplicity and few messages: one allgather of decided moves per sub-round. The
// ghost vertices are the slice's non-owned neighbours; their labels are read from the
// replicated array. See docs/algorithms.md for the scaling limits this implies.
//
// Checkpoints: the driver can stop at its safe points (after a level, between iterations, at the
// end; LeidenOptions::stop_at) and return the LeidenState to continue from, and it can start
// from such a state (LeidenOptions::resume). The state is replicated and rank-count independent;
// the job saves and loads it (jobs/communities.cpp), the kernel does no I/O.
//
// `Exchange` supplies the few collective verbs the algorithm needs; SerialExchange (one process)
// is below, cluster/louvain.hpp has the MPI one. Every call is collective and made by all ranks in
// the same sequence.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "kernels/community/graph.hpp"
#include "kernels/community/local_moving.hpp"
#include "kernels/community/objective.hpp"
#include "kernels/community/quality.hpp"
#include "kernels/community/subgraph.hpp"
#include "kernels/rng.hpp"

namespace ch::community {

// Where a run is between two units of work: the safe points at which it may stop and later
// continue (see LeidenState). Points come in this order: after each level that was aggregated
// (level ≥ 1), after each iteration that is followed by another (level 0), and once when all
// iterations are done (done).
struct LeidenProgress {
  int iteration = 0;     // Leiden iterations completed
  int level = 0;         // levels completed (aggregated) in the iteration in progress
  int levels_total = 0;  // levels aggregated since detection began: 1, 2, ... along the run
  bool done = false;     // every iteration finished: only the final split and the ids remain
};

// Everything a run needs to continue from a safe point, replicated and independent of the rank
// and thread count (labels are original vertex ids or dense ids of an aggregated graph, numbered
// as the aggregation numbers them). The aggregated graph itself is not stored: it is the original
// graph with each vertex v mapped to vertex_of[v] (exact integer weight sums, internal arcs
// dropped), which is the graph the level-by-level aggregation built, arc for arc.
struct LeidenState {
  LeidenProgress at;
  int levels = 0;             // levels of the last accepted iteration (LeidenResult::levels)
  double best_quality = 0;    // quality of `partition` (0 before any iteration is accepted)
  std::vector<std::uint64_t> partition;     // n: labels over original vertices that the
                                            // iteration in progress started from (or the result)
  // After a level (at.level ≥ 1); empty at level 0, where the iteration starts from `partition`.
  std::vector<std::uint64_t> vertex_of;     // n: original vertex -> vertex of the current
                                            // aggregated graph
  std::vector<std::uint64_t> community_of;  // n: original vertex -> its community, as a vertex
                                            // id of that graph
};

struct LeidenOptions {
  Objective objective;
  std::uint64_t seed = 42;
  // Sub-rounds per local-moving round: ~n/sub_rounds vertices decide from one snapshot. Each
  // costs two collectives; 4 gave the same quality as 8 on the benchmark graphs.
  int sub_rounds = 4;
  int max_rounds = 64;           // local-moving rounds per level (each visits every sub-round)
  double min_moved_fraction = 1e-3;  // a level's local moving ends after a round that moved fewer
                                     // than this fraction of its vertices
  int max_levels = 64;
  // false: plain Louvain aggregation (no refinement), for comparisons and tests; the final split
  // into connected components still applies.
  bool refinement = true;
  // Starting partition (labels in [0, n), replicated; empty = singletons), like igraph's
  // initial_membership. The result is never worse than it.
  std::vector<std::uint64_t> initial;
  int max_iterations = 0;        // Leiden iterations; 0 = until the quality stops improving (≤ 32)
  // An iteration must raise the quality by more than this fraction of |quality| to be followed by
  // another one. 0 iterates while there is any gain (igraph's n_iterations = -1); the default
  // stops once an iteration adds less than 0.1 %: on planted-partition benchmarks the first
  // iteration already reaches 99.99 % of the converged quality and later ones add ~1e-5 each.
  double tolerance = 1e-3;
  // Level-by-level driving (checkpoints). `stop_at` is called at every safe point, by every rank
  // in the same sequence (so it may be collective); returning true ends the run there: the result
  // then has `stopped` set to the state to continue from, and nothing else. `resume` starts from
  // such a state (same graph and options; any rank or thread count); the result is bit-identical
  // to that of a run that never stopped.
  std::function<bool(const LeidenProgress&)> stop_at;
  const LeidenState* resume = nullptr;
};

// Where the time went (wall seconds on this rank, steady clock) and how much local moving did:
// for logs and benchmarks only, never part of the result's content.
struct LeidenStats {
  double move_s = 0, refine_s = 0, aggregate_s = 0;
  int rounds = 0;                 // local-moving rounds, all levels and iterations
  std::uint64_t decided_arcs = 0;  // arcs scanned by decide_moves on this rank
};

struct LeidenResult {
  std::vector<std::uint64_t> membership;  // size n, replicated: canonical community id per vertex
  std::uint64_t communities = 0;          // ids 0..communities-1, by size desc then smallest vertex
  std::vector<CommunityTotals> totals;    // per community id, exact
  Weight two_m = 0;
  double quality = 0;                     // of the chosen objective and resolution
  double modularity = 0;                  // Newman modularity at resolution 1, for reference
  int levels = 0;                         // levels of the last iteration
  int iterations = 0;
  std::optional<LeidenState> stopped;     // set when options.stop_at ended the run early
  LeidenStats stats;
};

// One process: rank 0 of 1.
struct SerialExchange {
  int rank() const { return 0; }
  int size() const { return 1; }
  template <class T>
  std::vector<T> allgather(std::span<const T> local) const {
    std::vector<T> out(local.size());
    std::copy(local.begin(), local.end(), out.begin());
    return out;
  }
  template <class T>
  void sum(std::vector<T>&) const {}
  // All-to-all of a vector the caller is done with (one process: nothing to copy).
  template <class T, class OwnerFn>
  std::vector<T> shuffle(std::vector<T>&& items, OwnerFn) const {
    return std::move(items);
  }
};

namespace detail {

struct Move {
  std::uint64_t vertex;
  std::uint64_t to;
  Weight delta;  // w(vertex, to) − w(vertex, its community) when it decided
};
struct Label {
  std::uint64_t vertex;
  std::uint64_t label;
};

// Gathers each community's members and internal arcs on the rank `owner(label)`. The records
// are built in parallel over blocks of owned vertices (counted first, so every block writes its
// own part of the output in vertex order).
template <class Exchange, class OwnerFn>
std::vector<CommunitySubgraph> gather_communities(const GraphSlice& g, const std::vector<std::uint64_t>& comm,
                                                  const std::vector<Weight>& nw, const Exchange& x,
                                                  OwnerFn owner) {
  const std::uint64_t owned = g.owned();
  std::vector<MemberRecord> members(owned);
  const std::uint64_t blocks = std::min<std::uint64_t>(owned, 256);
  std::vector<std::uint64_t> first_arc(blocks + 1, 0);
  auto block_range = [&](std::uint64_t k) { return std::pair{owned * k / blocks, owned * (k + 1) / blocks}; };
  tbb::parallel_for(std::uint64_t{0}, blocks, [&](std::uint64_t k) {
    const auto [b, e] = block_range(k);
    std::uint64_t count = 0;
    for (std::uint64_t v = b; v < e; ++v) {
      const std::uint64_t c = comm[g.begin + v];
      members[v] = {c, g.begin + v, nw[g.begin + v]};
      for (const std::uint64_t t : g.neighbours(v)) count += comm[t] == c ? 1 : 0;
    }
    first_arc[k + 1] = count;
  });
  for (std::uint64_t k = 0; k < blocks; ++k) first_arc[k + 1] += first_arc[k];
  std::vector<InternalArc> arcs(first_arc[blocks]);
  tbb::parallel_for(std::uint64_t{0}, blocks, [&](std::uint64_t k) {
    const auto [b, e] = block_range(k);
    std::uint64_t at = first_arc[k];
    for (std::uint64_t v = b; v < e; ++v) {
      const std::uint64_t gv = g.begin + v, c = comm[gv];
      const auto nb = g.neighbours(v);
      const auto ws = g.neighbour_weights(v);
      for (std::size_t j = 0; j < nb.size(); ++j)
        if (comm[nb[j]] == c) arcs[at++] = {gv, nb[j], ws[j]};
    }
  });
  return assemble_subgraphs(
      x.shuffle(std::move(members), [&](const MemberRecord& r) { return owner(r.community); }),
      x.shuffle(std::move(arcs), [&](const InternalArc& a) { return owner(comm[a.source]); }));
}

template <class Exchange>
class LeidenRun {
 public:
  LeidenRun(const GraphSlice& g, const LeidenOptions& o, const Exchange& x) : g0_(g), o_(o), x_(x) {}

  LeidenResult run() {
    const std::uint64_t n = g0_.n;
    // Degrees of owned vertices, then replicated: ranges are contiguous, so the rank-order
    // concatenation is the id order.
    std::vector<Weight> local_degree(g0_.owned(), 0);
    for (std::uint64_t v = 0; v < g0_.owned(); ++v)
      for (const Weight w : g0_.neighbour_weights(v)) local_degree[v] += w;
    degree0_ = x_.allgather(std::span<const Weight>(local_degree));
    two_m_ = std::accumulate(degree0_.begin(), degree0_.end(), Weight{0});
    penalty_ = o_.objective.penalty(two_m_);
    if (o_.objective.kind == ObjectiveKind::kModularity)
      nw0_ = degree0_;
    else
      nw0_.assign(n, 1);

    const bool from_initial = !o_.initial.empty();
    LeidenState s;  // the progress so far (its level arrays are filled only to stop)
    if (o_.resume != nullptr) {
      s = *o_.resume;
      check_resume_state(s);
    } else {
      s.partition.resize(n);
      std::iota(s.partition.begin(), s.partition.end(), std::uint64_t{0});
      if (from_initial) {
        if (o_.initial.size() != n || *std::max_element(o_.initial.begin(), o_.initial.end()) >= n)
          throw std::invalid_argument("initial partition: need n labels in [0, n)");
        s.partition = min_labels(o_.initial);
        s.best_quality = quality_of(s.partition);
      }
    }
    const int max_iterations = o_.max_iterations > 0 ? o_.max_iterations : 32;
    LeidenResult r;
    while (!s.at.done) {
      const int it = s.at.iteration;
      int levels = 0;
      auto next = iteration(s, levels);
      if (stopped_) {
        r.stopped = std::move(stopped_);
        r.stats = stats_;
        return r;
      }
      const double q = quality_of(next);
      // Like igraph's n_iterations=-1: iterate while an iteration improves the quality (by more
      // than the tolerance; a worse partition is never taken).
      bool more = it + 1 < max_iterations;
      if ((it > 0 || from_initial) && !(q > s.best_quality)) {
        more = false;
      } else {
        const bool small_gain = (it > 0 || from_initial) && q - s.best_quality <= o_.tolerance * std::abs(s.best_quality);
        s.partition = std::move(next);
        s.best_quality = q;
        s.levels = levels;
        if (small_gain) more = false;
      }
      s.at = {it + 1, 0, s.at.levels_total, !more};
      if (o_.stop_at && o_.stop_at(s.at)) {
        r.stopped = std::move(s);
        return r;
      }
    }
    r.stats = stats_;
    r.iterations = s.at.iteration;
    r.levels = s.levels;
    auto partition = split_components(s.partition);
    canonicalize(partition, r);
    return r;
  }

 private:
  // Smallest vertex id per community, as the label of every member. O(n).
  static std::vector<std::uint64_t> min_labels(const std::vector<std::uint64_t>& labels) {
    const std::uint64_t n = labels.size();
    std::vector<std::uint64_t> smallest(n, std::numeric_limits<std::uint64_t>::max());
    for (std::uint64_t v = 0; v < n; ++v) smallest[labels[v]] = std::min(smallest[labels[v]], v);
    std::vector<std::uint64_t> out(n);
    for (std::uint64_t v = 0; v < n; ++v) out[v] = smallest[labels[v]];
    return out;
  }

  // Exact per-label totals on the original graph; `labels` are vertex ids (so < n).
  std::vector<CommunityTotals> totals_by_label(const std::vector<std::uint64_t>& labels) const {
    const std::uint64_t n = g0_.n;
    // Each owned vertex's weight to its own community, in parallel; then summed by label (exact
    // integers, so the order does not matter).
    std::vector<Weight> inside(g0_.owned(), 0);
    tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, g0_.owned(), 1024), [&](const auto& r) {
      for (std::uint64_t v = r.begin(); v != r.end(); ++v) {
        const std::uint64_t c = labels[g0_.begin + v];
        const auto nb = g0_.neighbours(v);
        const auto ws = g0_.neighbour_weights(v);
        Weight w = 0;
        for (std::size_t j = 0; j < nb.size(); ++j)
          if (labels[nb[j]] == c) w += ws[j];
        inside[v] = w;
      }
    });
    std::vector<Weight> internal(n, 0);
    for (std::uint64_t v = 0; v < g0_.owned(); ++v) internal[labels[g0_.begin + v]] += inside[v];
    x_.sum(internal);
    std::vector<CommunityTotals> t(n);
    for (std::uint64_t v = 0; v < n; ++v) {
      t[labels[v]].degree += degree0_[v];
      t[labels[v]].size += 1;
    }
    for (std::uint64_t c = 0; c < n; ++c) t[c].internal = internal[c];
    return t;
  }

  double quality_of(const std::vector<std::uint64_t>& labels) const {
    auto t = totals_by_label(labels);
    std::erase_if(t, [](const CommunityTotals& c) { return c.size == 0; });
    return quality(t, two_m_, o_.objective);
  }

  // A resumed state must fit this graph: sizes n, labels in range, and one community per
  // aggregated vertex (otherwise it was not produced by a run on this graph).
  void check_resume_state(const LeidenState& s) const {
    const std::uint64_t n = g0_.n;
    auto bad = [](const char* why) { throw std::invalid_argument(std::string("leiden resume state: ") + why); };
    if (s.partition.size() != n) bad("partition size differs from the graph");
    if (n > 0 && *std::max_element(s.partition.begin(), s.partition.end()) >= n) bad("partition label out of range");
    if (s.at.done || s.at.level == 0) {
      if (!s.vertex_of.empty() || !s.community_of.empty()) bad("level arrays at the start of an iteration");
      return;
    }
    if (s.vertex_of.size() != n || s.community_of.size() != n) bad("level arrays differ from the graph size");
    if (n == 0) return;
    const std::uint64_t n_level = *std::max_element(s.vertex_of.begin(), s.vertex_of.end()) + 1;
    if (n_level > n) bad("aggregated vertex out of range");
    std::vector<std::uint64_t> comm(n_level, std::numeric_limits<std::uint64_t>::max());
    for (std::uint64_t v = 0; v < n; ++v) {
      auto& c = comm[s.vertex_of[v]];
      if (s.community_of[v] >= n_level) bad("community out of range");
      if (c != std::numeric_limits<std::uint64_t>::max() && c != s.community_of[v])
        bad("members of one aggregated vertex in different communities");
      c = s.community_of[v];
    }
    if (std::find(comm.begin(), comm.end(), std::numeric_limits<std::uint64_t>::max()) != comm.end())
      bad("aggregated vertex ids are not dense");
  }

  // The graph whose vertices are the groups new_id[v] (dense, n_next of them) of g's vertices:
  // weights between groups summed exactly, arcs inside a group dropped. Collective.
  GraphSlice aggregate(const GraphSlice& g, const std::vector<std::uint64_t>& new_id, std::uint64_t n_next) const {
    const int p = x_.size();
    auto arcs = group_arcs(g, new_id);  // merged locally: fewer bytes to send
    // Cut by arcs: new ids follow the communities' smallest members, which puts the large
    // communities first. The counts (one allreduce of n_next) are of the arcs before the
    // shuffle merges those that several ranks made: an estimate, the same on every rank.
    auto split = cut_by_arcs(n_next, arcs, p, [&](std::vector<std::uint64_t>& count) { x_.sum(count); });
    auto mine = x_.shuffle(std::move(arcs), [&](const Arc& e) { return split.owner(e.source); });
    return build_slice(std::move(split), x_.rank(), std::move(mine));
  }

  // One Leiden iteration (number s.at.iteration) from s.partition, or from the level state of a
  // resumed run. Returns labels = the smallest original vertex of each community; or, when
  // stop_at asked to stop after a level, sets stopped_ and returns nothing.
  std::vector<std::uint64_t> iteration(LeidenState& s, int& levels) {
    const int it = s.at.iteration;
    std::vector<std::uint64_t> map0(g0_.n);  // original vertex -> vertex of the current level
    std::vector<std::uint64_t> comm;
    std::vector<Weight> nw;
    GraphSlice aggregated;
    const GraphSlice* g = &g0_;
    if (s.at.level == 0) {
      std::iota(map0.begin(), map0.end(), std::uint64_t{0});
      comm = min_labels(s.partition);
      nw = nw0_;
    } else {
      // Resumed after a level: the aggregated graph and its weights from the original graph.
      map0 = s.vertex_of;
      const std::uint64_t n_level = g0_.n == 0 ? 0 : *std::max_element(map0.begin(), map0.end()) + 1;
      comm.assign(n_level, 0);
      nw.assign(n_level, 0);
      for (std::uint64_t v = 0; v < g0_.n; ++v) {
        comm[map0[v]] = s.community_of[v];
        nw[map0[v]] += nw0_[v];
      }
      aggregated = aggregate(g0_, map0, n_level);
      g = &aggregated;
      s.vertex_of.clear();
      s.community_of.clear();
    }
    levels = s.at.level;
    for (int level = s.at.level; level < o_.max_levels; ++level) {
      levels = level + 1;
      const std::uint64_t n = g->n;
      auto clock = std::chrono::steady_clock::now();
      auto lap = [&clock](double& into) {
        const auto now = std::chrono::steady_clock::now();
        into += std::chrono::duration<double>(now - clock).count();
        clock = now;
      };
      local_moving(*g, comm, nw, stream_key(o_.seed, static_cast<std::uint64_t>(it), static_cast<std::uint64_t>(level)));
      lap(stats_.move_s);
      std::vector<char> used(n, 0);
      std::uint64_t communities = 0;
      for (const auto c : comm) communities += used[c] ? 0 : (used[c] = 1);
      if (communities == n) break;

      std::vector<std::uint64_t> refined =
          !o_.refinement ? min_labels(comm) : refine_all(*g, comm, nw, stream_key(o_.seed ^ 0x5eedULL, static_cast<std::uint64_t>(it),
                                              static_cast<std::uint64_t>(level)));
      std::fill(used.begin(), used.end(), 0);
      std::uint64_t subs = 0;
      for (const auto c : refined) subs += used[c] ? 0 : (used[c] = 1);
      if (subs == n) refined = min_labels(comm);  // nothing merged: aggregate the communities
      lap(stats_.refine_s);

      // Dense new ids in label order: depends only on the labels.
      std::vector<std::uint64_t> id_of_label(n, 0), new_id(n);
      std::fill(used.begin(), used.end(), 0);
      for (const auto c : refined) used[c] = 1;
      std::uint64_t n_next = 0;
      for (std::uint64_t c = 0; c < n; ++c)
        if (used[c]) id_of_label[c] = n_next++;
      for (std::uint64_t v = 0; v < n; ++v) new_id[v] = id_of_label[refined[v]];

      std::vector<Weight> nw_next(n_next, 0);
      std::vector<std::uint64_t> first(n, std::numeric_limits<std::uint64_t>::max());
      for (std::uint64_t v = 0; v < n; ++v) {
        nw_next[new_id[v]] += nw[v];
        first[comm[v]] = std::min(first[comm[v]], new_id[v]);
      }
      std::vector<std::uint64_t> comm_next(n_next);
      for (std::uint64_t v = 0; v < n; ++v) comm_next[new_id[v]] = first[comm[v]];
      for (auto& m : map0) m = new_id[m];

      aggregated = aggregate(*g, new_id, n_next);
      g = &aggregated;
      lap(stats_.aggregate_s);
      comm = std::move(comm_next);
      nw = std::move(nw_next);

      s.at.level = level + 1;
      ++s.at.levels_total;
      if (o_.stop_at && o_.stop_at(s.at)) {
        LeidenState st = s;
        st.vertex_of = map0;
        st.community_of.resize(g0_.n);
        for (std::uint64_t v = 0; v < g0_.n; ++v) st.community_of[v] = comm[map0[v]];
        stopped_ = std::move(st);
        return {};
      }
    }
    std::vector<std::uint64_t> out(g0_.n);
    for (std::uint64_t v = 0; v < g0_.n; ++v) out[v] = comm[map0[v]];
    return min_labels(out);
  }

  void local_moving(const GraphSlice& g, std::vector<std::uint64_t>& comm, const std::vector<Weight>& nw,
                    std::uint64_t key) {
    const std::uint64_t n = g.n, owned = g.owned();
    std::vector<Weight> total(n, 0);
    for (std::uint64_t v = 0; v < n; ++v) total[comm[v]] += nw[v];
    const auto sub_rounds = static_cast<std::uint64_t>(std::max(1, o_.sub_rounds));
    // Pruning (as in Leiden's queue): after the first round only vertices with a neighbour that
    // moved in the previous round are reconsidered. The moved vertices are known to every rank
    // (the gathered moves), so each rank marks its own vertices next to them: along the moved
    // vertex's row when this rank owns it, else along `ghost_rows` (the slice's arcs to vertices
    // owned elsewhere, by that vertex). Work per round: the degrees of the moved vertices, not m.
    const GhostRows ghosts = ghost_rows(g);
    std::vector<char> active(owned, 1);
    std::vector<std::uint64_t> moved_before, moved_now;
    std::vector<std::vector<std::uint64_t>> bucket(sub_rounds);
    std::vector<std::uint64_t> target;
    std::vector<Weight> delta;
    std::vector<Move> moves;
    MoveWorkspace workspace(n);
    for (int round = 0; round < o_.max_rounds; ++round) {
      const std::uint64_t round_key = mix64(key ^ mix64(static_cast<std::uint64_t>(round)));
      if (round > 0) {
        std::fill(active.begin(), active.end(), 0);
        // Threads may mark the same vertex: relaxed atomic stores of the same value.
        auto mark = [&active](std::uint64_t v) { std::atomic_ref<char>(active[v]).store(1, std::memory_order_relaxed); };
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, moved_before.size(), 64), [&](const auto& r) {
          for (std::size_t i = r.begin(); i != r.end(); ++i) {
            const std::uint64_t u = moved_before[i];
            if (u >= g.begin && u < g.end) {
              for (const std::uint64_t t : g.neighbours(u - g.begin))
                if (t >= g.begin && t < g.end) mark(t - g.begin);
            } else if (!ghosts.offsets.empty()) {
              for (std::uint64_t e = ghosts.offsets[u]; e < ghosts.offsets[u + 1]; ++e) mark(ghosts.local[e]);
            }
          }
        });
      }
      for (auto& b : bucket) b.clear();
      for (std::uint64_t v = 0; v < owned; ++v)
        if (active[v]) bucket[mix64(round_key ^ (g.begin + v)) % sub_rounds].push_back(v);
      moved_now.clear();
      for (std::uint64_t s = 0; s < sub_rounds; ++s) {
        const Snapshot snap{comm, total, nw, penalty_};
        target.resize(bucket[s].size());
        delta.resize(bucket[s].size());
        decide_moves(g, snap, bucket[s], target, workspace, delta);
        stats_.decided_arcs += std::accumulate(bucket[s].begin(), bucket[s].end(), std::uint64_t{0},
                                               [&](std::uint64_t a, std::uint64_t v) { return a + g.neighbours(v).size(); });
        moves.clear();
        for (std::size_t i = 0; i < bucket[s].size(); ++i) {
          const std::uint64_t v = g.begin + bucket[s][i];
          if (target[i] != comm[v]) moves.push_back({v, target[i], delta[i]});
        }
        // Applied in vertex-id order, each move checked again against the totals the moves
        // before it left: vertices that decided from one snapshot all see a community's old
        // total, so on aggregated levels (few vertices, heavy ones) dozens of them moved into
        // the same community at once and merged unrelated communities — on a 3.6 M-edge SBM the
        // result had 5 communities at modularity 0.55 (igraph: 576 at 0.687). A move that the
        // new totals make worthless is dropped; the arc weights are still the snapshot's.
        for (const Move& m : x_.allgather(std::span<const Move>(moves))) {
          const std::uint64_t own = comm[m.vertex];
          const Weight others_here = total[own] - nw[m.vertex];
          if (static_cast<double>(m.delta) -
                  penalty_ * static_cast<double>(nw[m.vertex]) * static_cast<double>(total[m.to] - others_here) <=
              0)
            continue;
          total[comm[m.vertex]] -= nw[m.vertex];
          total[m.to] += nw[m.vertex];
          comm[m.vertex] = m.to;
          moved_now.push_back(m.vertex);
        }
      }
      ++stats_.rounds;
      moved_before.swap(moved_now);
      const auto moved_count = static_cast<double>(moved_before.size());
      // The tail of rounds that move a handful of vertices each costs a full pass apiece and
      // changes the quality by noise; refinement and the next levels polish instead.
      if (moved_before.empty() || moved_count < o_.min_moved_fraction * static_cast<double>(n)) break;
    }
  }

  // The slice's arcs to vertices owned by other ranks, grouped by that vertex: offsets indexed by
  // global id (n + 1 of them) into `local` (owned endpoints, local indices), by a counting sort.
  // Empty with one rank. O(n + arcs).
  struct GhostRows {
    std::vector<std::uint64_t> offsets, local;
  };
  static GhostRows ghost_rows(const GraphSlice& g) {
    GhostRows r;
    if (g.owned() == g.n) return r;
    r.offsets.assign(g.n + 1, 0);
    for (const std::uint64_t t : g.targets)
      if (t < g.begin || t >= g.end) ++r.offsets[t + 1];
    for (std::uint64_t u = 0; u < g.n; ++u) r.offsets[u + 1] += r.offsets[u];
    r.local.resize(r.offsets[g.n]);
    std::vector<std::uint64_t> at(r.offsets.begin(), r.offsets.end() - 1);
    for (std::uint64_t v = 0; v < g.owned(); ++v)
      for (const std::uint64_t t : g.neighbours(v))
        if (t < g.begin || t >= g.end) r.local[at[t]++] = v;
    return r;
  }

  // Applies `kernel(members) -> labels per member` to every community and replicates the labels.
  // With the whole graph on this rank (one rank) each community is read in place (CommunityView);
  // otherwise its members and internal arcs are gathered at its owner (CommunitySubgraph). The
  // kernels see the same members, weights and arcs in the same order either way.
  template <class Kernel>
  std::vector<std::uint64_t> per_community(const GraphSlice& g, const std::vector<std::uint64_t>& comm,
                                           const std::vector<Weight>& nw, Kernel kernel) const {
    if (g.owned() == g.n && g.n < (std::uint64_t{1} << 32)) return per_community_in_place(g, comm, nw, kernel);
    const int p = x_.size();
    // Owners by hash: labels are smallest members, so owners by range put most communities on
    // the first rank.
    const auto subs = gather_communities(g, comm, nw, x_, [&](std::uint64_t c) { return hash_owner(c, p); });
    std::vector<std::vector<std::uint64_t>> labels(subs.size());
    tbb::parallel_for(std::size_t{0}, subs.size(), [&](std::size_t i) { labels[i] = kernel(subs[i]); });
    std::vector<Label> mine;
    for (std::size_t i = 0; i < subs.size(); ++i)
      for (std::size_t k = 0; k < subs[i].size(); ++k) mine.push_back({subs[i].members[k], labels[i][k]});
    std::vector<std::uint64_t> out(g.n);
    for (const Label& l : x_.allgather(std::span<const Label>(mine))) out[l.vertex] = l.label;
    return out;
  }

  // The gather copied every internal arc, most of the graph, at every level (5 M-edge SBM, one
  // rank × 2 threads: refinement 0.39–0.57 s of ~2.1 s of detection; in place 0.19–0.22 s).
  // O(n + arcs).
  template <class Kernel>
  std::vector<std::uint64_t> per_community_in_place(const GraphSlice& g, const std::vector<std::uint64_t>& comm,
                                                    const std::vector<Weight>& nw, Kernel kernel) const {
    const std::uint64_t n = g.n;
    // Members by community, ascending within each (a counting sort over the labels).
    std::vector<std::uint64_t> start(n + 1, 0), member(n);
    std::vector<std::uint32_t> index(n);
    std::vector<Weight> member_nw(n);
    for (std::uint64_t v = 0; v < n; ++v) ++start[comm[v] + 1];
    for (std::uint64_t c = 0; c < n; ++c) start[c + 1] += start[c];
    {
      std::vector<std::uint64_t> at(start.begin(), start.end() - 1);
      for (std::uint64_t v = 0; v < n; ++v) {
        const std::uint64_t k = at[comm[v]]++;
        member[k] = v, member_nw[k] = nw[v];
        index[v] = static_cast<std::uint32_t>(k - start[comm[v]]);
      }
    }
    std::vector<std::uint64_t> communities;
    for (std::uint64_t c = 0; c < n; ++c)
      if (start[c + 1] > start[c]) communities.push_back(c);
    std::vector<std::uint64_t> out(n);
    tbb::parallel_for(std::size_t{0}, communities.size(), [&](std::size_t i) {
      const std::uint64_t c = communities[i], b = start[c], e = start[c + 1];
      const CommunityView view{c, std::span<const std::uint64_t>(member.data() + b, e - b),
                               std::span<const Weight>(member_nw.data() + b, e - b), &g, comm.data(), index.data()};
      const auto labels = kernel(view);
      for (std::uint64_t k = b; k < e; ++k) out[member[k]] = labels[k - b];
    });
    return out;
  }

  std::vector<std::uint64_t> refine_all(const GraphSlice& g, const std::vector<std::uint64_t>& comm,
                                        const std::vector<Weight>& nw, std::uint64_t key) const {
    return per_community(g, comm, nw, [&](const auto& c) { return refine(c, penalty_, mix64(key ^ c.community)); });
  }

  std::vector<std::uint64_t> split_components(const std::vector<std::uint64_t>& labels) const {
    return per_community(g0_, labels, nw0_, [](const auto& c) { return components(c); });
  }

  // Ids by (size desc, smallest vertex asc): stable names for analysts, independent of ranks.
  void canonicalize(const std::vector<std::uint64_t>& labels, LeidenResult& r) const {
    const std::uint64_t n = g0_.n;
    auto by_label = totals_by_label(labels);
    std::vector<std::uint64_t> order;
    for (std::uint64_t c = 0; c < n; ++c)
      if (by_label[c].size > 0) order.push_back(c);
    std::sort(order.begin(), order.end(), [&](std::uint64_t a, std::uint64_t b) {
      return by_label[a].size != by_label[b].size ? by_label[a].size > by_label[b].size : a < b;
    });
    std::vector<std::uint64_t> id(n, 0);
    r.totals.clear();
    for (std::uint64_t i = 0; i < order.size(); ++i) {
      id[order[i]] = i;
      r.totals.push_back(by_label[order[i]]);
    }
    r.membership.resize(n);
    for (std::uint64_t v = 0; v < n; ++v) r.membership[v] = id[labels[v]];
    r.communities = order.size();
    r.two_m = two_m_;
    r.quality = quality(r.totals, two_m_, o_.objective);
    r.modularity = modularity(r.totals, two_m_, 1.0);
  }

  const GraphSlice& g0_;
  const LeidenOptions& o_;
  const Exchange& x_;
  std::optional<LeidenState> stopped_;
  LeidenStats stats_;
  std::vector<Weight> degree0_, nw0_;
  Weight two_m_ = 0;
  double penalty_ = 0;
};

}  // namespace detail

// Collective over `x`: every rank passes its slice of the same graph (one VertexSplit, any cut)
// and receives the same result.
// Time O(iterations · levels · (m/p · rounds + n)) per rank; memory O(m/p + n).
template <class Exchange>
LeidenResult leiden(const GraphSlice& g, const LeidenOptions& options, const Exchange& x) {
  return detail::LeidenRun<Exchange>(g, options, x).run();
}

// The whole graph in one process.
inline LeidenResult leiden(const GraphSlice& g, const LeidenOptions& options) {
  return leiden(g, options, SerialExchange{});
}

}  // namespace ch::community
