// evaluate's join of entities.h5 /membership to truth.h5 /records/* (jobs::record_truth) under 1,
// 2 and 4 ranks: the walk along both files' order, the jump to a table's first row, and the
// index for rows out of order or missing (a quarantined record, an id without truth) give what a
// plain map from id to truth row gives.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cluster/collectives.hpp"
#include "io/table.hpp"
#include "jobs/evaluate_assessment.hpp"
#include "tests/mpi/scratch.hpp"

namespace fs = std::filesystem;
using ch::cluster::Context;
using ch::io::Table;

namespace {

fs::path scratch(const std::string& name) { return ch::test::scratch_dir("ch_evaluate_join_") / name; }

struct TruthRow {
  std::string id;
  std::uint64_t person;
  std::uint32_t identity;
};

// Rank 0 writes every row (the others join with none).
void write_truth_table(ch::io::TableWriter& w, const std::string& group, const std::vector<TruthRow>& rows) {
  const bool root = Context::world().is_root();
  std::vector<std::string> id;
  std::vector<std::uint64_t> person;
  std::vector<std::uint32_t> identity;
  if (root)
    for (const auto& r : rows) id.push_back(r.id), person.push_back(r.person), identity.push_back(r.identity);
  Table t;
  t.add("record_id", std::move(id)).add("person", std::move(person)).add("identity", std::move(identity));
  w.write_table(group, t);
}

TEST(EvaluateJoin, WalkTableStartsAndIndexAgreeWithAMap) {
  const auto ctx = Context::world();
  // Tables are read in name order: subscribers, then travel.
  std::vector<TruthRow> subscribers, travel;
  for (std::uint32_t i = 0; i < 40; ++i) subscribers.push_back({"S" + std::to_string(1000 + i), 500 + i, i % 3});
  for (std::uint32_t i = 0; i < 60; ++i) travel.push_back({"T" + std::to_string(1000 + i), 900 + i / 2, i % 2});
  const auto truth_path = scratch("truth.h5"), entities_path = scratch("entities.h5");
  {
    ch::io::TableWriter w(ctx, truth_path);
    write_truth_table(w, "/records/subscribers", subscribers);
    write_truth_table(w, "/records/travel", travel);
    w.commit();
  }
  // Membership in ingest's order (travel first), with a quarantined row skipped (T1010), a run
  // of rows far out of order, an id without truth, and the subscribers after the travel rows.
  std::vector<std::string> member;
  for (std::uint32_t i = 0; i < 60; ++i)
    if (i != 10 && !(i >= 30 && i < 35)) member.push_back(travel[i].id);
  for (std::uint32_t i = 30; i < 35; ++i) member.push_back(travel[i].id);
  member.push_back("X-no-truth");
  for (const auto& s : subscribers) member.push_back(s.id);
  std::vector<std::uint64_t> entity(member.size());
  for (std::size_t i = 0; i < entity.size(); ++i) entity[i] = 7000 + i;
  {
    ch::io::TableWriter w(ctx, entities_path);
    Table t;
    if (ctx.is_root()) t.add("record_id", member).add("entity_id", entity);
    else t.add("record_id", std::vector<std::string>()).add("entity_id", std::vector<std::uint64_t>());
    w.write_table("/membership", t);
    w.commit();
  }

  const ch::io::TableReader truth(ctx, truth_path), entities(ctx, entities_path);
  const auto joined = ch::jobs::record_truth(truth, entities);

  std::map<std::string, TruthRow> by_id;
  for (const auto* table : {&subscribers, &travel})
    for (const auto& r : *table) by_id[r.id] = r;
  std::vector<std::uint64_t> want_entity, want_person;
  std::vector<std::uint32_t> want_identity;
  for (std::size_t i = 0; i < member.size(); ++i)
    if (const auto it = by_id.find(member[i]); it != by_id.end()) {
      want_entity.push_back(entity[i]);
      want_person.push_back(it->second.person);
      want_identity.push_back(it->second.identity);
    }
  EXPECT_EQ(joined.records, member.size());
  EXPECT_EQ(joined.entity, want_entity);
  EXPECT_EQ(joined.person, want_person);
  EXPECT_EQ(joined.identity, want_identity);
  EXPECT_EQ(joined.entity.size(), member.size() - 1);  // all but the id without truth
}

}  // namespace
