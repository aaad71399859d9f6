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
  // Typed all-to-all: items are bucketed by destination in one pass and exchanged with
  // MPI_Alltoallv directly (no per-item byte packing — refinement moves most arcs of the graph
  // every level). Arrival order: by source rank, then send order, like cluster::shuffle.
  template <class T, class OwnerFn>
  std::vector<T> shuffle(std::span<const T> items, OwnerFn owner) const;
  // The same, consuming `items` (cluster::shuffle's in-place form): what stays is compacted in
  // place, what leaves is freed once sent, and what arrives is assembled in the input's buffer.
  // The copying form held the input, a bucketed copy and the arrivals at once: three times the
  // internal arcs of refinement, the peak of the communities stage.
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

template <class T, class OwnerFn>
std::vector<T> MpiExchange::shuffle(std::span<const T> items, OwnerFn owner) const {
  static_assert(std::is_trivially_copyable_v<T>);
  if (size() == 1) return community::SerialExchange{}.shuffle(items, owner);
  const auto p = static_cast<std::size_t>(size());
  std::vector<int> dest(items.size());
  std::vector<std::uint64_t> send(p, 0), recv(p, 0);
  for (std::size_t i = 0; i < items.size(); ++i) {
    dest[i] = owner(items[i]);
    ++send[static_cast<std::size_t>(dest[i])];
  }
  std::vector<std::uint64_t> send_at(p + 1, 0), recv_at(p + 1, 0);
  for (std::size_t r = 0; r < p; ++r) send_at[r + 1] = send_at[r] + send[r];
  std::vector<T> out_buf(items.size());
  {
    std::vector<std::uint64_t> at(send_at.begin(), send_at.end() - 1);
    for (std::size_t i = 0; i < items.size(); ++i) out_buf[at[static_cast<std::size_t>(dest[i])]++] = items[i];
  }
  detail::check(MPI_Alltoall(send.data(), 1, MPI_UINT64_T, recv.data(), 1, MPI_UINT64_T, ctx_.comm()),
                "MPI_Alltoall");
  for (std::size_t r = 0; r < p; ++r) recv_at[r + 1] = recv_at[r] + recv[r];
  std::vector<T> in(recv_at[p]);
  // MPI counts are int: each round moves at most `piece` items between any pair, so a rank's
  // total per round stays below 2^31 bytes and below the context's message limit.
  const std::uint64_t limit = std::min<std::uint64_t>(ctx_.max_message_bytes(), INT32_MAX / p);
  const std::uint64_t piece = std::max<std::uint64_t>(1, limit / sizeof(T));
  std::uint64_t most = 0;
  for (std::size_t r = 0; r < p; ++r) most = std::max({most, send[r], recv[r]});
  const std::uint64_t rounds = allreduce_max<std::uint64_t>(ctx_, (most + piece - 1) / piece);
  std::vector<int> sc(p), sd(p), rc(p), rd(p);
  if (rounds == 1) {  // everything fits one call: no staging copies
    for (std::size_t r = 0; r < p; ++r) {
      sc[r] = static_cast<int>(send[r] * sizeof(T));
      sd[r] = static_cast<int>(send_at[r] * sizeof(T));
      rc[r] = static_cast<int>(recv[r] * sizeof(T));
      rd[r] = static_cast<int>(recv_at[r] * sizeof(T));
    }
    detail::check(MPI_Alltoallv(out_buf.data(), sc.data(), sd.data(), MPI_BYTE, in.data(), rc.data(), rd.data(),
                                MPI_BYTE, ctx_.comm()),
                  "MPI_Alltoallv");
  }
  for (std::uint64_t k = 0; rounds > 1 && k < rounds; ++k) {
    const std::uint64_t done = k * piece;
    auto part = [&](std::uint64_t count) { return count > done ? std::min(piece, count - done) : 0; };
    for (std::size_t r = 0; r < p; ++r) {
      // Displacements in bytes from the buffer start can exceed int, so pass offset pointers
      // through per-round staging buffers instead.
      sc[r] = static_cast<int>(part(send[r]) * sizeof(T));
      rc[r] = static_cast<int>(part(recv[r]) * sizeof(T));
    }
    std::vector<T> s_stage, r_stage;
    int s_total = 0, r_total = 0;
    for (std::size_t r = 0; r < p; ++r) {
      sd[r] = s_total;
      rd[r] = r_total;
      s_total += sc[r];
      r_total += rc[r];
    }
    s_stage.resize(static_cast<std::size_t>(s_total) / sizeof(T));
    r_stage.resize(static_cast<std::size_t>(r_total) / sizeof(T));
    for (std::size_t r = 0; r < p; ++r)
      std::copy_n(out_buf.begin() + static_cast<std::ptrdiff_t>(send_at[r] + std::min(done, send[r])),
                  static_cast<std::size_t>(sc[r]) / sizeof(T),
                  s_stage.begin() + sd[r] / static_cast<int>(sizeof(T)));
    detail::check(MPI_Alltoallv(s_stage.data(), sc.data(), sd.data(), MPI_BYTE, r_stage.data(), rc.data(),
                                rd.data(), MPI_BYTE, ctx_.comm()),
                  "MPI_Alltoallv");
    for (std::size_t r = 0; r < p; ++r)
      std::copy_n(r_stage.begin() + rd[r] / static_cast<int>(sizeof(T)), static_cast<std::size_t>(rc[r]) / sizeof(T),
                  in.begin() + static_cast<std::ptrdiff_t>(recv_at[r] + std::min(done, recv[r])));
  }
  ctx_.add_bytes_sent((items.size() - send[static_cast<std::size_t>(rank())]) * sizeof(T));
  return in;
}

}  // namespace ch::cluster
