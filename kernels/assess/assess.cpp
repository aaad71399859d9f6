#include "kernels/assess/assess.hpp"

#include "kernels/community/serial_reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace ch::assess {

Journey classify_journey(std::vector<Leg> legs, double min_stop_hours, double max_stop_hours) {
  std::sort(legs.begin(), legs.end(), [](const Leg& a, const Leg& b) {
    return std::tie(a.departure_utc, a.obs) < std::tie(b.departure_utc, b.obs);
  });
  Journey j;
  j.legs = legs.size();
  if (legs.empty()) return j;
  j.origin = legs.front().origin;
  j.destination = legs.back().destination;
  j.departure_utc = legs.front().departure_utc;
  j.last_departure_utc = legs.back().departure_utc;
  // Going back to an airport left earlier: an escort flying home from the destination. Leg k
  // backtracks when some earlier leg left from its destination: the first leg leaving each
  // airport, found in the legs' origins sorted with their positions (called for every entity
  // that travelled, so no tree of nodes).
  std::vector<std::pair<std::string_view, std::size_t>> left(legs.size());
  for (std::size_t k = 0; k < legs.size(); ++k) left[k] = {legs[k].origin, k};
  std::sort(left.begin(), left.end());
  for (std::size_t k = 0; k < legs.size() && !j.backtracks; ++k) {
    const auto first = std::lower_bound(left.begin(), left.end(), std::pair<std::string_view, std::size_t>{legs[k].destination, 0});
    j.backtracks = first != left.end() && first->first == legs[k].destination && first->second < k;
  }
  // A return to the first origin means a round trip: tourists, business, diaspora visits.
  for (const auto& l : legs)
    if (l.destination == j.origin) {
      j.returns = true;
      return j;
    }
  for (std::size_t i = 0; i + 1 < legs.size(); ++i) {
    const double stop = static_cast<double>(legs[i + 1].departure_utc - legs[i].departure_utc) / 3600.0;
    if (!j.backtracks && legs[i].destination == legs[i + 1].origin && stop >= min_stop_hours && stop <= max_stop_hours) {
      j.one_way_via_hub = true;
      j.transit = legs[i].destination;
      break;
    }
  }
  // Two documents of different countries shown on the way.
  std::string_view shown;
  for (const auto& l : legs) {
    if (l.document_country.empty()) continue;
    if (shown.empty()) shown = l.document_country;
    else if (l.document_country != shown) j.document_swap = j.one_way_via_hub;
  }
  return j;
}

bool same_person_by_name(const PersonName& a, const PersonName& b) {
  if (!a.given.empty() && !a.family.empty() && a.given == b.given && a.family == b.family)
    return a.dob.empty() || b.dob.empty() || a.dob == b.dob;
  // By sound only with a birth date on both: a name's sound alone is shared by many more persons.
  if (a.dob.empty() || a.dob != b.dob || a.given_sound.empty() || a.family_sound.empty()) return false;
  return (a.given_sound == b.given_sound && a.family_sound == b.family_sound) ||
         (a.given_sound == b.family_sound && a.family_sound == b.given_sound);
}

bool calls_like_a_migrant(std::uint32_t call_partners, std::uint32_t max_partners) {
  return call_partners <= max_partners;
}

bool clients_own_phone(const std::vector<PhoneOnBooking>& uses) {
  return !uses.empty() && std::all_of(uses.begin(), uses.end(), [](const PhoneOnBooking& u) {
    return u.smuggling && u.passengers >= 2 && u.holders == 1 && u.holder_is_client;
  });
}

bool contacts_like_a_client(std::int64_t first_other_aide_utc, std::int64_t first_coordinator_utc, double min_days) {
  constexpr auto kNone = std::numeric_limits<std::int64_t>::min();
  if (first_other_aide_utc == kNone || first_coordinator_utc == kNone) return false;
  return static_cast<double>(first_coordinator_utc - first_other_aide_utc) >= min_days * 86400.0;
}

RouteHalves route_halves(const std::vector<Journey>& client_journeys) {
  RouteHalves h;
  for (const auto& j : client_journeys)
    if (j.one_way_via_hub) h.insert({j.origin, j.transit}), h.insert({j.transit, j.destination}), h.insert({j.origin, j.destination});
  return h;
}

