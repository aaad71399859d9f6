// A column of many short strings, held in a few large byte buffers.
//
// Ingest holds tens of millions of text cells per rank (ids, raw and normalized names, phones).
// As std::string each cell costs 32 bytes plus a heap block when longer than 15 bytes, and
// building, concatenating and freeing those blocks dominated ingest's time (page faults of fresh
// memory, not parsing). Here a cell costs its bytes plus a 4-byte end offset. The column is a
// list of chunks, so appending another column (the output of a block of records processed in
// parallel) moves its chunks and copies no cell. Empty cells before the first non-empty one cost
// nothing (a count): many of ingest's columns are empty in every row of a feed (addresses of
// travel rows, raw phones equal to their normalized form), and their offsets faulted in as much
// fresh memory as the text of the others.
//
// A *coded* column (StringColumn::coded()) is for cells with few distinct values (a feed's agency,
// partner lists, country codes): each cell is a 4-byte code into the column's distinct values, so
// a cell costs 4 bytes instead of its bytes plus 4. The distinct values are kept in first-seen
// order and every one of them is used by some cell (filtering rebuilds them), so a writer that
// builds a dictionary from them gets the one it would build from the cells.
//
// Move-only on purpose: a column is hundreds of megabytes, and a copy is never what is meant.
#pragma once

#include <algorithm>
#include <cstring>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/rng.hpp"

namespace ch::io {

class StringColumn {
 public:
  using value_type = std::string_view;

  StringColumn() = default;
  StringColumn(StringColumn&&) noexcept = default;
  StringColumn& operator=(StringColumn&&) noexcept = default;
  StringColumn(const StringColumn&) = delete;
  StringColumn& operator=(const StringColumn&) = delete;

  explicit StringColumn(const std::vector<std::string>& values) {
    std::size_t n = 0;
    for (const auto& v : values) n += v.size();
    reserve(values.size(), n);
    for (const auto& v : values) push_back(v);
  }
  // An empty coded column (see above).
  static StringColumn coded() {
    StringColumn c;
    c.coded_ = true;
    return c;
  }
  // An empty column of the same kind (coded or not).
  StringColumn empty_like() const { return coded_ ? coded() : StringColumn(); }

  bool is_coded() const { return coded_; }
  // Coded columns only: the code of every cell, and the distinct values the codes index.
  std::span<const std::uint32_t> codes() const { return codes_; }
  const std::vector<std::string>& values() const { return values_; }

  std::size_t size() const { return rows_; }
  bool empty() const { return rows_ == 0; }
  std::size_t bytes() const { return bytes_; }
  // Memory held (capacity), for the per-record figures of the scale harness.
  std::size_t footprint() const {
    std::size_t n = chunks_.capacity() * sizeof(Chunk) + codes_.capacity() * sizeof(std::uint32_t) +
                    slots_.capacity() * sizeof(std::uint32_t) + hashes_.capacity() * sizeof(std::uint64_t) +
                    recent_.capacity() * sizeof(Recent);
    for (const auto& v : values_) n += sizeof(v) + (v.capacity() > 15 ? v.capacity() : 0);
    for (const auto& c : chunks_) n += c.bytes.capacity() + c.ends.capacity() * sizeof(std::uint32_t);
    return n;
  }

  // Random access costs a binary search over the chunks; loops over many cells use for_each.
  std::string_view operator[](std::size_t i) const {
    if (coded_) return values_[codes_[i]];
    if (i < lead_) return {};
    const auto k = chunk_of(i);
    return chunks_[k].cell(i - chunks_[k].first_row);
  }
  std::size_t length(std::size_t i) const { return (*this)[i].size(); }

  // Calls f(row, cell) for rows [begin, end) in order.
  template <class F>
  void for_each(std::size_t begin, std::size_t end, F&& f) const {
    if (begin >= end) return;
    if (coded_) {
      for (; begin < end; ++begin) f(begin, std::string_view(values_[codes_[begin]]));
      return;
    }
    for (; begin < end && begin < lead_; ++begin) f(begin, std::string_view{});
    if (begin >= end) return;
    for (std::size_t k = chunk_of(begin); k < chunks_.size() && begin < end; ++k) {
      const Chunk& c = chunks_[k];
      const std::size_t stop = std::min(end, c.first_row + c.ends.size());
      for (; begin < stop; ++begin) f(begin, c.cell(begin - c.first_row));
    }
  }
  template <class F>
  void for_each(F&& f) const {
    for_each(0, rows_, f);
  }
  // Kept as cells are added: writers size fixed-width strings by it without a pass over cells.
  std::size_t max_length() const { return longest_; }

