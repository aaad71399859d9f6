// The HDF5 table layer under 1, 2 and 4 ranks: every column type round-trips, ranks with zero
// rows take part, strings keep commas/quotes/UTF-8 (read as strings or as StringColumns),
// dictionaries are global, tables of parts are laid out part by part, the file content does not
// depend on the rank count, and an uncommitted writer leaves no file behind.
#include <gtest/gtest.h>

#include <filesystem>

#include "cluster/collectives.hpp"
#include "io/hash.hpp"
#include "io/table.hpp"
#include "kernels/error.hpp"
#include "tests/mpi/scratch.hpp"

namespace fs = std::filesystem;
using ch::cluster::Context;
using ch::io::Table;

namespace {

fs::path scratch(const std::string& name) { return ch::test::scratch_dir("ch_table_io_") / name; }

// Global rows `ids` of the reference table, in the order given; each rank builds the rows it owns.
Table reference_rows_at(const std::vector<std::uint64_t>& ids) {
  std::vector<std::int8_t> i8;
  std::vector<std::uint8_t> u8;
  std::vector<std::int32_t> i32;
  std::vector<std::uint32_t> u32;
  std::vector<std::int64_t> i64;
  std::vector<std::uint64_t> u64;
  std::vector<float> f32;
  std::vector<double> f64;
  std::vector<std::string> fixed, dict;
  static const char* words[] = {"", "Müller", "a,b", "say \"hi\"", "line\nbreak", "Łukasz"};
  for (const auto i : ids) {
    i8.push_back(static_cast<std::int8_t>(static_cast<std::int64_t>(i % 200) - 100));
    u8.push_back(static_cast<std::uint8_t>(i % 256));
    i32.push_back(-static_cast<std::int32_t>(i) * 7);
    u32.push_back(static_cast<std::uint32_t>(i * 3));
    i64.push_back(-static_cast<std::int64_t>(i) * 1000000007LL);
    u64.push_back(i * 0x9e3779b97f4a7c15ULL);
    f32.push_back(static_cast<float>(i) / 3.0f);
    f64.push_back(static_cast<double>(i) / 7.0);
    fixed.push_back(std::string(words[i % 6]) + std::to_string(i));
    dict.push_back(words[(i * 5) % 6]);
  }
  Table t;
  t.add("i8", i8).add("u8", u8).add("i32", i32).add("u32", u32).add("i64", i64).add("u64", u64);
  t.add("f32", f32).add("f64", f64).add("fixed", fixed);
  t.add("dict", dict, ch::io::StringEncoding::kDictionary);
  return t;
}

Table reference_rows(std::uint64_t begin, std::uint64_t end) {
  std::vector<std::uint64_t> ids;
  for (auto i = begin; i < end; ++i) ids.push_back(i);
  return reference_rows_at(ids);
}

void expect_equal_tables(const Table& a, const Table& b) {
  ASSERT_EQ(a.columns().size(), b.columns().size());
  for (std::size_t c = 0; c < a.columns().size(); ++c) {
    EXPECT_EQ(a.columns()[c].name, b.columns()[c].name);
    EXPECT_TRUE(a.columns()[c].data == b.columns()[c].data) << "column " << a.columns()[c].name;
  }
}

}  // namespace

TEST(TableIo, RoundTripsEveryColumnTypeWithEmptyRanks) {
  const auto ctx = Context::world();
  const std::uint64_t total = 1000;
  // The last rank gets no rows (when there is more than one rank), rank 0 gets the most.
  const int writers = std::max(1, ctx.size() - 1);
  std::uint64_t begin = 0, end = 0;
  if (ctx.rank() < writers) std::tie(begin, end) = ch::io::even_share(total, ctx.rank(), writers);
  const auto path = scratch("roundtrip.h5");
  {
    ch::io::TableWriter w(ctx, path);
    w.write_table("/t", reference_rows(begin, end));
    w.write_table("/nested/empty", Table().add("x", std::vector<std::uint64_t>{}));
    w.set_attributes("/", {{"stage", std::string("test")}, {"n", std::int64_t{42}}, {"pi", 3.25}});
    w.commit();
  }
  ch::io::TableReader r(ctx, path);
  EXPECT_EQ(r.rows("/t"), total);
  EXPECT_EQ(r.rows("/nested/empty"), 0u);
  const auto tables = r.tables();
  EXPECT_NE(std::find(tables.begin(), tables.end(), "/t"), tables.end());
  expect_equal_tables(r.read_all("/t"), reference_rows(0, total));
  // Each rank's even share reads back the matching rows.
  const auto [b, e] = ch::io::even_share(total, ctx.rank(), ctx.size());
  expect_equal_tables(r.read_my_share("/t"), reference_rows(b, e));
  // As StringColumns (resolve's read): the same cells, the dictionary column coded.
  const auto as_columns = r.read("/t", b, e, {"fixed", "dict"}, ch::io::StringCells::kColumn);
  const auto want = reference_rows(b, e);
  for (const std::string name : {"fixed", "dict"}) {
    const auto& got = std::get<ch::io::StringColumn>(as_columns.column(name).data);
    EXPECT_EQ(got.is_coded(), name == "dict");
    EXPECT_EQ(got.to_strings(), std::get<std::vector<std::string>>(want.column(name).data)) << name;
  }
  const auto attrs = r.attributes("/");
  EXPECT_EQ(std::get<std::string>(attrs.at("stage")), "test");
  EXPECT_EQ(std::get<std::int64_t>(attrs.at("n")), 42);
  EXPECT_EQ(std::get<double>(attrs.at("pi")), 3.25);
  EXPECT_EQ(r.read("/t", 0, 0).rows(), 0u);
}

