#include "kernels/match/blocking.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "kernels/rng.hpp"
#include "kernels/sorted_runs.hpp"

namespace ch::match {

namespace {

struct TermName {
  std::string_view name;
  BlockTermKind kind;
};
constexpr TermName kTermNames[] = {
    {"document", BlockTermKind::kDocument},
    {"phone", BlockTermKind::kPhone},
    {"email", BlockTermKind::kEmail},
    {"dob", BlockTermKind::kDob},
    {"birth_year", BlockTermKind::kBirthYear},
    {"family_phonetic", BlockTermKind::kFamilyPhonetic},
    {"given_phonetic", BlockTermKind::kGivenPhonetic},
    {"family_prefix3", BlockTermKind::kFamilyPrefix3},
    {"given_prefix3", BlockTermKind::kGivenPrefix3},
    {"given_initial", BlockTermKind::kGivenInitial},
    {"name_pair_phonetic", BlockTermKind::kNamePairPhonetic},
};

// Key of the first name token: a dropped or added second surname keeps the block.
std::string_view first_token(std::string_view s) { return s.substr(0, s.find(' ')); }

std::string term_value(const ObservationView& o, const BlockTerm& t) {
  switch (t.kind) {
    case BlockTermKind::kDocument: return std::string(o.document);
    case BlockTermKind::kPhone: return std::string(o.phone);
    case BlockTermKind::kEmail: return std::string(o.email);
    case BlockTermKind::kDob: return o.dob == kMissingDate ? std::string() : std::to_string(o.dob);
    case BlockTermKind::kBirthYear: {
      if (o.dob == kMissingDate) return {};
      int y;
      unsigned m, d;
      civil_from_days(o.dob, y, m, d);
      return std::to_string(y);
    }
    case BlockTermKind::kFamilyPhonetic: return std::string(first_token(o.family_phon1));
    case BlockTermKind::kGivenPhonetic: return std::string(first_token(o.given_phon1));
    case BlockTermKind::kFamilyPrefix3: return std::string(o.family.substr(0, 3));
    case BlockTermKind::kGivenPrefix3: return std::string(o.given.substr(0, 3));
    case BlockTermKind::kGivenInitial: return std::string(o.given.substr(0, 1));
    case BlockTermKind::kNamePairPhonetic: {
      const auto a = first_token(o.family_phon1), b = first_token(o.given_phon1);
      if (a.empty() || b.empty()) return {};
      return a < b ? std::string(a) + "~" + std::string(b) : std::string(b) + "~" + std::string(a);
    }
    case BlockTermKind::kExtra: return t.extra < o.extra.size() ? std::string(o.extra[t.extra]) : std::string();
  }
  return {};
}

std::uint64_t hash_text(std::string_view s, std::uint64_t seed) {
  // FNV-1a then a SplitMix finish: stable across platforms and runs (std::hash is not).
  std::uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return mix64(h);
}

}  // namespace

BlockingRule parse_blocking_rule(std::string_view text, std::span<const std::string> extra_columns) {
  BlockingRule rule{std::string(text), {}};
  std::size_t at = 0;
  while (at <= text.size()) {
    const auto plus = std::min(text.find('+', at), text.size());
    const auto term = text.substr(at, plus - at);
    bool found = false;
    for (const auto& t : kTermNames)
      if (t.name == term) {
        rule.terms.push_back({t.kind, 0});
        found = true;
      }
    for (std::size_t e = 0; !found && e < extra_columns.size(); ++e)
      if (extra_columns[e] == term) {
        rule.terms.push_back({BlockTermKind::kExtra, static_cast<std::uint32_t>(e)});
        found = true;
      }
    if (!found)
      throw std::invalid_argument("unknown blocking term '" + std::string(term) + "' in rule '" +
                                  std::string(text) + "'");
    at = plus + 1;
  }
  return rule;
}

std::string blocking_key_text(const ObservationView& obs, const BlockingRule& rule) {
  std::string out;
  for (std::size_t i = 0; i < rule.terms.size(); ++i) {
    const auto v = term_value(obs, rule.terms[i]);
    if (v.empty()) return {};
    if (i > 0) out += '|';
    out += v;
  }
  return out;
}

void blocking_keys(const ObservationView& obs, std::span<const BlockingRule> rules,
                   std::vector<BlockKey>& out) {
  for (std::size_t r = 0; r < rules.size(); ++r) {
    const auto text = blocking_key_text(obs, rules[r]);
    if (text.empty()) continue;
    out.push_back({hash_text(text, r + 1), static_cast<std::uint8_t>(r)});
  }
}

void fill_sort_key(const ObservationView& obs, BlockMember& member) {
  std::memset(member.sort, 0, sizeof member.sort);
  // family + ' ' + given, cut to the key's size.
  const std::size_t f = std::min(obs.family.size(), sizeof member.sort);
  std::memcpy(member.sort, obs.family.data(), f);
  if (f < sizeof member.sort) {
    member.sort[f] = ' ';
    std::memcpy(member.sort + f + 1, obs.given.data(), std::min(obs.given.size(), sizeof member.sort - f - 1));
  }
}

bool operator<(const BlockMember& a, const BlockMember& b) {
  if (a.key != b.key) return a.key < b.key;
  const int c = std::memcmp(a.sort, b.sort, sizeof a.sort);
  if (c != 0) return c < 0;
  if (a.row != b.row) return a.row < b.row;
  return a.rule < b.rule;
}

std::uint64_t planned_pairs(std::span<const BlockMember> sorted, std::size_t max_block, std::size_t window) {
  std::uint64_t total = 0;
  std::size_t begin = 0;
  while (begin < sorted.size()) {
    std::size_t end = begin + 1;
    while (end < sorted.size() && sorted[end].key == sorted[begin].key) ++end;
    const std::uint64_t n = end - begin;
    if (n <= max_block) total += n * (n - 1) / 2;
    else
      for (std::size_t i = begin; i < end; ++i) {
        const std::size_t stop = std::min(end, i + window);
        if (stop > i + 1) total += stop - (i + 1);
      }
    begin = end;
  }
  return total;
}

std::uint64_t bucket_rows(std::uint64_t rows, std::size_t buckets) {
  return std::max<std::uint64_t>(1, (rows + buckets - 1) / std::max<std::size_t>(buckets, 1));
}

std::vector<std::uint64_t> pairs_by_smaller_row(std::span<const BlockMember> sorted, std::size_t max_block,
                                                std::size_t window, std::uint64_t rows, std::size_t buckets) {
  std::vector<std::uint64_t> count(buckets, 0);
  const std::uint64_t width = bucket_rows(rows, buckets);
  for_each_planned_pair(
      sorted, max_block, window, [](std::size_t, std::size_t) {},
      [&](std::uint64_t a, std::uint64_t b, std::uint8_t) {
        ++count[std::min<std::uint64_t>(std::min(a, b) / width, buckets - 1)];
      });
  return count;
}

std::vector<RowRange> row_pieces(std::span<const std::uint64_t> histogram, std::uint64_t rows, std::size_t pieces) {
  const std::uint64_t width = bucket_rows(rows, histogram.size());
  std::uint64_t total = 0;
  for (const auto c : histogram) total += c;
  std::vector<RowRange> out;
  RowRange next;  // begins at 0
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b + 1 < histogram.size() && out.size() + 1 < pieces; ++b) {
    seen += histogram[b];
    // Cut after bucket b once it holds this piece's share of the pairs.
    if (seen * pieces >= total * (out.size() + 1) && seen > 0) {
      next.end = (b + 1) * width;
      out.push_back(next);
      next = RowRange{next.end};
    }
  }
  out.push_back(next);  // the rest, to the last row and beyond
  return out;
}