bool is_partial_client(const Journey& j, const RouteHalves& halves) {
  return j.legs > 0 && !j.returns && !j.one_way_via_hub && halves.count({j.origin, j.destination}) > 0;
}

bool is_smuggling_booking(std::size_t clients, std::size_t returning, std::size_t passengers) {
  return clients > 0 && (2 * clients >= passengers || 2 * returning < passengers);
}

bool flies_back(const std::vector<Leg>& legs, const std::vector<std::uint64_t>& group_obs, double max_days) {
  for (const auto& g : legs) {
    if (std::find(group_obs.begin(), group_obs.end(), g.obs) == group_obs.end()) continue;
    for (const auto& l : legs)
      if (l.origin == g.destination && l.destination == g.origin && l.departure_utc > g.departure_utc &&
          static_cast<double>(l.departure_utc - g.departure_utc) <= max_days * 86400.0)
        return true;
  }
  return false;
}

bool is_escort(std::vector<std::int64_t> departures_utc, bool flew_back, double min_days) {
  if (departures_utc.empty()) return false;
  if (flew_back) return true;
  if (departures_utc.size() < 2) return false;
  const auto [lo, hi] = std::minmax_element(departures_utc.begin(), departures_utc.end());
  return static_cast<double>(*hi - *lo) >= min_days * 86400.0;
}

std::vector<bool> linked_bookings(const std::vector<std::vector<std::string_view>>& identifiers,
                                  const std::vector<bool>& smuggling, double min_share) {
  std::unordered_map<std::string_view, std::uint32_t> number;
  std::vector<std::uint32_t> first{0}, numbered;
  for (const auto& ids : identifiers) {
    for (const auto id : ids) numbered.push_back(number.try_emplace(id, static_cast<std::uint32_t>(number.size())).first->second);
    first.push_back(static_cast<std::uint32_t>(numbered.size()));
  }
  return linked_bookings(first, numbered, number.size(), smuggling, min_share);
}

std::vector<bool> linked_bookings(std::span<const std::uint32_t> first, std::span<const std::uint32_t> identifiers,
                                  std::size_t numbers, const std::vector<bool>& smuggling, double min_share) {
  const std::size_t n = first.empty() ? 0 : first.size() - 1;
  // Per identifier: bookings showing it, and smuggling ones among them. A booking counts once
  // per identifier however often it shows it: `last` is the booking that counted it last.
  std::vector<std::uint32_t> all(numbers, 0), smuggled(numbers, 0);
  std::vector<std::size_t> last(numbers, std::numeric_limits<std::size_t>::max());
  for (std::size_t b = 0; b < n; ++b)
    for (std::size_t k = first[b]; k < first[b + 1]; ++k) {
      const auto id = identifiers[k];
      if (last[id] == b) continue;
      last[id] = b;
      ++all[id];
      smuggled[id] += smuggling[b] ? 1 : 0;
    }
  std::vector<bool> linked(n, false);
  for (std::size_t b = 0; b < n; ++b) {
    if (smuggling[b]) continue;
    for (std::size_t k = first[b]; k < first[b + 1] && !linked[b]; ++k) {
      const auto id = identifiers[k];
      if (smuggled[id] > 0 && static_cast<double>(smuggled[id]) >= min_share * static_cast<double>(all[id])) linked[b] = true;
    }
  }
  return linked;
}

const char* role_name(MemberRole r) {
  switch (r) {
    case MemberRole::kOrganizer: return "organizer";
    case MemberRole::kRecruiter: return "recruiter";
    case MemberRole::kTransporter: return "transporter";
    case MemberRole::kDocumentSupplier: return "document_supplier";
    case MemberRole::kFinancier: return "financier";
    case MemberRole::kCoordinatorAbroad: return "coordinator_abroad";
    case MemberRole::kClient: return "client";
  }
  return "unknown";
}

