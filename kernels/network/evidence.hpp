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

#include <cstdint>
#include <span>
#include <string_view>
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
bool evidence_key_less(const Evidence& x, const Evidence& y);  // (a, b, type, month)
bool same_key(const Evidence& x, const Evidence& y);

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

// 64-bit hash of an identifier value, salted by its kind so equal strings of different kinds
// (a phone and a booking reference) never share a group.
std::uint64_t identifier_hash(std::string_view value, std::uint64_t kind);

}  // namespace ch::network