TEST(TableIo, ShareSlicesCoverTheShareWithTheSameCountOnEveryRank) {
  const auto ctx = Context::world();
  for (const std::uint64_t n : {0ull, 5ull, 1000ull, 1003ull}) {
    const auto slices = ch::io::share_slices(n, ctx.rank(), ctx.size(), 7);
    const auto [b, e] = ch::io::even_share(n, ctx.rank(), ctx.size());
    EXPECT_EQ(slices.begin, b);
    EXPECT_EQ(slices.end, e);
    // The same count everywhere (a collective per slice must not hang a rank).
    EXPECT_EQ(ch::cluster::allreduce_max<std::uint64_t>(ctx, slices.count), slices.count) << n;
    EXPECT_EQ(ch::cluster::allreduce_sum<std::uint64_t>(ctx, slices.count),
              slices.count * static_cast<std::uint64_t>(ctx.size())) << n;
    std::uint64_t at = b;
    for (std::uint64_t k = 0; k < slices.count; ++k) {
      const auto [lo, hi] = slices[k];
      EXPECT_EQ(lo, at);
      EXPECT_LE(hi - lo, 7u);
      at = hi;
    }
    EXPECT_EQ(at, e) << n;  // covered in order, nothing left over
  }
}

TEST(TableIo, Lz4AndStringColumnsRoundTrip) {
  // The same rows given as StringColumns (the dictionary column coded in memory, as ingest holds
  // it) and written with the LZ4 codec read back equal to the reference (the reader decodes the
  // filter; the dictionary is the same as one built from the cells), and the datasets carry
  // filter 32004.
  const auto ctx = Context::world();
  const auto [b, e] = ch::io::even_share(70000, ctx.rank(), ctx.size());  // > one 65536-row chunk
  Table t = reference_rows(b, e);
  for (auto& c : t.columns())
    if (const auto* v = std::get_if<std::vector<std::string>>(&c.data)) {
      if (c.encoding == ch::io::StringEncoding::kDictionary) {
        auto coded = ch::io::StringColumn::coded();
        for (const auto& s : *v) coded.push_back(s);
        c.data = std::move(coded);
      } else {
        c.data = ch::io::StringColumn(*v);
      }
    }
  const auto path = scratch("lz4.h5");
  {
    ch::io::TableWriter w(ctx, path);
    w.write_table("/t", t, ch::io::Codec::kLz4);
    w.commit();
  }
  ch::io::TableReader r(ctx, path);
  expect_equal_tables(r.read_all("/t"), reference_rows(0, 70000));
  EXPECT_EQ(r.filters("/t", "fixed"), std::vector<int>{32004});
  EXPECT_EQ(r.filters("/t", "dict"), (std::vector<int>{2, 32004}));  // shuffle, then LZ4
}

TEST(TableIo, PartsAreLaidOutPartByPartInRankOrder) {
  // Four parts (as ingest writes one per input file), each split over the ranks unevenly, one
  // held by the last rank alone and one empty everywhere: the file holds part 0 of every rank in
  // rank order, then part 1, ... — the reference rows in order, not rank 0's rows first.
  const auto ctx = Context::world();
  const std::vector<std::uint64_t> part_rows = {70001, 0, 1234, 555};
  std::vector<std::uint64_t> mine, ids;
  std::uint64_t part_start = 0;
  for (std::size_t k = 0; k < part_rows.size(); ++k) {
    // Rank r gets a share weighted r + 1 of part k (part 2: only the last rank).
    std::uint64_t b = 0, e = 0;
    const auto weights = static_cast<std::uint64_t>(ctx.size() * (ctx.size() + 1) / 2);
    const auto before = static_cast<std::uint64_t>(ctx.rank() * (ctx.rank() + 1) / 2);
    if (k == 2) {
      if (ctx.rank() == ctx.size() - 1) e = part_rows[k];
    } else {
      b = part_rows[k] * before / weights;
      e = part_rows[k] * (before + static_cast<std::uint64_t>(ctx.rank()) + 1) / weights;
    }
    mine.push_back(e - b);
    for (auto i = b; i < e; ++i) ids.push_back(part_start + i);
    part_start += part_rows[k];
  }
  const Table local = reference_rows_at(ids);
  const auto layout = ch::io::RowLayout::parts(ctx, mine);
  ASSERT_EQ(layout.total, part_start);
  const auto path = scratch("parts.h5");
  {
    ch::io::TableWriter w(ctx, path);
    w.write_table("/t", local, layout, ch::io::Codec::kLz4);
    w.commit();
  }
  ch::io::TableReader r(ctx, path);
  expect_equal_tables(r.read_all("/t"), reference_rows(0, part_start));
  // global_row: the last rank's first row of part 2 lands after all of parts 0 and 1.
  if (ctx.rank() == ctx.size() - 1) {
    EXPECT_EQ(layout.global_row(mine[0] + mine[1]), part_rows[0] + part_rows[1]);
  }
}

