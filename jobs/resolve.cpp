#include "jobs/resolve.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#include <map>
#include <optional>
#include <span>
#include <tuple>
#include <unordered_map>

#include "cluster/collectives.hpp"
#include "cluster/components.hpp"
#include "cluster/lookup.hpp"
#include "cluster/shuffle.hpp"
#include "cluster/sort.hpp"
#include "io/provenance.hpp"
#include "io/table.hpp"
#include "jobs/checkpoint.hpp"
#include "jobs/cli.hpp"
#include "jobs/log.hpp"
#include "jobs/resolve_cluster.hpp"
#include "jobs/resolve_data.hpp"
#include "kernels/match/alias.hpp"
#include "kernels/match/blocking.hpp"
#include "kernels/match/chaining.hpp"
#include "kernels/match/comparison.hpp"
#include "kernels/match/handover.hpp"
#include "kernels/match/pair_kinds.hpp"
#include "kernels/memory.hpp"
#include "kernels/rng.hpp"
#include "kernels/sorted_runs.hpp"

namespace ch::jobs {
namespace {

using match::ObservationStore;

struct RowRequest {
  std::uint64_t row;
  std::int32_t from;
};

// Observations by row: this rank's share plus fields fetched from other ranks.
class FieldStore {
 public:
  FieldStore(std::uint64_t first, const ObservationStore& local)
      : first_(first), local_(local), remote_(local.extras()) {}

  // Fetches the fields of the rows that are not local among those `for_each_row(want)` passes to
  // `want` (any order, repeats allowed): the rows are marked as they come rather than listed
  // (two per candidate pair: 1.2 GB per rank on medium, at resolve's peak). Collective.
  template <class ForEachRow>
  void fetch(const cluster::Context& ctx, const RowPartition& part, ForEachRow for_each_row) {
    // The distinct rows not held here, in row order: a bitmap over all rows rather than sorting
    // the list (sorting them was 8 % of resolve on one rank).
    wanted_.assign((part.n + 63) / 64, 0);
    for_each_row([&](std::uint64_t r) {
      if (!is_local(r)) wanted_[r >> 6] |= std::uint64_t{1} << (r & 63);
    });
    std::vector<RowRequest> req;
    wanted_before_.resize(wanted_.size());
    for (std::size_t w = 0; w < wanted_.size(); ++w) {
      wanted_before_[w] = static_cast<std::uint32_t>(req.size());
      for (std::uint64_t bits = wanted_[w]; bits != 0; bits &= bits - 1)
        req.push_back({64 * w + static_cast<std::uint64_t>(std::countr_zero(bits)), ctx.rank()});
    }
    const auto at_owner =
        cluster::shuffle<RowRequest>(ctx, req, [&](const RowRequest& q) { return part.owner(q.row); });
    const std::size_t fetched = req.size();
    ch::free_storage(req);
    std::vector<std::vector<std::byte>> replies(static_cast<std::size_t>(ctx.size()));
    for (const auto& q : at_owner) local_.append_bytes(q.row - first_, replies[static_cast<std::size_t>(q.from)]);
    auto got = cluster::shuffle_bytes(ctx, std::move(replies));
    // Each owner answers in the order asked (row order) and owners hold ascending row ranges, so
    // the replies in rank order are in row order.
    remote_.clear();
    std::size_t bytes = 0;
    for (const auto& buf : got) bytes += buf.size();
    remote_.reserve(fetched, bytes);
    for (auto& buf : got) {
      for (std::size_t at = 0; at < buf.size() && remote_.size() < fetched;) at = remote_.read_bytes(buf, at);
      buf = std::vector<std::byte>();
    }
    bool in_order = remote_.size() == fetched;
    for (std::size_t k = 1; in_order && k < remote_.size(); ++k) in_order = remote_.row(k - 1) < remote_.row(k);
    if (!in_order) throw std::logic_error("FieldStore: the fetched rows are not the rows asked for, in row order");
  }

  // Local then fetched, two stores taken as one by the comparison kernel; index() addresses them.
  const ObservationStore& local() const { return local_; }
  const ObservationStore& remote() const { return remote_; }
  // A fetched row's place among the fetched ones is its rank in the bitmap of fetched rows (set
  // bits before it): constant time instead of a binary search over millions of fetched rows
  // (medium, 2 ranks: rank 0's comparison 23 → 20 s).
  std::uint32_t index(std::uint64_t row) const {
    if (is_local(row)) return static_cast<std::uint32_t>(row - first_);
    const std::uint64_t below = wanted_[row >> 6] & ((std::uint64_t{1} << (row & 63)) - 1);
    return static_cast<std::uint32_t>(local_.size() + wanted_before_[row >> 6] +
                                      static_cast<std::uint32_t>(std::popcount(below)));
  }

 private:
  bool is_local(std::uint64_t r) const { return r >= first_ && r < first_ + local_.size(); }
  std::uint64_t first_;
  const ObservationStore& local_;
  ObservationStore remote_;                    // fetched rows, in row order
  std::vector<std::uint64_t> wanted_;          // bitmap of the fetched rows
  std::vector<std::uint32_t> wanted_before_;   // fetched rows in the words before each word
};

// Values of a row-partitioned array at arbitrary rows (request/reply: 8 bytes each way per row).
// Collective.
std::vector<std::uint64_t> fetch_by_row(const cluster::Context& ctx, const RowPartition& part,
                                        std::uint64_t first, const std::vector<std::uint64_t>& local,
                                        const std::vector<std::uint64_t>& rows) {
  return cluster::fetch(
      ctx, rows, [&](std::uint64_t row) { return part.owner(row); },
      [&](std::uint64_t row) { return local[row - first]; });
}

// Global counts of each family/given value, written into the fields (shuffle by value).
void count_name_values(const cluster::Context& ctx, const RowPartition& part, std::uint64_t first,
                       ObservationStore& fields, match::TfTotals& totals) {
  struct ValueRef {
    std::uint64_t hash;
    std::uint64_t row;
    std::uint8_t field;  // 0 family, 1 given
  };
  struct ValueCount {
    std::uint64_t row;
    std::uint32_t count;
    std::uint8_t field;
  };
  std::vector<ValueRef> refs;
  std::uint64_t have[2] = {0, 0};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto family = fields.text(i, match::kFamilyText), given = fields.text(i, match::kGivenText);
    if (!family.empty()) refs.push_back({stable_hash(family, 1), fields.row(i), 0}), ++have[0];
    if (!given.empty()) refs.push_back({stable_hash(given, 2), fields.row(i), 1}), ++have[1];
  }
  totals.family = cluster::allreduce_sum<std::uint64_t>(ctx, have[0]);
  totals.given = cluster::allreduce_sum<std::uint64_t>(ctx, have[1]);
  const auto p = static_cast<std::uint64_t>(ctx.size());
  auto at_owner = cluster::shuffle<ValueRef>(ctx, std::move(refs), [p](const ValueRef& v) { return static_cast<int>(v.hash % p); });
  std::sort(at_owner.begin(), at_owner.end(), [](const ValueRef& a, const ValueRef& b) {
    return std::tie(a.field, a.hash, a.row) < std::tie(b.field, b.hash, b.row);
  });
  std::vector<ValueCount> counts;
  counts.reserve(at_owner.size());
  for (std::size_t i = 0; i < at_owner.size();) {
    std::size_t j = i;
    while (j < at_owner.size() && at_owner[j].field == at_owner[i].field && at_owner[j].hash == at_owner[i].hash) ++j;
    for (std::size_t k = i; k < j; ++k)
      counts.push_back({at_owner[k].row, static_cast<std::uint32_t>(j - i), at_owner[k].field});
    i = j;
  }
  const auto back = cluster::shuffle<ValueCount>(ctx, counts, [&](const ValueCount& c) { return part.owner(c.row); });
  for (const auto& c : back) {
    auto named = fields.name_counts(c.row - first);
    (c.field == 0 ? named.family : named.given) = c.count;
    fields.set_name_counts(c.row - first, named);
  }
}

// Sum of per-rank (pattern, count) lists, sorted by pattern: a dense integer Allreduce when
// the pattern space is small, else a gather of the sparse lists merged in pattern order. The
// pairs are counted by kind (an array index per pair), the kinds then by pattern.
std::vector<std::pair<std::uint64_t, std::uint64_t>> global_pattern_counts(
    const cluster::Context& ctx, const std::vector<match::ComparisonLevels>& spec,
    const std::vector<std::uint32_t>& kind, const match::PairKinds& kinds) {
  std::vector<std::uint64_t> per_kind(kinds.size(), 0);
  for (const auto k : kind) ++per_kind[k];
  const std::uint64_t space = match::pattern_space(spec);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  if (space <= (std::uint64_t{1} << 22)) {
    std::vector<std::uint64_t> dense(space, 0);
    for (std::uint32_t k = 0; k < kinds.size(); ++k) dense[kinds[k].pattern] += per_kind[k];
    cluster::allreduce_sum(ctx, dense);
    for (std::uint64_t c = 0; c < space; ++c)
      if (dense[c] > 0) out.emplace_back(c, dense[c]);
    return out;
  }
  struct PatternCount {
    std::uint64_t pattern, count;
  };
  const auto by_pattern = [](const PatternCount& a, const PatternCount& b) { return a.pattern < b.pattern; };
  std::vector<PatternCount> local;
  for (std::uint32_t k = 0; k < kinds.size(); ++k) local.push_back({kinds[k].pattern, per_kind[k]});
  std::sort(local.begin(), local.end(), by_pattern);
  auto all = cluster::allgatherv<PatternCount>(ctx, local);
  std::sort(all.begin(), all.end(), by_pattern);
  for (const auto& pc : all) {
    if (!out.empty() && out.back().first == pc.pattern) out.back().second += pc.count;
    else out.emplace_back(pc.pattern, pc.count);
  }
  return out;
}

struct EntityPart {
  std::uint64_t label = 0, row = 0;
  std::string given, family, nationality, document, phone;
  std::int32_t dob = match::kMissingDate;
  template <class Archive>
  void serialize(Archive& ar, const unsigned) {
    ar & label & row & given & family & nationality & document & phone & dob;
  }
};

std::string iso(std::int32_t days) {
  if (days == match::kMissingDate) return {};
  int y;
  unsigned m, d;
  match::civil_from_days(days, y, m, d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

std::string join_distinct(std::vector<std::string> v) {
  v.erase(std::remove(v.begin(), v.end(), std::string()), v.end());
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ";") + s;
  return out;
}

// The most frequent value, ties to the one seen first (row order): stable for any rank count.
template <class T>
T mode_of(const std::vector<T>& values, const T& missing) {
  std::map<T, std::pair<std::size_t, std::size_t>> seen;  // value -> (count, first position)
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] == missing) continue;
    auto [it, fresh] = seen.try_emplace(values[i], 0, i);
    ++it->second.first;
  }
  T best = missing;
  std::size_t best_count = 0, best_pos = 0;
  for (const auto& [v, cp] : seen)
    if (cp.first > best_count || (cp.first == best_count && cp.second < best_pos)) {
      best = v;
      best_count = cp.first;
      best_pos = cp.second;
    }
  return best;
}

