#include "kernels/network/evidence.hpp"

#include <algorithm>
#include <array>
#include <tuple>

#include "kernels/rng.hpp"
#include "kernels/sorted_runs.hpp"

namespace ch::network {

std::string_view edge_type_name(EdgeType t) {
  static constexpr std::array<std::string_view, kEdgeTypeCount> names = {
      "co_booked", "co_travelled", "shared_phone", "shared_email", "shared_payment", "calls"};
  return names[static_cast<std::size_t>(t)];
}


std::int32_t month_of(std::int64_t utc) {
  // Floor division: times before 1970 fall in negative months.
  std::int64_t days = utc >= 0 ? utc / 86400 : -((-utc + 86399) / 86400);
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  return static_cast<std::int32_t>((y - 1970) * 12 + (m - 1));
}

void group_pairs(std::span<const std::uint64_t> persons, EdgeType type, double type_weight,
                 std::size_t max_group, std::int64_t utc, std::vector<Evidence>& out, GroupStats& stats) {
  const std::size_t n = persons.size();
  if (n < 2) return;
  ++stats.groups;
  if (n > max_group) {
    ++stats.hubs;
    return;
  }
  const std::int64_t w = to_fixed(type_weight / static_cast<double>(n - 1));
  const std::int32_t month = month_of(utc);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      out.push_back({persons[i], persons[j], static_cast<std::uint8_t>(type), month, w, 1, 0, utc, utc});
      ++stats.pairs;
    }
}

namespace {
// Adds `e` to the sums `acc` when it has their key.
bool add_same_key(Evidence& acc, const Evidence& e) {
  if (!same_key(acc, e)) return false;
  acc.weight += e.weight;
  acc.count += e.count;
  acc.seconds += e.seconds;
  acc.first_utc = std::min(acc.first_utc, e.first_utc);
  acc.last_utc = std::max(acc.last_utc, e.last_utc);
  return true;
}
}  // namespace

std::vector<Evidence> aggregate(std::vector<Evidence> items) {
  const auto less = [](const Evidence& x, const Evidence& y) { return evidence_key_less(x, y); };
  const auto bounds = sorted_runs(items, less);
  if (bounds.size() <= 2) {
    // Sorted: summed in place (the write position never passes the read position), so no
    // second array of tens of millions of items is touched.
    std::size_t w = 0;
    for (std::size_t i = 0; i < items.size(); ++i)
      if (w == 0 || !add_same_key(items[w - 1], items[i])) items[w++] = items[i];
    items.resize(w);
    return items;
  }
  // A few sorted runs (after a shuffle of aggregated parts): merged into room reserved for every
  // item (pages never written cost nothing; a growing vector would copy the sums again and again).
  std::vector<Evidence> out;
  out.reserve(items.size());
  visit_runs_in_order(items, bounds, less, [&](const Evidence& e) {
    if (out.empty() || !add_same_key(out.back(), e)) out.push_back(e);
  });
  return out;
}

void IdentifierUses::add(std::string_view value, std::uint64_t person, std::int64_t utc, EdgeType type,
                         bool contact) {
  const auto t = static_cast<std::uint8_t>(type);
  add_keyed(identifier_hash(value, t), value, person, utc, t, contact);
}

void IdentifierUses::add_keyed(std::uint64_t key, std::string_view value, std::uint64_t person, std::int64_t utc,
                               std::uint8_t type, bool contact) {
  uses.push_back({key, person, utc, values.size(), static_cast<std::uint32_t>(value.size()), type, contact});
  values.append(value);
}