namespace {

// Rows below 2^28 and rule sets below 2^8 fit one word as (lo, hi, rules): sorting 8-byte words
// moves a third of the bytes of 24-byte pairs and compares once (the sort was 9 % of resolve).
constexpr int kRowBits = kPackedRowBits, kRuleBits = kPackedRuleBits;

// Sorts packed pairs by (lo, hi) — the 56 bits above the rules — with a stable LSD radix sort:
// four passes of 14-bit digits (their counts fit in L2), all counted in one read. Three times
// faster than std::sort on tens of millions of words; the rules bits keep input order.
void radix_sort_rows(std::vector<std::uint64_t>& words) {
  constexpr int kDigitBits = 14, kPasses = (2 * kRowBits + kDigitBits - 1) / kDigitBits;
  constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;
  static_assert(kPasses % 2 == 0, "an even number of passes leaves the result in `words`");
  std::vector<std::size_t> count(kPasses * kBuckets, 0);
  auto digit = [](std::uint64_t w, int pass) { return (w >> (kRuleBits + pass * kDigitBits)) & (kBuckets - 1); };
  for (const auto w : words)
    for (int pass = 0; pass < kPasses; ++pass) ++count[pass * kBuckets + digit(w, pass)];
  std::vector<std::uint64_t> other(words.size());
  for (int pass = 0; pass < kPasses; ++pass) {
    std::size_t* c = count.data() + pass * kBuckets;
    std::size_t at = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) at += std::exchange(c[b], at);
    for (const auto w : words) other[c[digit(w, pass)]++] = w;
    words.swap(other);
  }
}

}  // namespace