// Frees `fields` once their names, nationality, document and phone are copied: resolve needs
// none of them after this.
io::Table entity_table(const cluster::Context& ctx, const RowPartition& part, ObservationStore& fields,
                       const std::vector<std::uint64_t>& labels) {
  std::vector<EntityPart> parts(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto f = fields[i];
    parts[i] = {labels[i],           f.row, std::string(f.given), std::string(f.family), std::string(f.nationality),
                std::string(f.document), std::string(f.phone), f.dob};
  }
  fields.clear();
  // Entities live on the rank holding their label row, so rank order is entity order.
  auto got = cluster::shuffle_serialized(ctx, std::move(parts), [&](const EntityPart& e) { return part.owner(e.label); });
  std::sort(got.begin(), got.end(), [](const EntityPart& a, const EntityPart& b) {
    return std::tie(a.label, a.row) < std::tie(b.label, b.row);
  });
  std::vector<std::uint64_t> entity_id;
  std::vector<std::uint32_t> count;
  std::vector<std::string> name, given, family, dob, nats, docs, phones;
  for (std::size_t i = 0; i < got.size();) {
    std::size_t j = i;
    while (j < got.size() && got[j].label == got[i].label) ++j;
    std::vector<std::string> full, g, f, n, d, ph;
    std::vector<std::int32_t> dobs;
    for (std::size_t k = i; k < j; ++k) {
      full.push_back(got[k].given + " " + got[k].family);
      n.push_back(got[k].nationality);
      d.push_back(got[k].document);
      ph.push_back(got[k].phone);
      dobs.push_back(got[k].dob);
    }
    const auto rep = mode_of<std::string>(full, " ");
    std::size_t rep_at = i;
    for (std::size_t k = i; k < j; ++k)
      if (full[k - i] == rep) {
        rep_at = k;
        break;
      }
    entity_id.push_back(got[i].label);  // a row; the caller turns it into the obs id
    count.push_back(static_cast<std::uint32_t>(j - i));
    name.push_back(rep);
    given.push_back(got[rep_at].given);
    family.push_back(got[rep_at].family);
    dob.push_back(iso(mode_of<std::int32_t>(dobs, match::kMissingDate)));
    nats.push_back(join_distinct(n));
    docs.push_back(join_distinct(d));
    phones.push_back(join_distinct(ph));
    i = j;
  }
  io::Table t;
  t.add("entity_id", std::move(entity_id))
      .add("observations", std::move(count))
      .add("name", std::move(name))
      .add("given_name", std::move(given))
      .add("family_name", std::move(family))
      .add("dob", std::move(dob))
      .add("nationalities", std::move(nats))
      .add("documents", std::move(docs))
      .add("phones", std::move(phones));
  return t;
}

// What blocking and comparison produce: the candidate pairs this rank compared (compared_at,
// sorted by (lo, hi)) with their comparison levels, and the replicated figures EM needs. Also
// what resolve's checkpoint holds, so a resumed run skips straight to EM.
struct Candidates {
  // The pairs, packed one word each (match::pack_pair) when they all pack, else wide: 8 instead
  // of 24 bytes per pair through comparison, EM and scoring (medium: 1.2 GB per rank).
  std::vector<std::uint64_t> packed;
  std::vector<match::CandidatePair> wide;
  // Each pair's levels and whether the names were compared crossed, as the number of that
  // outcome among this rank's distinct ones (match::PairKinds): 4 bytes instead of a pattern
  // code and a flag (8 bytes and a bit), or a PairLevels (25 bytes).
  std::vector<std::uint32_t> kind;
  match::PairKinds kinds;
  std::vector<std::vector<double>> u_random;   // per comparison: level frequencies in random pairs
  std::vector<std::uint64_t> oversize_by_rule;  // blocks compared by sorted neighbourhood
  std::uint64_t total_pairs = 0;

  std::size_t size() const { return packed.empty() ? wide.size() : packed.size(); }
  match::CandidatePair pair(std::size_t i) const { return packed.empty() ? wide[i] : match::unpack_pair(packed[i]); }
  void set_pairs(std::vector<match::CandidatePair> pairs) {
    if (match::packable(pairs))
      packed = match::pack_pairs(std::move(pairs));
    else
      wide = std::move(pairs);
  }
  void free_pairs() {
    ch::free_storage(packed);
    ch::free_storage(wide);
    ch::free_storage(kind);
  }

  const match::PairKind& outcome(std::size_t i) const { return kinds[kind[i]]; }
  match::PairLevels levels(const std::vector<match::ComparisonLevels>& spec, std::size_t i) const {
    match::PairLevels l;
    match::decode_pattern(spec, outcome(i).pattern, std::span<std::uint8_t>(l.level, spec.size()));
    l.names_swapped = outcome(i).names_swapped;
    return l;
  }
  void add(const std::vector<match::ComparisonLevels>& spec, const match::PairLevels& l) {
    kind.push_back(
        kinds.id(match::encode_pattern(spec, std::span<const std::uint8_t>(l.level, spec.size())), l.names_swapped));
  }
};

// The exact-name counts (for the TF terms) of each distinct smaller row of `c`'s pairs, which
// are sorted by it, in that order: a pair is scored where it was compared, not where its smaller
// row lives. Collective.
std::vector<match::NameCounts> smaller_row_counts(const cluster::Context& ctx, const RowPartition& part,
                                                  std::uint64_t first, const ObservationStore& fields,
                                                  const Candidates& c) {
  std::vector<std::uint64_t> own(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i)
    own[i] = std::uint64_t{fields.name_counts(i).family} << 32 | fields.name_counts(i).given;
  std::vector<std::uint64_t> rows;
  for (std::size_t i = 0; i < c.size(); ++i)
    if (const auto lo = c.pair(i).lo; rows.empty() || rows.back() != lo) rows.push_back(lo);
  const auto packed = fetch_by_row(ctx, part, first, own, rows);
  std::vector<match::NameCounts> out(packed.size());
  for (std::size_t i = 0; i < packed.size(); ++i)
    out[i] = {static_cast<std::uint32_t>(packed[i] >> 32), static_cast<std::uint32_t>(packed[i])};
  return out;
}

// Where a pair is compared, scored and kept until its match goes to /pairs: the owner of one of
// its two rows, picked by a hash of the pair. The owner of the smaller row alone would hold
// (2p − 1)/p² of uniform pairs with p ranks (3/4 with two; medium: 72 %, and the other rank
// waited 12–23 s in comparison, and later in scoring and the /pairs write).
int compared_at(const RowPartition& part, const match::CandidatePair& c) {
  return part.owner((mix64(c.lo ^ mix64(c.hi)) & 1) ? c.lo : c.hi);
}

// The smaller-row ranges blocking plans one at a time: as many as it takes to keep each rank's
// raw pairs of a range near cfg.plan_piece_pairs (medium, 2 ranks: 136 M raw pairs per rank were
// planned at once, 1.1 GB, and sorted through as much again). Cut where the pairs counted over
// all ranks reach equal shares; the same ranges on every rank. Collective.
struct PlanPieces {
  std::vector<match::RowRange> ranges;
  std::vector<std::uint64_t> planned;  // this rank's raw pairs in each range
};
PlanPieces plan_pieces(const cluster::Context& ctx, std::span<const match::BlockMember> blocks, std::uint64_t n,
                       const ResolveConfig& cfg) {
  const std::uint64_t mine = match::planned_pairs(blocks, cfg.max_block_size, cfg.window);
  const std::uint64_t per_rank = cluster::allreduce_sum<std::uint64_t>(ctx, mine) / static_cast<std::uint64_t>(ctx.size());
  constexpr std::size_t kBuckets = 4096;
  const auto pieces = std::min<std::uint64_t>(kBuckets, (per_rank + cfg.plan_piece_pairs - 1) / cfg.plan_piece_pairs);
  if (pieces <= 1) return {{match::RowRange{}}, {mine}};
  const auto local = match::pairs_by_smaller_row(blocks, cfg.max_block_size, cfg.window, n, kBuckets);
  auto global = local;
  cluster::allreduce_sum(ctx, global);
  PlanPieces out{match::row_pieces(global, n, pieces), {}};
  const std::uint64_t width = match::bucket_rows(n, kBuckets);
  for (const auto& r : out.ranges) {
    std::uint64_t count = 0;
    for (std::size_t b = r.begin / width; b < kBuckets && b * width < r.end; ++b) count += local[b];
    out.planned.push_back(count);
  }
  return out;
}

void dedupe(std::vector<std::uint64_t>& words) { match::dedupe_packed(words); }
void dedupe(std::vector<match::CandidatePair>& pairs) { match::dedupe_pairs(pairs); }
match::CandidatePair as_pair(std::uint64_t word) { return match::unpack_pair(word); }
const match::CandidatePair& as_pair(const match::CandidatePair& c) { return c; }

