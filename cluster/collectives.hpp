// Global reductions, scans, gathers and broadcasts over a Context.
//
// Determinism: integer reductions are exact, so their result does not depend on the rank count.
// Floating-point values are never summed across ranks in a rank-dependent order here; callers
// gather (key, value) pairs and reduce them in key order (see `allgatherv`), or use integers.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "cluster/context.hpp"

namespace ch::cluster {

namespace detail {
template <class T>
MPI_Datatype mpi_type() {
  if constexpr (std::is_same_v<T, std::int8_t>) return MPI_INT8_T;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return MPI_UINT8_T;
  else if constexpr (std::is_same_v<T, std::int32_t>) return MPI_INT32_T;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return MPI_UINT32_T;
  else if constexpr (std::is_same_v<T, std::int64_t>) return MPI_INT64_T;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return MPI_UINT64_T;
  else if constexpr (std::is_same_v<T, long long>) return MPI_LONG_LONG;
  else if constexpr (std::is_same_v<T, unsigned long long>) return MPI_UNSIGNED_LONG_LONG;
  else if constexpr (std::is_same_v<T, double>) return MPI_DOUBLE;
  else if constexpr (std::is_same_v<T, float>) return MPI_FLOAT;
  else static_assert(sizeof(T) == 0, "no MPI type for T");
}
void check(int mpi_status, const char* what);
}  // namespace detail

template <class T>
void allreduce_inplace(const Context& ctx, std::span<T> values, MPI_Op op) {
  static_assert(std::is_integral_v<T> || std::is_floating_point_v<T>);
  detail::check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()),
                              detail::mpi_type<T>(), op, ctx.comm()),
                "MPI_Allreduce");
}

template <class T>
T allreduce_sum(const Context& ctx, T value) {
  static_assert(std::is_integral_v<T>, "sum integers only: float sums depend on rank order");
  allreduce_inplace(ctx, std::span<T>(&value, 1), MPI_SUM);
  return value;
}
template <class T>
void allreduce_sum(const Context& ctx, std::vector<T>& values) {
  static_assert(std::is_integral_v<T>, "sum integers only: float sums depend on rank order");
  allreduce_inplace(ctx, std::span<T>(values), MPI_SUM);
}
template <class T>
T allreduce_max(const Context& ctx, T value) {
  allreduce_inplace(ctx, std::span<T>(&value, 1), MPI_MAX);
  return value;
}
template <class T>
T allreduce_min(const Context& ctx, T value) {
  allreduce_inplace(ctx, std::span<T>(&value, 1), MPI_MIN);
  return value;
}
// True on every rank if `value` is true on any rank.
bool allreduce_or(const Context& ctx, bool value);

// Sum of `value` over ranks below this one (0 on rank 0): where this rank's slab starts.
std::uint64_t exclusive_scan(const Context& ctx, std::uint64_t value);

// Every rank's value, in rank order, on every rank.
template <class T>
std::vector<T> allgather(const Context& ctx, T value) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::vector<T> out(static_cast<std::size_t>(ctx.size()));
  detail::check(MPI_Allgather(&value, sizeof(T), MPI_BYTE, out.data(), sizeof(T), MPI_BYTE,
                              ctx.comm()),
                "MPI_Allgather");
  return out;
}

// Concatenation of every rank's items, in rank order, on every rank.
template <class T>
std::vector<T> allgatherv(const Context& ctx, std::span<const T> local);

// Concatenation of strings: every rank's strings, in rank order, on every rank.
std::vector<std::string> allgatherv_strings(const Context& ctx, const std::vector<std::string>& local);

// Root's string on every rank (config text, timestamps: values that must be equal everywhere).
std::string broadcast_string(const Context& ctx, std::string value, int root = 0);

// Ranks wait for each other. Callers say why in the argument (it shows up in logs of hangs).
void barrier(const Context& ctx, const char* why);

// ---- implementation ------------------------------------------------------------------------

template <class T>
std::vector<T> allgatherv(const Context& ctx, std::span<const T> local) {
  static_assert(std::is_trivially_copyable_v<T>);
  const auto counts64 = allgather<std::uint64_t>(ctx, local.size() * sizeof(T));
  std::vector<int> counts(counts64.size()), displs(counts64.size());
  std::uint64_t total = 0;
  for (std::size_t r = 0; r < counts64.size(); ++r) {
    if (total + counts64[r] > static_cast<std::uint64_t>(INT32_MAX))
      throw std::runtime_error("allgatherv: more than 2 GiB gathered; use a shuffle instead");
    counts[r] = static_cast<int>(counts64[r]);
    displs[r] = static_cast<int>(total);
    total += counts64[r];
  }
  std::vector<T> out(total / sizeof(T));
  detail::check(MPI_Allgatherv(local.data(), static_cast<int>(local.size() * sizeof(T)), MPI_BYTE,
                               out.data(), counts.data(), displs.data(), MPI_BYTE, ctx.comm()),
                "MPI_Allgatherv");
  return out;
}

}  // namespace ch::cluster
