#include "kernels/match/alias.hpp"

#include "kernels/match/similarity.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <iterator>
#include <tuple>
#include <utility>

namespace ch::match {

const char* alias_evidence_name(AliasEvidenceKind k) {
  switch (k) {
    case AliasEvidenceKind::kPhone: return "shared_phone";
    case AliasEvidenceKind::kBooking: return "shared_booking";
    case AliasEvidenceKind::kPayment: return "shared_payment";
    case AliasEvidenceKind::kLegSwitch: return "leg_switch";
    case AliasEvidenceKind::kPhoneHandover: return "phone_handover";
    case AliasEvidenceKind::kNearDob: return "near_dob";
    case AliasEvidenceKind::kSameFamily: return "same_family";
    case AliasEvidenceKind::kEmail: return "shared_email";
    case AliasEvidenceKind::kSharedContacts: return "shared_contacts";
    case AliasEvidenceKind::kSoleSwitch: return "sole_leg_switch";
    case AliasEvidenceKind::kSameFlight: return "same_flight";
    case AliasEvidenceKind::kConcurrentPhones: return "concurrent_phones";
  }
  return "?";
}

void alias_evidence_for_value(std::span<const std::uint64_t> entities, AliasEvidenceKind kind,
                              std::uint64_t value, const AliasWeights& weights,
                              std::vector<AliasEvidence>& out) {
  if (entities.size() < 2 || entities.size() > weights.max_group) return;
  for (std::size_t i = 0; i < entities.size(); ++i)
    for (std::size_t j = i + 1; j < entities.size(); ++j)
      out.push_back({entities[i], entities[j], value, static_cast<std::uint8_t>(kind)});
}

void alias_evidence_for_booking(std::vector<BookingLeg> legs, std::uint64_t booking,
                                const AliasWeights& weights, std::vector<AliasEvidence>& out) {
  std::erase_if(legs, [](const BookingLeg& l) { return l.departure == kUnknownFlightTime; });
  // Sorted in full, so that what follows does not depend on the order the legs arrived in.
  const auto key = [](const BookingLeg& l) { return std::tie(l.entity, l.departure, l.name, l.entity_bookings); };
  std::sort(legs.begin(), legs.end(), [&](const BookingLeg& x, const BookingLeg& y) { return key(x) < key(y); });
  // Per entity: its distinct departures, sorted; its names; whether it is seen on other bookings too.
  std::vector<std::pair<std::uint64_t, std::vector<std::int64_t>>> flights;
  std::vector<std::vector<std::uint64_t>> names;
  std::vector<bool> elsewhere;
  for (const auto& l : legs) {
    if (flights.empty() || flights.back().first != l.entity) {
      flights.push_back({l.entity, {}});
      names.emplace_back();
      elsewhere.push_back(false);
    }
    auto& deps = flights.back().second;
    if (deps.empty() || deps.back() != l.departure) deps.push_back(l.departure);
    if (l.name != 0) names.back().push_back(l.name);
    if (l.entity_bookings > 1) elsewhere.back() = true;
  }
  if (flights.size() < 2 || flights.size() > weights.max_booking) return;
  for (auto& n : names) std::sort(n.begin(), n.end());
  std::vector<std::uint32_t> switches(flights.size(), 0);
  std::vector<std::pair<std::size_t, std::size_t>> switched;
  for (std::size_t i = 0; i < flights.size(); ++i)
    for (std::size_t j = i + 1; j < flights.size(); ++j) {
      const auto& a = flights[i].second;
      const auto& b = flights[j].second;
      std::vector<std::int64_t> both;
      std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
      const auto kind = !both.empty() ? AliasEvidenceKind::kSameFlight
                      : (a.back() < b.front() && b.front() - a.back() <= weights.max_switch_seconds) ||
                                (b.back() < a.front() && a.front() - b.back() <= weights.max_switch_seconds)
                          ? AliasEvidenceKind::kLegSwitch
                          : AliasEvidenceKind::kBooking;  // interleaved legs: just the shared booking
      if (kind != AliasEvidenceKind::kBooking)
        out.push_back({flights[i].first, flights[j].first, booking, static_cast<std::uint8_t>(kind)});
      if (kind == AliasEvidenceKind::kLegSwitch) ++switches[i], ++switches[j], switched.emplace_back(i, j);
    }
  // Narrowing (see the header): out of the pool go both entities of a switch under one name, and
  // entities seen on other bookings.
  std::vector<bool> out_of_pool = elsewhere;
  for (const auto& [i, j] : switched) {
    std::vector<std::uint64_t> common;
    std::set_intersection(names[i].begin(), names[i].end(), names[j].begin(), names[j].end(), std::back_inserter(common));
    if (!common.empty()) out_of_pool[i] = out_of_pool[j] = true;
  }
  std::vector<std::uint32_t> narrowed(flights.size(), 0);
  for (const auto& [i, j] : switched)
    if (!out_of_pool[i] && !out_of_pool[j]) ++narrowed[i], ++narrowed[j];
  for (const auto& [i, j] : switched)
    if ((switches[i] == 1 && switches[j] == 1) ||
        (!out_of_pool[i] && !out_of_pool[j] && narrowed[i] == 1 && narrowed[j] == 1))
      out.push_back({flights[i].first, flights[j].first, booking, static_cast<std::uint8_t>(AliasEvidenceKind::kSoleSwitch)});
}

void alias_evidence_for_continuation(std::span<const SoleBookingPassenger> before,
                                     std::span<const SoleBookingPassenger> after, std::uint64_t value,
                                     const AliasWeights& weights, std::vector<AliasEvidence>& out) {
  const auto same_name = [](const SoleBookingPassenger& p, std::span<const SoleBookingPassenger> other) {
    return p.name != 0 && std::any_of(other.begin(), other.end(), [&](const auto& q) { return q.name == p.name; });
  };
  const SoleBookingPassenger* a = nullptr;
  const SoleBookingPassenger* b = nullptr;
  std::size_t left_a = 0, left_b = 0;
  for (const auto& p : before)
    if (!same_name(p, after)) a = &p, ++left_a;
  for (const auto& q : after)
    if (!same_name(q, before)) b = &q, ++left_b;
  if (left_a != 1 || left_b != 1 || a->entity == b->entity) return;
  if (!(a->last < b->first && b->first - a->last <= weights.max_switch_seconds)) return;
  const auto lo = std::min(a->entity, b->entity), hi = std::max(a->entity, b->entity);
  out.push_back({lo, hi, value, static_cast<std::uint8_t>(AliasEvidenceKind::kLegSwitch)});
  out.push_back({lo, hi, value, static_cast<std::uint8_t>(AliasEvidenceKind::kSoleSwitch)});
}

void booking_continuations(std::vector<EntityBooking> bookings, const AliasWeights& weights,
                           std::vector<BookingPair>& out) {
  std::sort(bookings.begin(), bookings.end(), [](const EntityBooking& x, const EntityBooking& y) {
    return std::tie(x.first, x.booking) < std::tie(y.first, y.booking);
  });
  for (std::size_t i = 0; i < bookings.size(); ++i)
    for (std::size_t j = i + 1; j < bookings.size(); ++j) {
      const auto& x = bookings[i];
      const auto& y = bookings[j];
      if (y.first - x.last > weights.max_switch_seconds) break;  // sorted by first: later ones start later still
      if (x.booking != y.booking && x.last < y.first) out.push_back({x.booking, y.booking});
    }
}

void alias_identity_evidence(std::uint64_t a, std::uint64_t b, const EntityTraits& ta, const EntityTraits& tb,
                             const AliasWeights& weights, std::vector<AliasEvidence>& out) {
  const bool dobs_known = ta.dob != kMissingDate && tb.dob != kMissingDate;
  const bool near = dobs_known && std::abs(static_cast<std::int64_t>(ta.dob) - tb.dob) <= weights.max_dob_days;
  if (near) out.push_back({a, b, 0, static_cast<std::uint8_t>(AliasEvidenceKind::kNearDob)});
  // Relatives: one surname, other given names, born apart. On small this removed 94 of the 234
  // false links and 10 of the 1,039 true alias pairs found (aliases with a birth date years off).
  const bool kin = weights.kin_check && dobs_known && !near && ta.given != 0 && tb.given != 0 && ta.given != tb.given;
  if (ta.family != 0 && ta.family == tb.family && !kin)
    out.push_back({a, b, 0, static_cast<std::uint8_t>(AliasEvidenceKind::kSameFamily)});
}

std::vector<AliasLink> score_aliases(std::vector<AliasEvidence> evidence, const AliasWeights& weights,
                                     std::vector<EntityPair>* vetoed) {
  auto key = [](const AliasEvidence& e) { return std::tie(e.entity_a, e.entity_b, e.kind, e.value); };
  std::sort(evidence.begin(), evidence.end(),
            [&](const AliasEvidence& x, const AliasEvidence& y) { return key(x) < key(y); });
  evidence.erase(std::unique(evidence.begin(), evidence.end(),
                             [&](const AliasEvidence& x, const AliasEvidence& y) { return key(x) == key(y); }),
                 evidence.end());
  std::vector<AliasLink> out;
  std::size_t i = 0;
  while (i < evidence.size()) {
    AliasLink link{evidence[i].entity_a, evidence[i].entity_b, 0.0, {}};
    bool apart = false;  // seen on one flight, or phones sharing contacts at one time: two persons
    for (; i < evidence.size() && evidence[i].entity_a == link.entity_a &&
           evidence[i].entity_b == link.entity_b;
         ++i) {
      if (evidence[i].kind < kAliasEvidenceKinds) ++link.count[evidence[i].kind];
      else if (evidence[i].kind != static_cast<std::uint8_t>(AliasEvidenceKind::kConcurrentPhones) ||
               weights.concurrent_veto)
        apart = true;
    }
    for (std::size_t k = 0; k < kAliasEvidenceKinds; ++k)
      link.score += weights.weight[k] * std::min<std::uint32_t>(link.count[k], 3);
    if (!apart && link.score >= weights.threshold) out.push_back(link);
    if (apart && vetoed != nullptr) vetoed->push_back({link.entity_a, link.entity_b});
  }
  return out;
}

std::vector<AliasLink> alias_group_links(std::span<const AliasLink> links, std::span<const EntityPair> vetoed,
                                         double min_score, std::size_t max_size) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> direct, strong;
  for (const auto& l : links) {
    direct.emplace_back(std::min(l.entity_a, l.entity_b), std::max(l.entity_a, l.entity_b));
    if (l.score >= min_score) strong.push_back(direct.back());
  }
  std::sort(direct.begin(), direct.end());
  std::sort(strong.begin(), strong.end());
  // Union-find over the entities of strong links; the root is the smallest entity (order-free).
  std::map<std::uint64_t, std::uint64_t> parent;
  const auto find = [&](std::uint64_t x) {
    auto r = x;
    while (parent[r] != r) r = parent[r];
    while (parent[x] != r) x = std::exchange(parent[x], r);
    return r;
  };
  for (const auto& [a, b] : strong) parent.try_emplace(a, a), parent.try_emplace(b, b);
  for (const auto& [a, b] : strong) {
    const auto ra = find(a), rb = find(b);
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
  }
  std::map<std::uint64_t, std::vector<std::uint64_t>> groups;
  for (const auto& [e, _] : parent) groups[find(e)].push_back(e);  // members ascending
  std::map<std::uint64_t, double> weakest;  // per group root
  for (const auto& l : links)
    if (l.score >= min_score) {
      const auto r = find(l.entity_a);
      const auto it = weakest.find(r);
      if (it == weakest.end() || l.score < it->second) weakest[r] = l.score;
    }
  std::set<std::uint64_t> two_persons;  // roots of groups holding a vetoed pair
  for (const auto& [a, b] : vetoed)
    if (parent.contains(a) && parent.contains(b) && find(a) == find(b)) two_persons.insert(find(a));
  std::vector<AliasLink> out;
  for (const auto& [root, members] : groups) {
    if (members.size() < 3 || members.size() > max_size || two_persons.contains(root)) continue;
    for (std::size_t i = 0; i < members.size(); ++i)
      for (std::size_t j = i + 1; j < members.size(); ++j) {
        const std::pair<std::uint64_t, std::uint64_t> p{members[i], members[j]};
        if (std::binary_search(direct.begin(), direct.end(), p)) continue;
        AliasLink l{p.first, p.second, weakest[root], {}};
        l.group = static_cast<std::uint32_t>(members.size());
        out.push_back(l);
      }
  }
  std::sort(out.begin(), out.end(), [](const AliasLink& x, const AliasLink& y) {
    return std::tie(x.entity_a, x.entity_b) < std::tie(y.entity_a, y.entity_b);
  });
  return out;
}

std::string alias_evidence_text(const AliasLink& link) {
  if (link.group > 0) return "alias_group=" + std::to_string(link.group);
  std::string out;
  for (std::size_t k = 0; k < kAliasEvidenceKinds; ++k) {
    if (link.count[k] == 0) continue;
    if (!out.empty()) out += ';';
    out += alias_evidence_name(static_cast<AliasEvidenceKind>(k));
    out += '=' + std::to_string(link.count[k]);
  }
  return out;
}

}  // namespace ch::match