// The candidate pairs compared on this rank, sorted by (lo, hi) with the union of their rules:
// planned range by range, de-duplicated before the shuffle as well (rules overlap: about 40 % of
// the raw pairs on the small scenario are repeats) and merged after it, where the pair is
// compared (compared_at), into the pairs of the ranges before. `raw_pairs` gets this rank's
// planned count. Collective.
template <class Pair, class OnOversize>
std::vector<Pair> plan_and_send(const cluster::Context& ctx, const RowPartition& part,
                                std::span<const match::BlockMember> blocks, const PlanPieces& pieces,
                                const ResolveConfig& cfg, std::uint64_t& raw_pairs, OnOversize on_oversize) {
  std::vector<Pair> out;
  const auto ignore = [](std::uint64_t, std::size_t, std::uint8_t) {};
  for (std::size_t r = 0; r < pieces.ranges.size(); ++r) {
    match::BlockingStats stats;
    std::vector<Pair> piece;
    piece.reserve(pieces.planned[r]);
    if (r == 0)  // every call visits every block: the oversize ones are logged once
      match::plan_blocks(blocks, cfg.max_block_size, cfg.window, piece, stats, on_oversize, pieces.ranges[r]);
    else
      match::plan_blocks(blocks, cfg.max_block_size, cfg.window, piece, stats, ignore, pieces.ranges[r]);
    raw_pairs += stats.pairs;
    dedupe(piece);
    piece = cluster::shuffle<Pair>(ctx, std::move(piece), [&](const Pair& p) { return compared_at(part, as_pair(p)); });
    // Reserved for all ranges from the first: this over-reserves up to 2× on some ranks (a rank
    // compares few pairs whose rows lie in another rank's row range, so later ranges bring it
    // fewer), but pages never written are not resident. Joined instead at their exact total once
    // all had arrived, the later phases found no free span that fit them and the stage's peak
    // rose (medium: 1 rank 7.5 → 8.6 GB, 2 ranks 4.07 → 4.15 GB).
    if (r == 0) out.reserve(piece.size() + piece.size() * (pieces.ranges.size() - 1) * 5 / 4);
    match::append_merged(out, piece);
  }
  return out;
}

// Blocking, de-duplication, comparison and the random-pair sample. Collective.
Candidates find_candidates(const cluster::Context& ctx, const RowPartition& part, std::uint64_t first,
                           const ObservationStore& fields, const match::ComparisonSpec& spec,
                           const std::vector<match::BlockingRule>& rules, const ResolveConfig& cfg,
                           PhaseClock& phase) {
  const std::uint64_t n = part.n;
  Candidates out;
  // ---- blocking -------------------------------------------------------------------------------
  std::vector<match::BlockMember> members;
  {
    std::vector<match::BlockKey> keys;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const auto f = fields[i];
      keys.clear();
      match::blocking_keys(f, rules, keys);
      for (const auto& k : keys) {
        match::BlockMember m{k.hash, f.row, k.rule, {}};
        match::fill_sort_key(f, m);
        members.push_back(m);
      }
    }
  }
  const auto p = static_cast<std::uint64_t>(ctx.size());
  auto blocks = cluster::shuffle<match::BlockMember>(
      ctx, std::move(members), [p](const match::BlockMember& m) { return static_cast<int>(m.key % p); });
  tbb::parallel_sort(blocks.begin(), blocks.end());
  auto& oversize_by_rule = out.oversize_by_rule;
  oversize_by_rule.assign(rules.size(), 0);
  std::vector<std::uint64_t> largest_by_rule(rules.size(), 0);
  const auto on_oversize = [&](std::uint64_t, std::size_t size, std::uint8_t rule) {
    ++oversize_by_rule[rule];
    largest_by_rule[rule] = std::max<std::uint64_t>(largest_by_rule[rule], size);
  };
  // Packed one word per pair from planning on, while they are many (sorted, merged and sent: a
  // third of the bytes), unless the rows or rules do not fit a word.
  const bool packed = match::packable(n, rules.size());
  const auto pieces = plan_pieces(ctx, blocks, n, cfg);
  spdlog::debug("resolve: candidate pairs planned in {} ranges of their smaller row", pieces.ranges.size());
  std::uint64_t raw_pairs = 0;
  if (packed)
    out.packed = plan_and_send<std::uint64_t>(ctx, part, blocks, pieces, cfg, raw_pairs, on_oversize);
  else
    out.wide = plan_and_send<match::CandidatePair>(ctx, part, blocks, pieces, cfg, raw_pairs, on_oversize);
  // Not `blocks = {}`: assigning an empty list keeps the capacity, i.e. all of the memory.
  blocks = std::vector<match::BlockMember>();
  cluster::allreduce_sum(ctx, oversize_by_rule);
  cluster::allreduce_inplace(ctx, std::span<std::uint64_t>(largest_by_rule), MPI_MAX);
  for (std::size_t r = 0; r < rules.size(); ++r)
    if (oversize_by_rule[r] > 0)
      spdlog::info("resolve: {} blocks of rule '{}' exceed {} observations (largest {}): compared by "
                   "sorted neighbourhood, window {}",
                   oversize_by_rule[r], rules[r].text, cfg.max_block_size, largest_by_rule[r], cfg.window);
  raw_pairs = cluster::allreduce_sum<std::uint64_t>(ctx, raw_pairs);
  // Reserved before the comparison fetches remote fields, so that nothing grows at resolve's peak.
  out.kind.reserve(out.size());
  out.total_pairs = cluster::allreduce_sum<std::uint64_t>(ctx, out.size());
  spdlog::info("resolve: {} candidate pairs from {} blocking rules ({} before de-duplication)", out.total_pairs,
               rules.size(), raw_pairs);

  phase.mark("blocking");

  // ---- comparison ------------------------------------------------------------------------------
  const auto levels_spec = spec.levels();
  {
    FieldStore store(first, fields);
    store.fetch(ctx, part, [&](auto&& want) {
      for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = out.pair(i);
        want(c.lo), want(c.hi);  // fetch() skips the local one
      }
    });
    phase.mark("fields of the other ranks' rows");
    // In slices, so that only a slice's PairLevels exist at a time.
    constexpr std::size_t kSlice = std::size_t{1} << 20;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> idx;
    for (std::size_t b = 0; b < out.size(); b += kSlice) {
      const std::size_t e = std::min(out.size(), b + kSlice);
      idx.resize(e - b);
      for (std::size_t i = b; i < e; ++i) {
        const auto c = out.pair(i);
        idx[i - b] = {store.index(c.lo), store.index(c.hi)};
      }
      for (const auto& l : match::compare_pairs(store.local(), store.remote(), idx, spec)) out.add(levels_spec, l);
    }
  }
  spdlog::debug("resolve: {} candidate pairs compared on rank {}", out.size(), ctx.rank());
  phase.mark("comparison");

  // ---- u from seeded random pairs ---------------------------------------------------------------
  const std::size_t k = levels_spec.size();
  auto& u_random = out.u_random;
  u_random.resize(k);
  // Always sampled: besides fixing u (u_from_random_pairs), the random-pair agreement rate of
  // exact names is the baseline of the term-frequency adjustment.
  if (n >= 2) {
    const auto [rb, re] = io::even_share(cfg.u_sample_pairs, ctx.rank(), ctx.size());
    std::vector<std::pair<std::uint64_t, std::uint64_t>> sample;
    for (std::uint64_t i = rb; i < re; ++i) {
      Rng rng(cfg.seed, i);  // keyed by the sample index: the same pairs for any rank count
      const auto a = rng.below(n), b = rng.below(n);
      if (a != b) sample.emplace_back(a, b);
    }
    FieldStore rstore(first, fields);
    rstore.fetch(ctx, part, [&](auto&& want) {
      for (const auto& [a, b] : sample) want(a), want(b);
    });
    std::vector<std::pair<std::uint32_t, std::uint32_t>> idx(sample.size());
    for (std::size_t i = 0; i < sample.size(); ++i) idx[i] = {rstore.index(sample[i].first), rstore.index(sample[i].second)};
    const auto rl = match::compare_pairs(rstore.local(), rstore.remote(), idx, spec);
    std::vector<std::uint64_t> counts(k * 8, 0);
    for (const auto& l : rl)
      for (std::size_t c = 0; c < k; ++c) ++counts[c * 8 + l.level[c]];
    cluster::allreduce_sum(ctx, counts);
    for (std::size_t c = 0; c < k; ++c) {
      u_random[c].assign(levels_spec[c].levels, 0.0);
      double total = 0;
      for (std::size_t l = 1; l < levels_spec[c].levels; ++l) total += static_cast<double>(counts[c * 8 + l]) + 0.5;
      for (std::size_t l = 1; l < levels_spec[c].levels; ++l)
        u_random[c][l] = (static_cast<double>(counts[c * 8 + l]) + 0.5) / total;
    }
  }

  return out;
}

// ---- checkpoint: candidates and the EM model (jobs/checkpoint.hpp) ------------------------------
//
// /candidates   lo, hi, rules, names_swapped, level_0..level_{k-1}: every rank its pairs (the
//               row order depends on the rank count; loading restores the placement)
// /u_random     comparison, u: the replicated per-comparison vectors, element by element
// /oversize     blocks: per blocking rule
// /em/levels    comparison, m, u (element by element); attribute lambda
// /em/trace     iteration, lambda, log_likelihood, max_change
// Doubles are stored as doubles, so a resumed run computes with exactly the same numbers.

void save_candidates(const cluster::Context& ctx, io::TableWriter& w, const Candidates& c,
                     const std::vector<match::ComparisonLevels>& spec) {
  const std::size_t k = spec.size();
  {
    std::vector<std::uint64_t> lo, hi;
    std::vector<std::uint32_t> rules;
    std::vector<std::uint8_t> swapped;
    std::vector<std::vector<std::uint8_t>> lv(k);
    for (std::size_t i = 0; i < c.size(); ++i) {
      const auto pair = c.pair(i);
      lo.push_back(pair.lo);
      hi.push_back(pair.hi);
      rules.push_back(pair.rules);
      const auto levels = c.levels(spec, i);
      swapped.push_back(levels.names_swapped);
      for (std::size_t j = 0; j < k; ++j) lv[j].push_back(levels.level[j]);
    }
    io::Table t;
    t.add("lo", std::move(lo)).add("hi", std::move(hi)).add("rules", std::move(rules))
        .add("names_swapped", std::move(swapped));
    for (std::size_t j = 0; j < k; ++j) t.add("level_" + std::to_string(j), std::move(lv[j]));
    w.write_table("/candidates", t);
  }
  std::vector<std::uint32_t> comparison;
  std::vector<double> u;
  std::vector<std::uint64_t> oversize;
  if (ctx.is_root()) {  // replicated: rank 0's copy
    for (std::size_t j = 0; j < c.u_random.size(); ++j)
      for (const double x : c.u_random[j]) comparison.push_back(static_cast<std::uint32_t>(j)), u.push_back(x);
    oversize = c.oversize_by_rule;
  }
  io::Table ur, ov;
  ur.add("comparison", std::move(comparison)).add("u", std::move(u));
  ov.add("blocks", std::move(oversize));
  w.write_table("/u_random", ur);
  w.write_table("/oversize", ov);
}

