#include "jobs/network.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <functional>
#include <map>
#include <unordered_map>

#include "cluster/collectives.hpp"
#include "cluster/lookup.hpp"
#include "cluster/shuffle.hpp"
#include "cluster/sort.hpp"
#include "io/provenance.hpp"
#include "io/table.hpp"
#include "jobs/cli.hpp"
#include "jobs/config.hpp"
#include "jobs/log.hpp"
#include "kernels/rng.hpp"
#include "kernels/memory.hpp"

namespace ch::jobs {
namespace {

using network::EdgeType;
using network::Evidence;

// A call on its way to being attributed: first to the caller's persons, then the callee's.
// A normalized phone ('+' and at most 15 digits, E.164) in a fixed field: call legs are plain
// structs, shuffled as bytes (there are tens of millions of them; serializing strings cost more
// time and memory than the calls themselves).
struct PhoneField {
  char text[16] = {};
  static PhoneField of(std::string_view phone) {
    if (phone.size() > sizeof(PhoneField::text))
      throw UsageError("records.h5 /calls: '" + std::string(phone) + "' is not a normalized phone");
    PhoneField f;
    std::memcpy(f.text, phone.data(), phone.size());
    return f;
  }
  std::string_view view() const { return {text, strnlen(text, sizeof text)}; }
};

struct CallLeg {
  PhoneField phone;           // the side still to resolve
  PhoneField other;           // the callee while resolving the caller
  std::uint64_t person = 0;   // resolved caller person (second leg)
  std::uint32_t share = 1;    // persons sharing the caller's phone
  std::int64_t start = 0;
  std::uint64_t seconds = 0;
};

// Per-pair totals over all types and months.
struct PairTotal {
  std::uint64_t a = 0, b = 0;
  std::int64_t weight = 0;
  std::array<std::uint32_t, network::kEdgeTypeCount> count{};
  std::uint64_t seconds = 0;
  std::int64_t first_utc = 0, last_utc = 0;
};

// A phone number as a plain struct so phone rows can be sorted across ranks.
struct PhoneUse {
  std::uint64_t person = 0;
  char phone[24] = {};
  std::uint32_t persons_sharing = 0;
};

// The rank that groups an identifier's uses and, for a phone, attributes its call legs: both must
// agree, so both go through here.
int owner_of_key(std::uint64_t key, int ranks) { return static_cast<int>(key % static_cast<std::uint64_t>(ranks)); }
int owner_of_value(std::string_view value, std::uint8_t type, int ranks) {
  return owner_of_key(network::identifier_hash(value, type), ranks);
}
int owner_of_pair(std::uint64_t a, std::uint64_t b, int ranks) {
  return static_cast<int>(mix64(a * 0x9e3779b97f4a7c15ULL ^ b) % static_cast<std::uint64_t>(ranks));
}

std::string month_label(std::int32_t month) {
  const int y = 1970 + static_cast<int>(month >= 0 ? month / 12 : (month - 11) / 12);
  const int m = static_cast<int>(month - (y - 1970) * 12) + 1;
  return fmt::format("{:04d}-{:02d}", y, m);
}

// Rank holding row k of a table split by io::even_share.
struct EvenShareOwner {
  std::uint64_t n;
  int ranks;
  int operator()(std::uint64_t k) const {
    int r = static_cast<int>(k * static_cast<std::uint64_t>(ranks) / std::max<std::uint64_t>(n, 1));
    while (r + 1 < ranks && io::even_share(n, r + 1, ranks).first <= k) ++r;
    while (r > 0 && io::even_share(n, r, ranks).first > k) --r;
    return r;
  }
};

// A column of one field of every row, made when the table writer asks for it.
template <class Row, class Field>
io::Column column_of(std::string name, const std::vector<Row>& rows, Field field) {
  std::vector<std::remove_cvref_t<decltype(field(std::declval<const Row&>()))>> values;
  values.reserve(rows.size());
  for (const auto& r : rows) values.push_back(field(r));
  return io::Column{std::move(name), std::move(values)};
}

// Sends every identifier use to the owner of its value (owner_of_key), packed as its fixed fields
// and the value's bytes (as Boost-serialized structs around a std::string the uses cost more time and memory than
// their values). The uses that stay are compacted in place, values included.
network::IdentifierUses shuffle_uses(const cluster::Context& ctx, network::IdentifierUses&& local) {
  const auto p = static_cast<std::size_t>(ctx.size());
  if (p == 1) return std::move(local);
  const auto self = static_cast<std::size_t>(ctx.rank());
  auto owner = [&](const network::IdentifierUse& u) { return static_cast<std::size_t>(owner_of_key(u.key, ctx.size())); };
  constexpr std::size_t kHead = 8 + 8 + 8 + 4 + 1 + 1;  // key, person, utc, length, type, contact
  std::vector<std::size_t> bytes(p, 0);
  for (const auto& u : local.uses)
    if (owner(u) != self) bytes[owner(u)] += kHead + u.length;
  std::vector<std::vector<std::byte>> outgoing(p);
  for (std::size_t r = 0; r < p; ++r) outgoing[r].reserve(bytes[r]);
  // Uses were added with their values in order (offsets ascend), so a value only ever moves down.
  std::size_t kept = 0, kept_bytes = 0;
  for (std::size_t i = 0; i < local.uses.size(); ++i) {
    auto u = local.uses[i];
    const char* value = local.values.data() + u.offset;
    if (const auto r = owner(u); r != self) {
      auto& out = outgoing[r];
      const auto at = out.size();
      out.resize(at + kHead + u.length);
      std::byte* w = out.data() + at;
      std::memcpy(w, &u.key, 8);
      std::memcpy(w + 8, &u.person, 8);
      std::memcpy(w + 16, &u.utc, 8);
      std::memcpy(w + 24, &u.length, 4);
      w[28] = std::byte{u.type};
      w[29] = std::byte{static_cast<std::uint8_t>(u.contact)};
      std::memcpy(w + kHead, value, u.length);
      continue;
    }
    std::memmove(local.values.data() + kept_bytes, value, u.length);
    u.offset = kept_bytes;
    kept_bytes += u.length;
    local.uses[kept++] = u;
  }
  local.uses.resize(kept);
  local.values.resize(kept_bytes);
  const auto arrived = cluster::shuffle_bytes(ctx, std::move(outgoing));
  auto each_arrived = [&](auto&& visit) {
    for (const auto& buf : arrived)
      for (std::size_t at = 0; at + kHead <= buf.size();) {
        std::uint32_t length = 0;
        std::memcpy(&length, buf.data() + at + 24, 4);
        visit(buf.data() + at, length);
        at += kHead + length;
      }
  };
  std::size_t uses = kept, value_bytes = kept_bytes;
  each_arrived([&](const std::byte*, std::uint32_t length) {
    ++uses;
    value_bytes += length;
  });
  local.uses.reserve(uses);
  local.values.reserve(value_bytes);
  each_arrived([&](const std::byte* w, std::uint32_t length) {
    std::uint64_t key = 0, person = 0;
    std::int64_t utc = 0;
    std::memcpy(&key, w, 8);
    std::memcpy(&person, w + 8, 8);
    std::memcpy(&utc, w + 16, 8);
    local.add_keyed(key, std::string_view(reinterpret_cast<const char*>(w + kHead), length), person, utc,
                    static_cast<std::uint8_t>(w[28]), w[29] != std::byte{0});
  });
  return std::move(local);
}
}  // namespace

NetworkConfig load_network_config(const JobEnv& env) {
  NetworkConfig c;
  static const char* weight_keys[] = {"weight_co_booked", "weight_co_travelled", "weight_shared_phone",
                                      "weight_shared_email", "weight_shared_payment", "weight_call"};
  for (const auto& o : stage_overrides(env.overrides, "network")) {
    const auto eq = o.find('=');
    const std::string key = o.substr(8, eq == std::string::npos ? std::string::npos : eq - 8);
    const std::string value = eq == std::string::npos ? "" : o.substr(eq + 1);
    double number = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || end != value.data() + value.size() || number < 0)
      throw UsageError("--set network." + key + ": expected a non-negative number, got '" + value + "'");
    bool known = false;
    for (std::size_t t = 0; t < network::kEdgeTypeCount; ++t)
      if (key == weight_keys[t]) c.rules.weight[t] = number, known = true;
    if (key == "max_group") c.rules.max_group = static_cast<std::size_t>(number), known = true;
    if (key == "max_flight_group") c.rules.max_flight_group = static_cast<std::size_t>(number), known = true;
    if (key == "min_co_travel") c.rules.min_co_travel = static_cast<std::uint64_t>(number), known = true;
    if (key == "max_phone_persons") c.rules.max_phone_persons = static_cast<std::size_t>(number), known = true;
    if (!known)
      throw UsageError("--set network." + key + ": unknown key (weight_co_booked, weight_co_travelled, "
                       "weight_shared_phone, weight_shared_email, weight_shared_payment, weight_call, "
                       "max_group, max_flight_group, min_co_travel, max_phone_persons)");
  }
  c.text = "[network]\n";
  for (std::size_t t = 0; t < network::kEdgeTypeCount; ++t)
    c.text += fmt::format("{} = {}\n", weight_keys[t], c.rules.weight[t]);
  c.text += fmt::format("max_group = {}\nmax_flight_group = {}\nmin_co_travel = {}\nmax_phone_persons = {}\n",
                        c.rules.max_group, c.rules.max_flight_group, c.rules.min_co_travel,
                        c.rules.max_phone_persons);
  return c;
}

