// Alias detection: links between *different* resolved entities that are probably one person
// using several identities (a smuggler travelling on two passports, a burner phone registered
// under a false name). Kept apart from merging on purpose: the identities disagree on name,
// birth date or document, so a record-linkage model must not merge them, yet an analyst needs to
// see that they share a phone subscription, a booking, a payment or a seat on the same flight.
//
// Evidence: every value that several entities share (phone, booking reference, payment
// reference) yields one item per pair of those entities. A value shared by more than `max_group`
// entities is a hub (a travel agency's phone, a tour group's booking) and says nothing about
// identity: skipped. Inside one booking, the flights tell two bodies from one: entities on the
// same flight are two persons (a veto: never aliases, whatever else they share — group mates
// share the booker's phone, the payer's account and the booking), while an entity whose legs end
// where another's on the same booking begin, never flying together, is the document swap in
// transit of one traveller (a `leg_switch`).
// A pair's score is Σ_kind weight_kind · min(distinct shared values of that kind, 3); pairs at
// or above `threshold` and without a veto are reported with their evidence counts.
#pragma once

#include <array>
#include <climits>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ch::match {

enum class AliasEvidenceKind : std::uint8_t { kPhone = 0, kBooking, kPayment, kLegSwitch, kSameFlight };
inline constexpr std::size_t kAliasEvidenceKinds = 4;  // scored kinds; kSameFlight is a veto
const char* alias_evidence_name(AliasEvidenceKind k);

struct AliasEvidence {
  std::uint64_t entity_a, entity_b;  // a < b
  std::uint64_t value;               // hash of the shared value (distinct values are counted)
  std::uint8_t kind;
};

struct AliasWeights {
  std::array<double, kAliasEvidenceKinds> weight = {4.0, 1.5, 3.0, 4.0};
  double threshold = 4.0;
  std::size_t max_group = 4;
  std::size_t max_booking = 60;         // bookings compared flight by flight up to this many entities
  std::int64_t max_switch_seconds = 14 * 86400;  // arrival of one identity to departure of the next
};

inline constexpr std::int64_t kUnknownFlightTime = INT64_MIN;

// One passenger row of a booking: the entity and the departure of its flight.
struct BookingLeg {
  std::uint64_t entity;
  std::int64_t departure;
};
// Veto and leg-switch evidence for the legs of one booking (any order; unknown times ignored).
void alias_evidence_for_booking(std::vector<BookingLeg> legs, std::uint64_t booking,
                                const AliasWeights& weights, std::vector<AliasEvidence>& out);

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
