// Distributed deterministic community detection: the Leiden-class driver of
// kernels/community/leiden.hpp over MPI, plus key actors per community.
//
// The graph is split by vertex ranges (community::vertex_range(n, rank, size)); each rank passes
// its slice. All calls are collective; results are identical for any rank and thread count.
#pragma once

#include <algorithm>
#include <climits>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "cluster/collectives.hpp"
#include "cluster/context.hpp"
#include "cluster/shuffle.hpp"
#include "kernels/community/key_actors.hpp"
#include "kernels/community/leiden.hpp"

namespace ch::cluster {

// The collective verbs the community driver needs, over a Context. Gathers concatenate in rank
// order; integer sums are exact; shuffles deliver what rank 0 sent first, then rank 1, ... (the
// driver sorts what it receives, so this order never shows in results).
class MpiExchange {
 public:
  explicit MpiExchange(const Context& ctx) : ctx_(ctx) {}
  int rank() const { return ctx_.rank(); }
  int size() const { return ctx_.size(); }
  template <class T>
  std::vector<T> allgather(std::span<const T> local) const;
  template <class T>
  void sum(std::vector<T>& values) const {
    allreduce_sum(ctx_, values);
  }
  // All-to-all of a vector the driver is done with (cluster::shuffle's in-place form): what
  // stays is compacted in place, what leaves is freed once sent, and what arrives is assembled in
  // the input's buffer. Arrival order: by source rank, then send order. A copying form held the
  // input, a bucketed copy and the arrivals at once: three times refinement's internal arcs, the
  // peak of the communities stage.
  template <class T, class OwnerFn>
  std::vector<T> shuffle(std::vector<T>&& items, OwnerFn owner) const {
    return cluster::shuffle(ctx_, std::move(items), owner);
  }

 private:
  const Context& ctx_;
};

// Collective: communities of the graph whose slice this rank holds. See leiden.hpp.
community::LeidenResult detect_communities(const Context& ctx, const community::GraphSlice& slice,
                                           const community::LeidenOptions& options);

// Collective: key-actor rows of this rank's vertices. See key_actors.hpp.
std::vector<community::KeyActorRow> key_actors(const Context& ctx, const community::GraphSlice& slice,
                                               const std::vector<std::uint64_t>& membership,
                                               const community::KeyActorOptions& options);

// ---- implementation ------------------------------------------------------------------------

template <class T>
std::vector<T> MpiExchange::allgather(std::span<const T> local) const {
  static_assert(std::is_trivially_copyable_v<T>);
  if (size() == 1) return community::SerialExchange{}.allgather(local);
  // Called once per local-moving sub-round, so it costs exactly two collectives: the counts,
  // then the data (in pieces below MPI's 2 GiB int limit; every rank knows all counts, so all
  // agree on the pieces without another reduction).
  const auto counts = cluster::allgather<std::uint64_t>(ctx_, local.size());
  std::vector<std::uint64_t> first(counts.size() + 1, 0);
  for (std::size_t r = 0; r < counts.size(); ++r) first[r + 1] = first[r] + counts[r];
  std::vector<T> out(first.back());
  // Items per rank per call, so that the whole call stays below 2^31 bytes.
  const std::uint64_t kPiece = std::max<std::uint64_t>(1, (INT32_MAX / counts.size()) / sizeof(T));
  const std::uint64_t most = *std::max_element(counts.begin(), counts.end());
  for (std::uint64_t done = 0; done == 0 || done < most; done += kPiece) {
    std::vector<int> bytes(counts.size()), displs(counts.size());
    std::vector<T> piece;
    std::uint64_t total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      const std::uint64_t n = counts[r] > done ? std::min(kPiece, counts[r] - done) : 0;
      bytes[r] = static_cast<int>(n * sizeof(T));
      displs[r] = static_cast<int>(total * sizeof(T));
      total += n;
    }
    piece.resize(total);
    const auto me = static_cast<std::size_t>(rank());
    const std::uint64_t mine = counts[me] > done ? std::min(kPiece, counts[me] - done) : 0;
    detail::check(MPI_Allgatherv(local.data() + std::min<std::uint64_t>(done, local.size()),
                                 static_cast<int>(mine * sizeof(T)), MPI_BYTE, piece.data(), bytes.data(),
                                 displs.data(), MPI_BYTE, ctx_.comm()),
                  "MPI_Allgatherv");
    for (std::size_t r = 0; r < counts.size(); ++r)
      std::copy(piece.begin() + displs[r] / static_cast<int>(sizeof(T)),
                piece.begin() + (displs[r] + bytes[r]) / static_cast<int>(sizeof(T)),
                out.begin() + static_cast<std::ptrdiff_t>(first[r] + std::min(done, counts[r])));
    if (most == 0) break;
  }
  return out;
}

}  // namespace ch::cluster
