// Smuggling organizations over the scenario's months, simulated once in the World constructor
// (identically on every rank: all draws come from streams keyed by org, month and slot).
//
// Model (notes/domain.md): organizations are segmented by route stage (origin, transit,
// destination) with ~15 % organizers and aides in roles (recruiter, transporter/escort, document
// supplier, financier, coordinator abroad) — Campana 2018. Each month an organization moves
// groups of migrants along its corridor. Enforcement operations in some months arrest a share of
// the members of targeted organizations, preferring organizers (key-actor targeting). The
// organization then persists and recruits replacements, splits, merges into another
// organization, or dissolves — and a dissolved organization may reconstitute months later or a
// rival may take over its corridor (Duijn et al. 2014; Giommoni et al. 2021). Members who leave or
// are arrested stop appearing in travel and calls.
//
// Membership semantics: membership(m) is the set of members at the start of month m; events of
// month m (arrests, churn, split/merge/dissolution) take effect from month m + 1. A status other
// than active describes what happened to the organization during that month.
#include <algorithm>
#include <cmath>
#include <tuple>

#include "kernels/world/util.hpp"
#include "kernels/world/world_impl.hpp"

namespace ch::world {
namespace {

struct OrgState {
  std::int32_t corridor = 0;
  bool alive = false;
  std::vector<std::uint32_t> members;
  std::vector<std::uint32_t> dormant;  // members of a dissolved organization, free to return
  std::int64_t parent = -1;
  std::uint32_t founding_size = 0;
};

enum Fate : std::uint8_t { kPersist, kSplitFate, kMergeFate, kDissolveFate };

bool role_is(const SmugglerRec& s, Role r) { return s.role == static_cast<std::uint8_t>(r); }

}  // namespace

void WorldModel::simulate() {
  const auto& op = sc.organizations;
  const auto& en = sc.enforcement;
  const auto corridors = geo.corridors();
  const auto M = static_cast<std::size_t>(months);
  std::vector<OrgState> orgs;
  // Scheduled changes: members joining an organization at month m; organizations (re)appearing.
  std::vector<std::vector<std::pair<std::int32_t, std::uint32_t>>> joins(M + 1);
  std::vector<std::vector<std::int32_t>> births(M + 1);
  std::vector<std::uint8_t> birth_status;

  auto country_of_airport = [&](int a) { return geo.airport(a).country; };

  auto new_member = [&](std::int32_t org, Role role, std::uint64_t key_a,
                        std::uint64_t key_b) -> std::uint32_t {
    Rng r(sc.seed, stream_key(kTagMember, key_a, key_b));
    SmugglerRec rec;
    rec.role = rec.first_role = static_cast<std::uint8_t>(role);
    rec.first_org = org;
    rec.corridor = orgs[static_cast<std::size_t>(org)].corridor;
    const auto& corr = corridors[static_cast<std::size_t>(rec.corridor)];
    switch (role) {
      case Role::kOrganizer: rec.stage = r.chance(0.6) ? kStageOrigin : kStageTransit; break;
      case Role::kRecruiter: rec.stage = kStageOrigin; break;
      case Role::kTransporter: rec.stage = r.chance(0.7) ? kStageTransit : kStageOrigin; break;
      case Role::kDocumentSupplier: rec.stage = r.chance(0.6) ? kStageTransit : kStageOrigin; break;
      case Role::kFinancier: rec.stage = r.chance(0.5) ? kStageOrigin : kStageDestination; break;
      default: rec.stage = kStageDestination; break;
    }
    const int airport = rec.stage == kStageOrigin ? corr.origin
                      : rec.stage == kStageTransit ? corr.hub : corr.destination;
    int op_country = country_of_airport(airport);
    if (op_country < 0) op_country = corr.nationality;
    rec.op_country = static_cast<std::int16_t>(op_country);
    // Most members share the migrants' nationality (diaspora networks); some are locals of the
    // transit or destination country.
    const int local_culture = Geography::countries()[static_cast<std::size_t>(op_country)].culture;
    rec.nationality = static_cast<std::int16_t>(
        r.chance(0.85) || local_culture < 0 ? corr.nationality : op_country);
    rec.culture = static_cast<std::uint8_t>(
        Geography::countries()[static_cast<std::size_t>(rec.nationality)].culture);
    rec.identities = r.chance(op.multi_identity_share) ? static_cast<std::uint8_t>(r.between(2, 4)) : 1;
    rec.sex = r.chance(0.85) ? 0 : 1;
    rec.burner = r.chance(op.burner_share);
    rec.burner_days = std::max(3, static_cast<int>(std::lround(op.burner_days * (0.5 + r.uniform()))));
    rec.burner_offset = static_cast<std::int32_t>(r.below(static_cast<std::uint64_t>(rec.burner_days)));
    rec.age_years = static_cast<std::int32_t>(r.between(20, 62));
    smugglers.push_back(rec);
    return static_cast<std::uint32_t>(smugglers.size() - 1);
  };

  auto aide_role = [&](Rng& r) {
    return static_cast<Role>(static_cast<int>(Role::kRecruiter) +
                             static_cast<int>(r.weighted(op.role_weights)));
  };

  auto ensure_organizer = [&](std::vector<std::uint32_t>& members) {
    for (auto s : members)
      if (role_is(smugglers[s], Role::kOrganizer)) return;
    if (members.empty()) return;
    // Promotion: the longest-serving member (lowest index) takes over.
    const auto s = *std::min_element(members.begin(), members.end());
    smugglers[s].role = static_cast<std::uint8_t>(Role::kOrganizer);
  };

  auto found = [&](std::int32_t corridor, std::int64_t parent) -> std::int32_t {
    orgs.push_back(OrgState{});
    orgs.back().corridor = corridor;
    orgs.back().parent = parent;
    birth_status.push_back(static_cast<std::uint8_t>(OrgStatus::kActive));
    return static_cast<std::int32_t>(orgs.size() - 1);
  };

  // Fresh members for an organization; keys (org, month, slot) keep recruits stable.
  auto staff = [&](std::int32_t o, std::uint32_t size, std::uint64_t month_key) {
    Rng r(sc.seed, stream_key(kTagOrg, static_cast<std::uint64_t>(o), 1000000 + month_key));
    const auto organizers = std::max<std::uint32_t>(
        1, static_cast<std::uint32_t>(std::lround(size * op.organizer_share)));
    for (std::uint32_t i = 0; i < size; ++i) {
      const Role role = i < organizers ? Role::kOrganizer : aide_role(r);
      orgs[static_cast<std::size_t>(o)].members.push_back(
          new_member(o, role, static_cast<std::uint64_t>(o) * 4096 + month_key, i));
    }
  };

  auto draw_size = [&](Rng& r) {
    const double x = op.size_median * std::exp(r.normal(0, op.size_sigma));
    return static_cast<std::uint32_t>(
        std::clamp<long>(std::lround(x), op.size_min, op.size_max));
  };

  for (int o = 0; o < op.count; ++o) {
    Rng r(sc.seed, stream_key(kTagOrg, static_cast<std::uint64_t>(o)));
    const auto id = found(static_cast<std::int32_t>(r.below(corridors.size())), -1);
    const auto size = draw_size(r);
    orgs[static_cast<std::size_t>(id)].founding_size = size;
    staff(id, size, 0);
    births[0].push_back(id);
  }

  std::vector<std::vector<std::uint32_t>> month_members;  // per org, at the start of the month
  std::vector<std::uint8_t> status;
  std::vector<std::int64_t> parent_of;

  for (std::size_t m = 0; m < M; ++m) {
    const std::int32_t m_start = month_start[m], m_end = month_start[m + 1];
    const auto days = static_cast<std::uint64_t>(m_end - m_start);
    // (a) Joins and (re)appearances scheduled for this month.
    for (auto [o, s] : joins[m]) {
      auto& org = orgs[static_cast<std::size_t>(o)];
      if (org.alive || std::find(births[m].begin(), births[m].end(), o) != births[m].end())
        org.members.push_back(s);
    }
    status.assign(orgs.size(), static_cast<std::uint8_t>(OrgStatus::kActive));
    for (auto o : births[m]) {
      auto& org = orgs[static_cast<std::size_t>(o)];
      status[static_cast<std::size_t>(o)] = birth_status[static_cast<std::size_t>(o)];
      if (birth_status[static_cast<std::size_t>(o)] ==
          static_cast<std::uint8_t>(OrgStatus::kReconstituted)) {
        // Former members who were not arrested come back; new recruits fill up.
        Rng r(sc.seed, stream_key(kTagOrgMonth, static_cast<std::uint64_t>(o), m * 16 + 1));
        org.members.clear();
        for (auto s : org.dormant)
          if (smugglers[s].arrest_day == kNever && r.chance(0.7)) org.members.push_back(s);
        org.dormant.clear();
        const auto target = std::max<std::uint32_t>(
            static_cast<std::uint32_t>(op.size_min),
            static_cast<std::uint32_t>(std::lround(0.7 * org.founding_size)));
        for (std::uint32_t i = static_cast<std::uint32_t>(org.members.size()), slot = 0; i < target; ++i, ++slot)
          org.members.push_back(new_member(o, aide_role(r), static_cast<std::uint64_t>(o) * 4096 + m + 1, 1000000 + slot));
        ensure_organizer(org.members);
      }
      org.alive = true;
    }

    // (b) Enforcement operation this month?
    bool operation;
    if (!en.action_months.empty()) {
      operation = std::find(en.action_months.begin(), en.action_months.end(),
                            static_cast<std::int64_t>(m)) != en.action_months.end();
    } else {
      Rng r(sc.seed, stream_key(kTagOperation, m));
      operation = r.chance(en.operations_per_year / 12.0);
    }
    std::vector<std::uint8_t> fate(orgs.size(), kPersist);
    std::vector<std::int32_t> merge_into(orgs.size(), -1);
    std::vector<std::uint32_t> arrested_count(orgs.size(), 0);
    std::vector<std::vector<Role>> arrested_roles(orgs.size());
    std::vector<bool> targeted(orgs.size(), false);
    std::int32_t op_day = m_end;
    if (operation) {
      Rng r(sc.seed, stream_key(kTagOperation, m, 1));
      op_day = m_start + static_cast<std::int32_t>(r.below(days));
      for (std::size_t o = 0; o < orgs.size(); ++o) {
        Rng tr(sc.seed, stream_key(kTagOperation, m, 100 + o));
        targeted[o] = orgs[o].alive && !orgs[o].members.empty() && tr.chance(en.target_share);
      }
      for (std::size_t o = 0; o < orgs.size(); ++o) {
        if (!targeted[o]) continue;
        auto& org = orgs[o];
        Rng tr(sc.seed, stream_key(kTagOperation, m, 100000 + o));
        const auto size = org.members.size();
        const auto k = std::max<std::size_t>(
            1, static_cast<std::size_t>(std::lround(en.arrest_share * static_cast<double>(size))));
        std::vector<double> w(size);
        for (std::size_t i = 0; i < size; ++i)
          w[i] = role_is(smugglers[org.members[i]], Role::kOrganizer) ? en.organizer_bias : 1.0;
        for (std::size_t a = 0; a < std::min(k, size); ++a) {
          const std::size_t i = tr.weighted(w);
          if (w[i] <= 0) break;
          w[i] = 0;
          const auto s = org.members[i];
          auto& rec = smugglers[s];
          // Raids of one operation run over a few days.
          rec.arrest_day = std::min<std::int32_t>(op_day + static_cast<std::int32_t>(tr.below(3)), m_end - 1);
          arrested_roles[o].push_back(static_cast<Role>(rec.role));
          ++arrested_count[o];
          const int airport = geo.home_airport(rec.op_country, tr.next());
          events.push_back(EnforcementEvent{rec.arrest_day, Action::kArrest, smuggler_first + s,
                                            static_cast<std::uint32_t>(tr.below(rec.identities)),
                                            airport, -1});
        }
        std::size_t organizers_left = 0, remaining = 0;
        for (auto s : org.members) {
          if (smugglers[s].arrest_day != kNever) continue;
          ++remaining;
          organizers_left += role_is(smugglers[s], Role::kOrganizer);
        }
        // Partner for a merger: an untargeted organization on the same route, else any.
        std::int32_t partner = -1;
        for (int pass = 0; pass < 2 && partner < 0; ++pass)
          for (std::size_t p = 0; p < orgs.size() && partner < 0; ++p) {
            if (p == o || !orgs[p].alive || targeted[p]) continue;
            const auto& a = corridors[static_cast<std::size_t>(orgs[p].corridor)];
            const auto& b = corridors[static_cast<std::size_t>(org.corridor)];
            if (pass == 1 || a.nationality == b.nationality || a.hub == b.hub)
              partner = static_cast<std::int32_t>(p);
          }
        double p_split = remaining >= 6 ? en.p_split : 0;
        double p_merge = partner >= 0 && remaining > 0 ? en.p_merge : 0;
        double p_dissolve = en.p_dissolve * (organizers_left == 0 ? 2.0 : 1.0) * (remaining < 3 ? 3.0 : 1.0);
        if (remaining == 0) p_split = p_merge = 0, p_dissolve = 1;
        const double sum = p_split + p_merge + p_dissolve;
        if (sum > 1) p_split /= sum, p_merge /= sum, p_dissolve /= sum;
        const double u = tr.uniform();
        OrgStatus st = OrgStatus::kDisrupted;
        if (u < p_split) fate[o] = kSplitFate, st = OrgStatus::kSplit;
        else if (u < p_split + p_merge) fate[o] = kMergeFate, st = OrgStatus::kMerged, merge_into[o] = partner;
        else if (u < p_split + p_merge + p_dissolve) fate[o] = kDissolveFate, st = OrgStatus::kDissolved;
        status[o] = static_cast<std::uint8_t>(st);
      }
    }

    // (c) Natural churn: members leave and are replaced.
    std::vector<std::vector<std::uint32_t>> leavers(orgs.size());
    for (std::size_t o = 0; o < orgs.size(); ++o) {
      if (!orgs[o].alive || targeted[o]) continue;
      Rng r(sc.seed, stream_key(kTagOrgMonth, o, m * 16 + 2));
      std::uint32_t slot = 0;
      for (auto s : orgs[o].members) {
        if (role_is(smugglers[s], Role::kOrganizer) || !r.chance(op.churn_per_month)) continue;
        leavers[o].push_back(s);
        if (m + 1 < M)
          joins[m + 1].emplace_back(static_cast<std::int32_t>(o),
                                    new_member(static_cast<std::int32_t>(o), static_cast<Role>(smugglers[s].role),
                                               o * 4096 + m + 1, 2000000 + slot++));
      }
    }

    // (d) Record the month.
    for (std::size_t o = 0; o < orgs.size(); ++o) {
      const auto& org = orgs[o];
      if (!org.alive) continue;
      OrgMonthRec rec{static_cast<std::int32_t>(m), static_cast<std::int64_t>(o), status[o],
                      fate[o] == kMergeFate ? merge_into[o] : org.parent,
                      static_cast<std::uint32_t>(membership_person.size()),
                      static_cast<std::uint32_t>(org.members.size())};
      for (auto s : org.members) {
        membership_person.push_back(smuggler_first + s);
        membership_role.push_back(smugglers[s].role);
      }
      org_months.push_back(rec);
    }
    // Per-smuggler org for this month (grown as smugglers are added).
    smuggler_org.resize(smugglers.size() * M, -1);
    for (std::size_t o = 0; o < orgs.size(); ++o)
      if (orgs[o].alive)
        for (auto s : orgs[o].members) smuggler_org[s * M + m] = static_cast<std::int32_t>(o);

    // (e) Groups moved this month.
    for (std::size_t o = 0; o < orgs.size(); ++o) {
      const auto& org = orgs[o];
      if (!org.alive || org.members.empty()) continue;
      Rng r(sc.seed, stream_key(kTagTrip, o, m));
      const bool shaken = status[o] != static_cast<std::uint8_t>(OrgStatus::kActive) &&
                          status[o] != static_cast<std::uint8_t>(OrgStatus::kReconstituted);
      const auto groups = r.poisson(op.groups_per_month * (shaken ? 0.7 : 1.0));
      for (std::uint64_t g = 0; g < groups; ++g) {
        const std::int32_t day = m_start + static_cast<std::int32_t>(r.below(days));
        if (fate[o] != kPersist && day >= op_day) continue;  // the organization is falling apart
        auto pick = [&](std::initializer_list<Role> roles) -> std::int32_t {
          std::uint32_t cand[512];
          std::size_t n = 0;
          for (auto s : org.members) {
            if (smugglers[s].arrest_day <= day) continue;
            for (Role rl : roles)
              if (role_is(smugglers[s], rl) && n < 512) cand[n++] = s;
          }
          return n == 0 ? -1 : static_cast<std::int32_t>(cand[r.below(n)]);
        };
        SmugglingTrip t{};
        t.org = static_cast<std::int32_t>(o);
        t.month = static_cast<std::int32_t>(m);
        t.day = day;
        t.corridor = org.corridor;
        t.booker = pick({Role::kRecruiter, Role::kTransporter});
        if (t.booker < 0) t.booker = pick({Role::kOrganizer, Role::kCoordinatorAbroad, Role::kDocumentSupplier, Role::kFinancier});
        if (t.booker < 0) continue;
        t.financier = pick({Role::kFinancier});
        if (t.financier < 0) t.financier = pick({Role::kOrganizer});
        if (t.financier < 0) t.financier = t.booker;
        t.escort = r.chance(op.escort_share) ? pick({Role::kTransporter}) : -1;
        t.split_booking = r.chance(op.split_booking_share);
        t.booker2 = t.split_booking ? pick({Role::kTransporter, Role::kCoordinatorAbroad}) : t.booker;
        if (t.booker2 < 0) t.booker2 = t.booker;
        t.via_agency = r.chance(op.agency_booking_share);
        t.cash = !t.via_agency && r.chance(op.cash_payment_share);
        t.seizure = r.chance(en.seizure_share);
        t.gap_days = static_cast<std::uint8_t>(1 + r.below(5));
        t.migrants = static_cast<std::uint32_t>(
            std::min<std::uint64_t>(12, 1 + r.poisson(op.group_size_mean - 1)));
        trips.push_back(t);
      }
    }

    // (f) Transitions to the next month. Organizations founded here (split children, rivals)
    // start next month or later, so the loop covers only those that existed this month.
    const std::size_t orgs_this_month = fate.size();
    for (std::size_t o = 0; o < orgs_this_month; ++o) {
      auto& org = orgs[o];
      if (!org.alive) continue;
      std::vector<std::uint32_t> keep;
      for (auto s : org.members)
        if (smugglers[s].arrest_day >= m_end &&
            std::find(leavers[o].begin(), leavers[o].end(), s) == leavers[o].end())
          keep.push_back(s);
      org.members = std::move(keep);
      if (!targeted[o] || m + 1 >= M) {
        if (targeted[o] && fate[o] != kPersist) org.alive = fate[o] == kSplitFate;
        continue;
      }
      Rng r(sc.seed, stream_key(kTagOrgMonth, o, m * 16 + 3));
      const auto oi = static_cast<std::int32_t>(o);
      const auto recruits = [&](std::int32_t to, std::size_t n, std::uint32_t base) {
        for (std::size_t i = 0; i < n; ++i) {
          const Role role = i < arrested_roles[o].size() ? arrested_roles[o][i] : aide_role(r);
          joins[m + 1].emplace_back(to, new_member(to, role, static_cast<std::uint64_t>(to) * 4096 + m + 1,
                                                   base + static_cast<std::uint32_t>(i)));
        }
      };
      const auto n_recruits = static_cast<std::size_t>(
          std::lround(en.recruit_share * static_cast<double>(arrested_count[o])));
      switch (fate[o]) {
        case kPersist:
          recruits(oi, n_recruits, 3000000);
          ensure_organizer(org.members);
          break;
        case kSplitFate: {
          // The part at a different route stage breaks away (segmented hierarchies split along
          // stage lines), topped up by random members to about half.
          std::vector<std::uint32_t> a, b;
          const std::uint8_t breakaway = static_cast<std::uint8_t>(r.below(3));
          for (auto s : org.members)
            (smugglers[s].stage == breakaway || r.chance(0.25) ? b : a).push_back(s);
          if (a.empty() || b.empty()) {
            a.clear(), b.clear();
            for (std::size_t i = 0; i < org.members.size(); ++i)
              (i % 2 ? b : a).push_back(org.members[i]);
          }
          org.members = a;
          ensure_organizer(org.members);
          const auto child = found(org.corridor, oi);
          orgs[static_cast<std::size_t>(child)].members = b;
          orgs[static_cast<std::size_t>(child)].founding_size = static_cast<std::uint32_t>(b.size());
          ensure_organizer(orgs[static_cast<std::size_t>(child)].members);
          births[m + 1].push_back(child);
          recruits(oi, n_recruits / 2, 3000000);
          recruits(child, n_recruits - n_recruits / 2, 3500000);
          break;
        }
        case kMergeFate:
          for (auto s : org.members) joins[m + 1].emplace_back(merge_into[o], s);
          org.members.clear();
          org.alive = false;
          break;
        case kDissolveFate: {
          org.dormant = org.members;
          org.members.clear();
          org.alive = false;
          if (r.chance(en.p_reconstitute)) {
            const auto when = m + static_cast<std::size_t>(r.between(2, 6));
            if (when < M) {
              births[when].push_back(oi);
              birth_status[o] = static_cast<std::uint8_t>(OrgStatus::kReconstituted);
            }
          }
          if (r.chance(en.p_rival_entry)) {
            const auto when = m + static_cast<std::size_t>(r.between(1, 3));
            if (when < M) {
              const auto rival = found(org.corridor, -1);
              const auto size = draw_size(r);
              orgs[static_cast<std::size_t>(rival)].founding_size = size;
              staff(rival, size, when + 1);
              births[when].push_back(rival);
            }
          }
          break;
        }
      }
    }
  }
  smuggler_org.resize(smugglers.size() * M, -1);

  // Index organization-months and trips.
  org_count = static_cast<std::int64_t>(orgs.size());
  org_corridor.clear();
  for (const auto& o : orgs) org_corridor.push_back(o.corridor);
  org_month_index.assign(M * orgs.size(), -1);
  for (std::size_t i = 0; i < org_months.size(); ++i)
    org_month_index[static_cast<std::size_t>(org_months[i].month) * orgs.size() +
                    static_cast<std::size_t>(org_months[i].org)] = static_cast<std::int32_t>(i);
  trips_by_org_month.assign(M * orgs.size(), {});
  std::uint32_t cursor = 0;
  for (std::size_t t = 0; t < trips.size(); ++t) {
    auto& trip = trips[t];
    trip.first_migrant = cursor;
    for (std::uint32_t i = 0; i < trip.migrants; ++i) migrant_trip.push_back(static_cast<std::uint32_t>(t));
    cursor += trip.migrants;
    trips_by_org_month[static_cast<std::size_t>(trip.month) * orgs.size() +
                       static_cast<std::size_t>(trip.org)].push_back(static_cast<std::uint32_t>(t));
  }
}

void WorldModel::add_background_events() {
  // Seizures of forged documents and refusals of entry on smuggling trips.
  for (std::size_t t = 0; t < trips.size(); ++t) {
    const auto& trip = trips[t];
    if (!trip.seizure) continue;
    Rng r(sc.seed, stream_key(kTagEnforcement, 1, t));
    const std::uint64_t mi = trip.first_migrant + r.below(trip.migrants);
    const auto plan = migrant_plan(mi);
    const auto& corr = geo.corridors()[static_cast<std::size_t>(trip.corridor)];
    const std::int32_t day = trip.day + trip.gap_days;
    if (day >= end_day) continue;
    const bool refusal = r.chance(0.4);
    events.push_back(EnforcementEvent{refusal ? day + 1 : day,
                                      refusal ? Action::kRefusal : Action::kSeizure,
                                      migrant_first + mi, plan.alias ? 1u : 0u,
                                      refusal ? corr.destination : corr.hub, 1});
    if (events.back().day >= end_day) events.pop_back();
  }
  // Unrelated enforcement (customs seizures, overstays, other crime): the confounders.
  const auto dest = geo.with_role(kDestinationRole);
  for (int m = 0; m < months; ++m) {
    Rng r(sc.seed, stream_key(kTagBackground, static_cast<std::uint64_t>(m)));
    const auto n = r.poisson(sc.enforcement.background_per_month);
    const auto days = static_cast<std::uint64_t>(month_start[static_cast<std::size_t>(m) + 1] -
                                                 month_start[static_cast<std::size_t>(m)]);
    for (std::uint64_t i = 0; i < n && legit_count > 0; ++i) {
      const std::uint64_t pid = r.below(traveller_count > 0 ? traveller_count : legit_count);
      static constexpr Action kActions[] = {Action::kArrest, Action::kSeizure, Action::kSeizure,
                                            Action::kRefusal, Action::kDetention};
      events.push_back(EnforcementEvent{
          month_start[static_cast<std::size_t>(m)] + static_cast<std::int32_t>(r.below(days)),
          kActions[r.below(std::size(kActions))], pid, 0,
          dest[r.below(dest.size())], -1});
    }
  }
  std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) {
    return std::tie(a.day, a.person, a.action) < std::tie(b.day, b.person, b.action);
  });
}

}  // namespace ch::world