std::vector<Evidence> group_identifier_uses(IdentifierUses& all, const EdgeRules& rules,
                                            std::array<GroupStats, kEdgeTypeCount>& stats,
                                            PhoneHolders* phones) {
  auto& uses = all.uses;
  std::sort(uses.begin(), uses.end(), [](const IdentifierUse& x, const IdentifierUse& y) {
    return std::tie(x.type, x.key, x.person, x.utc) < std::tie(y.type, y.key, y.person, y.utc);
  });
  // Where each group of uses of one value begins. A run of one (type, key) is one group unless its
  // values differ (two values whose 64-bit keys collide): such a run is ordered by value, keeping
  // (person, utc) order within each value, and split where the value changes.
  std::vector<bool> starts(uses.size() + 1, false);
  const std::size_t total = uses.size();
  auto same_key = [&](std::size_t x, std::size_t y) {
    return uses[x].type == uses[y].type && uses[x].key == uses[y].key;
  };
  // After the sort a value's bytes are anywhere in `values`: those that will be compared (uses
  // with a neighbour of the same key) are fetched ahead of time.
  constexpr std::size_t kAhead = 16;
  auto prefetch = [&](std::size_t m) {
    if (m < total && ((m > 0 && same_key(m, m - 1)) || (m + 1 < total && same_key(m, m + 1))))
      __builtin_prefetch(all.values.data() + uses[m].offset);
  };
  for (std::size_t m = 0; m < std::min(total, kAhead); ++m) prefetch(m);
  for (std::size_t i = 0; i < total;) {
    starts[i] = true;
    std::size_t j = i + 1;
    bool mixed = false;
    for (; j < total && same_key(j, i); ++j) {
      prefetch(j + kAhead);
      mixed = mixed || all.value(uses[j]) != all.value(uses[i]);
    }
    prefetch(i + kAhead);
    if (mixed) {
      std::stable_sort(uses.begin() + static_cast<std::ptrdiff_t>(i), uses.begin() + static_cast<std::ptrdiff_t>(j),
                       [&](const IdentifierUse& x, const IdentifierUse& y) { return all.value(x) < all.value(y); });
      for (std::size_t k = i + 1; k < j; ++k) starts[k] = all.value(uses[k]) != all.value(uses[k - 1]);
    }
    i = j;
  }
  starts[uses.size()] = true;
  // Visits each group: uses [i, j), its distinct persons and first time.
  std::vector<std::uint64_t> persons;
  auto each_group = [&](auto&& visit) {
    for (std::size_t i = 0; i < uses.size();) {
      std::size_t j = i;
      std::int64_t first = std::numeric_limits<std::int64_t>::max();
      persons.clear();
      do {
        if (persons.empty() || persons.back() != uses[j].person) persons.push_back(uses[j].person);
        if (uses[j].utc != kUnknownTime) first = std::min(first, uses[j].utc);
      } while (!starts[++j]);
      if (first == std::numeric_limits<std::int64_t>::max()) first = 0;
      visit(i, j, first);
      i = j;
    }
  };
  auto cap_of = [&](std::uint8_t type) {
    return static_cast<EdgeType>(type) == EdgeType::kCoTravelled ? rules.max_flight_group : rules.max_group;
  };
  // The pairs are counted first so that `out` is allocated once: grown by doubling it held up to
  // three times its final size while reallocating (on medium, the network stage's peak).
  std::size_t pairs = 0;
  each_group([&](std::size_t i, std::size_t, std::int64_t) {
    const std::size_t n = persons.size();
    if (n >= 2 && n <= cap_of(uses[i].type)) pairs += n * (n - 1) / 2;
  });
  std::vector<Evidence> out;
  out.reserve(pairs);
  each_group([&](std::size_t i, std::size_t j, std::int64_t first) {
    const auto type = static_cast<EdgeType>(uses[i].type);
    group_pairs(persons, type, rules.weight[uses[i].type], cap_of(uses[i].type), first, out, stats[uses[i].type]);
    if (phones && type == EdgeType::kSharedPhone)
      phones->add(all.value(uses[i]),
                  phone_holders(std::span<const IdentifierUse>(uses).subspan(i, j - i), rules.max_phone_persons));
  });
  return out;
}

std::vector<std::uint64_t> phone_holders(std::span<const IdentifierUse> uses, std::size_t max_persons) {
  std::vector<std::uint64_t> own, contact;
  std::size_t persons = 0;
  for (std::size_t k = 0; k < uses.size(); ++k) {
    const auto& u = uses[k];
    persons += k == 0 || uses[k - 1].person != u.person;
    auto& v = u.contact ? contact : own;
    if (v.empty() || v.back() != u.person) v.push_back(u.person);
  }
  if (persons > max_persons) return {};
  if (!own.empty()) return own;
  if (contact.size() == 1) return contact;
  return {};
}

void PhoneHolders::add(std::string_view phone, std::span<const std::uint64_t> holders) {
  if (2 * (entries_.size() + 1) > slots_.size()) grow();
  const auto hash = identifier_hash(phone, static_cast<std::uint64_t>(EdgeType::kSharedPhone));
  entries_.push_back({hash, phones_.size(), holders_.size(), static_cast<std::uint32_t>(phone.size()),
                      static_cast<std::uint32_t>(holders.size())});
  place(static_cast<std::uint32_t>(entries_.size() - 1));
  phones_.append(phone);
  holders_.insert(holders_.end(), holders.begin(), holders.end());
}

void PhoneHolders::grow() {
  slots_.assign(std::max<std::size_t>(16, 2 * slots_.size()), kEmpty);
  for (std::size_t k = 0; k < entries_.size(); ++k) place(static_cast<std::uint32_t>(k));
}

void PhoneHolders::place(std::uint32_t entry) {
  const auto mask = slots_.size() - 1;
  auto slot = entries_[entry].hash & mask;
  while (slots_[slot] != kEmpty) slot = (slot + 1) & mask;
  slots_[slot] = entry;
}

std::optional<std::span<const std::uint64_t>> PhoneHolders::find(std::string_view phone) const {
  if (slots_.empty()) return std::nullopt;
  const auto hash = identifier_hash(phone, static_cast<std::uint64_t>(EdgeType::kSharedPhone));
  const auto mask = slots_.size() - 1;
  for (auto slot = hash & mask; slots_[slot] != kEmpty; slot = (slot + 1) & mask) {
    const auto& e = entries_[slots_[slot]];
    if (e.hash == hash && std::string_view(phones_.data() + e.phone, e.length) == phone)
      return std::span<const std::uint64_t>(holders_.data() + e.holders, e.count);
  }
  return std::nullopt;
}

std::span<const std::uint64_t> call_parties(const PhoneHolders& phones, std::string_view phone,
                                           const EdgeRules& rules) {
  const auto holders = phones.find(phone);
  if (!holders || holders->size() > rules.max_phone_persons) return {};
  return *holders;
}

bool keep_co_travel(Evidence& f, const EdgeRules& rules) {
  if (f.count < rules.min_co_travel) return false;
  f.weight = to_fixed(rules.weight[static_cast<std::size_t>(EdgeType::kCoTravelled)] * static_cast<double>(f.count));
  f.month = month_of(f.first_utc);
  return true;
}

std::uint64_t identifier_hash(std::string_view value, std::uint64_t kind) { return stable_hash(value, kind); }

}  // namespace ch::network