// Collective, any rank count: each rank reads a share of the rows and sends every pair to the
// rank that compares it under this rank count, where sorting restores find_candidates' order.
Candidates load_candidates(const cluster::Context& ctx, const RowPartition& part, const io::TableReader& r,
                           const std::vector<match::ComparisonLevels>& spec) {
  const std::size_t k = spec.size();
  struct PairRecord {
    match::CandidatePair pair;
    match::PairLevels levels;
  };
  Candidates c;
  {
    const auto t = r.read_my_share("/candidates");
    const auto& lo = t.get<std::uint64_t>("lo");
    const auto& hi = t.get<std::uint64_t>("hi");
    const auto& rules = t.get<std::uint32_t>("rules");
    const auto& swapped = t.get<std::uint8_t>("names_swapped");
    std::vector<PairRecord> mine(lo.size());
    for (std::size_t i = 0; i < lo.size(); ++i) {
      mine[i].pair = {lo[i], hi[i], rules[i]};
      mine[i].levels.names_swapped = swapped[i] != 0;
    }
    for (std::size_t j = 0; j < k; ++j) {
      const auto& lv = t.get<std::uint8_t>("level_" + std::to_string(j));
      for (std::size_t i = 0; i < lv.size(); ++i) mine[i].levels.level[j] = lv[i];
    }
    auto here = cluster::shuffle<PairRecord>(ctx, std::move(mine),
                                             [&](const PairRecord& q) { return compared_at(part, q.pair); });
    std::sort(here.begin(), here.end(), [](const PairRecord& a, const PairRecord& b) {
      return std::tie(a.pair.lo, a.pair.hi) < std::tie(b.pair.lo, b.pair.hi);
    });
    std::vector<match::CandidatePair> pairs;
    pairs.reserve(here.size());
    for (const auto& q : here) pairs.push_back(q.pair), c.add(spec, q.levels);
    c.set_pairs(std::move(pairs));
    c.total_pairs = r.rows("/candidates");
  }
  {
    const auto t = r.read_all("/u_random");
    const auto& comparison = t.get<std::uint32_t>("comparison");
    const auto& u = t.get<double>("u");
    c.u_random.resize(k);
    for (std::size_t i = 0; i < u.size(); ++i) c.u_random.at(comparison[i]).push_back(u[i]);
  }
  c.oversize_by_rule = r.read_all("/oversize").get<std::uint64_t>("blocks");
  return c;
}

void save_model(const cluster::Context& ctx, io::TableWriter& w, const match::FsModel& model) {
  std::vector<std::uint32_t> comparison;
  std::vector<double> m, u, lambda, loglik, change;
  std::vector<std::int32_t> iteration;
  if (ctx.is_root()) {  // replicated: rank 0's copy
    for (std::size_t c = 0; c < model.m.size(); ++c)
      for (std::size_t l = 0; l < model.m[c].size(); ++l) {
        comparison.push_back(static_cast<std::uint32_t>(c));
        m.push_back(model.m[c][l]);
        u.push_back(model.u[c][l]);
      }
    for (const auto& e : model.trace) {
      iteration.push_back(e.iteration);
      lambda.push_back(e.lambda);
      loglik.push_back(e.log_likelihood);
      change.push_back(e.max_change);
    }
  }
  io::Table lv, tr;
  lv.add("comparison", std::move(comparison)).add("m", std::move(m)).add("u", std::move(u));
  tr.add("iteration", std::move(iteration)).add("lambda", std::move(lambda))
      .add("log_likelihood", std::move(loglik)).add("max_change", std::move(change));
  w.write_table("/em/levels", lv);
  w.write_table("/em/trace", tr);
  w.set_attributes("/em/levels", {{"lambda", model.lambda}});
}

match::FsModel load_model(const io::TableReader& r, const std::vector<match::ComparisonLevels>& spec) {
  match::FsModel model;
  model.spec = spec;
  model.m.resize(spec.size());
  model.u.resize(spec.size());
  const auto lv = r.read_all("/em/levels");
  const auto& comparison = lv.get<std::uint32_t>("comparison");
  const auto& m = lv.get<double>("m");
  const auto& u = lv.get<double>("u");
  for (std::size_t i = 0; i < comparison.size(); ++i) {
    model.m.at(comparison[i]).push_back(m[i]);
    model.u.at(comparison[i]).push_back(u[i]);
  }
  model.lambda = std::get<double>(r.attributes("/em/levels").at("lambda"));
  const auto tr = r.read_all("/em/trace");
  for (std::size_t i = 0; i < tr.rows(); ++i)
    model.trace.push_back({tr.get<std::int32_t>("iteration")[i], tr.get<double>("lambda")[i],
                           tr.get<double>("log_likelihood")[i], tr.get<double>("max_change")[i]});
  return model;
}


