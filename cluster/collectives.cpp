#include "cluster/collectives.hpp"

#include <cstring>
#include <stdexcept>

namespace ch::cluster {

namespace detail {
void check(int mpi_status, const char* what) {
  if (mpi_status == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(mpi_status, text, &len);
  throw std::runtime_error(std::string(what) + " failed: " + std::string(text, len));
}
}  // namespace detail

bool allreduce_or(const Context& ctx, bool value) {
  int v = value ? 1 : 0;
  detail::check(MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_LOR, ctx.comm()), "MPI_Allreduce");
  return v != 0;
}

std::uint64_t exclusive_scan(const Context& ctx, std::uint64_t value) {
  std::uint64_t before = 0;
  detail::check(MPI_Exscan(&value, &before, 1, MPI_UINT64_T, MPI_SUM, ctx.comm()), "MPI_Exscan");
  return ctx.rank() == 0 ? 0 : before;  // MPI leaves rank 0's result undefined
}

std::vector<std::string> allgatherv_strings(const Context& ctx,
                                            const std::vector<std::string>& local) {
  // Length-prefixed packing keeps strings with embedded NULs intact.
  std::vector<char> packed;
  for (const auto& s : local) {
    const std::uint64_t n = s.size();
    packed.insert(packed.end(), reinterpret_cast<const char*>(&n),
                  reinterpret_cast<const char*>(&n) + sizeof n);
    packed.insert(packed.end(), s.begin(), s.end());
  }
  const auto all = allgatherv<char>(ctx, std::span<const char>(packed));
  std::vector<std::string> out;
  for (std::size_t at = 0; at < all.size();) {
    std::uint64_t n = 0;
    std::memcpy(&n, all.data() + at, sizeof n);
    at += sizeof n;
    out.emplace_back(all.data() + at, n);
    at += n;
  }
  return out;
}

std::string broadcast_string(const Context& ctx, std::string value, int root) {
  std::uint64_t n = value.size();
  detail::check(MPI_Bcast(&n, 1, MPI_UINT64_T, root, ctx.comm()), "MPI_Bcast");
  value.resize(n);
  detail::check(MPI_Bcast(value.data(), static_cast<int>(n), MPI_CHAR, root, ctx.comm()),
                "MPI_Bcast");
  return value;
}

void barrier(const Context& ctx, const char* /*why*/) {
  detail::check(MPI_Barrier(ctx.comm()), "MPI_Barrier");
}

}  // namespace ch::cluster
