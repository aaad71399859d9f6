// Blocking: which pairs of observations are worth comparing at all (Christen, "Data Matching",
// Springer 2012, ch. 4; Papadakis et al., "Blocking and Filtering Techniques for Entity
// Resolution: A Survey", ACM Computing Surveys 53(2), 2020).
//
// Multi-pass (redundant) blocking: each rule is a conjunction of terms ("family_phonetic+
// birth_year"); an observation gets one key per rule whose terms are all present. Two
// observations are candidates when they share a key of any rule, so a typo in one field cannot
// hide a pair that another rule still catches.
//
// Skew: a key shared by more than `max_block` observations (a common name in a common year) is
// never compared all-pairs — that is quadratic in exactly the blocks that carry least
// information. Its members are sorted by a name/date sort key and each is paired with the next
// `window - 1` (the sorted-neighbourhood method, Hernández & Stolfo, SIGMOD 1995), which is
// linear in the block size.
//
// Pure and node-local; keys are 64-bit hashes (rule id mixed in), so equal keys from different
// rules never meet.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kernels/match/comparison.hpp"

namespace ch::match {

enum class BlockTermKind : std::uint8_t {
  kDocument, kPhone, kEmail, kDob, kBirthYear, kFamilyPhonetic, kGivenPhonetic, kFamilyPrefix3,
  kGivenPrefix3, kGivenInitial, kNamePairPhonetic, kExtra,
};
struct BlockTerm {
  BlockTermKind kind;
  std::uint32_t extra = 0;  // index into ObservationView::extra for kExtra
};
struct BlockingRule {
  std::string text;  // as configured, e.g. "family_phonetic+birth_year"
  std::vector<BlockTerm> terms;
};

// Parses "term+term+...". Terms: document, phone, email, dob, birth_year, family_phonetic,
// given_phonetic, family_prefix3, given_prefix3, given_initial, name_pair_phonetic (the two name
// keys in sorted order: meets records whose given and family name are swapped), or the name of
// an extra column. Throws std::invalid_argument naming the unknown term.
BlockingRule parse_blocking_rule(std::string_view text, std::span<const std::string> extra_columns);

// The value of each term joined with '|' ("" if any term is empty: no key for this rule).
std::string blocking_key_text(const ObservationView& obs, const BlockingRule& rule);

struct BlockKey {
  std::uint64_t hash;
  std::uint8_t rule;
};
// Appends one key per rule that applies to `obs`.
void blocking_keys(const ObservationView& obs, std::span<const BlockingRule> rules,
                   std::vector<BlockKey>& out);

// One observation's membership of one block, as shuffled to the block's owner.
struct BlockMember {
  std::uint64_t key;
  std::uint64_t row;
  std::uint8_t rule;
  char sort[23];  // name/date prefix: neighbours in this order are likely the same person
};
void fill_sort_key(const ObservationView& obs, BlockMember& member);
bool operator<(const BlockMember& a, const BlockMember& b);  // by key, sort text, row

struct CandidatePair {
  std::uint64_t lo, hi;   // rows, lo < hi
  std::uint32_t rules;    // bit r set: rule r brought the pair together
};

struct BlockingStats {
  std::uint64_t blocks = 0;          // keys with at least two members
  std::uint64_t oversize = 0;        // blocks handled by sorted neighbourhood
  std::uint64_t largest = 0;         // members in the largest block
  std::uint64_t pairs = 0;           // candidate pairs emitted (before de-duplication)
};

// Candidate pairs packed one per word, (lo, hi, rules) in (28, 28, 8) bits, when every row is
// below 2^28 and every rule set below 2^8 (`packable`). A third of the bytes of a CandidatePair:
// what resolve plans, sorts, de-duplicates and shuffles between ranks while the pairs are many.
inline constexpr int kPackedRowBits = 28, kPackedRuleBits = 8;
inline std::uint64_t pack_pair(const CandidatePair& c) {
  return c.lo << (kPackedRowBits + kPackedRuleBits) | c.hi << kPackedRuleBits | c.rules;
}
// Whether every pair of `rows` observations under `rules` blocking rules packs: decided from
// global figures, so every rank decides alike without asking the others.
inline bool packable(std::uint64_t rows, std::size_t rules) {
  return rows <= (std::uint64_t{1} << kPackedRowBits) && rules <= static_cast<std::size_t>(kPackedRuleBits);
}

// The pairs whose smaller row lies in [begin, end). Planned one range after another, every copy
// of a pair — from every rule, on every rank — falls in the same range, and the ranges follow
// (lo, hi) order: each range is de-duplicated alone and the results concatenate sorted, so the
// raw pairs of one range at a time are held instead of all of them.
struct RowRange {
  std::uint64_t begin = 0, end = std::numeric_limits<std::uint64_t>::max();
  bool contains(std::uint64_t row) const { return row >= begin && row < end; }
};

// Candidate pairs of members sorted by operator<, block by block, appended to `out` as
// CandidatePair or, for std::uint64_t, packed (pack_pair; the caller checks `packable`: on
// `medium` the planned pairs are 272 M, 6.5 GB as pairs against 2.2 GB as words). Blocks above
// `max_block` members use a sorted-neighbourhood window of `window` (≥ 2).
// Only pairs whose smaller row is in `lo` are emitted and counted in `stats.pairs`; the block
// figures (blocks, oversize, largest, and `on_oversize(key, size, rule)` for each oversize
// block, for logging) describe all blocks on every call.
template <class Pair, class OnOversize>
void plan_blocks(std::span<const BlockMember> sorted, std::size_t max_block, std::size_t window,
                 std::vector<Pair>& out, BlockingStats& stats, OnOversize on_oversize, RowRange lo = {});

// How many pairs plan_blocks emits with their smaller row in each of `buckets` ranges of
// `bucket_rows(rows, buckets)` rows: summed over ranks, where to cut `row_pieces`.
std::uint64_t bucket_rows(std::uint64_t rows, std::size_t buckets);
std::vector<std::uint64_t> pairs_by_smaller_row(std::span<const BlockMember> sorted, std::size_t max_block,
                                                std::size_t window, std::uint64_t rows, std::size_t buckets);
// At most `pieces` consecutive row ranges, cut at bucket edges, holding about equal shares of the
// pairs counted in `histogram` (from pairs_by_smaller_row); together they cover every row.
std::vector<RowRange> row_pieces(std::span<const std::uint64_t> histogram, std::uint64_t rows, std::size_t pieces);

// How many pairs plan_blocks emits at most (it skips an observation paired with itself), so its
// output can be sized once instead of grown by doubling.
std::uint64_t planned_pairs(std::span<const BlockMember> sorted, std::size_t max_block, std::size_t window);

// Keeps one entry per (lo, hi) with the union of the rule bits; input in any order.
void dedupe_pairs(std::vector<CandidatePair>& pairs);

// Packed pairs (pack_pair) in bulk.
bool packable(std::span<const CandidatePair> pairs);
std::vector<std::uint64_t> pack_pairs(std::vector<CandidatePair>&& pairs);  // frees `pairs`
// Sorted by (lo, hi), one word per pair with the union of its rule bits; input in any order.
void dedupe_packed(std::vector<std::uint64_t>& words);
CandidatePair unpack_pair(std::uint64_t word);
std::vector<CandidatePair> unpack_pairs(std::span<const std::uint64_t> words);

// Appends the pairs of `runs` to `out` in (lo, hi) order, each pair once with the union of its
// rule bits. `runs` is a few sorted, de-duplicated runs back to back, as a shuffle of
// de-duplicated pieces delivers them (anything else is sorted first), and its pairs all come
// after those already in `out`. Merged straight into `out`: merged into a second buffer, copied
// back and then appended, resolve's ranges took three passes and a fresh buffer each.
void append_merged(std::vector<std::uint64_t>& out, std::vector<std::uint64_t>& runs);
void append_merged(std::vector<CandidatePair>& out, std::vector<CandidatePair>& runs);

// ---- implementation ------------------------------------------------------------------------

// Calls on_block(begin, end) for each block of two or more members and on_pair(a, b, rule) for
// each pair it plans, in plan order: what plan_blocks emits and pairs_by_smaller_row counts.
template <class OnBlock, class OnPair>
void for_each_planned_pair(std::span<const BlockMember> sorted, std::size_t max_block, std::size_t window,
                           OnBlock on_block, OnPair on_pair) {
  std::size_t begin = 0;
  while (begin < sorted.size()) {
    std::size_t end = begin + 1;
    while (end < sorted.size() && sorted[end].key == sorted[begin].key) ++end;
    const std::size_t n = end - begin;
    if (n >= 2) {
      on_block(begin, end);
      const std::size_t reach = n <= max_block ? n : window;
      for (std::size_t i = begin; i < end; ++i)
        for (std::size_t j = i + 1; j < std::min(end, i + reach); ++j)
          if (sorted[i].row != sorted[j].row)  // the same observation can share a key with itself through two terms
            on_pair(sorted[i].row, sorted[j].row, sorted[i].rule);
    }
    begin = end;
  }
}

template <class Pair, class OnOversize>
void plan_blocks(std::span<const BlockMember> sorted, std::size_t max_block, std::size_t window,
                 std::vector<Pair>& out, BlockingStats& stats, OnOversize on_oversize, RowRange lo) {
  static_assert(std::is_same_v<Pair, CandidatePair> || std::is_same_v<Pair, std::uint64_t>);
  const auto on_block = [&](std::size_t begin, std::size_t end) {
    const std::size_t n = end - begin;
    ++stats.blocks;
    stats.largest = std::max<std::uint64_t>(stats.largest, n);
    if (n > max_block) {
      ++stats.oversize;
      on_oversize(sorted[begin].key, n, sorted[begin].rule);
    }
  };
  const auto emit = [&](const CandidatePair& c) {
    if constexpr (std::is_same_v<Pair, std::uint64_t>)
      out.push_back(pack_pair(c));
    else
      out.push_back(c);
    ++stats.pairs;
  };
  const auto pair = [](std::uint64_t a, std::uint64_t b, std::uint8_t rule) {
    return CandidatePair{std::min(a, b), std::max(a, b), std::uint32_t{1} << (rule & 31)};
  };
  // Two loops rather than a test per pair that the whole plan does not need (BM_Blocking: 5–10 %).
  if (lo.begin == 0 && lo.end == RowRange{}.end)
    for_each_planned_pair(sorted, max_block, window, on_block,
                          [&](std::uint64_t a, std::uint64_t b, std::uint8_t rule) { emit(pair(a, b, rule)); });
  else
    for_each_planned_pair(sorted, max_block, window, on_block, [&](std::uint64_t a, std::uint64_t b, std::uint8_t rule) {
      if (const auto c = pair(a, b, rule); lo.contains(c.lo)) emit(c);
    });
}

}  // namespace ch::match
