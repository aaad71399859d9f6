#include "cluster/components.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "cluster/collectives.hpp"
#include "cluster/lookup.hpp"
#include "cluster/shuffle.hpp"

namespace ch::cluster {
namespace {

std::vector<std::byte> as_bytes(const std::vector<std::uint64_t>& v) {
  std::vector<std::byte> out(v.size() * sizeof(std::uint64_t));
  if (!v.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}
std::vector<std::uint64_t> as_words(const std::vector<std::byte>& b) {
  std::vector<std::uint64_t> out(b.size() / sizeof(std::uint64_t));
  if (!out.empty()) std::memcpy(out.data(), b.data(), b.size());
  return out;
}

// std::pair is not trivially copyable; shuffles move plain structs.
struct Arc {
  std::uint64_t from, to;
};

std::uint64_t local_index(std::uint64_t v, int ranks) { return v / static_cast<std::uint64_t>(ranks); }

// values[owner(k)][k] ← min(current, value) for every (k, value) pair, wherever k lives.
void scatter_min(const Context& ctx, std::span<const std::uint64_t> keys,
                 std::span<const std::uint64_t> values, std::vector<std::uint64_t>& owned) {
  const auto p = static_cast<std::size_t>(ctx.size());
  std::vector<std::vector<std::uint64_t>> out(p);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto& buf = out[static_cast<std::size_t>(vertex_owner(keys[i], ctx.size()))];
    buf.push_back(keys[i]);
    buf.push_back(values[i]);
  }
  std::vector<std::vector<std::byte>> bytes(p);
  for (std::size_t r = 0; r < p; ++r) bytes[r] = as_bytes(out[r]);
  for (const auto& buf : shuffle_bytes(ctx, bytes)) {
    const auto words = as_words(buf);
    for (std::size_t i = 0; i + 1 < words.size(); i += 2) {
      auto& slot = owned[local_index(words[i], ctx.size())];
      slot = std::min(slot, words[i + 1]);
    }
  }
}

}  // namespace

std::uint64_t owned_vertex_count(std::uint64_t n, int rank, int ranks) {
  const auto r = static_cast<std::uint64_t>(rank), p = static_cast<std::uint64_t>(ranks);
  return n > r ? (n - r + p - 1) / p : 0;
}

std::vector<std::uint64_t> fetch_owned(const Context& ctx, std::span<const std::uint64_t> keys,
                                       const std::vector<std::uint64_t>& owned_values) {
  const int p = ctx.size();
  return fetch(
      ctx, keys, [p](std::uint64_t k) { return vertex_owner(k, p); },
      [&](std::uint64_t k) { return owned_values[local_index(k, p)]; });
}

ComponentsResult connected_components(const Context& ctx, std::uint64_t n,
                                      std::span<const std::pair<std::uint64_t, std::uint64_t>> edges) {
  const int p = ctx.size();
  // Edges go to the owner of their source, in both directions, so f[u] is always local.
  std::vector<Arc> both;
  both.reserve(edges.size() * 2);
  for (const auto& [a, b] : edges) {
    if (a >= n || b >= n) throw std::out_of_range("connected_components: vertex id out of range");
    if (a == b) continue;
    both.push_back({a, b});
    both.push_back({b, a});
  }
  const auto local_edges =
      shuffle(ctx, std::span<const Arc>(both), [p](const Arc& e) { return vertex_owner(e.from, p); });
  std::vector<std::uint64_t> targets(local_edges.size()), sources_local(local_edges.size());
  for (std::size_t i = 0; i < local_edges.size(); ++i) {
    targets[i] = local_edges[i].to;
    sources_local[i] = local_index(local_edges[i].from, p);
  }

  const std::uint64_t mine = owned_vertex_count(n, ctx.rank(), p);
  ComponentsResult result;
  auto& f = result.label;
  f.resize(mine);
  for (std::uint64_t i = 0; i < mine; ++i) f[i] = static_cast<std::uint64_t>(ctx.rank()) + i * static_cast<std::uint64_t>(p);

  std::vector<std::uint64_t> gf = fetch_owned(ctx, f, f);
  for (;;) {
    ++result.iterations;
    const auto gf_target = fetch_owned(ctx, targets, gf);
    // Stochastic hooking: the parent of u adopts the smaller grandparent of its neighbour.
    std::vector<std::uint64_t> parent_of_source(local_edges.size());
    for (std::size_t i = 0; i < local_edges.size(); ++i) parent_of_source[i] = f[sources_local[i]];
    scatter_min(ctx, parent_of_source, gf_target, f);
    // Aggressive hooking and shortcutting are local: f[u] is owned here.
    for (std::size_t i = 0; i < local_edges.size(); ++i)
      f[sources_local[i]] = std::min(f[sources_local[i]], gf_target[i]);
    for (std::uint64_t i = 0; i < mine; ++i) f[i] = std::min(f[i], gf[i]);
    auto next_gf = fetch_owned(ctx, f, f);
    const bool changed = next_gf != gf;
    gf = std::move(next_gf);
    if (!allreduce_or(ctx, changed)) break;
  }
  // At convergence every vertex points at its root (gf == f for all): the minimum id.
  f = gf;
  return result;
}

}  // namespace ch::cluster