RoleVerdict infer_role(const RoleEvidence& e) {
  auto n = [](std::uint32_t v) { return std::to_string(v); };
  if (e.escorted_bookings > 0)
    return {MemberRole::kTransporter, "travelled with " + n(e.escorted_bookings) + " smuggling groups"};
  if (e.paid_bookings > 0)
    return {MemberRole::kFinancier, "own account paid " + n(e.paid_bookings) + " smuggling bookings"};
  if (e.clients_after > e.clients_before && e.clients_after >= 1)
    return {MemberRole::kCoordinatorAbroad, "in contact with " + n(e.clients_after) +
                                                " clients after arrival (" + n(e.clients_before) + " before)"};
  if (e.member_partners >= 3 && 4 * e.member_partners >= 3 * e.max_member_partners &&
      e.destination_partners >= kOrganizerDestinationTies)
    return {MemberRole::kOrganizer, "tied to " + n(e.member_partners) + " other members (organization maximum " +
                                        n(e.max_member_partners) + "), " + n(e.destination_partners) +
                                        " of them dealing with arrived clients"};
  if (e.booked_bookings > 0 || e.clients_before > 0)
    return {MemberRole::kRecruiter, "booked " + n(e.booked_bookings) + " smuggling bookings, in contact with " +
                                        n(e.clients_before) + " clients before departure"};
  if (e.document_changes > 0)
    return {MemberRole::kDocumentSupplier, "tied to " + n(e.document_changes) + " clients who changed documents"};
  return {MemberRole::kRecruiter, "member without specific evidence (" + n(e.member_partners) +
                                      " member ties); default aide role"};
}

double key_actor_score(const RoleEvidence& e, std::uint32_t max_clients_after) {
  const double destination = max_clients_after ? static_cast<double>(e.clients_after) / max_clients_after : 0.0;
  // Ties mark command only in the one who bridges the stages (an organizer by infer_role): inside a
  // stage everyone is densely tied, and ties are rarer within a role, so a stage's minority roles
  // (the destination's financiers) have more ties than its coordinators.
  const bool commands = infer_role(e).role == MemberRole::kOrganizer;
  const double command = commands && e.max_member_partners
                             ? static_cast<double>(e.member_partners) / e.max_member_partners : 0.0;
  const bool operational = e.booked_bookings > 0 || e.escorted_bookings > 0 || e.paid_bookings > 0 || e.clients_before > 0;
  return 0.4 * std::sqrt(std::min(destination, 1.0)) + 0.4 * std::sqrt(std::min(command, 1.0)) +
         0.2 * (operational ? 0.0 : 1.0);
}

bool is_burner(std::int64_t first_utc, std::int64_t last_utc, std::uint32_t uses, double max_days) {
  if (uses == 0) return false;
  return static_cast<double>(last_utc - first_utc) < max_days * 86400.0;
}

double signature_score(const SignatureEvidence& e) {
  auto sat = [](double x, double half) { return x / (x + half); };  // 0 → 0, half → 0.5, ∞ → 1
  const double moving = sat(e.clients, 4.0) * sat(e.smuggling_bookings, 2.0);
  const double organized = sat(e.aides, 3.0);
  const double concealed = sat(static_cast<double>(e.third_party_paid + e.document_swaps + e.burner_phones +
                                                   e.multiple_identities),
                               3.0);
  return 0.6 * moving + 0.25 * organized * (moving > 0 ? 1.0 : 0.0) + 0.15 * concealed * (moving > 0 ? 1.0 : 0.0);
}

double concealment_per_aide(const SignatureEvidence& e) {
  return e.aides ? static_cast<double>(e.burner_phones + e.multiple_identities) / e.aides : 0.0;
}

const char* fate_name(Fate f) {
  switch (f) {
    case Fate::kPersisted: return "persisted";
    case Fate::kSplit: return "split";
    case Fate::kMerged: return "merged";
    case Fate::kDissolved: return "dissolved";
    case Fate::kReconstituted: return "reconstituted";
  }
  return "unknown";
}

namespace {
std::size_t overlap(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  std::size_t common = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] < b[j]) ++i;
    else if (b[j] < a[i]) ++j;
    else ++common, ++i, ++j;
  }
  return common;
}

double jaccard_of(std::size_t a, std::size_t b, std::size_t common) {
  const std::size_t uni = a + b - common;
  return uni ? static_cast<double>(common) / static_cast<double>(uni) : 0.0;
}
}  // namespace

double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  return jaccard_of(a.size(), b.size(), overlap(a, b));
}