  void push_back(std::string_view s) {
    if (coded_) {
      codes_.push_back(code(s));
      ++rows_;
      bytes_ += s.size();
      longest_ = std::max(longest_, s.size());
      return;
    }
    if (s.empty() && chunks_.empty()) {
      ++lead_;
      ++rows_;
      return;
    }
    Chunk& c = writable(s.size());
    c.bytes.append(s);
    c.ends.push_back(static_cast<std::uint32_t>(c.bytes.size()));
    ++rows_;
    bytes_ += s.size();
    longest_ = std::max(longest_, s.size());
  }
  // Appends `count` cells stored `width` bytes apart, each padded with trailing NUL bytes (HDF5
  // fixed-length strings). The readers of every stage fill their text columns this way: one scan
  // per cell for its length (a word at a time) and one copy, where push_back per cell scanned
  // each cell twice and checked its chunk every time.
  void append_fixed_width(const char* cells, std::size_t count, std::size_t width) {
    std::vector<std::uint32_t> length(count);
    std::size_t total = 0, first = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char* p = cells + i * width;
      std::size_t n = width;
      while (n >= 8) {
        std::uint64_t w;
        std::memcpy(&w, p + n - 8, 8);
        if (w != 0) break;
        n -= 8;
      }
      while (n > 0 && p[n - 1] == '\0') --n;
      length[i] = static_cast<std::uint32_t>(n);
      total += n;
    }
    if (coded_ || total > kMaxChunkBytes / 2) {  // the general path: codes, or chunks to split
      for (std::size_t i = 0; i < count; ++i) push_back(std::string_view(cells + i * width, length[i]));
      return;
    }
    if (chunks_.empty())  // leading empty cells stay a count
      for (; first < count && length[first] == 0; ++first) ++lead_, ++rows_;
    if (first == count) return;
    Chunk& c = writable(total);
    c.bytes.reserve(c.bytes.size() + total);
    c.ends.reserve(c.ends.size() + (count - first));
    for (std::size_t i = first; i < count; ++i) {
      c.bytes.append(cells + i * width, length[i]);
      c.ends.push_back(static_cast<std::uint32_t>(c.bytes.size()));
      longest_ = std::max<std::size_t>(longest_, length[i]);
    }
    rows_ += count - first;
    bytes_ += total;
  }
  // Coded columns only: appends cells given as indices into `dict` (a stored dictionary). Each
  // dictionary value is looked up once, on its first use, not once per cell.
  void append_codes(const std::vector<std::string>& dict, std::span<const std::uint32_t> cells) {
    if (!coded_) {
      for (const auto c : cells) push_back(dict[c]);
      return;
    }
    constexpr std::uint32_t kUnseen = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> to(dict.size(), kUnseen);
    codes_.reserve(codes_.size() + cells.size());
    for (const auto c : cells) {
      if (to[c] == kUnseen) to[c] = code(dict[c]);
      codes_.push_back(to[c]);
      bytes_ += dict[c].size();
      longest_ = std::max(longest_, dict[c].size());
    }
    rows_ += cells.size();
  }
  // Pads with empty cells up to `rows` (a column that a block of records did not fill).
  void pad_to(std::size_t rows) {
    if (rows <= rows_) return;
    if (coded_) {
      codes_.resize(rows, code({}));
      rows_ = rows;
      return;
    }
    if (chunks_.empty()) {
      lead_ += rows - rows_;
      rows_ = rows;
      return;
    }
    Chunk& c = writable(0);
    c.ends.resize(c.ends.size() + (rows - rows_), static_cast<std::uint32_t>(c.bytes.size()));
    rows_ = rows;
  }
  void reserve(std::size_t rows, std::size_t bytes) {
    if (coded_) {
      codes_.reserve(codes_.size() + rows);
      return;
    }
    if (chunks_.empty()) {  // kept for the first chunk: a column that stays empty takes none
      pending_rows_ += rows;
      pending_bytes_ += bytes;
      return;
    }
    Chunk& c = writable(0);
    c.ends.reserve(c.ends.size() + rows);
    c.bytes.reserve(c.bytes.size() + std::min<std::size_t>(bytes, kMaxChunkBytes - c.bytes.size()));
  }
  // Releases the room reserved for growth: a finished block's column keeps only its cells.
  void shrink_to_fit() {
    codes_.shrink_to_fit();
    for (auto& c : chunks_) {
      c.bytes.shrink_to_fit();
      c.ends.shrink_to_fit();
    }
  }
  // Moves the cells of `other` to the end of this column; `other` is left empty.
  void append(StringColumn&& other) {
    if (coded_ || other.coded_) {
      append_cells(other);
      other.clear();
      return;
    }
    pad_to(rows_ + other.lead_);
    for (auto& c : other.chunks_) {
      if (c.ends.empty()) continue;
      c.first_row = rows_;
      rows_ += c.ends.size();
      bytes_ += c.bytes.size();
      chunks_.push_back(std::move(c));
    }
    longest_ = std::max(longest_, other.longest_);
    other.clear();
  }

