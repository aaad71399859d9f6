#include "kernels/release/extract.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <tuple>


namespace ch::release {
namespace {

using network::EdgeType;

std::string joined(std::set<std::string> values) {
  values.erase("");
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ';';
    out += v;
  }
  return out;
}

// Most frequent non-empty value; ties go to the value seen first.
std::string most_frequent(const std::vector<std::string>& in_order) {
  std::map<std::string, std::pair<std::size_t, std::size_t>> seen;  // value -> (count, first position)
  for (std::size_t i = 0; i < in_order.size(); ++i) {
    if (in_order[i].empty()) continue;
    auto [it, fresh] = seen.try_emplace(in_order[i], 0, i);
    ++it->second.first;
  }
  const std::string* best = nullptr;
  std::pair<std::size_t, std::size_t> best_score{0, 0};
  for (const auto& [v, score] : seen)
    if (!best || score.first > best_score.first ||
        (score.first == best_score.first && score.second < best_score.second))
      best = &v, best_score = score;
  return best ? *best : std::string();
}

}  // namespace

std::vector<std::uint64_t> split_persons(const std::vector<Observation>& observations,
                                         const std::vector<std::pair<std::size_t, std::size_t>>& pairs) {
  const std::size_t n = observations.size();
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const auto& [i, j] : pairs) {
    if (i >= n || j >= n) continue;
    // A matched pair across two resolved entities was cut by the resolver: respect its verdict.
    if (observations[i].entity != observations[j].entity) continue;
    const auto ri = find(i), rj = find(j);
    if (ri != rj) parent[std::max(ri, rj)] = std::min(ri, rj);  // root = earliest observation
  }
  std::vector<std::uint64_t> person(n);
  std::vector<std::uint64_t> id_of_root(n, std::numeric_limits<std::uint64_t>::max());
  std::uint64_t next = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto r = find(i);
    if (id_of_root[r] == std::numeric_limits<std::uint64_t>::max()) id_of_root[r] = next++;
    person[i] = id_of_root[r];
  }
  return person;
}

std::vector<PersonProfile> profiles(const std::vector<Observation>& observations,
                                    const std::vector<std::uint64_t>& person_of) {
  std::uint64_t persons = 0;
  for (auto p : person_of) persons = std::max(persons, p + 1);
  std::vector<std::vector<std::size_t>> members(persons);
  for (std::size_t i = 0; i < observations.size(); ++i) members[person_of[i]].push_back(i);
  std::vector<PersonProfile> out(persons);
  for (std::uint64_t p = 0; p < persons; ++p) {
    auto& prof = out[p];
    prof.person = p;
    prof.observations = static_cast<std::uint32_t>(members[p].size());
    std::vector<std::string> names, dobs;
    std::set<std::string> nat, docs, phones, emails;
    for (auto i : members[p]) {
      const auto& o = observations[i];
      names.push_back(o.given_name.empty() && o.family_name.empty() ? "" : o.given_name + "\x1f" + o.family_name);
      dobs.push_back(o.dob);
      nat.insert(o.nationality);
      docs.insert(o.document);
      phones.insert(o.phone);
      emails.insert(o.email);
    }
    const auto name = most_frequent(names);
    if (const auto sep = name.find('\x1f'); sep != std::string::npos) {
      prof.given_name = name.substr(0, sep);
      prof.family_name = name.substr(sep + 1);
      prof.name = prof.given_name.empty() ? prof.family_name
                  : prof.family_name.empty() ? prof.given_name
                                             : prof.given_name + " " + prof.family_name;
    }
    prof.dob = most_frequent(dobs);
    prof.nationalities = joined(std::move(nat));
    prof.documents = joined(std::move(docs));
    prof.phones = joined(std::move(phones));
    prof.emails = joined(std::move(emails));
  }
  return out;
}

ReleasedNetwork recompute_network(const std::vector<Observation>& observations,
                                  const std::vector<std::uint64_t>& person_of,
                                  const std::vector<Flight>& flights, const std::vector<Call>& calls,
                                  const EdgeRules& rules) {
  ReleasedNetwork net;
  network::IdentifierUses items;
  for (std::size_t i = 0; i < observations.size(); ++i) {
    const auto& o = observations[i];
    const std::pair<const std::string*, EdgeType> ids[] = {{&o.booking, EdgeType::kCoBooked},
                                                           {&o.phone, EdgeType::kSharedPhone},
                                                           {&o.email, EdgeType::kSharedEmail},
                                                           {&o.payment, EdgeType::kSharedPayment}};
    for (const auto& [value, type] : ids)
      if (!value->empty())
        items.add(*value, person_of[i], o.event_utc, type, type == EdgeType::kSharedPhone && !o.booking.empty());
  }
  for (const auto& f : flights)
    items.add(f.key, person_of[f.observation], f.departure_utc, EdgeType::kCoTravelled);

  network::PhoneHolders phone_persons;
  std::vector<network::Evidence> evidence, flight_evidence;
  for (auto& e : network::group_identifier_uses(items, rules, net.stats, &phone_persons))
    (e.type == static_cast<std::uint8_t>(EdgeType::kCoTravelled) ? flight_evidence : evidence).push_back(e);

  // Co-travel counts flights per pair over the whole period, then keeps pairs over the threshold.
  for (auto& f : flight_evidence) f.month = 0;
  for (auto& f : network::aggregate(std::move(flight_evidence)))
    if (network::keep_co_travel(f, rules)) evidence.push_back(f);

  auto persons_of = [&](const std::string& phone) { return network::call_parties(phone_persons, phone, rules); };
  const double w = rules.weight[static_cast<std::size_t>(EdgeType::kCalls)];
  for (const auto& c : calls) {
    const auto from = persons_of(c.caller);
    const auto to = persons_of(c.callee);
    if (from.empty() || to.empty()) {
      ++net.calls_unattributed;
      continue;
    }
    for (auto a : from)
      for (auto b : to) {
        if (a == b) continue;
        const auto weight = network::to_fixed(w / (static_cast<double>(from.size()) * static_cast<double>(to.size())));
        evidence.push_back({std::min(a, b), std::max(a, b), static_cast<std::uint8_t>(EdgeType::kCalls),
                            network::month_of(c.start_utc), weight, 1, c.seconds, c.start_utc, c.start_utc});
      }
  }

  net.monthly = network::aggregate(std::move(evidence));
  for (const auto& e : net.monthly) {
    if (net.edges.empty() || net.edges.back().a != e.a || net.edges.back().b != e.b)
      net.edges.push_back({e.a, e.b, 0, {}, 0, e.first_utc, e.last_utc});
    auto& t = net.edges.back();
    t.weight += e.weight;
    t.count[e.type] += static_cast<std::uint32_t>(e.count);
    t.seconds += e.seconds;
    t.first_utc = std::min(t.first_utc, e.first_utc);
    t.last_utc = std::max(t.last_utc, e.last_utc);
  }
  phone_persons.for_each([&](std::string_view phone, std::span<const std::uint64_t> users) {
    for (auto p : users) net.person_phone.push_back({p, std::string(phone), static_cast<std::uint32_t>(users.size())});
  });
  std::sort(net.person_phone.begin(), net.person_phone.end(), [](const PhoneUse& x, const PhoneUse& y) {
    return std::tie(x.person, x.phone) < std::tie(y.person, y.phone);
  });
  return net;
}

}  // namespace ch::release
