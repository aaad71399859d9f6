// Alias detection: links between *different* resolved entities that are probably one person
// using several identities (a smuggler travelling on two passports, a burner phone registered
// under a false name). Kept apart from merging on purpose: the identities disagree on name,
// birth date or document, so a record-linkage model must not merge them, yet an analyst needs to
// see that they share a phone subscription, a booking, a payment or a seat on the same flight.
//
// Evidence: every value that several entities share (phone, booking reference, payment
// reference, and "birth date + flight + day" for co-travel with an identical birth date) yields
// one item per pair of those entities. A value shared by more than `max_group` entities is a hub
// (a travel agency's phone, a tour group's booking) and says nothing about identity: skipped.
// A pair's score is Σ_kind weight_kind · min(distinct shared values of that kind, 3); pairs at
// or above `threshold` are reported with their evidence counts.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ch::match {

enum class AliasEvidenceKind : std::uint8_t { kPhone = 0, kBooking, kPayment, kDobCoTravel };
inline constexpr std::size_t kAliasEvidenceKinds = 4;
const char* alias_evidence_name(AliasEvidenceKind k);

struct AliasEvidence {
  std::uint64_t entity_a, entity_b;  // a < b
  std::uint64_t value;               // hash of the shared value (distinct values are counted)
  std::uint8_t kind;
};

struct AliasWeights {
  std::array<double, kAliasEvidenceKinds> weight = {4.0, 1.5, 3.0, 3.0};
  double threshold = 4.0;
  std::size_t max_group = 4;
};

// Evidence items for one shared value seen on the (sorted, distinct) `entities`.
void alias_evidence_for_value(std::span<const std::uint64_t> entities, AliasEvidenceKind kind,
                              std::uint64_t value, const AliasWeights& weights,
                              std::vector<AliasEvidence>& out);

struct AliasLink {
  std::uint64_t entity_a, entity_b;
  double score;
  std::array<std::uint32_t, kAliasEvidenceKinds> count;  // distinct shared values per kind
};
// Scores evidence grouped by pair; input in any order. Returns links at or above the threshold,
// sorted by (entity_a, entity_b).
std::vector<AliasLink> score_aliases(std::vector<AliasEvidence> evidence, const AliasWeights& weights);
std::string alias_evidence_text(const AliasLink& link);

}  // namespace ch::match
