// io/csv: record splitting (parallel against the serial reference on random inputs), field
// splitting, and header reading.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "io/csv.hpp"

namespace fs = std::filesystem;
using ch::io::CsvDialect;
using ch::io::FieldsStatus;
using ch::io::RecordSpan;

namespace {

bool same(const std::vector<RecordSpan>& a, const std::vector<RecordSpan>& b) {
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    if (a[i].begin != b[i].begin || a[i].end != b[i].end || a[i].line != b[i].line) {
      ADD_FAILURE() << "span " << i << ": [" << a[i].begin << ", " << a[i].end << ") line " << a[i].line
                    << " vs [" << b[i].begin << ", " << b[i].end << ") line " << b[i].line;
      return false;
    }
  if (a.size() != b.size()) ADD_FAILURE() << a.size() << " spans vs " << b.size();
  return a.size() == b.size();
}

std::vector<std::string> fields_of(std::string_view record, CsvDialect d = {},
                                   FieldsStatus* status = nullptr) {
  std::vector<std::string_view> f;
  std::string scratch;
  const auto s = ch::io::split_fields(record, d, f, scratch);
  if (status) *status = s;
  return {f.begin(), f.end()};
}

fs::path write_file(const std::string& name, const std::string& content) {
  const auto path = fs::temp_directory_path() / ("ch_csv_test_" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace

TEST(SplitRecords, QuotedNewlinesCrlfAndLines) {
  const std::string text = "a,b\r\n\"x\ny\",2\n\n\"q\"\"\",3";
  const auto spans = ch::io::split_records(text, '"', 5);
  ASSERT_EQ(spans.size(), 4u);
  EXPECT_EQ(text.substr(spans[0].begin, spans[0].end - spans[0].begin), "a,b");  // CR dropped
  EXPECT_EQ(spans[0].line, 5u);
  EXPECT_EQ(text.substr(spans[1].begin, spans[1].end - spans[1].begin), "\"x\ny\",2");
  EXPECT_EQ(spans[1].line, 6u);
  EXPECT_EQ(spans[2].begin, spans[2].end);  // the blank line
  EXPECT_EQ(spans[2].line, 8u);
  EXPECT_EQ(spans[3].line, 9u);
}

TEST(SplitRecords, ParallelEqualsSerialOnRandomInput) {
  // Inputs above the parallel threshold, dense in quotes and newlines, so that block
  // boundaries fall inside quoted fields and between CR and LF.
  std::mt19937_64 rng(42);
  const char alphabet[] = {'a', 'b', ',', ',', '"', '\n', '\n', '\r', 'x', ' '};
  for (int round = 0; round < 4; ++round) {
    std::string text(5'000'000 + static_cast<std::size_t>(round) * 777, 'a');
    for (auto& c : text) c = alphabet[rng() % sizeof alphabet];
    if (round == 3) text.back() = '\n';
    const auto serial = ch::io::split_records_serial(text, '"', 2);
    const auto parallel = ch::io::split_records(text, '"', 2);
    EXPECT_GT(serial.size(), 1000u);
    EXPECT_TRUE(same(serial, parallel)) << "round " << round;
  }
}

TEST(SplitRecords, QuoteFreeInputTakesTheFastPathWithTheSameSpans) {
  // No quote at all (the fast path), with CRLF, blank lines and no final newline.
  std::mt19937_64 rng(7);
  const char alphabet[] = {'a', 'b', ',', '\n', '\n', '\r', 'x', ' '};
  for (int round = 0; round < 3; ++round) {
    std::string text(3'000'000 + static_cast<std::size_t>(round) * 311, 'a');
    for (auto& c : text) c = alphabet[rng() % sizeof alphabet];
    if (round == 1) text.back() = '\n';
    if (round == 2) text.front() = '\n';
    const auto serial = ch::io::split_records_serial(text, '"', 3);
    EXPECT_GT(serial.size(), 1000u);
    EXPECT_TRUE(same(serial, ch::io::split_records(text, '"', 3))) << "round " << round;
  }
  EXPECT_TRUE(same(ch::io::split_records_serial("", '"', 1), ch::io::split_records("", '"', 1)));
  EXPECT_TRUE(same(ch::io::split_records_serial("\n", '"', 1), ch::io::split_records("\n", '"', 1)));
}

TEST(SplitRecords, SparseQuotesAcrossBlocksMatchSerial) {
  // Mostly quote-free blocks (their newlines are found with memchr), a few quoted fields with
  // newlines, and one quoted field longer than a split block, so some blocks lie wholly inside it.
  std::mt19937_64 rng(11);
  std::string text;
  bool long_field = false;
  while (text.size() < 6'000'000) {
    const auto r = rng() % 100000;
    if (!long_field && text.size() > 1'500'000) {
      long_field = true;
      text += "x,\"";
      for (int i = 0; i < 300'000; ++i) text += i % 7 == 0 ? "\n" : "abcdefg";
      text += "\"\n";
    } else if (r < 5) {
      text += "y,\"two\nlines\"\r\n";
    } else {
      text += r % 3 == 0 ? "a,b\r\n" : "abc,defgh\n";
    }
  }
  const auto serial = ch::io::split_records_serial(text, '"', 4);
  EXPECT_TRUE(same(serial, ch::io::split_records(text, '"', 4)));
  EXPECT_LT(serial.size(), static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
}

TEST(SplitRecords, UnterminatedQuoteSwallowsTheRestAsOneRecord) {
  const std::string text = "1,ok\n2,\"open\n3,x\n4,y\n";
  const auto spans = ch::io::split_records(text, '"', 1);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[1].line, 2u);
  EXPECT_EQ(spans[1].end, text.size());  // the final newline is inside the open quote
}

TEST(SplitFields, Rfc4180AndDamage) {
  EXPECT_EQ(fields_of("a,b,c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(fields_of("a,,"), (std::vector<std::string>{"a", "", ""}));
  EXPECT_EQ(fields_of(""), (std::vector<std::string>{""}));
  EXPECT_EQ(fields_of("\"a,b\",\"say \"\"hi\"\"\",\"x\ny\""),
            (std::vector<std::string>{"a,b", "say \"hi\"", "x\ny"}));
  EXPECT_EQ(fields_of("ab\"c,d"), (std::vector<std::string>{"ab\"c", "d"}));  // literal quote
  FieldsStatus st;
  fields_of("\"a\"b,c", {}, &st);
  EXPECT_EQ(st, FieldsStatus::kMalformedQuotes);
  fields_of("a,\"open", {}, &st);
  EXPECT_EQ(st, FieldsStatus::kUnterminatedQuote);
  CsvDialect febrl;
  febrl.trim_spaces = true;
  EXPECT_EQ(fields_of("rec-1, , waller , \"x, y\" ", febrl),
            (std::vector<std::string>{"rec-1", "", "waller", "x, y"}));
  CsvDialect semi;
  semi.delimiter = ';';
  EXPECT_EQ(fields_of("a;b,c", semi), (std::vector<std::string>{"a", "b,c"}));
  // Fields are found eight bytes a step: delimiters at every offset of a word, long fields,
  // bytes >= 0x80 (which must not look like a match) and a delimiter as the last byte.
  for (std::size_t len = 0; len < 20; ++len) {
    const std::string a(len, 'x'), b(len + 3, '\xc3');
    EXPECT_EQ(fields_of(a + "," + b + "," + a), (std::vector<std::string>{a, b, a})) << len;
    EXPECT_EQ(fields_of(b + ","), (std::vector<std::string>{b, ""})) << len;
  }
}

TEST(CsvHeader, BomCrlfQuotedNewlineAndErrors) {
  auto h = ch::io::read_csv_header(write_file("bom.csv", "\xEF\xBB\xBFid,\"na\nme\"\r\n1,x\n"), '"', 1 << 20);
  EXPECT_EQ(h.error, "");
  EXPECT_EQ(h.text, "id,\"na\nme\"");
  EXPECT_EQ(h.data_begin, 15u);
  EXPECT_EQ(h.data_line, 3u);
  h = ch::io::read_csv_header(write_file("noeol.csv", "id,name"), '"', 1 << 20);
  EXPECT_EQ(h.text, "id,name");
  EXPECT_EQ(h.data_begin, 7u);
  h = ch::io::read_csv_header(write_file("empty.csv", ""), '"', 1 << 20);
  EXPECT_NE(h.error.find("empty.csv"), std::string::npos);
  h = ch::io::read_csv_header("/nonexistent/dir/feed.csv", '"', 1 << 20);
  EXPECT_NE(h.error.find("/nonexistent/dir/feed.csv"), std::string::npos);
  h = ch::io::read_csv_header(fs::temp_directory_path(), '"', 1 << 20);
  EXPECT_FALSE(h.error.empty());
}
