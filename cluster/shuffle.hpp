// Key-partitioned shuffle: send each item to the rank that owns its key.
//
// Built on MPI_Alltoallv in rounds: each round moves at most Context::max_message_bytes() between
// any pair of ranks, so no single message reaches MPI's 2 GiB `int` limit however large the data,
// and at most 64 MiB to or from a rank in all, so the round buffers stay small beside the data.
// The number of rounds is agreed by all ranks (a max-reduction), so ranks with little data still
// join every round. (Point-to-point pieces straight between the ranks' buffers, without the round
// buffers, copied less but raised the peaks of resolve and network by 0.4–0.5 GB per rank on
// medium: the allocator had reused the round buffers' memory for later arrays.)
//
// Order contract: the result holds what rank 0 sent, then rank 1, ... and within each source the
// items keep the order in which they were sent. Callers that need a rank-count-independent order
// sort the result by a stable id.
#pragma once

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/iostreams/device/array.hpp>
#include <boost/iostreams/device/back_inserter.hpp>
#include <boost/iostreams/stream.hpp>
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <functional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "cluster/context.hpp"

namespace ch::cluster {

// Raw form: `outgoing[r]` goes to rank r; the result's element s is what rank s sent here.
std::vector<std::vector<std::byte>> shuffle_bytes(const Context& ctx,
                                                  const std::vector<std::vector<std::byte>>& outgoing);
// The same, releasing `outgoing` as it goes (this rank's own part is moved, not copied).
std::vector<std::vector<std::byte>> shuffle_bytes(const Context& ctx, std::vector<std::vector<std::byte>>&& outgoing);

// Where the bytes from each rank are to be written, given how many each sends here (`from`; this
// rank's own entry is 0 and its address is not used).
using Placement = std::function<std::vector<std::byte*>(const std::vector<std::uint64_t>& from)>;
// The exchange of shuffle_bytes(&&) without buffers for what arrives: once the sizes are known,
// `place` says where each rank's bytes go, and every round's pieces are copied there.
// `outgoing[self]` is not sent (it is left to the caller). Collective.
void exchange_into(const Context& ctx, std::vector<std::vector<std::byte>>&& outgoing, const Placement& place);

namespace detail {

// Sizes outgoing[r] to count[r] items of `size` bytes (r ≠ skip) and returns where each one's
// next item goes. Items are then copied to their place: appended one by one, each cost a
// capacity check and a library call (1.8 s of memmove more on 2 ranks than on 1 in resolve).
inline std::vector<std::byte*> sized_buffers(std::vector<std::vector<std::byte>>& outgoing,
                                             const std::vector<std::size_t>& count, std::size_t skip,
                                             std::size_t size) {
  std::vector<std::byte*> at(outgoing.size(), nullptr);
  for (std::size_t r = 0; r < outgoing.size(); ++r)
    if (r != skip) {
      outgoing[r].resize(count[r] * size);
      at[r] = outgoing[r].data();
    }
  return at;
}

template <class T, class OwnerFn>
std::vector<std::vector<std::byte>> pack_by_owner(const Context& ctx, std::span<const T> items, OwnerFn& owner) {
  const auto p = static_cast<std::size_t>(ctx.size());
  std::vector<std::size_t> count(p, 0);
  std::vector<int> dest(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    dest[i] = owner(items[i]);
    ++count[static_cast<std::size_t>(dest[i])];
  }
  std::vector<std::vector<std::byte>> outgoing(p);
  auto at = sized_buffers(outgoing, count, p, sizeof(T));
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto& to = at[static_cast<std::size_t>(dest[i])];
    std::memcpy(to, &items[i], sizeof(T));
    to += sizeof(T);
  }
  return outgoing;
}

// Each received buffer is released once copied out, so the data is not held twice in full.
template <class T>
std::vector<T> unpack(std::vector<std::vector<std::byte>> incoming) {
  std::size_t total = 0;
  for (const auto& buf : incoming) total += buf.size() / sizeof(T);
  std::vector<T> out(total);
  std::size_t at = 0;
  for (auto& buf : incoming) {
    if (!buf.empty()) std::memcpy(out.data() + at, buf.data(), buf.size());
    at += buf.size() / sizeof(T);
    buf = std::vector<std::byte>();  // `= {}` would keep the capacity
  }
  return out;
}

}  // namespace detail

