// Remote lookup: the value of a distributed array at arbitrary keys, in one request/reply
// exchange. `owner(key)` names the rank holding the key; on that rank `value_at(key)` answers.
// Replies come back in the order of `keys` (duplicates allowed).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "cluster/shuffle.hpp"

namespace ch::cluster {

template <class OwnerFn, class ValueFn>
std::vector<std::uint64_t> fetch(const Context& ctx, std::span<const std::uint64_t> keys,
                                 OwnerFn owner, ValueFn value_at) {
  const auto p = static_cast<std::size_t>(ctx.size());
  // `owner` is asked again instead of remembering each key's rank or place: it is cheap next to
  // the memory those would take.
  std::vector<std::size_t> count(p, 0);
  for (const auto key : keys) ++count[static_cast<std::size_t>(owner(key))];
  std::vector<std::vector<std::byte>> request(p);
  auto next = detail::sized_buffers(request, count, p, sizeof(std::uint64_t));
  for (const auto key : keys) {
    auto& to = next[static_cast<std::size_t>(owner(key))];
    std::memcpy(to, &key, sizeof key);
    to += sizeof key;
  }
  // Answer each requester in the order it asked; the reply goes back to the same rank.
  auto asked = shuffle_bytes(ctx, request);
  for (auto& buf : asked)
    for (std::size_t at = 0; at < buf.size(); at += sizeof(std::uint64_t)) {
      std::uint64_t key;
      std::memcpy(&key, buf.data() + at, sizeof key);
      const std::uint64_t value = value_at(key);
      std::memcpy(buf.data() + at, &value, sizeof value);
    }
  const auto replies = shuffle_bytes(ctx, asked);
  std::vector<std::uint64_t> out(keys.size());
  std::vector<const std::byte*> from(p);
  for (std::size_t r = 0; r < p; ++r) from[r] = replies[r].data();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto& reply = from[static_cast<std::size_t>(owner(keys[i]))];
    std::memcpy(&out[i], reply, sizeof(std::uint64_t));
    reply += sizeof(std::uint64_t);
  }
  return out;
}

}  // namespace ch::cluster