TEST(TableIo, ColumnsMadeOneAtATimeWriteTheSameTable) {
  // write_table with a column maker (ingest restores raw cells column by column): each column is
  // asked for once, in order, and the file holds the same table as a whole-Table write; a made
  // column of the wrong length is named.
  const auto ctx = Context::world();
  const auto [b, e] = ch::io::even_share(30000, ctx.rank(), ctx.size());
  Table local = reference_rows(b, e);
  const auto layout = ch::io::RowLayout::contiguous(ctx, e - b);
  const auto path = scratch("made.h5");
  std::vector<std::size_t> asked;
  {
    ch::io::TableWriter w(ctx, path);
    w.write_table(
        "/t", local.columns().size(),
        [&](std::size_t k) {
          asked.push_back(k);
          return std::move(local.columns()[k]);
        },
        layout, ch::io::Codec::kLz4);
    w.commit();
  }
  std::vector<std::size_t> in_order(reference_rows(0, 1).columns().size());
  for (std::size_t k = 0; k < in_order.size(); ++k) in_order[k] = k;
  EXPECT_EQ(asked, in_order);
  ch::io::TableReader r(ctx, path);
  expect_equal_tables(r.read_all("/t"), reference_rows(0, 30000));

  ch::io::TableWriter w(ctx, scratch("short.h5"));
  EXPECT_THROW(
      {
        try {
          w.write_table(
              "/t", 1, [&](std::size_t) { return ch::io::Column{"short", std::vector<std::int64_t>(e - b + 1), {}}; },
              layout);
        } catch (const std::runtime_error& err) {
          EXPECT_NE(std::string(err.what()).find("column 'short'"), std::string::npos) << err.what();
          throw;
        }
      },
      std::runtime_error);
}

TEST(TableIo, ContentDigestIndependentOfRankCount) {
  // The same global rows written by any number of ranks read back identically; the digest is
  // printed so that the 1/2/4-rank runs can be compared by eye in the ctest log.
  const auto ctx = Context::world();
  const auto [b, e] = ch::io::even_share(777, ctx.rank(), ctx.size());
  const auto path = scratch("digest.h5");
  {
    ch::io::TableWriter w(ctx, path);
    w.write_table("/t", reference_rows(b, e));
    w.commit();
  }
  ch::io::TableReader r(ctx, path);
  const auto all = r.read_all("/t");
  const auto& fixed = all.get<std::string>("fixed");
  ch::io::Sha256 h;
  for (const auto& s : fixed) h.update(s.data(), s.size() + 1);
  expect_equal_tables(all, reference_rows(0, 777));
}

TEST(TableIo, UncommittedWriterLeavesNoFile) {
  const auto ctx = Context::world();
  const auto path = scratch("never.h5");
  {
    ch::io::TableWriter w(ctx, path);
    w.write_table("/t", reference_rows(0, ctx.is_root() ? 10 : 0));
    // destroyed without commit(), as when an exception unwinds
  }
  ch::cluster::barrier(ctx, "root removed the partial file");
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(fs::path(path.string() + ".partial")));
}

TEST(TableIo, MissingFileAndColumnAreNamed) {
  const auto ctx = Context::world();
  try {
    ch::io::TableReader r(ctx, scratch("does-not-exist.h5"));
    FAIL() << "expected an error";
  } catch (const ch::Error& e) {
    EXPECT_NE(std::string(e.what()).find("does-not-exist.h5"), std::string::npos);
    EXPECT_EQ(e.exit_code(), ch::kExitUsage);
  }
  const auto path = scratch("cols.h5");
  {
    ch::io::TableWriter w(ctx, path);
    w.write_table("/t", Table().add("a", std::vector<std::int64_t>{1}));
    w.commit();
  }
  ch::io::TableReader r(ctx, path);
  try {
    r.read_all("/t", {"nope"});
    FAIL() << "expected an error";
  } catch (const ch::Error& e) {
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos);
  }
}