// Fast path for plain structs. `owner(item)` returns the destination rank in [0, ctx.size()).
template <class T, class OwnerFn>
std::vector<T> shuffle(const Context& ctx, std::span<const T> items, OwnerFn owner) {
  static_assert(std::is_trivially_copyable_v<T>, "use shuffle_serialized for types with pointers");
  if (ctx.size() == 1) return std::vector<T>(items.begin(), items.end());  // one copy, not two
  return detail::unpack<T>(shuffle_bytes(ctx, detail::pack_by_owner<T>(ctx, items, owner)));
}

namespace detail {

// The packing of shuffle(items&&): the items that stay on this rank are compacted at the front of
// `items` (which keeps its capacity: the result is usually assembled in it, fits_in_place), the
// rest are packed per destination; the entry of this rank is empty.
template <class T, class OwnerFn>
std::vector<std::vector<std::byte>> pack_others(const Context& ctx, std::vector<T>& items, OwnerFn& owner) {
  static_assert(std::is_trivially_copyable_v<T>, "use shuffle_serialized for types with pointers");
  const auto p = static_cast<std::size_t>(ctx.size());
  const auto self = static_cast<std::size_t>(ctx.rank());
  std::vector<std::size_t> count(p, 0);
  for (const auto& item : items) ++count[static_cast<std::size_t>(owner(item))];
  std::vector<std::vector<std::byte>> outgoing(p);
  auto at = sized_buffers(outgoing, count, self, sizeof(T));
  std::size_t kept = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto r = static_cast<std::size_t>(owner(items[i]));
    if (r == self) {
      items[kept++] = items[i];
    } else {
      std::memcpy(at[r], &items[i], sizeof(T));
      at[r] += sizeof(T);
    }
  }
  items.resize(kept);
  return outgoing;
}

// pack_others, then the exchange; returns what each other rank sent here.
template <class T, class OwnerFn>
std::vector<std::vector<std::byte>> exchange_by_owner(const Context& ctx, std::vector<T>& items, OwnerFn& owner) {
  // Alone, every item stays where it is: the owner of each needs no asking (twice, below).
  if (ctx.size() == 1) return std::vector<std::vector<std::byte>>(1);
  return shuffle_bytes(ctx, pack_others(ctx, items, owner));
}

// Whether the result of `total` items is assembled in the input's own buffer: when it fits and
// would not leave most of it idle. A new buffer of the result's size, allocated next to the
// incoming parts, set the peak of the stages' largest shuffles; the input's memory was freed
// at the same moment but too late to be reused for it.
template <class T>
bool fits_in_place(const std::vector<T>& items, std::size_t total) {
  return total <= items.capacity() && total >= items.capacity() / 4;
}

template <class T>
std::vector<T> shrunk(std::vector<T>&& items) {
  if (items.capacity() / 4 > items.size()) items.shrink_to_fit();
  return std::move(items);
}

}  // namespace detail

// The same for a vector the caller is done with. The items that stay on this rank are compacted
// in place instead of being packed and unpacked, the rest are released once packed, and the
// result is assembled in the input's buffer when it fits: on one rank nothing is copied, and in
// general the shuffle peaks near the input plus what arrives.
template <class T, class OwnerFn>
std::vector<T> shuffle(const Context& ctx, std::vector<T>&& items, OwnerFn owner) {
  if (ctx.size() == 1) return detail::shrunk(std::move(items));
  auto outgoing = detail::pack_others(ctx, items, owner);
  const auto self = static_cast<std::size_t>(ctx.rank());
  const std::size_t kept = items.size();
  std::vector<T> out;
  // What arrives is copied straight to its place in the result, round by round.
  exchange_into(ctx, std::move(outgoing), [&](const std::vector<std::uint64_t>& from) {
    std::size_t total = kept, before_self = 0;
    for (std::size_t r = 0; r < from.size(); ++r) {
      total += from[r] / sizeof(T);
      if (r < self) before_self += from[r] / sizeof(T);
    }
    if (detail::fits_in_place(items, total)) {
      items.resize(total);
      if (kept > 0 && before_self > 0) std::memmove(items.data() + before_self, items.data(), kept * sizeof(T));
      out = std::move(items);
    } else {
      out.resize(total);
      if (kept > 0) std::memcpy(out.data() + before_self, items.data(), kept * sizeof(T));
      items = std::vector<T>();
    }
    std::vector<std::byte*> at(from.size());
    std::size_t pos = 0;
    for (std::size_t r = 0; r < from.size(); ++r) {
      at[r] = reinterpret_cast<std::byte*>(out.data() + pos);
      pos += r == self ? kept : from[r] / sizeof(T);
    }
    return at;
  });
  return out;
}

