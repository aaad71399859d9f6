// The byte-range CSV split under 1, 2 and 4 ranks: the records every rank owns of each file,
// concatenated in rank order, are exactly the records a serial reading finds — same bytes, same line numbers,
// same order — for files with quoted newlines on every possible boundary, CRLF, blank lines,
// tiny and header-only files, and an unterminated quote; an overlong record is cut but the
// records after it are unaffected.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "cluster/collectives.hpp"
#include "io/csv.hpp"
#include "tests/mpi/scratch.hpp"

namespace fs = std::filesystem;
using ch::cluster::Context;

namespace {

fs::path scratch_dir() { return ch::test::scratch_dir("ch_ingest_split_"); }

// Records with quoted newlines, doubled quotes, CRLF and blank lines; deterministic.
std::string tricky_file(std::size_t records, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out = "id,name,note\r\n";
  for (std::size_t i = 0; i < records; ++i) {
    out += std::to_string(i);
    out += ',';
    switch (rng() % 6) {
      case 0: out += "\"multi\nline\n\"\"quoted\"\" name\""; break;
      case 1: out += "plain"; break;
      case 2: out += "\"\n\""; break;
      case 3: out += "\"a,b\""; break;
      case 4: out += ""; break;
      default: out += "\"x\"\"\ny\""; break;
    }
    out += ",n";
    out += (rng() % 4 == 0) ? "\r\n" : "\n";
    if (rng() % 10 == 0) out += "\n";  // a blank line
  }
  return out;
}

struct Input {
  fs::path path;
  std::string content;
};

std::vector<Input> write_inputs(const fs::path& dir) {
  std::vector<Input> in = {
      {dir / "a.csv", tricky_file(700, 1)},
      {dir / "tiny.csv", "id,name,note\n1,x,y\n"},
      {dir / "header_only.csv", "id,name,note\n"},
      {dir / "b.csv", tricky_file(300, 2)},
      {dir / "open_quote.csv", "id,name,note\n1,ok,n\n2,\"never closed,n\n3,x,n\n4,y,n\n"},
      {dir / "no_final_newline.csv", "id,name,note\n1,a,b\n2,\"c\nd\",e"},
  };
  const auto ctx = Context::world();
  if (ctx.is_root())
    for (const auto& i : in) std::ofstream(i.path, std::ios::binary) << i.content;
  ch::cluster::barrier(ctx, "inputs written before any rank reads them");
  return in;
}

std::vector<ch::io::CsvSource> sources_of(const std::vector<Input>& in) {
  std::vector<ch::io::CsvSource> out;
  for (const auto& i : in) {
    const auto h = ch::io::read_csv_header(i.path, '"', 1 << 20);
    EXPECT_EQ(h.error, "");
    out.push_back({i.path, h.data_begin, h.data_line, h.file_size, '"'});
  }
  return out;
}

std::string key(std::size_t file, std::uint64_t line, std::string_view text) {
  return std::to_string(file) + "|" + std::to_string(line) + "|" + std::string(text);
}

// The serial reading of every file: what the distributed reading must reproduce.
std::vector<std::string> serial_records(const std::vector<Input>& in,
                                        const std::vector<ch::io::CsvSource>& src) {
  std::vector<std::string> out;
  for (std::size_t f = 0; f < in.size(); ++f) {
    const std::string_view data = std::string_view(in[f].content).substr(src[f].data_begin);
    for (const auto& sp : ch::io::split_records_serial(data, '"', src[f].data_line))
      out.push_back(key(f, sp.line, data.substr(sp.begin, sp.end - sp.begin)));
  }
  return out;
}

// Every rank's records in rank order, regrouped by file (each rank holds a share of every file):
// the file order of a serial reading.
std::vector<std::string> file_major(std::vector<std::string> gathered) {
  std::stable_sort(gathered.begin(), gathered.end(), [](const std::string& a, const std::string& b) {
    return std::stoul(a.substr(0, a.find('|'))) < std::stoul(b.substr(0, b.find('|')));
  });
  return gathered;
}

std::vector<std::string> distributed_records(const std::vector<ch::io::CsvSource>& src,
                                             std::uint64_t max_record_bytes, std::size_t* cut = nullptr) {
  const auto ctx = Context::world();
  std::vector<std::string> mine;
  for (const auto& piece : ch::io::read_owned_records(ctx, src, max_record_bytes)) {
    EXPECT_LT(piece.offset, src[piece.source].file_size);
    const auto spans = ch::io::split_records(piece.bytes, '"', piece.first_line);
    for (const auto& sp : spans)
      mine.push_back(key(piece.source, sp.line, std::string_view(piece.bytes).substr(sp.begin, sp.end - sp.begin)));
    if (cut && piece.cut_bytes > 0) ++*cut;
  }
  return file_major(ch::cluster::allgatherv_strings(ctx, mine));
}

// The same records read through CsvWindowReader in windows of `window` bytes (records longer than
// a window make it grow); spans point into each window, RawRef-style offsets into the piece.
std::vector<std::string> windowed_records(const std::vector<ch::io::CsvSource>& src,
                                          std::uint64_t max_record_bytes, std::uint64_t window) {
  const auto ctx = Context::world();
  std::vector<std::string> mine;
  for (const auto& piece : ch::io::plan_owned_records(ctx, src, max_record_bytes)) {
    ch::io::CsvWindowReader reader(src[piece.source].path, piece, '"', window);
    std::string bytes;
    std::vector<ch::io::RecordSpan> spans;
    std::uint64_t at = 0, expected_at = 0;
    while (reader.next(bytes, spans, at)) {
      EXPECT_EQ(at, expected_at);  // windows tile the piece
      expected_at += bytes.size();
      for (const auto& sp : spans)
        mine.push_back(key(piece.source, sp.line, std::string_view(bytes).substr(sp.begin, sp.end - sp.begin)));
    }
    EXPECT_TRUE(reader.last());
    EXPECT_EQ(expected_at, piece.length);
  }
  return file_major(ch::cluster::allgatherv_strings(ctx, mine));
}

}  // namespace

