// Person–person evidence for the network stage, as pure functions over already-grouped data.
//
// Shared identifiers (booking reference, contact phone, e-mail, payment reference, flight) tie
// the persons who share them. A group of n persons contributes to each of its n(n-1)/2 pairs the
// weight w/(n-1) (Newman, Phys. Rev. E 64, 016132, 2001: collaboration weighting), so a booking of
// two ties them strongly while a travel agency's phone shared by hundreds adds almost nothing;
// groups above a hard cap are hubs and add no pairs at all (counted, never silently).
//
// Weights are fixed-point integers (2^-20 units) so that sums over evidence are exact and do not
// depend on the order in which ranks or threads add them — the network is identical for any
// partition.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <span>
#include <string_view>
#include <tuple>
#include <vector>

namespace ch::network {

enum class EdgeType : std::uint8_t {
  kCoBooked = 0, kCoTravelled, kSharedPhone, kSharedEmail, kSharedPayment, kCalls, kCount
};
inline constexpr std::size_t kEdgeTypeCount = static_cast<std::size_t>(EdgeType::kCount);
std::string_view edge_type_name(EdgeType t);  // "co_booked", "co_travelled", ...

inline constexpr double kWeightUnit = 1048576.0;  // 2^20
inline std::int64_t to_fixed(double w) { return static_cast<std::int64_t>(w * kWeightUnit + 0.5); }
inline double from_fixed(std::int64_t w) { return static_cast<double>(w) / kWeightUnit; }

// One piece of evidence for the pair (a < b) in a month.
struct Evidence {
  std::uint64_t a = 0, b = 0;
  std::uint8_t type = 0;
  std::int32_t month = 0;           // months since 1970-01
  std::int64_t weight = 0;          // fixed point
  std::uint64_t count = 0;          // bookings, flights, calls, ... behind the weight
  std::uint64_t seconds = 0;        // call duration
  std::int64_t first_utc = 0, last_utc = 0;
};
// (a, b, type, month). Inline: sorts of tens of millions of items call it through a lambda.
inline bool evidence_key_less(const Evidence& x, const Evidence& y) {
  return std::tie(x.a, x.b, x.type, x.month) < std::tie(y.a, y.b, y.type, y.month);
}
inline bool same_key(const Evidence& x, const Evidence& y) {
  return x.a == y.a && x.b == y.b && x.type == y.type && x.month == y.month;
}

std::int32_t month_of(std::int64_t utc_seconds);

struct GroupStats {
  std::uint64_t groups = 0, hubs = 0, pairs = 0;
};

// Pairs of one group of distinct, sorted persons sharing an identifier at time `utc`.
void group_pairs(std::span<const std::uint64_t> persons, EdgeType type, double type_weight,
                 std::size_t max_group, std::int64_t utc, std::vector<Evidence>& out, GroupStats& stats);

// Sorts by key and merges evidence with the same (a, b, type, month): weights, counts and seconds
// add, first/last take min/max. The result is sorted and unique by key.
std::vector<Evidence> aggregate(std::vector<Evidence> items);

// The network's parameters (set by `--set network.*`, see jobs/network.hpp; recorded in
// network.h5's config so that a partner extract can recompute edges the same way).
struct EdgeRules {
  // Weight per unit of evidence: a booking/phone/e-mail/payment group (split over its members),
  // a shared flight, a call.
  std::array<double, kEdgeTypeCount> weight = {1.0, 0.5, 1.0, 1.0, 1.0, 0.1};
  std::size_t max_group = 200;         // identifier groups larger than this are hubs: no edges
  std::size_t max_flight_group = 150;  // flights with more linked passengers add no co-travel
  std::size_t max_phone_persons = 5;   // calls on a phone used by more persons are not attributed
  std::uint64_t min_co_travel = 2;     // shared flights before two persons count as co-travellers
};

inline constexpr std::int64_t kUnknownTime = std::numeric_limits<std::int64_t>::min();

// One use of an identifier by a person: a booking reference, phone, e-mail or payment reference
// on one of their records, or a flight (carrier + number + day) they were on. `type` is the
// EdgeType the shared identifier yields. The value's bytes are held by IdentifierUses: a use is a
// fixed 40-byte struct, sorted by integers (as a struct around a std::string it took 56 bytes,
// a heap block for long values, and string comparisons in every sort step).
struct IdentifierUse {
  std::uint64_t key = 0;  // identifier_hash(value, type): equal values share it
  std::uint64_t person = 0;
  std::int64_t utc = kUnknownTime;
  std::uint64_t offset = 0;  // the value: IdentifierUses::values[offset, offset + length)
  std::uint32_t length = 0;
  std::uint8_t type = 0;
  // A phone given as a booking's contact: it may be the booker's, not the passenger's own.
  bool contact = false;
};

// Identifier uses and the bytes of their values, one after the other.
struct IdentifierUses {
  std::vector<IdentifierUse> uses;
  std::string values;