void build_network(const JobEnv& env, const std::filesystem::path& records_path,
                   const std::filesystem::path& entities_path, const std::filesystem::path& out,
                   const NetworkConfig& config) {
  const auto& ctx = env.ctx;
  const int p = ctx.size();
  StageTimer timer(env, "network");
  const std::string started = io::utc_now();
  env.fault_point("network", "start");
  const io::TableReader records(ctx, records_path);
  const io::TableReader entities(ctx, entities_path);
  PhaseClock phase(ctx, "network");

  // Observations and membership are both in obs order: the same even share lines them up.
  const std::uint64_t n_obs = records.rows("/observations");
  if (entities.rows("/membership") != n_obs)
    throw UsageError(fmt::format("{} has {} memberships but {} has {} observations: they come from "
                                 "different runs", entities_path.string(), entities.rows("/membership"),
                                 records_path.string(), n_obs));
  // Text as StringColumns: its bytes plus 4 per cell, not a 32-byte std::string each.
  const auto obs = records.read_my_share("/observations", {"obs", "booking_ref", "phone", "email", "payment_ref", "event_utc"},
                                         io::StringCells::kColumn);
  const auto& booking_ref = obs.text("booking_ref");
  const auto member = entities.read_my_share("/membership", {"obs", "entity_id"});
  const auto& obs_id = obs.get<std::uint64_t>("obs");
  const auto& entity = member.get<std::uint64_t>("entity_id");
  if (member.get<std::uint64_t>("obs") != obs_id)
    throw UsageError(entities_path.string() + ": /membership is not in the order of the observations");
  const auto [share_begin, share_end] = io::even_share(n_obs, ctx.rank(), p);

  phase.mark("read observations and membership");
  // 1. Shared identifiers (and flights, below) grouped at the owner of the identifier.
  const std::pair<const char*, EdgeType> identifier_columns[] = {
      {"booking_ref", EdgeType::kCoBooked}, {"phone", EdgeType::kSharedPhone},
      {"email", EdgeType::kSharedEmail}, {"payment_ref", EdgeType::kSharedPayment}};
  const auto segments = records.read_my_share("/segments", {"obs", "carrier", "flight_number", "departure_utc"},
                                              io::StringCells::kColumn);
  const auto& carrier = segments.text("carrier");
  const auto& flight = segments.text("flight_number");
  network::IdentifierUses keys;
  {
    // Sized once (grown by doubling, the uses would be copied and held up to twice).
    std::size_t uses = segments.rows(), bytes = carrier.bytes() + flight.bytes() + 8 * segments.rows();
    for (const auto& [column, type] : identifier_columns) {
      const auto& values = obs.text(column);
      bytes += values.bytes();
      values.for_each([&](std::size_t, std::string_view v) { uses += !v.empty(); });
    }
    // With room for the uses that arrive in the shuffle (about as many as leave, when ranks are
    // several): the result is assembled in these arrays, and room never touched costs nothing.
    const double spare = p > 1 ? 1.05 : 1.0;
    keys.uses.reserve(static_cast<std::size_t>(spare * static_cast<double>(uses)));
    keys.values.reserve(static_cast<std::size_t>(spare * static_cast<double>(bytes)));
  }
  const auto& utc = obs.get<std::int64_t>("event_utc");
  for (const auto& [column, type] : identifier_columns) {
    const auto& values = obs.text(column);
    values.for_each([&](std::size_t i, std::string_view v) {
      if (!v.empty()) keys.add(v, entity[i], utc[i], type, type == EdgeType::kSharedPhone && !booking_ref[i].empty());
    });
  }

  // 2. Flights: carrier + flight number + departure date; persons via their observation.
  const auto& seg_obs = segments.get<std::uint64_t>("obs");
  const auto seg_person = cluster::fetch(
      ctx, seg_obs, EvenShareOwner{n_obs, p},
      [&](std::uint64_t k) { return entity[k - share_begin]; });
  {
    const auto& departure = segments.get<std::int64_t>("departure_utc");
    std::string key;
    for (std::size_t i = 0; i < seg_obs.size(); ++i) {
      if (departure[i] == network::kUnknownTime) continue;
      const std::int64_t day = departure[i] >= 0 ? departure[i] / 86400 : -((-departure[i] + 86399) / 86400);
      key.assign(carrier[i]).append(flight[i]).append("@").append(std::to_string(day));
      keys.add(key, seg_person[i], departure[i], EdgeType::kCoTravelled);
    }
  }
  const std::uint64_t key_rows = keys.size();
  auto grouped = shuffle_uses(ctx, std::move(keys));
  std::array<network::GroupStats, network::kEdgeTypeCount> stats{};
  network::PhoneHolders phone_persons;
  auto evidence = network::group_identifier_uses(grouped, config.rules, stats, &phone_persons);
  ch::free_storage(grouped.uses);
  ch::free_storage(grouped.values);
  env.stop_point("network");

  // Co-flights become co-travel only for pairs sharing at least min_co_travel flights.
  {
    // Split in place (copied into two lists, the evidence was held twice: one item per pair and
    // flight, 64 bytes each). Order does not matter: everything is aggregated by key, exactly.
    const auto co_flight = [](const Evidence& e) { return e.type == static_cast<std::uint8_t>(EdgeType::kCoTravelled); };
    const auto split = std::partition(evidence.begin(), evidence.end(), [&](const Evidence& e) { return !co_flight(e); });
    std::vector<Evidence> flights(split, evidence.end());
    evidence.erase(split, evidence.end());
    for (auto& f : flights) f.month = 0;  // count flights per pair over the whole period
    // Summed here first (a combiner): the shuffle then carries one item per pair, not per flight.
    flights = network::aggregate(std::move(flights));
    auto per_pair = network::aggregate(cluster::shuffle(ctx, std::move(flights),
                                                        [p](const Evidence& e) { return owner_of_pair(e.a, e.b, p); }));
    for (auto& f : per_pair)
      if (network::keep_co_travel(f, config.rules)) evidence.push_back(f);
  }

  phase.mark("identifiers and flights");
  // 3. Calls: attribute the caller's phone, then the callee's, to the persons who use them.
  std::uint64_t calls_unattributed = 0, callee_unattributed = 0;
  {
    // Slice by slice, read to evidence: whole, the calls were held as strings, then as legs
    // (64 bytes each), then twice inside each shuffle (medium: 22 M calls per rank). Every rank
    // runs the same number of slices (each has two shuffles).
    const auto slices = io::share_slices(records.rows("/calls"), ctx.rank(), p, std::uint64_t{1} << 20);
    const auto phone_type = static_cast<std::uint8_t>(EdgeType::kSharedPhone);
    auto owner = [&](const CallLeg& c) {
      return owner_of_value(std::string_view(c.phone.text, strnlen(c.phone.text, sizeof c.phone.text)), phone_type, p);
    };
    auto persons_of = [&](const PhoneField& phone) {
      return network::call_parties(phone_persons, phone.view(), config.rules);
    };
    const double w = config.rules.weight[static_cast<std::size_t>(EdgeType::kCalls)];
    std::vector<CallLeg> legs;
    for (std::uint64_t s = 0; s < slices.count; ++s) {
      const auto [lo, hi] = slices[s];
      {
        const auto calls = records.read("/calls", lo, hi, {"caller", "callee", "start_utc", "duration_s"},
                                        io::StringCells::kColumn);
        const auto& caller = calls.text("caller");
        const auto& callee = calls.text("callee");
        const auto& start = calls.get<std::int64_t>("start_utc");
        const auto& duration = calls.get<std::int64_t>("duration_s");
        legs.resize(caller.size());
        for (std::size_t i = 0; i < legs.size(); ++i)
          legs[i] = {PhoneField::of(caller[i]), PhoneField::of(callee[i]), 0, 1, start[i],
                     static_cast<std::uint64_t>(std::max<std::int64_t>(0, duration[i]))};
      }
      const auto at_caller = cluster::shuffle(ctx, std::span<const CallLeg>(legs), owner);
      legs.clear();
      for (const auto& c : at_caller) {
        const auto who = persons_of(c.phone);
        if (who.empty()) {
          ++calls_unattributed;
          continue;
        }
        for (std::uint64_t person : who)
          legs.push_back({c.other, {}, person, static_cast<std::uint32_t>(who.size()), c.start, c.seconds});
      }
      const auto at_callee = cluster::shuffle(ctx, std::span<const CallLeg>(legs), owner);
      legs.clear();
      for (const auto& c : at_callee) {
        const auto who = persons_of(c.phone);
        if (who.empty()) {
          ++callee_unattributed;  // per caller person: a shared caller phone counts once per user
          continue;
        }
        for (std::uint64_t person : who) {
          if (person == c.person) continue;
          const auto weight = network::to_fixed(w / (static_cast<double>(c.share) * static_cast<double>(who.size())));
          evidence.push_back({std::min(person, c.person), std::max(person, c.person),
                              static_cast<std::uint8_t>(EdgeType::kCalls), network::month_of(c.start), weight, 1,
                              c.seconds, c.start, c.start});
        }
      }
    }
  }

  phase.mark("calls");
  // 4. Aggregate per (pair, type, month): on this rank first (calls between two persons repeat
  // within a month; sums and min/max are exact in any order), then on the rank whose slice of the
  // global order holds the pair: a distributed sort that never cuts a pair's items apart, so the
  // sums and the totals per pair come out in the files' order. (Summed at a hashed owner of the
  // pair, both tables then needed a distributed sort of their own: on two ranks the aggregation
  // took 2.5 times as long as on one.)
  evidence = network::aggregate(std::move(evidence));
  auto monthly = network::aggregate(cluster::sort_distributed(
      ctx, std::move(evidence), [](const Evidence& x, const Evidence& y) { return network::evidence_key_less(x, y); },
      [](const Evidence& x, const Evidence& y) { return std::tie(x.a, x.b) < std::tie(y.a, y.b); }));
  std::vector<PairTotal> totals;
  {
    // Sized exactly (pairs counted first): a block the size of an upper bound fitted none of the
    // memory freed before it, so it was all fresh memory (on one rank, 0.85 GB of the stage's peak).
    std::size_t pairs = 0;
    for (std::size_t i = 0; i < monthly.size(); ++i)
      pairs += i == 0 || monthly[i].a != monthly[i - 1].a || monthly[i].b != monthly[i - 1].b;
    totals.reserve(pairs);
  }
  for (const auto& e : monthly) {
    if (totals.empty() || totals.back().a != e.a || totals.back().b != e.b)
      totals.push_back({e.a, e.b, 0, {}, 0, e.first_utc, e.last_utc});
    auto& t = totals.back();
    t.weight += e.weight;
    t.count[e.type] += static_cast<std::uint32_t>(e.count);
    t.seconds += e.seconds;
    t.first_utc = std::min(t.first_utc, e.first_utc);
    t.last_utc = std::max(t.last_utc, e.last_utc);
  }

  phase.mark("aggregate and sort");
  // 5. Who uses which phone, sorted by (person, phone).
  std::vector<PhoneUse> uses;
  phone_persons.for_each([&](std::string_view phone, std::span<const std::uint64_t> persons) {
    for (std::uint64_t person : persons) {
      PhoneUse u;
      u.person = person;
      std::memcpy(u.phone, phone.data(), std::min(phone.size(), sizeof u.phone - 1));
      u.persons_sharing = static_cast<std::uint32_t>(persons.size());
      uses.push_back(u);
    }
  });
  uses = cluster::sort_distributed(ctx, std::move(uses), [](const PhoneUse& x, const PhoneUse& y) {
    const int c = std::strcmp(x.phone, y.phone);
    return x.person != y.person ? x.person < y.person : c < 0;
  });

  phase.mark("phone users");
  // 6. Write.
  io::TableWriter writer(ctx, out);
  // Each column is made from the rows just before it is written and released after: built all at
  // once, the columns held the tables a second time beside their rows (the stage's peak on one rank).
  const auto n_edges = cluster::allreduce_sum<std::uint64_t>(ctx, totals.size());
  const auto n_monthly = cluster::allreduce_sum<std::uint64_t>(ctx, monthly.size());
  {
    std::vector<std::function<io::Column()>> columns = {
        [&] { return column_of("source", totals, [](const PairTotal& t) { return t.a; }); },
        [&] { return column_of("target", totals, [](const PairTotal& t) { return t.b; }); },
        [&] { return column_of("weight", totals, [](const PairTotal& t) { return network::from_fixed(t.weight); }); }};
    for (std::size_t k = 0; k < network::kEdgeTypeCount; ++k)
      columns.push_back([&, k] {
        return column_of(std::string(network::edge_type_name(static_cast<EdgeType>(k))), totals,
                         [k](const PairTotal& t) { return t.count[k]; });
      });
    columns.push_back([&] { return column_of("call_seconds", totals, [](const PairTotal& t) { return t.seconds; }); });
    columns.push_back([&] { return column_of("first_utc", totals, [](const PairTotal& t) { return t.first_utc; }); });
    columns.push_back([&] { return column_of("last_utc", totals, [](const PairTotal& t) { return t.last_utc; }); });
    writer.write_table("/edges", columns.size(), [&](std::size_t k) { return columns[k](); },
                       io::RowLayout::contiguous(ctx, totals.size()), io::Codec::kLz4);
  }
  ch::free_storage(totals);
  {
    // Type and month coded from the start: a handful of values over tens of millions of rows.
    auto coded = [&](const char* name, auto&& label) {
      auto cells = io::StringColumn::coded();
      cells.reserve(monthly.size(), 0);
      for (const auto& e : monthly) cells.push_back(label(e));
      return io::Column{name, std::move(cells), io::StringEncoding::kDictionary};
    };
    std::unordered_map<std::int32_t, std::string> labels;  // a few dozen months
    const std::vector<std::function<io::Column()>> columns = {
        [&] { return column_of("source", monthly, [](const Evidence& e) { return e.a; }); },
        [&] { return column_of("target", monthly, [](const Evidence& e) { return e.b; }); },
        [&] {
          return coded("type", [](const Evidence& e) { return network::edge_type_name(static_cast<EdgeType>(e.type)); });
        },
        [&] {
          return coded("month", [&](const Evidence& e) -> std::string_view {
            auto label = labels.find(e.month);
            if (label == labels.end()) label = labels.emplace(e.month, month_label(e.month)).first;
            return label->second;
          });
        },
        [&] { return column_of("count", monthly, [](const Evidence& e) { return e.count; }); },
        [&] { return column_of("weight", monthly, [](const Evidence& e) { return network::from_fixed(e.weight); }); },
        [&] { return column_of("seconds", monthly, [](const Evidence& e) { return e.seconds; }); }};
    writer.write_table("/edges_monthly", columns.size(), [&](std::size_t k) { return columns[k](); },
                       io::RowLayout::contiguous(ctx, monthly.size()), io::Codec::kLz4);
  }
  ch::free_storage(monthly);
  {
    std::vector<std::uint64_t> person;
    std::vector<std::string> phone;
    std::vector<std::uint32_t> sharing;
    for (const auto& u : uses) {
      person.push_back(u.person);
      phone.emplace_back(u.phone);
      sharing.push_back(u.persons_sharing);
    }
    io::Table t;
    t.add("person", std::move(person)).add("phone", std::move(phone)).add("persons_sharing", std::move(sharing));
    writer.write_table("/person_phone", t);
  }

  const auto unattributed = cluster::allreduce_sum(ctx, calls_unattributed);
  io::Attributes attrs;
  for (std::size_t k = 0; k < network::kEdgeTypeCount; ++k) {
    const std::string name(network::edge_type_name(static_cast<EdgeType>(k)));
    attrs["groups_" + name] = static_cast<std::int64_t>(cluster::allreduce_sum(ctx, stats[k].groups));
    attrs["hubs_skipped_" + name] = static_cast<std::int64_t>(cluster::allreduce_sum(ctx, stats[k].hubs));
  }
  attrs["calls_unattributed_caller"] = static_cast<std::int64_t>(unattributed);
  attrs["calls_unattributed_callee"] = static_cast<std::int64_t>(cluster::allreduce_sum(ctx, callee_unattributed));
  writer.set_attributes("/", attrs);
  io::Provenance prov{.stage = "network", .config_text = config.text,
                      .inputs = io::hash_inputs(ctx, {records_path, entities_path}),
                      .started_utc = started,
                      .row_counts = {{"/edges", n_edges}, {"/edges_monthly", n_monthly}}};
  prov.write(ctx, writer, env.threads);
  env.fault_point("network", "commit");
  writer.commit();
  phase.mark("write");
  spdlog::info("network: {} person pairs, {} pair-months, {} calls from phones of no known person",
               n_edges, n_monthly, unattributed);
  timer.report(cluster::allreduce_sum<std::uint64_t>(ctx, key_rows), 0);
}

void add_network_command(Cli& cli) {
  struct Options {
    std::filesystem::path run, records, entities, out;
  };
  auto o = std::make_shared<Options>();
  auto* sub = cli.add_command("network", "Person networks from co-booking, co-travel, shared identifiers and calls");
  sub->add_option("--run", o->run, "Run directory: reads records.h5 and entities.h5, writes network.h5");
  sub->add_option("--records", o->records, "records.h5 (default RUN/records.h5)");
  sub->add_option("--entities", o->entities, "entities.h5 (default RUN/entities.h5)");
  sub->add_option("--out", o->out, "network.h5 (default RUN/network.h5)");
  sub->callback([o, &action = cli.action] {
    action = [o](const JobEnv& env) {
      const RunLayout run{o->run};
      if (o->run.empty() && (o->records.empty() || o->entities.empty() || o->out.empty()))
        throw UsageError("network: give --run DIR, or --records, --entities and --out");
      build_network(env, o->records.empty() ? run.records() : o->records,
                    o->entities.empty() ? run.entities() : o->entities, o->out.empty() ? run.network() : o->out,
                    load_network_config(env));
      return 0;
    };
  });
}

}  // namespace ch::jobs
