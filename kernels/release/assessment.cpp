#include "kernels/release/assessment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <tuple>

namespace ch::release {

namespace {

// The released persons of each assessed organization, by run organization id: a member entity
// stands for every released person of its releasable observations (rule 1 may have split it).
std::map<std::int64_t, std::set<std::uint64_t>> candidates(const std::vector<RunMember>& members,
                                                         const std::vector<Observation>& observations,
                                                         const std::vector<std::uint64_t>& person_of) {
  std::map<std::uint64_t, std::set<std::uint64_t>> persons_of_entity;
  for (std::size_t i = 0; i < observations.size(); ++i) persons_of_entity[observations[i].entity].insert(person_of[i]);
  std::map<std::int64_t, std::set<std::uint64_t>> out;
  for (const auto& m : members) {
    const auto it = persons_of_entity.find(m.entity);
    if (it == persons_of_entity.end()) continue;  // no releasable observation: not a released member
    out[m.organization].insert(it->second.begin(), it->second.end());
  }
  return out;
}

}  // namespace

ReleasedOrganizations release_organizations(const std::vector<RunMember>& members,
                                            const std::vector<Observation>& observations,
                                            const std::vector<std::uint64_t>& person_of,
                                            const std::vector<EdgeTotal>& edges) {
  std::uint64_t persons = 0;
  for (const auto p : person_of) persons = std::max(persons, p + 1);
  std::vector<std::set<std::string>> phones_of(persons);
  for (std::size_t i = 0; i < observations.size(); ++i)
    if (!observations[i].phone.empty()) phones_of[person_of[i]].insert(observations[i].phone);
  // Releasable ties only: the edges were recomputed from the partner's records (rule 5).
  std::vector<std::vector<std::uint64_t>> neighbours(persons);
  for (const auto& e : edges)
    if (e.a < persons && e.b < persons && e.a != e.b) neighbours[e.a].push_back(e.b), neighbours[e.b].push_back(e.a);

  // Components over the edges between two persons of one assessed organization, each grown from
  // its smallest person (persons are visited in ascending order).
  struct Group {
    std::vector<std::uint64_t> persons;  // ascending
    std::int64_t assessed = 0;
    std::uint64_t ties = 0;
  };
  std::vector<Group> groups;
  std::vector<std::int64_t> component_of(persons, -1);  // reset per assessed organization
  for (const auto& [assessed, in_org] : candidates(members, observations, person_of)) {
    const auto first = static_cast<std::int64_t>(groups.size());
    for (const auto start : in_org) {
      if (component_of[start] >= 0) continue;
      const auto c = static_cast<std::int64_t>(groups.size());
      Group g{{start}, assessed, 0};
      component_of[start] = c;
      for (std::size_t k = 0; k < g.persons.size(); ++k)
        for (const auto n : neighbours[g.persons[k]]) {
          if (!in_org.count(n)) continue;  // a path through a non-member is not this organization's tie
          g.ties += n > g.persons[k];
          if (component_of[n] < 0) component_of[n] = c, g.persons.push_back(n);
        }
      std::sort(g.persons.begin(), g.persons.end());
      groups.push_back(std::move(g));
    }
    for (const auto p : in_org) component_of[p] = -1;
    // A singleton has no releasable tie to the other members: it is not released as a member.
    groups.erase(std::remove_if(groups.begin() + first, groups.end(),
                                [](const Group& g) { return g.persons.size() < kMinReleasedMembers; }),
                 groups.end());
  }
  // Ids follow the released member lists (smallest person first), not the run's ids: those rank
  // organizations by aides counted over all records, and would show which released organizations
  // came from one assessed organization. The assessed id only breaks a tie between equal lists.
  std::sort(groups.begin(), groups.end(),
            [](const Group& x, const Group& y) { return std::tie(x.persons, x.assessed) < std::tie(y.persons, y.assessed); });

  ReleasedOrganizations out;
  for (const auto& g : groups) {
    ReleasedOrganization org;
    org.id = static_cast<std::int64_t>(out.organizations.size()) + 1;
    org.assessed = g.assessed;
    org.members = g.persons.size();
    org.ties = g.ties;
    std::set<std::string> phones;
    for (const auto p : g.persons) {
      out.members.push_back({org.id, p});
      out.organization_of[{g.assessed, p}] = org.id;
      phones.insert(phones_of[p].begin(), phones_of[p].end());
    }
    org.phones = phones.size();
    out.organizations.push_back(org);
  }
  return out;
}

std::vector<std::vector<std::uint64_t>> reference_released_groups(const std::vector<RunMember>& members,
                                                                  const std::vector<Observation>& observations,
                                                                  const std::vector<std::uint64_t>& person_of,
                                                                  const std::vector<EdgeTotal>& edges) {
  // Invariants checked: persons share a group iff a path of releasable edges joins them inside
  // their assessed organization; groups below kMinReleasedMembers are not released; persons within
  // a group ascend, groups are ordered by their person lists (then by assessed organization).
  std::vector<std::pair<std::vector<std::uint64_t>, std::int64_t>> found;
  for (const auto& [assessed, in_org] : candidates(members, observations, person_of)) {
    const std::vector<std::uint64_t> v(in_org.begin(), in_org.end());
    const std::size_t n = v.size();
    std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, false));
    for (std::size_t i = 0; i < n; ++i) reach[i][i] = true;
    for (const auto& e : edges)
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
          if ((v[i] == e.a && v[j] == e.b) || (v[i] == e.b && v[j] == e.a)) reach[i][j] = true;
    for (std::size_t k = 0; k < n; ++k)  // Warshall's transitive closure
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
          if (reach[i][k] && reach[k][j]) reach[i][j] = true;
    std::vector<bool> placed(n, false);
    for (std::size_t i = 0; i < n; ++i) {
      if (placed[i]) continue;
      std::vector<std::uint64_t> group;
      for (std::size_t j = i; j < n; ++j)
        if (reach[i][j]) group.push_back(v[j]), placed[j] = true;
      if (group.size() >= kMinReleasedMembers) found.emplace_back(std::move(group), assessed);
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<std::vector<std::uint64_t>> out;
  for (auto& [group, assessed] : found) out.push_back(std::move(group));
  return out;
}

std::map<std::string, std::uint64_t> citable_records(const std::vector<Observation>& observations,
                                                     const std::vector<std::uint64_t>& person_of,
                                                     const std::set<std::string>& withheld_ids) {
  std::map<std::string, std::uint64_t> out;
  for (std::size_t i = 0; i < observations.size(); ++i) {
    const auto& id = observations[i].record_id;
    if (id.empty() || withheld_ids.count(id)) continue;
    const auto [it, fresh] = out.try_emplace(id, person_of[i]);
    if (!fresh && it->second != person_of[i]) it->second = kNoPerson;
  }
  return out;
}

namespace {

// The ids of an evidence list, or nothing when the list is truncated: ids the run did not list
// cannot be checked, so the lead might rest on withheld records.
std::optional<std::vector<std::string>> complete_ids(const std::string& evidence) {
  std::vector<std::string> ids;
  std::size_t start = 0;
  while (start <= evidence.size()) {
    const auto end = std::min(evidence.find(';', start), evidence.size());
    const auto id = evidence.substr(start, end - start);
    if (id.rfind("...", 0) == 0) return std::nullopt;
    if (!id.empty()) ids.push_back(id);
    start = end + 1;
  }
  return ids;
}

}  // namespace

std::vector<ReleasedLead> release_leads(
    const std::vector<RunLead>& leads, const std::vector<Observation>& observations,
    const std::map<std::string, std::uint64_t>& citable,
    const std::map<std::pair<std::int64_t, std::uint64_t>, std::int64_t>& organization_of) {
  std::set<std::string> phones, bookings;
  for (const auto& o : observations) {
    if (!o.phone.empty()) phones.insert(o.phone);
    if (!o.booking.empty()) bookings.insert(o.booking);
  }
  std::vector<ReleasedLead> out;
  std::vector<std::size_t> cited;  // per released lead: releasable evidence records
  for (const auto& lead : leads) {
    const auto ids = complete_ids(lead.evidence);
    if (!ids || ids->empty()) continue;
    std::set<std::uint64_t> persons;
    bool all_citable = true;
    for (const auto& id : *ids) {
      const auto it = citable.find(id);
      if (it == citable.end()) { all_citable = false; break; }
      persons.insert(it->second);
    }
    if (!all_citable) continue;
    const std::uint64_t person = persons.size() == 1 ? *persons.begin() : kNoPerson;
    ReleasedLead r;
    r.kind = lead.kind;
    r.person = person;
    if (lead.kind == "person") {
      // The run's subject is an entity id; the partner knows released persons only.
      if (person == kNoPerson) continue;
      r.subject = std::to_string(person);
    } else if (lead.kind == "phone") {
      if (!phones.count(lead.subject)) continue;
      r.subject = lead.subject;
    } else if (lead.kind == "booking") {
      if (!bookings.count(lead.subject)) continue;
      r.subject = lead.subject;
    } else if (lead.kind == "route") {
      // Airports and a month, taken from the segments of the (all citable) evidence records.
      r.subject = lead.subject;
    } else {
      continue;  // a kind this release does not know how to check is not released
    }
    // The released organization (out of the lead's assessed one) holding every person behind
    // the evidence; -1 if one of them is not a released member of it, or they are in several.
    std::set<std::int64_t> orgs;
    for (const auto p : persons) {
      const auto it = p == kNoPerson ? organization_of.end() : organization_of.find({lead.organization, p});
      orgs.insert(it == organization_of.end() ? -1 : it->second);
    }
    r.organization = orgs.size() == 1 ? *orgs.begin() : -1;
    r.evidence = lead.evidence;
    // document_fraud may rest on withheld identities or document swaps; facilitator_abroad is the
    // assessor's coordinator-abroad role, which is withheld (rule 8).
    r.issue = lead.issue == "document_fraud" || lead.issue == "facilitator_abroad" ? "trafficking_indicators" : lead.issue;
    // Only released values: the kind, the released organization id and the count of cited records.
    r.reason = fmt::format("{} lead{}: {} releasable evidence record{}", lead.kind,
                           r.organization > 0 ? fmt::format(" of released organization {}", r.organization) : std::string(),
                           ids->size(), ids->size() == 1 ? "" : "s");
    out.push_back(std::move(r));
    cited.push_back(ids->size());
  }
  // The run's order rests on scores over all records; the partner's order rests on what it can
  // check: more releasable evidence first, then kind and subject (stable: no run order leaks
  // through ties of equal kind and subject, which name the same item).
  std::vector<std::size_t> order(out.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    if (cited[x] != cited[y]) return cited[x] > cited[y];
    return std::tie(out[x].kind, out[x].subject, out[x].evidence) < std::tie(out[y].kind, out[y].subject, out[y].evidence);
  });
  std::vector<ReleasedLead> ranked;
  ranked.reserve(out.size());
  for (const auto i : order) {
    ranked.push_back(std::move(out[i]));
    ranked.back().rank = static_cast<std::uint32_t>(ranked.size());
  }
  return ranked;
}

}  // namespace ch::release
