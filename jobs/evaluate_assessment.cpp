#include "jobs/evaluate_assessment.hpp"

#include <fmt/format.h>

#include <tbb/parallel_sort.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <variant>

#include "kernels/rng.hpp"
#include "kernels/world/world.hpp"

namespace ch::jobs {
namespace {

// NMI (arithmetic-mean normalisation) and adjusted Rand index of two labelings of one item set.
std::pair<double, double> nmi_ari(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  const double n = static_cast<double>(a.size());
  if (a.empty()) return {0.0, 0.0};
  std::map<std::int64_t, double> ca, cb;
  std::map<std::pair<std::int64_t, std::int64_t>, double> cab;
  for (std::size_t i = 0; i < a.size(); ++i) ++ca[a[i]], ++cb[b[i]], ++cab[{a[i], b[i]}];
  auto entropy = [&](const std::map<std::int64_t, double>& c) {
    double h = 0;
    for (const auto& [k, v] : c) h -= v / n * std::log(v / n);
    return h;
  };
  double mi = 0;
  for (const auto& [k, v] : cab) mi += v / n * std::log(v * n / (ca[k.first] * cb[k.second]));
  const double ha = entropy(ca), hb = entropy(cb);
  const double nmi = ha + hb > 0 ? 2 * mi / (ha + hb) : 1.0;
  auto c2 = [](double x) { return x * (x - 1) / 2; };
  double sab = 0, sa = 0, sb = 0;
  for (const auto& [k, v] : cab) sab += c2(v);
  for (const auto& [k, v] : ca) sa += c2(v);
  for (const auto& [k, v] : cb) sb += c2(v);
  const double expected = sa * sb / c2(n), max_index = (sa + sb) / 2;
  const double ari = max_index - expected != 0 ? (sab - expected) / (max_index - expected) : 1.0;
  return {nmi, ari};
}

}  // namespace

std::vector<std::string> observation_truth_tables(const io::TableReader& truth) {
  std::vector<std::string> out;
  for (const auto& table : truth.tables())
    if (table.rfind("/records/", 0) == 0 && table != "/records/calls") out.push_back(table);
  return out;
}

namespace {

constexpr std::uint64_t kNoRow = UINT64_MAX;

}  // namespace

RecordTruth record_truth(const io::TableReader& truth, const io::TableReader& entities) {
  std::vector<io::Table> tables;
  std::vector<std::uint64_t> first{0};  // global row number of each table's first row
  for (const auto& name : observation_truth_tables(truth)) {
    tables.push_back(truth.read(name, 0, truth.rows(name), {"record_id", "person", "identity"}, io::StringCells::kColumn));
    first.push_back(first.back() + tables.back().rows());
  }
  const std::uint64_t n = first.back();
  std::vector<const io::StringColumn*> ids;
  for (const auto& t : tables) ids.push_back(&t.text("record_id"));
  auto id_at = [&](std::uint64_t row) {
    const auto k = static_cast<std::size_t>(std::upper_bound(first.begin(), first.end(), row) - first.begin() - 1);
    return (*ids[k])[row - first[k]];
  };
  // Open addressing, linear probing, at most half full. A slot holds the hash beside the row
  // number, so a probe past another id costs no second random read. Built at the first record
  // that the walk below does not find.
  struct Slot {
    std::uint64_t hash = 0, row = kNoRow;
  };
  std::vector<Slot> slot;
  std::uint64_t mask = 0;
  auto probe = [&](std::string_view id, std::uint64_t h) {
    auto s = h & mask;
    while (slot[s].row != kNoRow && !(slot[s].hash == h && id_at(slot[s].row) == id)) s = (s + 1) & mask;
    return s;
  };
  auto indexed = [&](std::string_view id) {
    if (slot.empty()) {
      mask = std::bit_ceil(std::max<std::uint64_t>(16, 2 * n)) - 1;
      slot.resize(mask + 1);
      for (std::size_t k = 0; k < tables.size(); ++k)
        ids[k]->for_each([&](std::size_t r, std::string_view truth_id) {
          const auto h = word_hash(truth_id, 0);
          slot[probe(truth_id, h)] = {h, first[k] + r};
        });
    }
    return slot[probe(id, word_hash(id, 0))].row;
  };
  std::vector<std::uint64_t> person(n);
  std::vector<std::uint32_t> identity(n);
  for (std::size_t k = 0; k < tables.size(); ++k) {
    const auto& p = tables[k].get<std::uint64_t>("person");
    const auto& i = tables[k].get<std::uint32_t>("identity");
    std::copy(p.begin(), p.end(), person.begin() + static_cast<std::ptrdiff_t>(first[k]));
    std::copy(i.begin(), i.end(), identity.begin() + static_cast<std::ptrdiff_t>(first[k]));
  }

  const auto rows = entities.rows("/membership");
  const auto m = entities.read("/membership", 0, rows, {"record_id", "entity_id"}, io::StringCells::kColumn);
  const auto& member_ids = m.text("record_id");
  // /membership follows ingest's order and each truth table the order generate wrote its feed,
  // which ingest keeps: a record is nearly always just after the previous one's match, or the
  // first of a table. Those few rows are compared first (in order: no random reads); the index
  // is built and asked only for a record found neither way (a row quarantined or reordered).
  // Hashing and probing every id took 2.5–4.0 s of evaluate's ~4.5 on medium.
  constexpr std::uint64_t kLookAhead = 4;
  std::vector<std::uint64_t> match(rows);
  std::uint64_t next = 0;  // the truth row after the previous match
  member_ids.for_each([&](std::size_t r, std::string_view id) {
    std::uint64_t found = kNoRow;
    for (std::uint64_t t = next; t < std::min(n, next + kLookAhead) && found == kNoRow; ++t)
      if (id_at(t) == id) found = t;
    for (std::size_t k = 0; k < tables.size() && found == kNoRow; ++k)
      if (first[k] < first[k + 1] && id_at(first[k]) == id) found = first[k];
    if (found == kNoRow) found = indexed(id);
    match[r] = found;
    if (found != kNoRow) next = found + 1;
  });
  RecordTruth out;
  out.records = rows;
  const auto& entity = m.get<std::uint64_t>("entity_id");
  for (std::size_t r = 0; r < rows; ++r)
    if (match[r] != kNoRow) {
      out.entity.push_back(entity[r]);
      out.person.push_back(person[match[r]]);
      out.identity.push_back(identity[match[r]]);
    }
  return out;
}

EntityValues majority(const std::vector<std::uint64_t>& entity, const std::vector<std::uint64_t>& value) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ev(entity.size());
  for (std::size_t i = 0; i < ev.size(); ++i) ev[i] = {entity[i], value[i]};
  tbb::parallel_sort(ev.begin(), ev.end());
  EntityValues out;
  for (std::size_t i = 0; i < ev.size();) {
    const auto e = ev[i].first;
    std::uint64_t best = 0, most = 0;
    while (i < ev.size() && ev[i].first == e) {
      std::size_t j = i;
      while (j < ev.size() && ev[j] == ev[i]) ++j;
      if (j - i > most) best = ev[i].second, most = j - i;  // values ascend: ties keep the smaller
      i = j;
    }
    out.push_back({e, best});
  }
  return out;
}

