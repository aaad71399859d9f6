// The comparison kernel of entity resolution: two observations' identity fields → one
// comparison level per field (the input of the Fellegi–Sunter model in fellegi_sunter.hpp).
//
// Field comparators and their levels (0 is always "missing on either side", the highest level
// the strongest agreement):
//   name        1 different · 2 similar (Jaro–Winkler ≥ 0.80, equal Double Metaphone key, or
//               token-set ≥ 0.5 for multi-part names) · 3 close (JW ≥ 0.92 or one OSA edit)
//               · 4 exact. Jaro (1989), Winkler (1990), Damerau/OSA, token sets.
//   date        1 different · 2 within one year · 3 same year · 4 day/month swapped or one digit
//               off in YYYYMMDD (a typing error) · 5 exact.
//   identifier  1 different · 2 one OSA edit (typo, transposition; ≥ 5 characters) · 3 exact.
//   exact       1 different · 2 equal.
// Family and given name are compared jointly: when the crossed assignment (given↔family) agrees
// better than the direct one, the crossed levels are used — swapped name order is a frequent
// data-entry convention difference, not a disagreement.
//
// Term-frequency adjustment (Winkler 1988; as in Splink): agreement on a common value is weaker
// evidence than agreement on a rare one. For an exact name agreement on value v the u probability
// P(agree | non-match) = Σ_v tf(v)² (measured on random pairs) is replaced by tf(v), i.e. the
// weight gains log2(Σ tf² / tf(v)) — zero on average, negative for common names.
//
// Pure, node-local; compare_pairs runs the pairs in parallel with oneTBB. Cost per pair is a few
// hundred ns (names ≤ 64 bytes use the bit-parallel comparators of similarity.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kernels/match/fellegi_sunter.hpp"
#include "kernels/match/observation.hpp"
#include "kernels/match/similarity.hpp"

namespace ch::match {

enum class FieldKind : std::uint8_t { kName = 0, kDate, kIdentifier, kExact };
std::uint8_t level_count(FieldKind kind);
// Human-readable label of a level ("exact", "jw>=0.92", ...), for /model/levels and explain.
std::string level_label(FieldKind kind, std::uint8_t level);

std::uint8_t name_level(std::string_view a, std::string_view b, std::string_view phon_a1,
                        std::string_view phon_a2, std::string_view phon_b1, std::string_view phon_b2);
std::uint8_t date_level(std::int32_t days_a, std::int32_t days_b);
std::uint8_t identifier_level(std::string_view a, std::string_view b);
std::uint8_t exact_level(std::string_view a, std::string_view b);

// Which comparisons the model uses. Names and dob are always present; the others only when the
// records carry the column (a comparison that is missing everywhere would carry no information).
struct ComparisonSpec {
  bool sex = false, nationality = false, document = false, phone = false, email = false;
  std::vector<std::pair<std::string, FieldKind>> extra;  // column name, comparator

  std::vector<ComparisonLevels> levels() const;          // fellegi_sunter spec, in kernel order
  std::vector<FieldKind> kinds() const;                  // comparator per comparison
  std::size_t size() const;
};
inline constexpr std::size_t kMaxComparisons = 24;
inline constexpr std::size_t kFamilyComparison = 0, kGivenComparison = 1, kDobComparison = 2;

// Comparison levels of one pair plus which value agreed exactly on the name comparisons (for TF).
struct PairLevels {
  std::uint8_t level[kMaxComparisons] = {};
  bool names_swapped = false;
};
PairLevels compare_observations(const ObservationView& a, const ObservationView& b, const ComparisonSpec& spec);

// Levels of many pairs (indices into `observations`), in parallel; out[i] belongs to pairs[i].
std::vector<PairLevels> compare_pairs(const ObservationStore& observations,
                                      std::span<const std::pair<std::uint32_t, std::uint32_t>> pairs,
                                      const ComparisonSpec& spec);
// The same over two stores taken as one: index i < head.size() is head[i], larger indices
// address tail. A rank's own observations and those fetched from others are then compared
// without first copying both into one store.
std::vector<PairLevels> compare_pairs(const ObservationStore& head, const ObservationStore& tail,
                                      std::span<const std::pair<std::uint32_t, std::uint32_t>> pairs,
                                      const ComparisonSpec& spec);

// Term-frequency adjustment in bits for an exact agreement on a value seen `value_count` times
// among `total` observations that have the field, given the model's u of the exact level.
// Clamped to [-max_bits, max_bits] so one extremely rare or common value cannot decide alone.
double tf_adjustment(double u_exact, std::uint64_t value_count, std::uint64_t total, double max_bits);

// Total weight of a pair: the model weight of its levels plus the TF adjustments of exact name
// agreements (given/family counts of `a`, crossed when the names were compared swapped).
struct TfTotals {
  std::uint64_t given = 0, family = 0;  // observations having the field
  double max_bits = 6.0;
  bool enabled = true;
  // P(exact agreement) among random pairs (= Σ_v tf(v)²), the baseline the value's tf replaces.
  // When the model's u comes from blocked candidates it is far above Σ tf² and would turn every
  // name into "rare"; 0 = use the model's u.
  double u_family_exact = 0, u_given_exact = 0;
};
double pair_weight(const FsModel& model, const PairLevels& levels, const ObservationView& a,
                   const TfTotals& tf);
// The same from its parts: the pattern's weight (FsModel::match_weight of the levels, which a
// caller scoring many pairs computes once per pattern) and the names' TF terms (pair_tf_terms).
inline double pair_weight(double pattern_weight, std::pair<double, double> tf_terms) {
  return pattern_weight + tf_terms.first + tf_terms.second;
}
// The TF part alone, per name comparison (family, given), for explain.
std::pair<double, double> pair_tf_terms(const FsModel& model, const PairLevels& levels,
                                        const ObservationView& a, const TfTotals& tf);
// The same from `a`'s exact-value counts alone: for a rank that scores pairs whose first row it
// does not hold.
std::pair<double, double> pair_tf_terms(const FsModel& model, const PairLevels& levels, NameCounts a,
                                        const TfTotals& tf);
// Split in two for a caller scoring many pairs per row: the terms an exact agreement on family
// and given name would get (once per row: a log2 each), then those the pair's levels keep.
std::pair<double, double> exact_name_tf_terms(const FsModel& model, NameCounts a, const TfTotals& tf);
std::pair<double, double> pair_tf_terms(const PairLevels& levels, std::pair<double, double> exact_terms);

}  // namespace ch::match
