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
// transit of one traveller (a `leg_switch`). Call patterns add `phone_handover` items (one phone
// taking over another's contacts as it falls silent) and a `concurrent_phones` veto (two phones
// sharing contacts while both in use): kernels/match/handover.hpp.
// Identity corroboration: for pairs that already have some evidence, birth dates within
// `max_dob_days` (`near_dob`) and an equal family name (`same_family`) add weight. An alias is
// usually made up around the true identity (a nearby birth date, the family name kept), while two
// persons who share a contact or a booking rarely agree on both; these kinds are weighted so that
// they cannot link a pair on their own with weak evidence (weights below the threshold). A shared
// family name is no corroboration when the birth dates are known, too far apart for `near_dob`,
// and the given names differ: that is the pattern of relatives (a spouse, a sibling, a parent on
// the household's phone), not of one person's made-up identity (`kin_check`).
// A pair's score is Σ_kind weight_kind · min(distinct shared values of that kind, 3); pairs at
// or above `threshold` and without a veto are reported with their evidence counts.
#pragma once

#include <array>
#include <compare>
#include <climits>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ch::match {

enum class AliasEvidenceKind : std::uint8_t {
  kPhone = 0, kBooking, kPayment, kLegSwitch, kPhoneHandover, kNearDob, kSameFamily,  // scored
  kEmail, kSharedContacts, kSoleSwitch,                                               // scored
  kSameFlight, kConcurrentPhones                                                      // vetoes
};
inline constexpr std::size_t kAliasEvidenceKinds = 10;  // scored kinds; the rest are vetoes
const char* alias_evidence_name(AliasEvidenceKind k);
// Kinds that can start a link (shared values, leg switch, handover, shared private contacts);
// near_dob and same_family only corroborate, the rest are vetoes.
constexpr bool alias_kind_is_link(std::uint8_t kind) {
  return kind <= static_cast<std::uint8_t>(AliasEvidenceKind::kPhoneHandover) ||
         kind == static_cast<std::uint8_t>(AliasEvidenceKind::kEmail) ||
         kind == static_cast<std::uint8_t>(AliasEvidenceKind::kSharedContacts) ||
         kind == static_cast<std::uint8_t>(AliasEvidenceKind::kSoleSwitch);
}

struct AliasEvidence {
  std::uint64_t entity_a, entity_b;  // a < b
  std::uint64_t value;               // hash of the shared value (distinct values are counted)
  std::uint8_t kind;
};

struct AliasWeights {
  std::array<double, kAliasEvidenceKinds> weight = {3.0, 1.5, 3.0, 2.5, 1.3, 3.5, 1.4, 1.5, 1.5, 1.5};
  double threshold = 4.0;
  std::size_t max_group = 2;
  std::size_t max_booking = 60;         // bookings compared flight by flight up to this many entities
  std::int64_t max_switch_seconds = 14 * 86400;  // arrival of one identity to departure of the next
  std::int32_t max_dob_days = 31;       // near_dob: birth dates at most this far apart
  bool concurrent_veto = true;          // concurrent_phones vetoes the pair
  bool kin_check = true;                // same_family not counted for a relatives' pattern (above)
};

// What identity corroboration compares: an entity's most frequent birth date (days, or
// kMissingDate), family name (hash, 0 when unknown) and given name (hash of its phonetic key, so
// that transliterations of one name agree; 0 when unknown).
struct EntityTraits {
  std::int32_t dob;
  std::uint64_t family;
  std::uint64_t given = 0;
};
// near_dob / same_family items for the pair (a, b), a < b.
void alias_identity_evidence(std::uint64_t a, std::uint64_t b, const EntityTraits& ta, const EntityTraits& tb,
                             const AliasWeights& weights, std::vector<AliasEvidence>& out);

inline constexpr std::int64_t kUnknownFlightTime = INT64_MIN;

