// String and date similarity measures for entity resolution, on already-normalized ASCII
// (ingest folds Unicode, case and punctuation first).
//
// Measures and sources:
//  - Jaro (1989) and the Winkler (1990) prefix bonus: the classic name comparator of record
//    linkage; O(|a|·|b|) worst case but names are short.
//  - Levenshtein distance with Myers' bit-vector algorithm (J. ACM 46(3), 1999) as formulated by
//    Hyyrö (2001): O(⌈m/64⌉·n) word operations; the common case (pattern ≤ 64 chars) is one word.
//  - Optimal-string-alignment Damerau–Levenshtein (adjacent transpositions count 1), O(m·n),
//    with a banded early exit when only "distance ≤ k" matters.
//  - Token-set similarity for multi-part names (Jaccard over name tokens, order-free), so
//    "al hassan mohammed" matches "mohammed al hassan".
// All functions are pure, allocation-free for inputs up to 64 bytes, and thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace ch::match {

double jaro(std::string_view a, std::string_view b);
// Winkler's variant: boosts pairs sharing a prefix of up to 4 chars by p=0.1 per char.
double jaro_winkler(std::string_view a, std::string_view b, double prefix_scale = 0.1);

// Edit distance (insert, delete, substitute = 1).
std::uint32_t levenshtein(std::string_view a, std::string_view b);
// Reference O(m·n) dynamic programme; tests compare the bit-parallel version against it.
std::uint32_t levenshtein_reference(std::string_view a, std::string_view b);
// Edit distance where swapping two adjacent characters also costs 1 (OSA variant).
std::uint32_t damerau_levenshtein(std::string_view a, std::string_view b);
// damerau_levenshtein(a, b) <= 1, in one pass without the dynamic programme: equal, or one
// substitution, insertion, deletion or adjacent transposition apart. The comparison kernel asks
// only this question, for most candidate pairs.
bool within_one_edit(std::string_view a, std::string_view b);

// |tokens(a) ∩ tokens(b)| / |tokens(a) ∪ tokens(b)|, tokens split on spaces and hyphens.
double token_set_similarity(std::string_view a, std::string_view b);

// Agreement of two dates given as days since 1970-01-01 (INT32_MIN = missing).
enum class DateAgreement : std::uint8_t {
  kMissing = 0,     // either side unknown
  kExact,
  kDayMonthSwapped, // 1985-03-07 vs 1985-07-03: a classic data-entry error
  kSameYear,
  kWithinOneYear,   // different years, but the same day and month or at most 366 days apart
  kDifferent,
};
inline constexpr std::int32_t kMissingDate = INT32_MIN;
DateAgreement compare_dates(std::int32_t days_a, std::int32_t days_b);

// Civil date ↔ days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
std::int32_t days_from_civil(int year, unsigned month, unsigned day);
void civil_from_days(std::int32_t days, int& year, unsigned& month, unsigned& day);

}  // namespace ch::match
