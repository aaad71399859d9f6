// Phone handover: call-pattern evidence that two resolved entities are one person. A person who
// rotates burner phones uses one phone at a time and keeps calling the same people (organization
// members, clients) from whichever phone is current; each phone may be registered (subscriber
// records) under a different identity. So when phone P2 starts being used about when P1 falls
// silent, and P2's contacts overlap P1's, the entities holding P1 and P2 are probably one person.
// Two phones that share contacts while both are in use are two persons (a veto: relatives and
// colleagues call the same people at the same time) — unless they share several *private*
// contacts, numbers that hardly anyone else calls (a person's family at home): a SIM kept under
// an alias calling the same relatives as the person's own phone. Those are `shared_contacts`
// items (one per private contact), whatever the spans.
//
// Algorithm (three grouping steps; the job runs each after a shuffle, the kernel functions see
// one group at a time):
//   1. by phone:   the calls touching a phone → its active span [first, last day] and its distinct
//                  contacts; phones with more than `max_phone_contacts` contacts are hubs
//                  (agency lines, call centres) and dropped. One row per (contact, phone).
//   2. by contact: a contact reached by 2..`max_contact_phones` distinct phones is rare enough to
//                  say something (a contact of many phones — a travel agency, a popular
//                  number — is not); every pair of its phones held by different entities shares it.
//                  The pair's verdict from the two spans is taken here: concurrent (overlapping by
//                  more than `max_overlap_days`), handover (the later phone starting at most
//                  `max_gap_days` after the earlier one's last call) or neither.
//   3. by (entity pair, phone pair): at least `min_private_shared` distinct shared contacts
//                  reached by ≤ `max_private_phones` phones → `shared_contacts` items (value: the
//                  contact), whatever the spans; otherwise the verdict → one `phone_handover`
//                  item or a `concurrent_phones` veto (value: the phone pair), or nothing.
// Only rare contacts make pairs, so step 2 costs Σ df² over contacts with df ≤ max_contact_phones
// (no all-pairs over phones). Step 1 needs of the calls between two phones only their first and
// last day, so they may be collapsed into one item at any point (`collapse_calls`); step 3 needs
// of a shared contact only whether it is private, so step 2 passes on a non-private contact as the
// verdict alone, and none at all when the verdict is neither. All counts are integers and every
// output is sorted: the result is the same for any partition of the calls. The serial reference
// `phone_handover_serial` runs the three steps on one array; tests compare the stepwise path
// against it and against hand-made cases.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "kernels/match/alias.hpp"

namespace ch::match {

inline constexpr std::uint64_t kNoEntity = std::numeric_limits<std::uint64_t>::max();

struct HandoverParams {
  std::uint32_t max_phone_contacts = 200;  // more distinct contacts: a hub, ignored
  std::uint32_t max_contact_phones = 20;   // a contact of more phones says nothing
  std::int32_t max_overlap_days = 1;       // spans overlapping longer: concurrent phones
  std::int32_t max_gap_days = 60;          // later phone's first call after the earlier's last
  std::uint32_t max_private_phones = 4;    // a contact of at most this many phones is private
  std::uint32_t min_private_shared = 1;    // private contacts shared for `shared_contacts` (0: off)
};

// Calls between `phone` and `contact` as seen from `phone`, on days first_day..last_day (one call:
// first_day = last_day).
struct PhoneCall {
  std::uint64_t phone, contact;
  std::int32_t first_day, last_day;
};

// Sorts `calls` by (phone, contact) and collapses the calls between the same two phones into one
// item spanning their days. Step 1 gives the same rows for the calls before and after.
void collapse_calls(std::vector<PhoneCall>& calls);

// A phone (hash) held by an entity: an observation's own phone (not a booking contact).
struct PhoneHolder {
  std::uint64_t phone, entity;
};

// One row per (contact, phone, holder entity): the phone's span; `entity` is kNoEntity for
// phones nobody holds (they still count towards the contact's number of phones).
struct ContactPhone {
  std::uint64_t contact, phone, entity;
  std::int32_t first_day, last_day;
};

// What two phones' spans say of their holders (step 2).
enum class SpanVerdict : std::uint8_t { kNone, kConcurrent, kHandover };

// The verdict on phone a (days first_a..last_a, held by the smaller entity) and phone b.
SpanVerdict span_verdict(std::int32_t first_a, std::int32_t last_a, std::int32_t first_b, std::int32_t last_b,
                         const HandoverParams& params);

// A contact shared by two phones held by different entities (entity_a < entity_b), reduced to
// what step 3 needs: the phone pair, its verdict (the same for every contact the pair shares) and,
// if the contact is private, the contact.
struct PhonePairShare {
  std::uint64_t entity_a, entity_b;
  std::uint64_t phones;           // phone_pair_value of the two phones
  std::uint64_t private_contact;  // the contact if `is_private`, else 0
  SpanVerdict verdict;
  bool is_private;
};

// Step 1 for the calls of one phone (all `calls[i].phone` equal) and its holders (their
// entities, sorted, distinct). Appends one row per distinct contact and holder (or kNoEntity).
void contacts_of_phone(std::span<const PhoneCall> calls, std::span<const std::uint64_t> holders,
                       const HandoverParams& params, std::vector<ContactPhone>& out);

// Step 1 over many phones: `calls` sorted by phone, `holders` sorted by (phone, entity); joins
// each phone's calls with its holders and applies contacts_of_phone.
void contacts_of_phones(std::span<const PhoneCall> calls, std::span<const PhoneHolder> holders,
                        const HandoverParams& params, std::vector<ContactPhone>& out);

// Step 2 for the rows of one contact (all `rows[i].contact` equal, any order). A pair whose
// verdict is kNone is passed on only through a private contact.
void shares_of_contact(std::span<const ContactPhone> rows, const HandoverParams& params,
                       std::vector<PhonePairShare>& out);

// Step 3 for the shares of one (entity pair, phone pair), any order: kSharedContacts items, a
// kPhoneHandover or kConcurrentPhones item, or nothing.
void handover_evidence(std::span<const PhonePairShare> shares, const HandoverParams& params,
                       std::vector<AliasEvidence>& out);

// Groups `shares` by (entity pair, phone pair) and applies handover_evidence to each group.
void handover_evidence_grouped(std::vector<PhonePairShare> shares, const HandoverParams& params,
                               std::vector<AliasEvidence>& out);

// Serial reference: all three steps over all calls and holders (any order). Output sorted.
std::vector<AliasEvidence> phone_handover_serial(std::vector<PhoneCall> calls, std::vector<PhoneHolder> holders,
                                                 const HandoverParams& params);

// The value of a phone pair's evidence item (distinct per phone pair, independent of order).
std::uint64_t phone_pair_value(std::uint64_t phone_a, std::uint64_t phone_b);

}  // namespace ch::match
