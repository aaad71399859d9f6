#include "cluster/shuffle.hpp"

#include <algorithm>

#include "cluster/collectives.hpp"

namespace ch::cluster {

namespace {

// Bytes one round moves to or from a rank, its pieces for all peers together. The round buffers
// copy a round's data, not the whole shuffle's: with rounds of up to 1 GiB per peer, a shuffle of
// D bytes was held four times at once (packed, send buffer, receive buffer, unpacked), and the
// largest shuffles set resolve's peak (medium, 2 ranks: +0.7 GB for 0.5 GB of shared contacts).
constexpr std::uint64_t kRoundBytes = std::uint64_t{64} << 20;

// `take`: the caller's buffers (== &outgoing) when they may be consumed: each is freed as soon as
// its last piece is packed.
void exchange(const Context& ctx, const std::vector<std::vector<std::byte>>& outgoing,
              std::vector<std::vector<std::byte>>* take, const Placement& place) {
  const auto p = static_cast<std::size_t>(ctx.size());
  if (outgoing.size() != p) throw std::invalid_argument("shuffle_bytes: one buffer per rank needed");
  const auto self = static_cast<std::size_t>(ctx.rank());
  const double started = MPI_Wtime();

  std::vector<std::uint64_t> send_total(p), recv_total(p);
  std::uint64_t local_max = 0;
  // This rank's own part never goes through MPI (nor through the round buffers).
  for (std::size_t r = 0; r < p; ++r) {
    send_total[r] = r == self ? 0 : outgoing[r].size();
    local_max = std::max(local_max, send_total[r]);
    ctx.add_bytes_sent(send_total[r]);
  }
  detail::check(MPI_Alltoall(send_total.data(), 1, MPI_UINT64_T, recv_total.data(), 1,
                             MPI_UINT64_T, ctx.comm()),
                "MPI_Alltoall");
  recv_total[self] = 0;
  // A round's packed buffer holds one piece per peer and is indexed by `int`.
  const std::uint64_t piece = std::max<std::uint64_t>(
      1, std::min<std::uint64_t>({ctx.max_message_bytes(), INT32_MAX / p, kRoundBytes / p}));
  const std::uint64_t rounds = (allreduce_max(ctx, local_max) + piece - 1) / piece;
  const auto at = place(recv_total);

  std::vector<int> scount(p), sdispl(p), rcount(p), rdispl(p);
  std::vector<std::byte> sendbuf, recvbuf;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    const std::uint64_t begin = round * piece;
    std::uint64_t soff = 0, roff = 0;
    for (std::size_t r = 0; r < p; ++r) {
      const auto s = send_total[r] > begin ? std::min(piece, send_total[r] - begin) : 0;
      const auto v = recv_total[r] > begin ? std::min(piece, recv_total[r] - begin) : 0;
      scount[r] = static_cast<int>(s);
      rcount[r] = static_cast<int>(v);
      // Displacements are `int` too: pack per round into a buffer small enough to index.
      sdispl[r] = static_cast<int>(soff);
      rdispl[r] = static_cast<int>(roff);
      soff += s;
      roff += v;
    }
    sendbuf.resize(soff);
    recvbuf.resize(roff);
    for (std::size_t r = 0; r < p; ++r) {
      if (scount[r] > 0)
        std::memcpy(sendbuf.data() + sdispl[r], outgoing[r].data() + begin, static_cast<std::size_t>(scount[r]));
      if (take && r != self && begin + static_cast<std::uint64_t>(scount[r]) >= send_total[r] && !outgoing[r].empty())
        (*take)[r] = std::vector<std::byte>();
    }
    detail::check(MPI_Alltoallv(sendbuf.data(), scount.data(), sdispl.data(), MPI_BYTE,
                                recvbuf.data(), rcount.data(), rdispl.data(), MPI_BYTE, ctx.comm()),
                  "MPI_Alltoallv");
    for (std::size_t r = 0; r < p; ++r)
      if (rcount[r] > 0) std::memcpy(at[r] + begin, recvbuf.data() + rdispl[r], static_cast<std::size_t>(rcount[r]));
  }
  ctx.add_shuffle_seconds(MPI_Wtime() - started);
}

// Into one buffer per source; this rank's own part is copied, or moved when `take`.
std::vector<std::vector<std::byte>> exchange_to_buffers(const Context& ctx, const std::vector<std::vector<std::byte>>& outgoing,
                                                        std::vector<std::vector<std::byte>>* take) {
  const auto self = static_cast<std::size_t>(ctx.rank());
  std::vector<std::vector<std::byte>> incoming(outgoing.size());
  exchange(ctx, outgoing, take, [&](const std::vector<std::uint64_t>& from) {
    std::vector<std::byte*> at(from.size());
    for (std::size_t r = 0; r < from.size(); ++r) {
      incoming[r].resize(from[r]);
      at[r] = incoming[r].data();
    }
    return at;
  });
  if (take) {
    incoming[self] = std::move((*take)[self]);
    *take = {};
  } else {
    incoming[self] = outgoing[self];
  }
  return incoming;
}

}  // namespace

std::vector<std::vector<std::byte>> shuffle_bytes(const Context& ctx,
                                                  const std::vector<std::vector<std::byte>>& outgoing) {
  return exchange_to_buffers(ctx, outgoing, nullptr);
}

std::vector<std::vector<std::byte>> shuffle_bytes(const Context& ctx, std::vector<std::vector<std::byte>>&& outgoing) {
  return exchange_to_buffers(ctx, outgoing, &outgoing);
}

void exchange_into(const Context& ctx, std::vector<std::vector<std::byte>>&& outgoing, const Placement& place) {
  exchange(ctx, outgoing, &outgoing, place);
  outgoing = {};
}

}  // namespace ch::cluster
