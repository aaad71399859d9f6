#include "kernels/release/assessment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace ch::release {

ReleasedOrganizations release_organizations(const std::vector<RunMember>& members,
                                            const std::vector<Observation>& observations,
                                            const std::vector<std::uint64_t>& person_of) {
  // The resolver's entity is the assessment's member; the release may have split it (rule 1),
  // so one entity can stand for several released persons.
  std::map<std::uint64_t, std::set<std::uint64_t>> persons_of_entity;
  std::map<std::uint64_t, std::set<std::string>> phones_of_person;
  for (std::size_t i = 0; i < observations.size(); ++i) {
    persons_of_entity[observations[i].entity].insert(person_of[i]);
    if (!observations[i].phone.empty()) phones_of_person[person_of[i]].insert(observations[i].phone);
  }
  // (run organization, person) -> role; the first row wins if an entity is listed twice.
  std::map<std::pair<std::int64_t, std::uint64_t>, std::string> role_of;
  for (const auto& m : members) {
    const auto it = persons_of_entity.find(m.entity);
    if (it == persons_of_entity.end()) continue;  // no releasable observation: not a released member
    for (const auto p : it->second) role_of.try_emplace({m.organization, p}, m.role);
  }
  ReleasedOrganizations out;
  // Dense ids in the run's order: the run's ids count organizations whose members are all withheld.
  for (const auto& [key, role] : role_of) out.id_of.try_emplace(key.first, static_cast<std::int64_t>(out.id_of.size()) + 1);
  out.organizations.resize(out.id_of.size());
  for (std::size_t k = 0; k < out.organizations.size(); ++k) out.organizations[k].id = static_cast<std::int64_t>(k) + 1;
  std::map<std::int64_t, std::set<std::string>> aide_phones;
  for (const auto& [key, role] : role_of) {
    const auto id = out.id_of.at(key.first);
    auto& org = out.organizations[static_cast<std::size_t>(id - 1)];
    if (role == "client") {
      ++org.clients;
    } else {
      ++org.aides;
      const auto ph = phones_of_person.find(key.second);
      if (ph != phones_of_person.end()) aide_phones[id].insert(ph->second.begin(), ph->second.end());
    }
    out.members.push_back({id, key.second, role});
  }
  for (const auto& [id, phones] : aide_phones) out.organizations[static_cast<std::size_t>(id - 1)].phones = phones.size();
  // Run ids ascend with released ids, so (run id, person) order is (released id, person) order.
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

std::vector<ReleasedLead> release_leads(const std::vector<RunLead>& leads,
                                        const std::vector<Observation>& observations,
                                        const std::map<std::string, std::uint64_t>& citable,
                                        const std::map<std::int64_t, std::int64_t>& organization_id) {
  std::set<std::string> phones, bookings;
  for (const auto& o : observations) {
    if (!o.phone.empty()) phones.insert(o.phone);
    if (!o.booking.empty()) bookings.insert(o.booking);
  }
  std::vector<ReleasedLead> out;
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
    const auto org = organization_id.find(lead.organization);
    r.organization = org == organization_id.end() ? -1 : org->second;
    r.rank = static_cast<std::uint32_t>(out.size() + 1);
    r.evidence = lead.evidence;
    r.issue = lead.issue == "document_fraud" ? "trafficking_indicators" : lead.issue;
    // Only released values: the kind, the released organization id and the count of cited records.
    r.reason = fmt::format("{} lead{}: {} releasable evidence record{}", lead.kind,
                           r.organization > 0 ? fmt::format(" of released organization {}", r.organization) : std::string(),
                           ids->size(), ids->size() == 1 ? "" : "s");
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ch::release