  // Copies the cells of `other` to the end of this column, into its last chunk: a block's small
  // column is then freed and its memory reused by the next block, and the column stays one large
  // chunk (reserve() it for the expected total).
  void append_cells(const StringColumn& other) {
    if (coded_ && other.coded_) {
      // Each of the other's values looked up once, then its codes translated.
      std::vector<std::uint32_t> to(other.values_.size());
      for (std::size_t v = 0; v < to.size(); ++v) to[v] = code(other.values_[v]);
      const std::size_t at = codes_.size();
      codes_.resize(at + other.codes_.size());
      for (std::size_t i = 0; i < other.codes_.size(); ++i) codes_[at + i] = to[other.codes_[i]];
      rows_ += other.rows_;
      bytes_ += other.bytes_;
      longest_ = std::max(longest_, other.longest_);
      return;
    }
    if (coded_ || other.coded_) {
      other.for_each([&](std::size_t, std::string_view s) { push_back(s); });
      return;
    }
    pad_to(rows_ + other.lead_);
    for (const auto& c : other.chunks_) {
      if (c.ends.empty()) continue;
      Chunk& d = writable(c.bytes.size());
      const auto base = static_cast<std::uint32_t>(d.bytes.size());
      d.bytes.append(c.bytes);
      const std::size_t at = d.ends.size();
      d.ends.resize(at + c.ends.size());
      for (std::size_t i = 0; i < c.ends.size(); ++i) d.ends[at + i] = base + c.ends[i];
      rows_ += c.ends.size();
      bytes_ += c.bytes.size();
    }
    longest_ = std::max(longest_, other.longest_);
  }

  // The rows whose `keep` flag is set, in order.
  // A coded result holds only the values its cells still use.
  StringColumn filter(const std::vector<std::uint8_t>& keep) const {
    StringColumn out = empty_like();
    out.reserve(rows_, bytes_);
    for_each([&](std::size_t i, std::string_view s) {
      if (keep[i]) out.push_back(s);
    });
    return out;
  }
  StringColumn slice(std::size_t begin, std::size_t end) const {
    StringColumn out = empty_like();
    for_each(begin, end, [&](std::size_t, std::string_view s) { out.push_back(s); });
    return out;
  }
  std::vector<std::string> to_strings() const {
    std::vector<std::string> out;
    out.reserve(rows_);
    for_each([&](std::size_t, std::string_view s) { out.emplace_back(s); });
    return out;
  }
  // Empties the column and frees its memory; a coded column stays coded.
  void clear() {
    std::vector<Chunk>().swap(chunks_);  // not `chunks_ = {}`, which keeps the capacity
    std::vector<std::uint32_t>().swap(codes_);
    std::vector<std::string>().swap(values_);
    std::vector<std::uint64_t>().swap(hashes_);
    std::vector<std::uint32_t>().swap(slots_);
    std::vector<Recent>().swap(recent_);
    rows_ = bytes_ = longest_ = lead_ = pending_rows_ = pending_bytes_ = 0;
  }

  // Same cells in the same order, however they are chunked.
  bool operator==(const StringColumn& other) const {
    if (rows_ != other.rows_ || bytes_ != other.bytes_) return false;
    bool same = true;
    for_each([&](std::size_t i, std::string_view s) { same = same && s == other[i]; });
    return same;
  }

 private:
  static constexpr std::size_t kMaxChunkBytes = std::numeric_limits<std::uint32_t>::max();

  struct Chunk {
    std::size_t first_row = 0;
    std::string bytes;
    std::vector<std::uint32_t> ends;  // end of cell i in bytes; cell i starts at ends[i-1]
    std::string_view cell(std::size_t i) const {
      const std::uint32_t begin = i == 0 ? 0 : ends[i - 1];
      return std::string_view(bytes).substr(begin, ends[i] - begin);
    }
  };

  // The chunk to append `n` more bytes to (a new one when the last would pass 4 GiB).
  Chunk& writable(std::size_t n) {
    if (chunks_.empty() || chunks_.back().bytes.size() + n > kMaxChunkBytes) {
      chunks_.emplace_back();
      chunks_.back().first_row = rows_;
      if (chunks_.size() == 1 && (pending_rows_ > 0 || pending_bytes_ > 0)) {
        chunks_.back().ends.reserve(pending_rows_);
        chunks_.back().bytes.reserve(std::min<std::size_t>(pending_bytes_, kMaxChunkBytes));
        pending_rows_ = pending_bytes_ = 0;
      }
    }
    return chunks_.back();
  }
  std::size_t chunk_of(std::size_t row) const {
    if (chunks_.size() == 1) return 0;
    const auto it = std::upper_bound(chunks_.begin(), chunks_.end(), row,
                                     [](std::size_t r, const Chunk& c) { return r < c.first_row; });
    return static_cast<std::size_t>(it - chunks_.begin()) - 1;
  }