// The same for items sorted by `less` whose owners do not decrease along them (so each rank's
// part is a sorted run, as in a sample sort): the runs are merged as the result is assembled, so
// it comes out sorted without the second buffer of a merge afterwards. Equal items keep rank
// order, then their order within the rank, as a stable merge of the concatenated runs would.
template <class T, class OwnerFn, class Less>
std::vector<T> shuffle_merge(const Context& ctx, std::vector<T>&& items, OwnerFn owner, Less less) {
  auto incoming = detail::exchange_by_owner(ctx, items, owner);
  const auto p = static_cast<std::size_t>(ctx.size());
  const auto self = static_cast<std::size_t>(ctx.rank());
  const std::size_t kept = items.size();
  const auto count = [&](std::size_t r) { return r == self ? kept : incoming[r].size() / sizeof(T); };
  std::size_t total = 0;
  for (std::size_t r = 0; r < p; ++r) total += count(r);
  if (total == kept) return detail::shrunk(std::move(items));
  const auto base = [&](std::size_t r) {
    return r == self ? reinterpret_cast<const std::byte*>(items.data()) : incoming[r].data();
  };
  const auto load = [&](std::size_t r, std::size_t at) {
    T x;
    std::memcpy(&x, base(r) + at * sizeof(T), sizeof(T));
    return x;
  };
  struct Cursor {
    T head;
    std::size_t part, at;  // the head is item `at` of the part
  };
  std::vector<Cursor> heap;
  if (detail::fits_in_place(items, total)) {
    // From the back into `items` itself: the next free place is never before this rank's own
    // unread items, so nothing is overwritten before it is read. A max-heap on (head, part): the
    // largest head first, the higher rank first among equals — a stable merge, backwards.
    items.resize(total);
    for (std::size_t r = 0; r < p; ++r)
      if (count(r) > 0) heap.push_back({load(r, count(r) - 1), r, count(r) - 1});
    const auto before = [&](const Cursor& a, const Cursor& b) {
      return less(a.head, b.head) || (!less(b.head, a.head) && a.part < b.part);
    };
    std::make_heap(heap.begin(), heap.end(), before);
    for (std::size_t w = total; w-- > 0;) {
      std::pop_heap(heap.begin(), heap.end(), before);
      Cursor& c = heap.back();
      items[w] = c.head;
      if (c.at > 0) {
        c.head = load(c.part, --c.at);
        std::push_heap(heap.begin(), heap.end(), before);
      } else {
        if (c.part != self) incoming[c.part] = std::vector<std::byte>();
        heap.pop_back();
      }
    }
    return std::move(items);
  }
  // A min-heap on (head, part): the smallest head first, the lower rank first among equals.
  for (std::size_t r = 0; r < p; ++r)
    if (count(r) > 0) heap.push_back({load(r, 0), r, 0});
  const auto later = [&](const Cursor& a, const Cursor& b) {
    return less(b.head, a.head) || (!less(a.head, b.head) && a.part > b.part);
  };
  std::make_heap(heap.begin(), heap.end(), later);
  std::vector<T> out;
  out.reserve(total);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    Cursor& c = heap.back();
    out.push_back(c.head);
    if (++c.at < count(c.part)) {
      c.head = load(c.part, c.at);
      std::push_heap(heap.begin(), heap.end(), later);
    } else {
      if (c.part == self) items = std::vector<T>();
      else incoming[c.part] = std::vector<std::byte>();
      heap.pop_back();
    }
  }
  return out;
}