TEST(IngestCsvSplit, WindowsOfAnySizeGiveTheSameRecords) {
  const auto in = write_inputs(scratch_dir());
  const auto src = sources_of(in);
  const auto expected = serial_records(in, src);
  for (std::uint64_t window : {1u, 7u, 64u, 1000u, 1u << 20})
    ASSERT_EQ(windowed_records(src, 1 << 20, window), expected) << "window " << window;
}

TEST(IngestCsvSplit, OwnedRecordsEqualTheSerialReading) {
  const auto in = write_inputs(scratch_dir());
  const auto src = sources_of(in);
  const auto expected = serial_records(in, src);
  const auto got = distributed_records(src, 1 << 20);
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], expected[i]) << "record " << i;
  EXPECT_GT(expected.size(), 1000u);
}

TEST(IngestCsvSplit, EveryRankOwnsAnEvenShareOfEachFile) {
  // Each file is split over all ranks, so every rank has a piece of each file big enough to be
  // split and the pieces differ by at most a record or two (the work and each output table's rows
  // are balanced whatever the mix of files).
  const auto ctx = Context::world();
  const auto in = write_inputs(scratch_dir());
  const auto src = sources_of(in);
  const auto pieces = ch::io::plan_owned_records(ctx, src, 1 << 20);
  for (std::size_t f : {std::size_t{0}, std::size_t{3}}) {  // a.csv, b.csv
    const std::uint64_t data = src[f].file_size - src[f].data_begin;
    const std::uint64_t share = data / static_cast<std::uint64_t>(ctx.size());
    auto it = std::find_if(pieces.begin(), pieces.end(), [&](const auto& pc) { return pc.source == f; });
    ASSERT_NE(it, pieces.end()) << "rank " << ctx.rank() << " has no piece of file " << f;
    EXPECT_NEAR(static_cast<double>(it->length), static_cast<double>(share), 200.0) << "file " << f;
  }
}

TEST(IngestCsvSplit, EveryByteOffsetAsARankBoundary) {
  // Shift a small file's content by one byte at a time so that rank boundaries land on every
  // kind of byte (inside quotes, on CR, on LF, on a doubled quote).
  const auto ctx = Context::world();
  const auto dir = scratch_dir();
  for (std::size_t pad = 0; pad < 40; ++pad) {
    std::vector<Input> in = {{dir / ("shift_" + std::to_string(pad) + ".csv"),
                              "id,name,note\n" + std::string(pad, 'p') + ",\"q\n\"\"\",z\r\n" +
                                  tricky_file(8, pad).substr(14)}};
    if (ctx.is_root()) std::ofstream(in[0].path, std::ios::binary) << in[0].content;
    ch::cluster::barrier(ctx, "shifted input written");
    const auto src = sources_of(in);
    ASSERT_EQ(distributed_records(src, 1 << 20), serial_records(in, src)) << "pad " << pad;
  }
}

TEST(IngestCsvSplit, OverlongRecordIsCutWithoutDisturbingTheRest) {
  const auto ctx = Context::world();
  const auto dir = scratch_dir();
  std::string content = "id,name,note\n1,a,b\n2,\"" + std::string(5000, 'L') + "\n" +
                        std::string(5000, 'M') + "\",c\n3,d,e\n4,f,g\n";
  std::vector<Input> in = {{dir / "long.csv", content}};
  if (ctx.is_root()) std::ofstream(in[0].path, std::ios::binary) << content;
  ch::cluster::barrier(ctx, "long input written");
  const auto src = sources_of(in);
  std::size_t cut = 0;
  const auto got = distributed_records(src, 1024, &cut);
  const auto expected = serial_records(in, src);
  ASSERT_EQ(got.size(), expected.size());
  std::size_t shortened = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i] == expected[i]) continue;
    // Only the overlong record may differ, and only by being a prefix of the real one.
    EXPECT_EQ(expected[i].rfind(got[i], 0), 0u) << "record " << i;
    ++shortened;
  }
  const auto cuts = ch::cluster::allreduce_sum<std::uint64_t>(ctx, cut);
  EXPECT_EQ(shortened, cuts);
  // With one rank nothing is read past a range, so nothing is cut.
  if (ctx.size() == 1) {
    EXPECT_EQ(cuts, 0u);
  } else {
    EXPECT_GE(cuts, 1u);  // rank 0's range ends inside the 10 kB record
  }
}