  // Coded columns: the code of `v`, added to the values when new. Looked up once per cell (tens
  // of millions in ingest), so a cell of at most 16 bytes (agencies, country codes, partner
  // lists: nearly all) is first looked up by its bytes as two words in a small direct-mapped
  // cache, and the rest go through an open-addressing table over ch::word_hash.
  std::uint32_t code(std::string_view v) {
    if (v.size() > 16) return lookup(v);
    if (recent_.empty()) recent_.assign(kRecentSlots, Recent{{0, 0}, kNoSize, 0});
    std::uint64_t w[2];
    load_padded(v, w);
    const std::size_t slot = ((w[0] ^ (w[1] * 0xff51afd7ed558ccdULL) ^ v.size()) * 0x9e3779b97f4a7c15ULL) >> 58;
    Recent& r = recent_[slot];
    if (r.words[0] == w[0] && r.words[1] == w[1] && r.size == v.size()) return r.code;
    r = {{w[0], w[1]}, static_cast<std::uint32_t>(v.size()), lookup(v)};
    return r.code;
  }
  // The bytes of `v` (at most 16) as two zero-padded words, in registers: a memcpy of a
  // variable length through the stack stalled on store forwarding. Loads overlap, never pass `v`.
  static void load_padded(std::string_view v, std::uint64_t (&w)[2]) {
    const char* p = v.data();
    const std::size_t n = v.size();
    auto load = [](const char* at, auto word) {
      std::memcpy(&word, at, sizeof word);
      return static_cast<std::uint64_t>(word);
    };
    w[0] = w[1] = 0;
    if (n >= 8) {
      w[0] = load(p, std::uint64_t{});
      if (n > 8) w[1] = load(p + n - 8, std::uint64_t{}) >> (8 * (16 - n));
    } else if (n >= 4) {
      w[0] = load(p, std::uint32_t{}) | load(p + n - 4, std::uint32_t{}) << (8 * (n - 4));
    } else if (n > 0) {
      w[0] = static_cast<unsigned char>(p[0]) | std::uint64_t{static_cast<unsigned char>(p[n / 2])} << (8 * (n / 2)) |
             std::uint64_t{static_cast<unsigned char>(p[n - 1])} << (8 * (n - 1));
    }
  }
  std::uint32_t lookup(std::string_view v) {
    if (4 * (values_.size() + 1) > 3 * slots_.size()) grow();
    const std::uint64_t h = word_hash(v, 0);
    for (std::size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      const std::uint32_t s = slots_[i];
      if (s == kNoValue) {
        slots_[i] = static_cast<std::uint32_t>(values_.size());
        values_.emplace_back(v);
        hashes_.push_back(h);
        return slots_[i];
      }
      if (hashes_[s] == h && values_[s] == v) return s;
    }
  }
  void grow() {
    std::vector<std::uint32_t> bigger(std::max<std::size_t>(64, 2 * slots_.size()), kNoValue);
    for (std::uint32_t s = 0; s < values_.size(); ++s)
      for (std::size_t i = hashes_[s] & (bigger.size() - 1);; i = (i + 1) & (bigger.size() - 1))
        if (bigger[i] == kNoValue) {
          bigger[i] = s;
          break;
        }
    slots_ = std::move(bigger);
  }
  static constexpr std::uint32_t kNoValue = ~std::uint32_t{0};

  std::vector<Chunk> chunks_;
  std::size_t rows_ = 0, bytes_ = 0, longest_ = 0;
  std::size_t lead_ = 0;  // rows [0, lead_) are empty cells held by no chunk (chunks start there)
  std::size_t pending_rows_ = 0, pending_bytes_ = 0;  // reserve() before the first chunk
  bool coded_ = false;
  std::vector<std::uint32_t> codes_;   // coded: per cell, an index into values_
  std::vector<std::string> values_;    // coded: distinct values, first seen first
  std::vector<std::uint64_t> hashes_;  // coded: hash of each value
  std::vector<std::uint32_t> slots_;   // coded: open-addressing table of value indices
  struct Recent {
    std::uint64_t words[2];  // the cell's bytes, zero-padded
    std::uint32_t size;      // kNoSize: an empty slot
    std::uint32_t code;
  };
  static constexpr std::size_t kRecentSlots = 64;  // the shift by 58 above
  static constexpr std::uint32_t kNoSize = ~std::uint32_t{0};
  std::vector<Recent> recent_;         // coded: cells looked up lately, by their bytes
};

}  // namespace ch::io