// One passenger row of a booking: the entity, the departure of its flight, the name on the row
// (hash of given and family name; 0 unknown) and the number of distinct bookings of the entity.
struct BookingLeg {
  std::uint64_t entity;
  std::int64_t departure;
  std::uint64_t name = 0;
  std::uint32_t entity_bookings = 1;
};
// Veto and leg-switch evidence for the legs of one booking (any order; unknown times ignored).
// A leg switch that is the only one of both its entities on the booking also yields a
// `sole_leg_switch` item: with one traveller changing documents the pairing is unambiguous, while
// an escort joining at the hub or a second document swap in the group gives each leg-1 entity
// several candidate continuations (only one of them right). Before counting, the candidates are
// narrowed as an analyst would: entities of a switch under one name on both sides are one
// traveller whose document changed (the merge kept them apart), and an entity seen on other
// bookings too is not a group member changing identity (an escort flies with many groups); a
// switch that is the only one of both entities among the rest is sole as well.
void alias_evidence_for_booking(std::vector<BookingLeg> legs, std::uint64_t booking,
                                const AliasWeights& weights, std::vector<AliasEvidence>& out);

// A split trip: a smuggling group flies leg 1 on one booking and leg 2 on another, booked a day
// apart, so a migrant who changes identity at the hub leaves no switch inside either booking.
// Bookings x → y are a *continuation* when at least two entities fly on x and then, within
// `max_switch_seconds`, on y (the group going on); see booking_continuations. What is left of
// the group on each side — passengers seen on that booking only (escorts and the continuing
// members are on both or on many) — is compared like one booking's legs: after setting aside
// pairs under one name, one passenger left on each side whose legs follow each other is a
// `leg_switch` and, being unambiguous, a `sole_leg_switch` (value: `value`, the booking pair).
struct SoleBookingPassenger {
  std::uint64_t entity;
  std::int64_t first, last;  // first and last departure on the booking
  std::uint64_t name;        // hash of given and family name (0 unknown)
};
void alias_evidence_for_continuation(std::span<const SoleBookingPassenger> before,
                                     std::span<const SoleBookingPassenger> after, std::uint64_t value,
                                     const AliasWeights& weights, std::vector<AliasEvidence>& out);

// One booking of an entity seen on several: its first and last departure on it.
struct EntityBooking {
  std::uint64_t entity, booking;
  std::int64_t first, last;
};
struct BookingPair {
  std::uint64_t before, after;
  auto operator<=>(const BookingPair&) const = default;
};
// The bookings of one entity (any order) → the (x, y) pairs where y's legs begin after x's end,
// within `max_switch_seconds`; callers count the entities per pair.
void booking_continuations(std::vector<EntityBooking> bookings, const AliasWeights& weights,
                           std::vector<BookingPair>& out);

// Evidence items for one shared value seen on the (sorted, distinct) `entities`.
void alias_evidence_for_value(std::span<const std::uint64_t> entities, AliasEvidenceKind kind,
                              std::uint64_t value, const AliasWeights& weights,
                              std::vector<AliasEvidence>& out);

struct AliasLink {
  std::uint64_t entity_a, entity_b;
  double score;
  std::array<std::uint32_t, kAliasEvidenceKinds> count;  // distinct shared values per kind
  std::uint32_t group = 0;  // > 0: inferred from an alias group of this many entities (no direct evidence)
};
// Scores evidence grouped by pair; input in any order. Returns links at or above the threshold,
// sorted by (entity_a, entity_b); when `vetoed` is given, the vetoed pairs are appended to it
// (sorted), for the alias-group check below.
struct EntityPair {
  std::uint64_t a, b;
  friend auto operator<=>(const EntityPair&, const EntityPair&) = default;
};
std::vector<AliasLink> score_aliases(std::vector<AliasEvidence> evidence, const AliasWeights& weights,
                                     std::vector<EntityPair>* vetoed = nullptr);
std::string alias_evidence_text(const AliasLink& link);

// Alias groups: the connected components of the links scoring at least `min_score`. An analyst
// who has tied identity B to A and C to A treats A, B and C as one person, although B and C may
// share nothing directly (each alias leaves its traces with the real identity, not with the other
// aliases). Returns, for groups of 3..`max_size` entities, the pairs of the group that are not
// already in `links` (score = the weakest link of the group, counts zero, `group` = its size),
// sorted by (entity_a, entity_b). Larger groups are chains through a wrong link more often than
// one person's identities, and are left as they are; so is a group holding a `vetoed` pair (a < b;
// two of its members flew together or used phones at one time: two persons, joined through a wrong
// link). `links` and `vetoed` in any order; O((L + V) log(L + V)).
std::vector<AliasLink> alias_group_links(std::span<const AliasLink> links, std::span<const EntityPair> vetoed,
                                         double min_score, std::size_t max_size);

}  // namespace ch::match