bool packable(std::span<const CandidatePair> pairs) {
  std::uint64_t rows = 0, rules = 0;
  for (const auto& p : pairs) {
    rows |= p.lo | p.hi;
    rules |= p.rules;
  }
  return rows < (std::uint64_t{1} << kRowBits) && rules < (std::uint64_t{1} << kRuleBits);
}

std::vector<std::uint64_t> pack_pairs(std::vector<CandidatePair>&& pairs) {
  std::vector<std::uint64_t> words(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) words[i] = pack_pair(pairs[i]);
  pairs = std::vector<CandidatePair>();  // not `= {}`, which keeps the memory
  return words;
}

void dedupe_packed(std::vector<std::uint64_t>& words) {
  // After the shuffle of de-duplicated parts the words are one sorted run per sender: merging
  // them reads and writes the array once, the radix sort five and four times.
  const auto by_rows = [](std::uint64_t a, std::uint64_t b) { return (a >> kRuleBits) < (b >> kRuleBits); };
  merge_sorted_runs(words, by_rows, 64, radix_sort_rows);
  std::size_t w = 0;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (w > 0 && (words[w - 1] >> kRuleBits) == (words[i] >> kRuleBits))
      words[w - 1] |= words[i];  // same (lo, hi): the rule bits are or-ed
    else
      words[w++] = words[i];
  }
  words.resize(w);
}

CandidatePair unpack_pair(std::uint64_t word) {
  constexpr std::uint64_t kRowMask = (std::uint64_t{1} << kRowBits) - 1, kRuleMask = (std::uint64_t{1} << kRuleBits) - 1;
  return {word >> (kRowBits + kRuleBits), (word >> kRuleBits) & kRowMask, static_cast<std::uint32_t>(word & kRuleMask)};
}

std::vector<CandidatePair> unpack_pairs(std::span<const std::uint64_t> words) {
  std::vector<CandidatePair> pairs(words.size());
  for (std::size_t i = 0; i < words.size(); ++i) pairs[i] = unpack_pair(words[i]);
  return pairs;
}

void dedupe_pairs(std::vector<CandidatePair>& pairs) {
  if (packable(pairs)) {
    auto words = pack_pairs(std::move(pairs));
    dedupe_packed(words);
    pairs = unpack_pairs(words);
    return;
  }
  std::sort(pairs.begin(), pairs.end(), [](const CandidatePair& a, const CandidatePair& b) {
    return a.lo != b.lo ? a.lo < b.lo : a.hi < b.hi;
  });
  std::size_t w = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (w > 0 && pairs[w - 1].lo == pairs[i].lo && pairs[w - 1].hi == pairs[i].hi)
      pairs[w - 1].rules |= pairs[i].rules;
    else
      pairs[w++] = pairs[i];
  }
  pairs.resize(w);
}

namespace {

// `rows(pair)` orders and identifies a pair; `unite(kept, other)` adds other's rules to kept's.
template <class Pair, class Rows, class Unite>
void append_merged(std::vector<Pair>& out, std::vector<Pair>& runs, Rows rows, Unite unite) {
  const auto less = [&](const Pair& a, const Pair& b) { return rows(a) < rows(b); };
  const auto bounds = sorted_runs(runs, less);
  const std::size_t start = out.size();
  const auto add = [&](const Pair& x) {
    if (out.size() > start && rows(out.back()) == rows(x))
      unite(out.back(), x);
    else
      out.push_back(x);
  };
  if (bounds.size() != 3) {
    visit_runs_in_order(runs, bounds, less, add);
    return;
  }
  // Two runs, the usual case of two ranks: a plain merge, which picks its side without a branch
  // (the runs interleave at random: a branch mispredicted every other pair).
  const Pair *a = runs.data(), *a_end = a + bounds[1], *b = a_end, *b_end = runs.data() + runs.size();
  while (a != a_end && b != b_end) {
    const bool take_b = less(*b, *a);
    const Pair x = take_b ? *b : *a;
    b += take_b;
    a += !take_b;
    add(x);
  }
  for (; a != a_end; ++a) add(*a);
  for (; b != b_end; ++b) add(*b);
}

}  // namespace

void append_merged(std::vector<std::uint64_t>& out, std::vector<std::uint64_t>& runs) {
  append_merged(
      out, runs, [](std::uint64_t w) { return w >> kRuleBits; }, [](std::uint64_t& a, std::uint64_t b) { a |= b; });
}

void append_merged(std::vector<CandidatePair>& out, std::vector<CandidatePair>& runs) {
  append_merged(
      out, runs, [](const CandidatePair& c) { return std::pair(c.lo, c.hi); },
      [](CandidatePair& a, const CandidatePair& b) { a.rules |= b.rules; });
}

}  // namespace ch::match