const std::uint64_t* value_of(const EntityValues& values, std::uint64_t entity) {
  const auto it = std::lower_bound(values.begin(), values.end(), std::pair<std::uint64_t, std::uint64_t>{entity, 0});
  return it != values.end() && it->first == entity ? &it->second : nullptr;
}

namespace {

// An entity's true person: the majority person of its records (ties: the smaller id); -1 when
// none of its records is in the truth.
class EntityPersons {
 public:
  explicit EntityPersons(const RecordTruth& records) : person_(majority(records.entity, records.person)) {}
  std::int64_t operator()(std::uint64_t entity) const {
    const auto* p = value_of(person_, entity);
    return p ? static_cast<std::int64_t>(*p) : -1;
  }
  // Persons that some entity stands for: those the records show at all. Sorted, distinct.
  std::vector<std::int64_t> observed() const {
    std::vector<std::int64_t> out;
    for (const auto& [e, p] : person_) out.push_back(static_cast<std::int64_t>(p));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

 private:
  EntityValues person_;
};

// The true fate of each organization alive in month `from` by month `to` (truth.h5
// /org_months): merged, else dissolved (reconstituted when it came back by `to`), else split,
// else persisted. A status row records the month's event: a split, merger or dissolution is
// decided in a raid and takes effect the month after, so those of months from..to-1 count (one
// of month `to` takes effect after the run, whose records show only the raid and fewer trips
// after it, as a persisting organization's do); a reconstitution is the organization working
// again that month, so one of month `to` counts.
std::map<std::int64_t, std::string> true_fates(const io::TableReader& truth, std::int32_t from, std::int32_t to) {
  const auto om = truth.read_all("/org_months", {"month", "organization", "status"});
  const auto& month = om.get<std::int32_t>("month");
  const auto& org = om.get<std::int64_t>("organization");
  const auto& status = om.get<std::uint8_t>("status");
  std::map<std::int64_t, std::set<std::uint8_t>> events;
  std::map<std::int64_t, bool> alive_then;
  for (std::size_t i = 0; i < month.size(); ++i) {
    if (month[i] == from) alive_then[org[i]] = true;
    const bool back = status[i] == static_cast<std::uint8_t>(world::OrgStatus::kReconstituted);
    if (month[i] >= from && (month[i] < to || (back && month[i] == to))) events[org[i]].insert(status[i]);
  }
  auto has = [&](std::int64_t o, world::OrgStatus st) { return events[o].count(static_cast<std::uint8_t>(st)) > 0; };
  std::map<std::int64_t, std::string> fate;
  for (const auto& [o, alive] : alive_then) {
    if (has(o, world::OrgStatus::kMerged)) fate[o] = "merged";
    else if (has(o, world::OrgStatus::kDissolved)) fate[o] = has(o, world::OrgStatus::kReconstituted) ? "reconstituted" : "dissolved";
    else if (has(o, world::OrgStatus::kSplit)) fate[o] = "split";
    else fate[o] = "persisted";
  }
  return fate;
}

std::int32_t last_month(const io::TableReader& truth) {
  const auto om = truth.read_all("/org_months", {"month"});
  const auto& m = om.get<std::int32_t>("month");
  return m.empty() ? -1 : *std::max_element(m.begin(), m.end());
}

// Share of the earlier run's organizations (each standing for the true organization most of its
// non-client members belonged to in the earlier run's last month) whose assessed fate in
// /progress is the true one; -1 when there is nothing to judge. A true organization is judged
// once, by the earlier organization holding most of its members (ties: the smaller id): when
// the earlier assessment cut it into pieces, the lesser pieces have no fate of their own — the
// later assessment finding them together with the largest one reads as a merger, which no rule
// can tell from the later assessment repairing the earlier one's cut (org_nmi counts the cut).
double progress_accuracy(const JobEnv& env, const io::TableReader& truth, const io::TableReader& assessment) {
  if (!assessment.has_table("/progress")) return -1;
  const auto attrs = assessment.attributes("/progress");
  const auto it = attrs.find("previous_run");
  if (it == attrs.end() || !std::holds_alternative<std::string>(it->second)) return -1;
  const RunLayout prev{std::get<std::string>(it->second)};
  if (!std::filesystem::is_regular_file(prev.truth()) || !std::filesystem::is_regular_file(prev.entities()) ||
      !std::filesystem::is_regular_file(prev.assessment()))
    return -1;
  const io::TableReader ptruth(env.ctx, prev.truth()), pent(env.ctx, prev.entities()), pas(env.ctx, prev.assessment());
  const std::int32_t from = last_month(ptruth), to = last_month(truth);
  if (from < 0 || to <= from) return -1;
  const auto fate = true_fates(truth, from, to);
  std::unordered_map<std::int64_t, std::int64_t> org_then;  // person → organization in month `from`
  {
    const auto om = ptruth.read_all("/org_membership", {"month", "organization", "person"});
    for (std::size_t i = 0; i < om.rows(); ++i)
      if (om.get<std::int32_t>("month")[i] == from)
        org_then[static_cast<std::int64_t>(om.get<std::uint64_t>("person")[i])] = om.get<std::int64_t>("organization")[i];
  }
  const EntityPersons person_of(record_truth(ptruth, pent));
  std::map<std::int64_t, std::map<std::int64_t, std::uint32_t>> votes;  // earlier org → true org → members
  const auto mem = pas.read_all("/members", {"organization", "entity", "role"});
  for (std::size_t i = 0; i < mem.rows(); ++i) {
    if (mem.get<std::string>("role")[i] == "client") continue;
    if (const auto o = org_then.find(person_of(mem.get<std::uint64_t>("entity")[i])); o != org_then.end())
      ++votes[mem.get<std::int64_t>("organization")[i]][o->second];
  }
  std::map<std::int64_t, std::int64_t> stands_for;                           // earlier org → true org
  std::map<std::int64_t, std::pair<std::uint32_t, std::int64_t>> largest;  // true org → (members, earlier org)
  for (const auto& [earlier, v] : votes) {
    std::int64_t best = -1;
    std::uint32_t n = 0;
    for (const auto& [o, c] : v)
      if (c > n) best = o, n = c;
    stands_for[earlier] = best;
    auto& l = largest[best];
    if (n > l.first) l = {n, earlier};  // votes iterate by earlier id: ties keep the smaller
  }
  const auto pr = assessment.read_all("/progress", {"previous_id", "fate"});
  std::size_t judged = 0, right = 0;
  for (std::size_t i = 0; i < pr.rows(); ++i) {
    const auto earlier = pr.get<std::int64_t>("previous_id")[i];
    const auto s = stands_for.find(earlier);
    if (s == stands_for.end() || largest[s->second].second != earlier) continue;
    const auto f = fate.find(s->second);
    if (f == fate.end()) continue;
    ++judged;
    right += f->second == pr.get<std::string>("fate")[i];
  }
  return judged ? static_cast<double>(right) / static_cast<double>(judged) : -1;
}

}  // namespace

void add_assessment_metrics(const JobEnv& env, const RunLayout& run, const io::TableReader& truth,
                            const RecordTruth& records, io::TableWriter& writer) {
  const auto& ctx = env.ctx;
  if (!std::filesystem::is_regular_file(run.assessment())) return;
  // Every rank reads and computes the same (organizations are few); attributes are collective.
  const io::TableReader as(ctx, run.assessment());
  const EntityPersons person_of(records);
  // True organization: most months of membership. Only members that left at least one record
  // count: a recruit who joined in the last weeks and never travelled, called or registered a
  // phone is invisible to any assessment.
  const auto observed = person_of.observed();
  std::map<std::int64_t, std::map<std::int64_t, std::uint32_t>> months;
  std::map<std::int64_t, std::uint8_t> role;
  {
    const auto om = truth.read_all("/org_membership", {"organization", "person", "role"});
    for (std::size_t i = 0; i < om.rows(); ++i) {
      const auto p = static_cast<std::int64_t>(om.get<std::uint64_t>("person")[i]);
      if (!std::binary_search(observed.begin(), observed.end(), p)) continue;
      ++months[p][om.get<std::int64_t>("organization")[i]];
      role[p] = om.get<std::uint8_t>("role")[i];
    }
  }
  std::map<std::int64_t, std::int64_t> true_org;
  std::map<std::int64_t, std::set<std::int64_t>> true_members;
  for (const auto& [p, m] : months) {
    std::int64_t best = -1;
    std::uint32_t n = 0;
    for (const auto& [o, c] : m)
      if (c > n) best = o, n = c;
    true_org[p] = best;
    true_members[best].insert(p);
  }
  const auto mem = as.read_all("/members", {"organization", "entity", "role", "key_actor_score"});
  std::map<std::int64_t, std::set<std::int64_t>> assessed;
  std::map<std::int64_t, std::int64_t> assessed_org;
  std::map<std::int64_t, std::vector<std::pair<double, std::int64_t>>> actors;
  for (std::size_t i = 0; i < mem.rows(); ++i) {
    if (mem.get<std::string>("role")[i] == "client") continue;
    const auto p = person_of(mem.get<std::uint64_t>("entity")[i]);
    if (p < 0) continue;
    const auto o = mem.get<std::int64_t>("organization")[i];
    assessed[o].insert(p);
    if (!assessed_org.count(p)) assessed_org[p] = o;
    actors[o].push_back({-mem.get<double>("key_actor_score")[i], p});
  }
  auto jac = [](const std::set<std::int64_t>& a, const std::set<std::int64_t>& b) {
    std::size_t c = 0;
    for (auto x : a) c += b.count(x);
    return a.size() + b.size() - c ? static_cast<double>(c) / static_cast<double>(a.size() + b.size() - c) : 0.0;
  };
  std::vector<std::pair<std::size_t, std::int64_t>> by_size;
  for (const auto& [o, s] : true_members) by_size.push_back({s.size(), o});
  std::sort(by_size.begin(), by_size.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  // Key actors found among the top 5, out of those that fit there: min(5, key actors) per
  // organization (recall@5 normalised by its ceiling). Organizers (~15 %) and coordinators abroad
  // of a year's membership are 10–30 per large organization, so the plain share found among 5 is
  // bounded far below 1 even for a perfect ranking; it is kept as key_actor_recall_uncapped.
  std::size_t top = std::min<std::size_t>(10, by_size.size()), matched = 0, key_total = 0, key_found = 0, key_fit = 0;
  for (std::size_t i = 0; i < top; ++i) {
    const auto& tm = true_members[by_size[i].second];
    double best = 0;
    std::int64_t best_org = -1;
    for (const auto& [o, s] : assessed)
      if (const double j = jac(tm, s); j > best) best = j, best_org = o;
    if (best >= 0.7) ++matched;
    // Key actors: true organizers (1) and coordinators abroad (6) among the top 5 of the best match.
    std::set<std::int64_t> top5;
    if (best_org >= 0) {
      auto v = actors[best_org];
      std::sort(v.begin(), v.end());
      for (std::size_t k = 0; k < v.size() && k < 5; ++k) top5.insert(v[k].second);
    }
    std::size_t key = 0;
    for (auto p : tm)
      if (role[p] == 1 || role[p] == 6) ++key, key_found += top5.count(p);
    key_total += key;
    key_fit += std::min<std::size_t>(5, key);
  }
  // Leads pointing at a true member (any organization, any month).
  const auto leads = as.read_all("/leads", {"entity"});
  std::size_t lead_n = 0, lead_ok = 0;
  for (std::size_t i = 0; i < leads.rows() && i < 20; ++i) {
    ++lead_n;
    const auto e = leads.get<std::uint64_t>("entity")[i];
    if (e != UINT64_MAX && true_org.count(person_of(e))) ++lead_ok;
  }
  // NMI/ARI over persons in either: a person outside the other side's organizations is its own singleton.
  std::set<std::int64_t> persons;
  for (const auto& [p, o] : true_org) persons.insert(p);
  for (const auto& [p, o] : assessed_org) persons.insert(p);
  std::vector<std::int64_t> la, lb;
  for (auto p : persons) {
    la.push_back(true_org.count(p) ? true_org[p] : -2 - p);
    lb.push_back(assessed_org.count(p) ? assessed_org[p] : -2 - p);
  }
  const auto [nmi, ari] = nmi_ari(la, lb);
  const double match = top ? static_cast<double>(matched) / static_cast<double>(top) : 0.0;
  const double precision = lead_n ? static_cast<double>(lead_ok) / static_cast<double>(lead_n) : 0.0;
  const double recall = key_fit ? static_cast<double>(key_found) / static_cast<double>(key_fit) : 0.0;
  const double uncapped = key_total ? static_cast<double>(key_found) / static_cast<double>(key_total) : 0.0;
  writer.set_attributes("/", {{"org_match_top10", match}, {"lead_precision_top20", precision}, {"org_nmi", nmi},
                              {"org_ari", ari}, {"key_actor_recall", recall}, {"key_actor_recall_uncapped", uncapped}});
  const double progress = progress_accuracy(env, truth, as);
  if (progress >= 0) writer.set_attributes("/", {{"progress_accuracy", progress}});
  if (ctx.is_root())
    fmt::print("Assessment vs truth: org_match_top10 {:.3f}, lead_precision_top20 {:.3f}, org_nmi {:.3f}, org_ari {:.3f}, "
               "key_actor_recall {:.3f}{}\n", match, precision, nmi, ari, recall,
               progress >= 0 ? fmt::format(", progress_accuracy {:.3f}", progress) : std::string());
}

}  // namespace ch::jobs