std::vector<std::vector<Continuation>> continuations(const std::vector<std::vector<std::uint64_t>>& earlier,
                                                     const std::vector<std::vector<std::uint64_t>>& later_then,
                                                     const FateOptions& o) {
  std::vector<std::vector<Continuation>> parts(earlier.size());
  for (std::size_t i = 0; i < earlier.size(); ++i) {
    for (std::size_t k = 0; k < later_then.size(); ++k) {
      const auto shared = overlap(earlier[i], later_then[k]);
      if (shared == 0) continue;
      const double jac = jaccard_of(earlier[i].size(), later_then[k].size(), shared);
      const double share = static_cast<double>(shared) / static_cast<double>(earlier[i].size());
      if (jac >= o.match_jaccard || share >= o.part_share) parts[i].push_back({jac, shared, k});
    }
    std::sort(parts[i].begin(), parts[i].end(), [](const Continuation& a, const Continuation& b) {
      return a.jaccard != b.jaccard ? a.jaccard > b.jaccard : a.later < b.later;
    });
  }
  return parts;
}

std::vector<FateResult> classify_fates(const std::vector<std::vector<Continuation>>& parts,
                                       const std::vector<std::set<std::int32_t>>& active_months,
                                       const std::vector<std::set<std::int32_t>>& arrest_months,
                                       const std::vector<std::set<std::int32_t>>& later_arrest_months,
                                       std::int32_t earlier_end, std::int32_t later_end, const FateOptions& o) {
  std::map<std::size_t, std::vector<std::pair<std::size_t, std::size_t>>> continues;  // later → (shared, earlier)
  for (std::size_t i = 0; i < parts.size(); ++i)
    for (const auto& c : parts[i]) continues[c.later].push_back({c.shared, i});
  std::vector<FateResult> out(parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto& r = out[i];
    for (const auto& c : parts[i]) r.successors.push_back(c.later), r.best_jaccard = std::max(r.best_jaccard, c.jaccard);
    const auto& months = active_months[i];
    // A continuation holding more of another earlier organization is that one's.
    auto someone_elses = [&](const Continuation& c) {
      for (const auto& [n, j] : continues[c.later])
        if (j != i && (n > c.shared || (n == c.shared && j < i))) return true;
      return false;
    };
    std::vector<std::size_t> own;  // later organizations, best first
    for (const auto& c : parts[i])
      if (!someone_elses(c)) own.push_back(c.later);
    // Raids on its members: the earlier ones and those of its best own continuation (the
    // organization as it is now; an arrest record may show an identity the earlier run never
    // tied to it). Another organization's continuation suffers that one's raids.
    auto raids = arrest_months[i];
    if (!own.empty()) raids.insert(later_arrest_months[own[0]].begin(), later_arrest_months[own[0]].end());
    const bool hit = raids.lower_bound(earlier_end) != raids.lower_bound(later_end);
    // The month that shows how the organization ended: the last, unless a raid hit it then, as
    // it is now (its best own continuation: an arrest of someone the earlier run once counted,
    // whom no continuation holds, says nothing of its last month) — arrests cut that month's
    // record short and whatever the organization does about them comes after the run, so its
    // silence then is no dissolution; the month before stands in.
    const bool raided_last = !own.empty() && later_arrest_months[own[0]].count(later_end);
    const std::int32_t last = raided_last ? later_end - 1 : later_end;
    std::int64_t gap = 0, run = 0;
    for (std::int32_t m = earlier_end + 1; m <= last; ++m) {
      run = months.count(m) ? 0 : run + 1;
      gap = std::max(gap, run);
    }
    if (!hit) r.fate = Fate::kPersisted;
    else if (!months.count(last)) r.fate = Fate::kDissolved;
    else if (gap >= o.gap_months && !parts[i].empty()) r.fate = Fate::kReconstituted;
    else if (own.size() > 1) r.fate = Fate::kSplit;
    else if (own.empty() && !parts[i].empty()) r.fate = Fate::kMerged;
    else r.fate = Fate::kPersisted;
  }
  return out;
}

double lead_score(const LeadEvidence& e) {
  auto sat = [](double x, double half) { return x / (x + half); };
  const double activity = sat(e.clients + 2.0 * e.bookings, 6.0);
  const double concealment = sat((e.identities > 1 ? e.identities - 1.0 : 0.0) + e.burner_phones, 2.0);
  const double s = 0.4 * std::clamp(e.centrality, 0.0, 1.0) + 0.3 * activity + 0.15 * concealment +
                   0.15 * (e.key_role ? 1.0 : 0.0);
  return std::clamp(e.organization_score, 0.0, 1.0) * s;
}