// Phone handover evidence (kernels/match/handover.hpp) from /calls: the calls touching each phone
// are gathered on the phone's rank (step 1, with the entities holding the phone as their own: rows
// without a booking reference), the (contact, phone) rows on the contact's rank (step 2), and the
// shared contacts of each phone pair on a rank picked by a hash of the entity pair (step 3).
// Appends to `evidence`. Nothing happens (but the collectives) when the records have no /calls table.
void phone_handover_evidence(const cluster::Context& ctx, const io::TableReader& reader,
                             const ObservationStore& fields, const io::StringColumn& booking_ref,
                             const std::vector<std::uint64_t>& labels, const match::HandoverParams& params,
                             std::vector<match::AliasEvidence>& evidence) {
  if (!reader.has_table("/calls")) return;  // the same file on every rank: skipped by all
  const auto started = std::chrono::steady_clock::now();
  const auto p = static_cast<std::uint64_t>(ctx.size());
  const auto phone_hash = [](std::string_view v) {
    return stable_hash(v, 100 + static_cast<int>(match::AliasEvidenceKind::kPhone));
  };
  const auto by_phone = [p](const auto& x) { return static_cast<int>(x.phone % p); };
  std::vector<match::PhoneCall> my_uses;  // the uses of this rank's phones
  {
    // Read and sent in slices: as strings the calls cost several times their hashes, and there
    // are several calls per observation; sent at once, the uses were held twice (medium: 1 GB per
    // rank). Every rank reads the same number of slices. The calls between two phones within a
    // slice are sent as one use (medium: 45 M call ends → 26 M).
    const auto slices = io::share_slices(reader.rows("/calls"), ctx.rank(), ctx.size(), std::uint64_t{1} << 18);
    const std::uint64_t mine = slices.end - slices.begin;
    // Phones are spread by hash: about as many uses arrive as leave (headroom for busy phones);
    // room that collapsed uses leave untouched costs no memory.
    my_uses.reserve(2 * mine + mine / 10);
    std::vector<match::PhoneCall> uses;
    for (std::uint64_t s = 0; s < slices.count; ++s) {
      uses.clear();
      const auto [lo, hi] = slices[s];
      const auto calls = reader.read("/calls", lo, hi, {"caller", "callee", "start_utc"});
      const auto& caller = calls.get<std::string>("caller");
      const auto& callee = calls.get<std::string>("callee");
      const auto& start = calls.get<std::int64_t>("start_utc");
      for (std::size_t i = 0; i < calls.rows(); ++i) {
        if (caller[i].empty() || callee[i].empty() || caller[i] == callee[i]) continue;
        const auto day = static_cast<std::int32_t>(start[i] >= 0 ? start[i] / 86400 : (start[i] - 86399) / 86400);
        const auto a = phone_hash(caller[i]), b = phone_hash(callee[i]);
        uses.push_back({a, b, day, day});
        uses.push_back({b, a, day, day});
      }
      match::collapse_calls(uses);
      const auto got = cluster::shuffle<match::PhoneCall>(ctx, std::span<const match::PhoneCall>(uses), by_phone);
      my_uses.insert(my_uses.end(), got.begin(), got.end());
    }
  }
  std::vector<match::PhoneHolder> holders;
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (const auto phone = fields.text(i, match::kPhoneText); !phone.empty() && booking_ref[i].empty())
      holders.push_back({phone_hash(phone), labels[i]});
  auto my_holders = cluster::shuffle<match::PhoneHolder>(ctx, std::move(holders), by_phone);
  match::collapse_calls(my_uses);
  std::sort(my_holders.begin(), my_holders.end(), [](const match::PhoneHolder& x, const match::PhoneHolder& y) {
    return std::tie(x.phone, x.entity) < std::tie(y.phone, y.entity);
  });
  std::vector<match::ContactPhone> rows;
  match::contacts_of_phones(my_uses, my_holders, params, rows);
  my_uses = std::vector<match::PhoneCall>();
  my_holders = std::vector<match::PhoneHolder>();
  auto by_contact = cluster::shuffle<match::ContactPhone>(
      ctx, std::move(rows), [p](const match::ContactPhone& r) { return static_cast<int>(r.contact % p); });
  tbb::parallel_sort(by_contact.begin(), by_contact.end(), [](const match::ContactPhone& x, const match::ContactPhone& y) {
    return std::tie(x.contact, x.phone, x.entity) < std::tie(y.contact, y.phone, y.entity);
  });
  std::vector<match::PhonePairShare> shares;
  for (std::size_t i = 0; i < by_contact.size();) {
    std::size_t j = i;
    while (j < by_contact.size() && by_contact[j].contact == by_contact[i].contact) ++j;
    match::shares_of_contact(std::span<const match::ContactPhone>(by_contact.data() + i, j - i), params, shares);
    i = j;
  }
  by_contact = std::vector<match::ContactPhone>();
  // Grouped where a hash of the entity pair sends them, not on the owner of entity_a: the smaller
  // entity of a pair lies in the lower ranks' rows, which drew 3/4 of the shares to rank 0 of two.
  // The evidence goes to entity_a's owner with all the other evidence afterwards.
  auto grouped = cluster::shuffle<match::PhonePairShare>(ctx, std::move(shares), [&](const match::PhonePairShare& s) {
    return static_cast<int>(mix64(s.entity_a ^ mix64(s.entity_b)) % p);
  });
  const auto before = evidence.size();
  match::handover_evidence_grouped(std::move(grouped), params, evidence);
  std::vector<std::uint64_t> counts(3, 0);
  for (std::size_t i = before; i < evidence.size(); ++i)
    ++counts[evidence[i].kind == static_cast<std::uint8_t>(match::AliasEvidenceKind::kPhoneHandover)    ? 0
             : evidence[i].kind == static_cast<std::uint8_t>(match::AliasEvidenceKind::kSharedContacts) ? 2
                                                                                                        : 1];
  cluster::allreduce_sum(ctx, counts);
  spdlog::info("resolve: calls: {} phone pairs hand over, {} are used at one time (shared contacts), {} shared "
               "private contacts; {:.1f} s",
               counts[0], counts[1], counts[2],
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

// A passenger seen on one booking only, with that booking (split trips, kernels/match/alias.hpp).
struct BookingPassenger {
  std::uint64_t booking;
  match::SoleBookingPassenger p;
};
// Entities of more than this many bookings (frequent travellers, escorts) do not join bookings
// into continuations: each of their trips would pair with several others.
constexpr std::uint32_t kMaxContinuationBookings = 30;

// One booking's legs → its passengers seen on it only (`sole`) and, for entities on 2..30
// bookings, their span on it (`multi`).
void booking_passengers(std::uint64_t booking, std::vector<match::BookingLeg> legs,
                        std::vector<BookingPassenger>& sole, std::vector<match::EntityBooking>& multi) {
  std::erase_if(legs, [](const match::BookingLeg& l) { return l.departure == match::kUnknownFlightTime; });
  std::sort(legs.begin(), legs.end(), [](const match::BookingLeg& x, const match::BookingLeg& y) {
    return std::tie(x.entity, x.departure, x.name) < std::tie(y.entity, y.departure, y.name);
  });
  for (std::size_t i = 0; i < legs.size();) {
    std::size_t j = i;
    std::uint64_t name = 0;
    for (; j < legs.size() && legs[j].entity == legs[i].entity; ++j)
      if (legs[j].name != 0 && (name == 0 || legs[j].name < name)) name = legs[j].name;
    const auto first = legs[i].departure, last = legs[j - 1].departure;
    if (legs[i].entity_bookings == 1) sole.push_back({booking, {legs[i].entity, first, last, name}});
    else if (legs[i].entity_bookings <= kMaxContinuationBookings) multi.push_back({legs[i].entity, booking, first, last});
    i = j;
  }
}

// Leg switches across the two bookings of a split trip (kernels/match/alias.hpp): continuations
// x → y are found on the owners of the entities flying on both and counted on x's rank (the rank
// holding x's passengers: values are grouped by hash); x's sole passengers of a continuation
// with at least two such entities go to y's rank, which compares them with y's. Collective.
void continuation_evidence(const cluster::Context& ctx, const RowPartition& part,
                           std::vector<BookingPassenger> sole, std::vector<match::EntityBooking> multi,
                           const match::AliasWeights& weights, std::vector<match::AliasEvidence>& evidence) {
  const auto p = static_cast<std::uint64_t>(ctx.size());
  auto by_entity = cluster::shuffle<match::EntityBooking>(
      ctx, std::move(multi), [&](const match::EntityBooking& e) { return part.owner(e.entity); });
  std::sort(by_entity.begin(), by_entity.end(), [](const match::EntityBooking& x, const match::EntityBooking& y) {
    return std::tie(x.entity, x.booking) < std::tie(y.entity, y.booking);
  });
  std::vector<match::BookingPair> continuations;
  for (std::size_t i = 0; i < by_entity.size();) {
    std::size_t j = i;
    while (j < by_entity.size() && by_entity[j].entity == by_entity[i].entity) ++j;
    match::booking_continuations({by_entity.begin() + static_cast<std::ptrdiff_t>(i), by_entity.begin() + static_cast<std::ptrdiff_t>(j)},
                                 weights, continuations);
    i = j;
  }
  by_entity = {};
  auto at_before = cluster::shuffle<match::BookingPair>(
      ctx, std::move(continuations), [p](const match::BookingPair& c) { return static_cast<int>(c.before % p); });
  std::sort(at_before.begin(), at_before.end());
  const auto booking_less = [](const BookingPassenger& x, const BookingPassenger& y) {
    return std::tie(x.booking, x.p.entity) < std::tie(y.booking, y.p.entity);
  };
  std::sort(sole.begin(), sole.end(), booking_less);
  const auto passengers_of = [&](std::uint64_t booking) {
    return std::equal_range(sole.begin(), sole.end(), BookingPassenger{booking, {0, 0, 0, 0}},
                            [](const BookingPassenger& x, const BookingPassenger& y) { return x.booking < y.booking; });
  };
  struct Sent {
    match::BookingPair pair;
    match::SoleBookingPassenger p;
  };
  std::vector<Sent> sent;
  std::vector<std::uint64_t> counts(2, 0);  // continuations, switches found
  for (std::size_t i = 0; i < at_before.size();) {
    std::size_t j = i;
    while (j < at_before.size() && at_before[j] == at_before[i]) ++j;
    if (j - i >= 2) {  // at least two entities go on from x to y
      ++counts[0];
      const auto [lo, hi] = passengers_of(at_before[i].before);
      for (auto it = lo; it != hi; ++it) sent.push_back({at_before[i], it->p});
    }
    i = j;
  }
  at_before = {};
  auto at_after = cluster::shuffle<Sent>(ctx, std::move(sent), [p](const Sent& s) { return static_cast<int>(s.pair.after % p); });
  std::sort(at_after.begin(), at_after.end(), [](const Sent& x, const Sent& y) {
    return std::tie(x.pair, x.p.entity) < std::tie(y.pair, y.p.entity);
  });
  std::vector<match::SoleBookingPassenger> before, after;
  const auto evidence_before = evidence.size();
  for (std::size_t i = 0; i < at_after.size();) {
    std::size_t j = i;
    before.clear();
    while (j < at_after.size() && at_after[j].pair == at_after[i].pair) before.push_back(at_after[j++].p);
    const auto [lo, hi] = passengers_of(at_after[i].pair.after);
    after.clear();
    for (auto it = lo; it != hi; ++it) after.push_back(it->p);
    match::alias_evidence_for_continuation(before, after, mix64(mix64(at_after[i].pair.before) ^ at_after[i].pair.after), weights, evidence);
    i = j;
  }
  counts[1] = (evidence.size() - evidence_before) / 2;  // a leg_switch and a sole_leg_switch item each
  cluster::allreduce_sum(ctx, counts);
  spdlog::info("resolve: split trips: {} booking continuations, {} leg switches across them", counts[0], counts[1]);
}

// For each local row, the number of distinct bookings of its entity (an escort's entity is on
// many; kernels/match/alias.hpp): (entity, booking) pairs are counted on the owner of the entity's
// label row and fetched back. Collective.
std::vector<std::uint64_t> entity_booking_counts(const cluster::Context& ctx, const RowPartition& part,
                                                 std::uint64_t first, const io::StringColumn& booking_ref,
                                                 const std::vector<std::uint64_t>& labels) {
  struct EntityBooking {
    std::uint64_t label, booking;
    auto operator<=>(const EntityBooking&) const = default;
  };
  std::vector<EntityBooking> pairs;
  for (std::size_t i = 0; i < booking_ref.size(); ++i)
    if (!booking_ref[i].empty()) pairs.push_back({labels[i], stable_hash(booking_ref[i], 5)});
  auto got = cluster::shuffle<EntityBooking>(ctx, std::move(pairs), [&](const EntityBooking& e) { return part.owner(e.label); });
  std::sort(got.begin(), got.end());
  got.erase(std::unique(got.begin(), got.end()), got.end());
  std::vector<std::uint64_t> count(booking_ref.size(), 0);  // by label row
  for (const auto& e : got) ++count[e.label - first];
  return fetch_by_row(ctx, part, first, count, labels);
}

// near_dob / same_family items for the entity pairs that have link evidence (`evidence` sits on the
// owner of entity_a). An entity's traits are its most frequent birth date, family name and given
// name's phonetic key (ties to the first row), computed on the rank owning its label row.
void identity_evidence(const cluster::Context& ctx, const RowPartition& part, std::uint64_t first,
                       const ObservationStore& fields, const std::vector<std::uint64_t>& labels,
                       const match::AliasWeights& weights, std::vector<match::AliasEvidence>& evidence) {
  struct TraitRow {
    std::uint64_t label, row, family, given;
    std::int32_t dob;
  };
  std::vector<TraitRow> rows(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto f = fields[i];
    rows[i] = {labels[i], f.row, f.family.empty() ? 0 : stable_hash(f.family, 3),
               f.given_phon1.empty() ? 0 : stable_hash(f.given_phon1, 4), f.dob};
  }
  auto got = cluster::shuffle<TraitRow>(ctx, std::move(rows), [&](const TraitRow& t) { return part.owner(t.label); });
  std::sort(got.begin(), got.end(), [](const TraitRow& a, const TraitRow& b) { return std::tie(a.label, a.row) < std::tie(b.label, b.row); });
  std::vector<std::uint64_t> dob_of(fields.size(), 0), family_of(fields.size(), 0), given_of(fields.size(), 0);  // by label row
  {
    std::vector<std::int32_t> dobs;
    std::vector<std::uint64_t> fams, givens;
    for (std::size_t i = 0; i < got.size();) {
      std::size_t j = i;
      dobs.clear();
      fams.clear();
      givens.clear();
      for (; j < got.size() && got[j].label == got[i].label; ++j)
        dobs.push_back(got[j].dob), fams.push_back(got[j].family), givens.push_back(got[j].given);
      const auto at = got[i].label - first;
      dob_of[at] = static_cast<std::uint64_t>(static_cast<std::uint32_t>(mode_of<std::int32_t>(dobs, match::kMissingDate)));
      family_of[at] = mode_of<std::uint64_t>(fams, 0);
      given_of[at] = mode_of<std::uint64_t>(givens, 0);
      i = j;
    }
  }
  // Corroboration only: pairs with a shared value, a leg switch or a handover.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs;
  for (const auto& e : evidence)
    if (match::alias_kind_is_link(e.kind)) pairs.emplace_back(e.entity_a, e.entity_b);
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<std::uint64_t> other(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) other[i] = pairs[i].second;
  const auto other_dob = fetch_by_row(ctx, part, first, dob_of, other);
  const auto other_family = fetch_by_row(ctx, part, first, family_of, other);
  const auto other_given = fetch_by_row(ctx, part, first, given_of, other);
  const auto as_dob = [](std::uint64_t v) { return static_cast<std::int32_t>(static_cast<std::uint32_t>(v)); };
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto a = pairs[i].first - first;
    match::alias_identity_evidence(pairs[i].first, pairs[i].second, {as_dob(dob_of[a]), family_of[a], given_of[a]},
                                   {as_dob(other_dob[i]), other_family[i], other_given[i]}, weights, evidence);
  }
}
}  // namespace