namespace detail {

// Boost.Serialization of the items each rank is to receive (no header; a count, then the items).
template <class T>
std::vector<std::vector<std::byte>> serialize_by_dest(const std::vector<std::vector<T const*>>& by_dest) {
  namespace bio = boost::iostreams;
  std::vector<std::vector<std::byte>> outgoing(by_dest.size());
  for (std::size_t r = 0; r < by_dest.size(); ++r) {
    if (by_dest[r].empty()) continue;
    std::vector<char> buf;
    {
      bio::stream<bio::back_insert_device<std::vector<char>>> os(buf);
      boost::archive::binary_oarchive ar(os, boost::archive::no_header);
      std::size_t n = by_dest[r].size();
      ar << n;
      for (const T* item : by_dest[r]) ar << *item;
    }
    outgoing[r].resize(buf.size());
    std::memcpy(outgoing[r].data(), buf.data(), buf.size());
  }
  return outgoing;
}

inline std::size_t serialized_count(const std::vector<std::byte>& buf) {
  namespace bio = boost::iostreams;
  if (buf.empty()) return 0;
  bio::stream<bio::array_source> is(reinterpret_cast<const char*>(buf.data()), buf.size());
  boost::archive::binary_iarchive ar(is, boost::archive::no_header);
  std::size_t n = 0;
  ar >> n;
  return n;
}

// Appends the items of one received buffer to `out` and releases the buffer.
template <class T>
void deserialize_into(std::vector<std::byte>& buf, std::vector<T>& out) {
  namespace bio = boost::iostreams;
  if (buf.empty()) return;
  {
    bio::stream<bio::array_source> is(reinterpret_cast<const char*>(buf.data()), buf.size());
    boost::archive::binary_iarchive ar(is, boost::archive::no_header);
    std::size_t n = 0;
    ar >> n;
    for (std::size_t i = 0; i < n; ++i) {
      T item;
      ar >> item;
      out.push_back(std::move(item));
    }
  }
  buf = std::vector<std::byte>();
}

}  // namespace detail

// General path for types with strings/vectors, through Boost.Serialization (T needs serialize()).
// The result holds what each rank sent, in rank order, each sender's items in its input order.
template <class T, class OwnerFn>
std::vector<T> shuffle_serialized(const Context& ctx, std::span<const T> items, OwnerFn owner) {
  const auto p = static_cast<std::size_t>(ctx.size());
  std::vector<std::vector<T const*>> by_dest(p);
  for (const auto& item : items) by_dest[static_cast<std::size_t>(owner(item))].push_back(&item);
  auto incoming = shuffle_bytes(ctx, detail::serialize_by_dest(by_dest));
  // Sized once: grown by doubling, the result would reach twice its size.
  std::size_t total = 0;
  for (const auto& buf : incoming) total += detail::serialized_count(buf);
  std::vector<T> out;
  out.reserve(total);
  for (auto& buf : incoming) detail::deserialize_into(buf, out);
  return out;
}

// The same for a vector the caller is done with: the items that stay on this rank are moved, not
// serialized (all of them on one rank; with p ranks about 1/p of a hash-spread shuffle, and more
// of resolve's entity rows, whose entity mostly lives where they do). Same result and order.
template <class T, class OwnerFn>
std::vector<T> shuffle_serialized(const Context& ctx, std::vector<T>&& items, OwnerFn owner) {
  const auto p = static_cast<std::size_t>(ctx.size());
  const auto self = static_cast<std::size_t>(ctx.rank());
  std::vector<std::vector<T const*>> by_dest(p);
  std::vector<std::size_t> staying;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto r = static_cast<std::size_t>(owner(items[i]));
    if (r == self)
      staying.push_back(i);
    else
      by_dest[r].push_back(&items[i]);
  }
  auto incoming = shuffle_bytes(ctx, detail::serialize_by_dest(by_dest));
  std::size_t total = staying.size();
  for (const auto& buf : incoming) total += detail::serialized_count(buf);
  std::vector<T> out;
  out.reserve(total);
  for (std::size_t r = 0; r < p; ++r) {
    if (r == self) {
      for (const auto i : staying) out.push_back(std::move(items[i]));
      items = std::vector<T>();
    } else {
      detail::deserialize_into(incoming[r], out);
    }
  }
  return out;
}

}  // namespace ch::cluster