std::string evidence_ids(std::vector<std::string> ids, std::size_t max_ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string out;
  const std::size_t shown = std::min(ids.size(), max_ids);
  for (std::size_t i = 0; i < shown; ++i) {
    if (i) out += ';';
    out += ids[i];
  }
  if (ids.size() > shown) out += ";...(+" + std::to_string(ids.size() - shown) + " more)";
  return out;
}

std::vector<std::uint32_t> predecessors(std::size_t members, std::vector<MemberTie> ties, std::size_t min_part,
                                        std::size_t min_piece) {
  for (auto& t : ties)
    if (t.a > t.b) std::swap(t.a, t.b);
  std::sort(ties.begin(), ties.end(), [](const MemberTie& x, const MemberTie& y) {
    return std::tie(x.month, x.a, x.b) < std::tie(y.month, y.a, y.b);
  });
  // Months in which each member worked (a tie that month), sorted.
  std::vector<std::vector<std::int32_t>> worked(members);
  for (const auto& t : ties)
    for (auto m : {t.a, t.b})
      if (t.a != t.b && (worked[m].empty() || worked[m].back() != t.month)) worked[m].push_back(t.month);
  std::vector<std::uint32_t> parent(members), piece(members, 0);
  std::iota(parent.begin(), parent.end(), 0u);
  std::vector<std::vector<std::uint32_t>> part(members);  // root → its members
  for (std::uint32_t i = 0; i < members; ++i) part[i] = {i};
  constexpr std::int32_t kNever = std::numeric_limits<std::int32_t>::max();
  std::vector<std::int32_t> established(members, kNever);  // root → first month it ended with ≥ min_part
  auto find = [&](std::uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  std::uint32_t pieces = 0;
  for (std::size_t i = 0; i < ties.size();) {
    const auto month = ties[i].month;
    for (; i < ties.size() && ties[i].month == month; ++i) {
      auto ra = find(ties[i].a), rb = find(ties[i].b);
      if (ra == rb) continue;
      // The larger part goes on (ties: the one holding the smaller member).
      if (part[ra].size() < part[rb].size() || (part[ra].size() == part[rb].size() && rb < ra)) std::swap(ra, rb);
      if (established[ra] < month && established[rb] < month) {
        std::vector<std::uint32_t> before;
        for (auto m : part[rb]) {
          if (piece[m] != 0) continue;
          const auto& w = worked[m];
          const auto earlier = static_cast<std::size_t>(std::lower_bound(w.begin(), w.end(), month) - w.begin());
          if (earlier > w.size() - earlier) before.push_back(m);
        }
        if (before.size() >= min_piece) {
          ++pieces;
          for (auto m : before) piece[m] = pieces;
        }
      }
      parent[rb] = ra;
      part[ra].insert(part[ra].end(), part[rb].begin(), part[rb].end());
      part[rb].clear();
      part[rb].shrink_to_fit();
      established[ra] = std::min(established[ra], established[rb]);
    }
    // Parts that reached min_part this month hold a member tied this month.
    for (std::size_t k = i; k-- > 0 && ties[k].month == month;)
      if (const auto r = find(ties[k].a); part[r].size() >= min_part && established[r] == kNever) established[r] = month;
  }
  return piece;
}

std::vector<std::size_t> components(std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& edges) {
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const auto& [a, b] : edges) {
    const auto ra = find(a), rb = find(b);
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);  // root = smallest: order-free
  }
  for (std::size_t i = 0; i < n; ++i) parent[i] = find(i);
  return parent;
}

std::vector<std::size_t> organizations(std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& links,
                                       double resolution) {
  std::vector<community::ReferenceEdge> edges;
  edges.reserve(links.size());
  for (const auto& [a, b] : links) edges.push_back({a, b, 1.0});
  const auto louvain = community::reference_louvain(n, edges, resolution);
  std::vector<std::pair<std::size_t, std::size_t>> kept;
  for (const auto& [a, b] : links)
    if (louvain[a] == louvain[b]) kept.push_back({a, b});
  return components(n, kept);
}

}  // namespace ch::assess