void resolve(const JobEnv& env, const std::filesystem::path& records, const std::filesystem::path& out,
             const ResolveConfig& cfg) {
  const auto& ctx = env.ctx;
  StageTimer timer(env, "resolve");
  PhaseClock phase(ctx, "resolve");
  io::Provenance prov{.stage = "resolve", .config_text = cfg.effective_toml(),
                      .inputs = io::hash_inputs(ctx, {records}), .started_utc = io::utc_now(),
                      .row_counts = {}};
  env.fault_point("resolve", "start");

  // ---- load --------------------------------------------------------------------------------
  const io::TableReader reader(ctx, records);
  const auto spec = comparison_spec_for(reader, cfg.extra_comparisons);
  const auto levels_spec = spec.levels();
  const auto kinds = spec.kinds();
  std::vector<std::string> skipped;
  const auto rules = blocking_rules_for(cfg.blocking, spec, reader.column_names("/observations"), &skipped);
  for (const auto& s : skipped) spdlog::info("resolve: blocking rule '{}' skipped (column not in these records)", s);
  const std::uint64_t n = reader.rows("/observations");
  const RowPartition part{n, ctx.size()};
  const auto [first, last] = io::even_share(n, ctx.rank(), ctx.size());
  auto batch = read_observations(reader, spec, first, last);
  auto& fields = batch.fields;
  // An observation's obs id is its row (docs/schema.md): then the obs ids of entities, aliases and
  // /pairs are their rows, and asking the rows' owners (40 M requests per rank for /pairs on
  // medium) is only for records whose ids are numbered otherwise.
  bool my_obs_are_rows = true;
  for (std::size_t i = 0; i < batch.obs.size(); ++i) my_obs_are_rows = my_obs_are_rows && batch.obs[i] == first + i;
  const bool obs_are_rows = !cluster::allreduce_or(ctx, !my_obs_are_rows);
  const auto obs_of = [&](const std::vector<std::uint64_t>& rows) {
    return obs_are_rows ? rows : fetch_by_row(ctx, part, first, batch.obs, rows);
  };
  std::string comparisons;
  for (const auto& l : levels_spec) comparisons += (comparisons.empty() ? "" : ", ") + l.name;
  spdlog::info("resolve: {} observations; comparisons: {}", n, comparisons);
  phase.mark("load");

  // ---- term frequencies ----------------------------------------------------------------------
  match::TfTotals tf;
  tf.enabled = cfg.tf_adjust;
  tf.max_bits = cfg.tf_max_bits;
  count_name_values(ctx, part, first, fields, tf);
  phase.mark("term frequencies");
  env.stop_point("resolve");

  // ---- candidates: blocking, comparison, random-pair sample (or the checkpoint's) -----------------
  const std::size_t k = levels_spec.size();
  const auto p = static_cast<std::uint64_t>(ctx.size());
  const StageCheckpoint checkpoint(env, prov, out);
  Candidates cand;
  std::optional<match::FsModel> saved_model;
  if (const auto saved = checkpoint.open()) {
    cand = load_candidates(ctx, part, *saved, levels_spec);
    saved_model = load_model(*saved, levels_spec);
    spdlog::info("resolve: resuming from checkpoint '{}' at EM iteration {}: {} candidate pairs loaded, "
                 "blocking and comparison skipped",
                 std::get<std::string>(saved->attributes("/").at("point")), saved_model->trace.size(),
                 cand.total_pairs);
  } else {
    cand = find_candidates(ctx, part, first, fields, spec, rules, cfg, phase);
  }
  // No release_free_memory() between phases: each release handed tcmalloc's free pages back to
  // the kernel and the next phase faulted them in again, zeroed — medium, same peak either way:
  // 1 rank 116.8 → 100.7 s (system time 28.7 → 13.3 s), 2 ranks 84.1 → 77.0 s.
  const auto& u_random = cand.u_random;
  const auto& oversize_by_rule = cand.oversize_by_rule;
  const std::uint64_t total_pairs = cand.total_pairs;

  // ---- EM on pattern counts --------------------------------------------------------------------
  if (n >= 2) {
    tf.u_family_exact = u_random[match::kFamilyComparison][4];
    tf.u_given_exact = u_random[match::kGivenComparison][4];
  }
  const auto pattern_counts = global_pattern_counts(ctx, levels_spec, cand.kind, cand.kinds);
  match::FsModel model;
  if (saved_model) {
    model = std::move(*saved_model);
  } else {
    model = match::initial_model(levels_spec, pattern_counts);
    // Random pairs are almost all non-matches: the natural start for u even when EM refines it.
    // Starting u at the candidates' level frequencies instead lets EM swap the classes when
    // nearly all candidates are matches (Febrl dataset1: λ ≈ 0.96).
    if (n >= 2) model.u = u_random;
  }
  match::EmOptions em;
  em.max_iterations = cfg.em_max_iterations;
  em.tolerance = cfg.em_tolerance;
  em.fix_u = cfg.u_from_random_pairs && n >= 2;
  // Safe points with a checkpoint: after comparison ("compared"), after every EM iteration
  // ("em1", "em2", ...) and after scoring ("scored"). The state is the candidates plus the model,
  // whose trace says how many iterations are done.
  const auto save = [&](io::TableWriter& w) {
    save_candidates(ctx, w, cand, levels_spec);
    save_model(ctx, w, model);
  };
  const std::size_t resumed_at = model.trace.size();
  if (!saved_model) checkpoint.safe_point("compared", save);
  const match::EmEstimator estimator(levels_spec, pattern_counts, em);
  while (!estimator.converged(model)) {
    estimator.step(model);
    checkpoint.safe_point("em" + std::to_string(model.trace.size()), save);
  }
  spdlog::info("resolve: EM converged after {} iterations, lambda {:.4f}{}", model.trace.size(), model.lambda,
               saved_model ? fmt::format(" ({} in this run)", model.trace.size() - resumed_at) : "");
  phase.mark("random pairs, EM");

  // ---- scoring -------------------------------------------------------------------------------
  // Where the pairs were compared, which holds an even share of them. Scores are computed again
  // for /pairs rather than kept: two doubles per candidate pair were, after the levels, the
  // largest per-pair arrays, and the same inputs give the same bits.
  // A pair's weight is its pattern's weight plus its names' term-frequency terms
  // (match::pair_weight): each distinct pattern — thousands against 10^8 pairs —
  // is decoded and weighed once (a division and a log2 per comparison per pair were 7 % of
  // resolve).
  struct PatternScore {
    match::PairLevels levels;
    double weight;
  };
  std::unordered_map<std::uint64_t, PatternScore> pattern_scores;
  struct PairScore {
    double weight, probability, tf_family, tf_given;
    match::PairLevels levels;
  };
  const auto pattern_score = [&](std::uint64_t pattern) -> const PatternScore& {
    auto [it, added] = pattern_scores.try_emplace(pattern);
    if (added) {
      match::decode_pattern(levels_spec, pattern, std::span<std::uint8_t>(it->second.levels.level, k));
      it->second.weight = model.match_weight(std::span<const std::uint8_t>(it->second.levels.level, k));
    }
    return it->second;
  };
  // `exact_terms`: match::exact_name_tf_terms of the pair's smaller row.
  const auto pair_score = [&](const PatternScore& ps, bool names_swapped, std::pair<double, double> exact_terms) {
    PairScore score{};
    score.levels = ps.levels;
    score.levels.names_swapped = names_swapped;
    std::tie(score.tf_family, score.tf_given) = match::pair_tf_terms(score.levels, exact_terms);
    score.weight = match::pair_weight(ps.weight, {score.tf_family, score.tf_given});
    score.probability = model.match_probability(score.weight);
    return score;
  };
  // A match as /pairs needs it, on its way to the rank that writes it.
  struct ScoredMatch {
    std::uint64_t lo, hi, pattern;
    std::uint32_t rules;
    match::NameCounts lo_counts;
    bool names_swapped;
  };
  std::vector<match::MatchEdge> edges;
  std::vector<ScoredMatch> matches;
  std::vector<double> match_probability;  // of matches[i], until the edges are made
  {
    const auto lo_counts = smaller_row_counts(ctx, part, first, fields, cand);
    // Per smaller row, not per pair: a log2 per name (10^6 rows against 10^8 pairs).
    std::vector<std::pair<double, double>> exact_terms(lo_counts.size());
    for (std::size_t r = 0; r < lo_counts.size(); ++r) exact_terms[r] = match::exact_name_tf_terms(model, lo_counts[r], tf);
    // Below this weight a pair's probability is below match_probability with room to spare for
    // rounding, so its exp2 is skipped (most candidates: 110 M of 150 M on medium).
    const double clearly_below = model.weight_for_probability(cfg.match_probability) - 1e-6;
    // Each kind of outcome weighed once: an array lookup per pair, not a hash lookup.
    std::vector<PatternScore> kind_scores(cand.kinds.size());
    for (std::uint32_t id = 0; id < cand.kinds.size(); ++id) kind_scores[id] = pattern_score(cand.kinds[id].pattern);
    // The pairs are sorted by lo: `at` (the smaller row's place in lo_counts) advances with lo.
    // `f(i, pair, at, probability)` for each match, in pair order.
    const auto for_each_match = [&](auto&& f) {
      std::uint64_t lo = 0;
      for (std::size_t i = 0, at = 0; i < cand.size(); ++i) {
        const auto c = cand.pair(i);
        if (i > 0 && c.lo != lo) ++at;
        lo = c.lo;
        const auto& ps = kind_scores[cand.kind[i]];
        const double weight = match::pair_weight(ps.weight, match::pair_tf_terms(ps.levels, exact_terms[at]));
        if (weight < clearly_below) continue;
        const double prob = model.match_probability(weight);
        if (prob >= cfg.match_probability) f(i, c, at, prob);
      }
    };
    // Counted first, so that the matches and their probabilities are allocated once at their
    // size: grown by doubling they peaked near twice it, next to the candidates.
    std::size_t count = 0;
    for_each_match([&](std::size_t, const match::CandidatePair&, std::size_t, double) { ++count; });
    matches.reserve(count);
    match_probability.reserve(count);
    for_each_match([&](std::size_t i, const match::CandidatePair& c, std::size_t at, double prob) {
      const auto& outcome = cand.outcome(i);
      matches.push_back({c.lo, c.hi, outcome.pattern, c.rules, lo_counts[at], outcome.names_swapped});
      match_probability.push_back(prob);
    });
    checkpoint.safe_point("scored", save);
  }
  // The last safe point is passed: the candidates (several times the matches) go before the
  // edges are made; edges and matches were both alive next to them at resolve's peak (medium:
  // 0.5 + 0.8 GB per rank).
  cand.free_pairs();
  edges.reserve(matches.size());
  for (std::size_t i = 0; i < matches.size(); ++i) edges.push_back({matches[i].lo, matches[i].hi, match_probability[i]});
  ch::free_storage(match_probability);
  if (!cfg.write_pairs) ch::free_storage(matches);
  const auto matched = cluster::allreduce_sum<std::uint64_t>(ctx, edges.size());
  phase.mark("scoring");
  // /pairs is in (lo, hi) order: each rank takes an even slice of the matches in that order.
  matches = cluster::sort_distributed(ctx, std::move(matches), [](const ScoredMatch& a, const ScoredMatch& b) {
    return std::tie(a.lo, a.hi) < std::tie(b.lo, b.hi);
  });
  phase.mark("matches in (lo, hi) order");

  // ---- clustering ------------------------------------------------------------------------------
  GuardStats gstats;
  const match::ChainingGuard guard{cfg.guard_size, cfg.guard_probability};
  const auto owned_labels = guarded_components_distributed(ctx, n, edges, guard, &gstats);
  ch::free_storage(edges);
  if (gstats.large_components > 0)
    spdlog::info("resolve: chaining guard: {} components above {} observations (largest {}); {} weak "
                 "edges (p < {}) removed inside them; largest entity now {}",
                 gstats.large_components, cfg.guard_size, gstats.largest_before, gstats.dropped_edges,
                 cfg.guard_probability, gstats.largest_after);
  std::vector<std::uint64_t> my_rows(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) my_rows[i] = first + i;
  const auto labels = cluster::fetch_owned(ctx, my_rows, owned_labels);
  // Entity id = the obs id of the cluster's smallest row (canonical for any rank count).
  const auto label_obs = obs_of(labels);

  phase.mark("clustering");

  // ---- write /model, /pairs -------------------------------------------------------------------
  // Before the aliases rather than with the other tables: the matches (40 bytes each, 20 M per
  // rank on medium) would otherwise be held through the alias phase, where resolve peaks.
  env.fault_point("resolve", "write");
  io::TableWriter writer(ctx, out);
  {
    // The model is identical on every rank; rank 0 writes its rows.
    std::string extra_text;  // the extra comparisons in use, for explain
    for (const auto& e : cfg.extra_comparisons)
      for (const auto& x : spec.extra)
        if (e.substr(0, e.find(':')) == x.first) extra_text += (extra_text.empty() ? "" : ",") + e;
    io::Table lv, tr, bl;
    std::vector<std::string> comp, label, rule_text;
    std::vector<std::uint8_t> level;
    std::vector<double> mm, uu, ww, lam, ll, ch;
    std::vector<std::int32_t> it;
    std::vector<std::uint32_t> rule_id;
    std::vector<std::uint64_t> oversize;
    if (ctx.is_root()) {
      for (std::size_t c = 0; c < k; ++c)
        for (std::uint8_t l = 1; l < levels_spec[c].levels; ++l) {
          comp.push_back(levels_spec[c].name);
          level.push_back(l);
          label.push_back(match::level_label(kinds[c], l));
          mm.push_back(model.m[c][l]);
          uu.push_back(model.u[c][l]);
          ww.push_back(std::log2(model.m[c][l] / model.u[c][l]));
        }
      for (const auto& e : model.trace) {
        it.push_back(e.iteration);
        lam.push_back(e.lambda);
        ll.push_back(e.log_likelihood);
        ch.push_back(e.max_change);
      }
      for (std::size_t r = 0; r < rules.size(); ++r) {
        rule_id.push_back(static_cast<std::uint32_t>(r));
        rule_text.push_back(rules[r].text);
        oversize.push_back(oversize_by_rule[r]);
      }
    }
    lv.add("comparison", std::move(comp)).add("level", std::move(level)).add("label", std::move(label))
        .add("m", std::move(mm)).add("u", std::move(uu)).add("weight", std::move(ww));
    tr.add("iteration", std::move(it)).add("lambda", std::move(lam)).add("log_likelihood", std::move(ll))
        .add("max_change", std::move(ch));
    bl.add("rule", std::move(rule_id)).add("text", std::move(rule_text)).add("oversize_blocks", std::move(oversize));
    writer.write_table("/model/levels", lv);
    writer.write_table("/model/em_trace", tr);
    writer.write_table("/model/blocking", bl);
    writer.set_attributes("/model/levels",
                          {{"lambda", model.lambda},
                           {"match_probability", cfg.match_probability},
                           {"tf_adjust", static_cast<std::int64_t>(cfg.tf_adjust)},
                           {"tf_max_bits", cfg.tf_max_bits},
                           {"tf_family_total", static_cast<std::int64_t>(tf.family)},
                           {"tf_given_total", static_cast<std::int64_t>(tf.given)},
                           {"candidate_pairs", static_cast<std::int64_t>(total_pairs)},
                           {"matched_pairs", static_cast<std::int64_t>(matched)},
                           {"u_from_random_pairs", static_cast<std::int64_t>(cfg.u_from_random_pairs)},
                           {"extra_comparisons", extra_text}});
  }
  if (cfg.write_pairs) {
    // Column by column, each made from the matches, written and released before the next: made
    // at once, the columns (94 bytes per match) and the matches were resolve's peak (rank 1 of
    // medium: 4.07 GB). A match's pattern is looked up once, its levels read by index after.
    const std::size_t rows = matches.size();
    std::vector<const PatternScore*> patterns;
    std::vector<std::uint32_t> pattern_of(rows);
    {
      std::unordered_map<std::uint64_t, std::uint32_t> index;  // pattern → its place in `patterns`
      for (std::size_t i = 0; i < rows; ++i) {
        const auto [it, added] = index.try_emplace(matches[i].pattern, static_cast<std::uint32_t>(patterns.size()));
        if (added) patterns.push_back(&pattern_score(matches[i].pattern));
        pattern_of[i] = it->second;
      }
    }
    const auto score = [&](std::size_t i) {
      const auto& m = matches[i];
      return pair_score(*patterns[pattern_of[i]], m.names_swapped, match::exact_name_tf_terms(model, m.lo_counts, tf));
    };
    const auto column = [&]<class T>(std::string name, auto&& value) {
      std::vector<T> v(rows);
      for (std::size_t i = 0; i < rows; ++i) v[i] = static_cast<T>(value(i));
      return io::Column{std::move(name), std::move(v)};
    };
    const auto row = [&](bool lo) {
      std::vector<std::uint64_t> r(rows);
      for (std::size_t i = 0; i < rows; ++i) r[i] = lo ? matches[i].lo : matches[i].hi;
      return r;
    };
    // Of a match's score, weight and probability are made in one pass, tf_family and tf_given in
    // another; the second of each pair waits for its column.
    std::vector<double> next_column;
    const auto pair_of_columns = [&](std::string name, double PairScore::*one, double PairScore::*other) {
      std::vector<double> a(rows);
      next_column.resize(rows);
      for (std::size_t i = 0; i < rows; ++i) {
        const auto sc = score(i);
        a[i] = sc.*one, next_column[i] = sc.*other;
      }
      return io::Column{std::move(name), std::move(a)};
    };
    const auto waiting = [&](std::string name) { return io::Column{std::move(name), std::exchange(next_column, {})}; };
    const std::size_t fixed = 11;
    writer.write_table(
        "/pairs", fixed + k,
        [&](std::size_t c) -> io::Column {
          switch (c) {
            case 0: return {"obs_a", obs_of(row(true))};
            case 1: return {"obs_b", obs_of(row(false))};
            case 2: return {"row_a", row(true)};
            case 3: return {"row_b", row(false)};
            case 4: return pair_of_columns("weight", &PairScore::weight, &PairScore::probability);
            case 5: return waiting("probability");
            case 6: {
              const auto ea = cluster::fetch_owned(ctx, row(true), owned_labels);
              const auto eb = cluster::fetch_owned(ctx, row(false), owned_labels);
              return column.operator()<std::uint8_t>("same_entity", [&](std::size_t i) { return ea[i] == eb[i]; });
            }
            case 7: return column.operator()<std::uint32_t>("blocking_rules", [&](std::size_t i) { return matches[i].rules; });
            case 8: return column.operator()<std::uint8_t>("names_swapped", [&](std::size_t i) { return matches[i].names_swapped; });
            case 9: return pair_of_columns("tf_family", &PairScore::tf_family, &PairScore::tf_given);
            case 10: return waiting("tf_given");
            default: {
              const std::size_t l = c - fixed;
              return column.operator()<std::uint8_t>("level_" + levels_spec[l].name, [&](std::size_t i) {
                return patterns[pattern_of[i]]->levels.level[l];
              });
            }
          }
        },
        io::RowLayout::contiguous(ctx, rows), io::Codec::kLz4);  // the bulk table: 10^7–10^8 rows
    prov.row_counts["/pairs"] = cluster::allreduce_sum<std::uint64_t>(ctx, rows);
    ch::free_storage(matches);
  }
  phase.mark("write /model, /pairs");

  // ---- aliases ---------------------------------------------------------------------------------
  std::vector<match::AliasLink> links;
  {
    struct AliasValue {
      std::uint64_t hash;
      std::uint64_t label;
      std::int64_t utc;     // bookings: the row's departure
      std::uint64_t name;   // bookings: the row's name (hash of given and family name)
      std::uint32_t entity_bookings;  // bookings: distinct bookings of the row's entity
      std::uint8_t kind;
    };
    const auto booking_counts = entity_booking_counts(ctx, part, first, batch.booking_ref, labels);
    std::vector<AliasValue> values;
    std::string name_text;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const auto f = fields[i];
      const auto add = [&](std::string_view v, match::AliasEvidenceKind kind) {
        if (v.empty()) return;
        const bool booking = kind == match::AliasEvidenceKind::kBooking;
        std::uint64_t name = 0;
        if (booking && !(f.given.empty() && f.family.empty())) {
          name_text.assign(f.given).append(1, '|').append(f.family);
          name = stable_hash(name_text, 6);
        }
        values.push_back({stable_hash(v, 100 + static_cast<int>(kind)), labels[i], batch.event_utc[i], name,
                          booking ? static_cast<std::uint32_t>(booking_counts[i]) : 0u, static_cast<std::uint8_t>(kind)});
      };
      add(f.phone, match::AliasEvidenceKind::kPhone);
      add(batch.booking_ref[i], match::AliasEvidenceKind::kBooking);
      add(batch.payment_ref[i], match::AliasEvidenceKind::kPayment);
      add(f.email, match::AliasEvidenceKind::kEmail);
    }
    auto grouped = cluster::shuffle<AliasValue>(ctx, std::move(values), [p](const AliasValue& v) { return static_cast<int>(v.hash % p); });
    std::sort(grouped.begin(), grouped.end(), [](const AliasValue& a, const AliasValue& b) {
      return std::tie(a.kind, a.hash, a.label) < std::tie(b.kind, b.hash, b.label);
    });
    match::AliasWeights aw;
    aw.weight = {cfg.alias_weight_phone, cfg.alias_weight_booking, cfg.alias_weight_payment,
                 cfg.alias_weight_leg_switch, cfg.alias_weight_phone_handover, cfg.alias_weight_near_dob,
                 cfg.alias_weight_same_family, cfg.alias_weight_email, cfg.alias_weight_shared_contacts,
                 cfg.alias_weight_sole_leg_switch};
    aw.threshold = cfg.alias_threshold;
    aw.max_group = cfg.alias_max_group;
    aw.max_dob_days = cfg.alias_max_dob_days;
    aw.concurrent_veto = cfg.alias_concurrent_veto;
    aw.kin_check = cfg.alias_kin_check;
    std::vector<match::AliasEvidence> evidence;
    std::vector<std::uint64_t> ents;
    std::vector<match::BookingLeg> legs;
    std::vector<BookingPassenger> sole_passengers;     // split trips: see continuation_evidence
    std::vector<match::EntityBooking> multi_bookings;
    for (std::size_t i = 0; i < grouped.size();) {
      std::size_t j = i;
      ents.clear();
      legs.clear();
      const auto kind = static_cast<match::AliasEvidenceKind>(grouped[i].kind);
      while (j < grouped.size() && grouped[j].kind == grouped[i].kind && grouped[j].hash == grouped[i].hash) {
        if (ents.empty() || ents.back() != grouped[j].label) ents.push_back(grouped[j].label);
        if (kind == match::AliasEvidenceKind::kBooking)
          legs.push_back({grouped[j].label, grouped[j].utc, grouped[j].name, grouped[j].entity_bookings});
        ++j;
      }
      match::alias_evidence_for_value(ents, kind, grouped[i].hash, aw, evidence);
      if (kind == match::AliasEvidenceKind::kBooking) {
        match::alias_evidence_for_booking(legs, grouped[i].hash, aw, evidence);
        if (ents.size() <= aw.max_booking) booking_passengers(grouped[i].hash, legs, sole_passengers, multi_bookings);
      }
      i = j;
    }
    grouped = std::vector<AliasValue>();
    continuation_evidence(ctx, part, std::move(sole_passengers), std::move(multi_bookings), aw, evidence);
    const match::HandoverParams hp{.max_phone_contacts = static_cast<std::uint32_t>(cfg.handover_max_phone_contacts),
                                   .max_contact_phones = static_cast<std::uint32_t>(cfg.handover_max_contact_phones),
                                   .max_overlap_days = cfg.handover_max_overlap_days,
                                   .max_gap_days = cfg.handover_max_gap_days,
                                   .max_private_phones = static_cast<std::uint32_t>(cfg.handover_max_private_phones),
                                   .min_private_shared = static_cast<std::uint32_t>(cfg.handover_min_private_shared)};
    phone_handover_evidence(ctx, reader, fields, batch.booking_ref, labels, hp, evidence);
    auto at_owner = cluster::shuffle<match::AliasEvidence>(
        ctx, std::move(evidence), [&](const match::AliasEvidence& e) { return part.owner(e.entity_a); });
    identity_evidence(ctx, part, first, fields, labels, aw, at_owner);
    std::vector<match::EntityPair> vetoed;
    links = match::score_aliases(std::move(at_owner), aw, &vetoed);
    if (cfg.alias_group_max_size >= 3) {
      // Alias groups: few links in all (thousands), so every rank gathers them and closes the
      // groups alike; each keeps the inferred pairs whose first entity it owns. Of the vetoed
      // pairs (millions: phones in use at one time) only those between two linked entities can
      // fall inside a group; they are gathered too.
      const auto all = cluster::allgatherv<match::AliasLink>(ctx, std::span<const match::AliasLink>(links));
      std::vector<std::uint64_t> linked;
      for (const auto& l : all) linked.push_back(l.entity_a), linked.push_back(l.entity_b);
      std::sort(linked.begin(), linked.end());
      const auto is_linked = [&](std::uint64_t e) { return std::binary_search(linked.begin(), linked.end(), e); };
      std::erase_if(vetoed, [&](const match::EntityPair& v) { return !is_linked(v.a) || !is_linked(v.b); });
      const auto all_vetoed = cluster::allgatherv<match::EntityPair>(ctx, std::span<const match::EntityPair>(vetoed));
      const auto inferred =
          match::alias_group_links(all, all_vetoed, cfg.alias_group_min_score, cfg.alias_group_max_size);
      std::uint64_t added = 0;
      for (const auto& l : inferred)
        if (part.owner(l.entity_a) == ctx.rank()) links.push_back(l), ++added;
      std::sort(links.begin(), links.end(), [](const match::AliasLink& x, const match::AliasLink& y) {
        return std::tie(x.entity_a, x.entity_b) < std::tie(y.entity_a, y.entity_b);
      });
      spdlog::info("resolve: alias groups: {} links inferred from groups of 3..{} entities (links >= {}; {} vetoed "
                   "pairs between linked entities checked)",
                   cluster::allreduce_sum<std::uint64_t>(ctx, added), cfg.alias_group_max_size,
                   cfg.alias_group_min_score, all_vetoed.size());
    }
  }

  phase.mark("aliases");

  // ---- write /membership, /entities, /aliases -----------------------------------------------------
  {
    io::Table m;
    std::vector<std::uint64_t> obs = batch.obs, ent = label_obs;
    m.add("record_id", std::move(batch.record_id)).add("obs", std::move(obs)).add("entity_id", std::move(ent));
    writer.write_table("/membership", m, io::Codec::kLz4);
  }
  {
    auto t = entity_table(ctx, part, fields, labels);
    // The label rows of this rank's entities are this rank's rows: translate them to obs ids.
    auto& ids = std::get<std::vector<std::uint64_t>>(t.columns()[0].data);
    for (auto& id : ids) id = batch.obs[id - first];
    prov.row_counts["/entities"] = cluster::allreduce_sum<std::uint64_t>(ctx, t.rows());
    writer.write_table("/entities", t, io::Codec::kLz4);
  }
  phase.mark("write /membership, /entities");
  {
    std::vector<std::uint64_t> la, lb;
    for (const auto& l : links) la.push_back(l.entity_a), lb.push_back(l.entity_b);
    const auto oa = obs_of(la);
    const auto ob = obs_of(lb);
    std::vector<double> score;
    std::vector<std::string> evid;
    std::array<std::vector<std::uint32_t>, match::kAliasEvidenceKinds> cnt;
    std::vector<std::uint32_t> group;
    for (const auto& l : links) {
      score.push_back(l.score);
      group.push_back(l.group);
      evid.push_back(match::alias_evidence_text(l));
      for (std::size_t kk = 0; kk < match::kAliasEvidenceKinds; ++kk) cnt[kk].push_back(l.count[kk]);
    }
    io::Table a;
    a.add("entity_a", std::vector<std::uint64_t>(oa)).add("entity_b", std::vector<std::uint64_t>(ob)).add("score", std::move(score)).add("evidence", std::move(evid));
    for (std::size_t kk = 0; kk < match::kAliasEvidenceKinds; ++kk)
      a.add(match::alias_evidence_name(static_cast<match::AliasEvidenceKind>(kk)), std::move(cnt[kk]));
    a.add("alias_group", std::move(group));
    prov.row_counts["/aliases"] = cluster::allreduce_sum<std::uint64_t>(ctx, a.rows());
    writer.write_table("/aliases", a);
  }
  phase.mark("write /aliases");
  prov.row_counts["/membership"] = n;
  prov.write(ctx, writer, env.threads);
  env.fault_point("resolve", "commit");
  writer.commit();
  checkpoint.remove();
  phase.mark("commit");
  spdlog::info("resolve: {} matched pairs, {} entities, {} alias links", matched, prov.row_counts["/entities"],
               prov.row_counts["/aliases"]);
  timer.report(n, 0);
}