  void add(std::string_view value, std::uint64_t person, std::int64_t utc, EdgeType type, bool contact = false);
  // A use whose key is known (it arrived from another rank).
  void add_keyed(std::uint64_t key, std::string_view value, std::uint64_t person, std::int64_t utc,
                 std::uint8_t type, bool contact);
  std::string_view value(const IdentifierUse& u) const { return {values.data() + u.offset, u.length}; }
  std::size_t size() const { return uses.size(); }
};

// The holders of every phone, in flat arrays with an open-addressing index: both ends of tens of
// millions of calls are looked up (a std::map with a std::string built per call end was a quarter
// of the stage; a std::unordered_map of strings to vectors, millions of small nodes, still a tenth
// on one rank).
class PhoneHolders {
 public:
  // Records the holders of `phone` (each phone once).
  void add(std::string_view phone, std::span<const std::uint64_t> holders);
  // The holders of `phone`; nullopt if it was never added.
  std::optional<std::span<const std::uint64_t>> find(std::string_view phone) const;
  std::size_t size() const { return entries_.size(); }
  // Visits every phone and its holders, in the order they were added.
  template <class F>
  void for_each(F&& visit) const {
    for (const auto& e : entries_)
      visit(std::string_view(phones_.data() + e.phone, e.length),
            std::span<const std::uint64_t>(holders_.data() + e.holders, e.count));
  }

 private:
  struct Entry {
    std::uint64_t hash, phone, holders;
    std::uint32_t length, count;
  };
  static constexpr std::uint32_t kEmpty = std::numeric_limits<std::uint32_t>::max();
  void grow();
  void place(std::uint32_t entry);  // into the first free slot from its hash
  std::vector<Entry> entries_;
  std::string phones_;
  std::vector<std::uint64_t> holders_;
  std::vector<std::uint32_t> slots_;  // entry index or kEmpty; a power of two, at most half full
};

// Sorts the uses and turns each group of uses of one identifier into pair evidence with
// group_pairs (time: the group's first use). Uses are grouped by (type, key) and then checked to
// have the same value: uses of two values whose keys collide form two groups, as they should.
// Flights yield one co-travel item per pair and flight, to be counted per pair and kept by
// keep_co_travel. `phones`, when given, receives the holders of every phone (see phone_holders),
// for attributing calls.
std::vector<Evidence> group_identifier_uses(IdentifierUses& uses, const EdgeRules& rules,
                                            std::array<GroupStats, kEdgeTypeCount>& stats,
                                            PhoneHolders* phones);

// Who holds a phone, i.e. answers its calls: the persons who give it as their own (a subscriber
// registration, an arrest record, any record without a booking); failing that, the only person
// who gave it as a booking contact. A contact phone shared by several passengers is the booker's
// (a smuggler's phone on every client's ticket, a parent's on the family's): attributing its
// calls to each passenger would make clients look like they phone each other, so it has no holder.
// Nor has a phone given by more than `max_persons` persons in all (a travel agency's or call
// centre's line, registered to one subscriber but used by hundreds). `uses` are one phone's uses
// sorted by person.
std::vector<std::uint64_t> phone_holders(std::span<const IdentifierUse> uses, std::size_t max_persons);

// The persons a call on `phone` is attributed to: its holders, unless the phone is unknown, has
// no holder or more than max_phone_persons (a call centre) — then none (an empty span).
std::span<const std::uint64_t> call_parties(const PhoneHolders& phones, std::string_view phone,
                                           const EdgeRules& rules);

// A pair's co-flight evidence summed over the whole period (count = shared flights): true if
// they count as co-travellers, and then sets its weight and month.
bool keep_co_travel(Evidence& per_pair, const EdgeRules& rules);

// 64-bit hash of an identifier value, salted by its kind so equal strings of different kinds
// (a phone and a booking reference) never share a group.
std::uint64_t identifier_hash(std::string_view value, std::uint64_t kind);

}  // namespace ch::network