void add_resolve_command(Cli& cli) {
  struct Options {
    std::filesystem::path records, out, run;
    std::string config;
    bool resume = false;
  };
  auto o = std::make_shared<Options>();
  auto* sub = cli.add_command("resolve", "Entity resolution: which records are the same person");
  sub->add_option("--records", o->records, "records.h5 from ingest");
  sub->add_option("--out", o->out, "entities.h5 to write");
  sub->add_option("--run", o->run, "Run directory: DIR/records.h5 -> DIR/entities.h5");
  sub->add_option("--config", o->config, "TOML file with a [resolve] section (see docs/resolution.md)");
  sub->add_flag("--resume", o->resume,
                "Continue from the checkpoint an interrupted resolve left in OUTDIR/.resume, if it is current");
  sub->callback([o, &action = cli.action] {
    action = [o](const JobEnv& job_env) {
      JobEnv env = job_env;
      env.resume = o->resume;
      auto records = o->records, out = o->out;
      if (!o->run.empty()) {
        const RunLayout layout{o->run};
        if (records.empty()) records = layout.records();
        if (out.empty()) out = layout.entities();
      }
      if (records.empty() || out.empty()) throw UsageError("resolve: give --records and --out, or --run DIR");
      if (!std::filesystem::is_regular_file(records))
        throw UsageError("resolve: cannot read '" + records.string() + "'");
      resolve(env, records, out, load_resolve_config(env, o->config));
      return 0;
    };
  });
}

}  // namespace ch::jobs
