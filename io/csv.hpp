// CSV input split across ranks by byte range, without any rank reading a whole file.
//
// Record boundaries. A record ends at a '\n' that lies outside quotes, and "outside quotes" is
// decided by the parity of the quote characters since the start of the data: a quote toggles
// the state, whatever surrounds it. For RFC 4180 files (quotes inside quoted fields are doubled)
// this is exactly the standard reading; for damaged files it is still one fixed, simple rule, so
// every rank and every thread agrees on it. The parity at any offset is a prefix sum, which is
// what makes the split exact in parallel:
//
//   1. The data (after its header) of each file is cut into one equal byte range per rank, so
//      every rank holds a share of every file: the ranks' work and each output table's rows are
//      balanced whatever the mix of files (a table written per file, io::RowLayout).
//   2. Each rank counts the quotes and newlines in its ranges; an allgather of these counts
//      gives every rank the quote parity and the line number at the start of its ranges.
//   3. Knowing its starting parity, a rank finds its first record start (the byte after the
//      first '\n' outside quotes, or its range start if that is a record start); a second
//      allgather tells every rank where the next rank's first record starts.
//   4. A rank owns the records that start inside its range. It reads on past its range to the
//      end of its last record, which is the next owned record start on a later rank (or the end
//      of the file): at most `max_record_bytes` more. A record longer than that (an unterminated
//      quote can swallow the rest of a file) is cut; the caller quarantines it.
//
// Within a rank, split_records applies the same rule to blocks of the buffer in parallel (TBB):
// quote and newline counts per block, a prefix over blocks, then record starts per block.
// Record order, content and line numbers are therefore the same for any number of ranks and
// threads. Cost: one read of the data plus one extra pass over each rank's bytes; two
// allgathers of 2 × files integers per rank.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/context.hpp"

namespace ch::io {

struct CsvDialect {
  char delimiter = ',';
  char quote = '"';
  bool trim_spaces = false;  // drop blanks around unquoted fields and before quoted ones
};

// One record of a buffer: bytes [begin, end) without the '\n' (and without a '\r' before it),
// starting on physical line `line` (1-based) of its file.
struct RecordSpan {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t line = 0;
};

// Record spans of `bytes`, which starts at a record start outside quotes on line `first_line`.
// Parallel over blocks; identical to split_records_serial for every input.
std::vector<RecordSpan> split_records(std::string_view bytes, char quote, std::uint64_t first_line);
// The obviously-correct reference: one pass, one byte at a time.
std::vector<RecordSpan> split_records_serial(std::string_view bytes, char quote,
                                             std::uint64_t first_line);

enum class FieldsStatus {
  kOk,
  kMalformedQuotes,     // text after a closing quote before the delimiter
  kUnterminatedQuote,   // a quoted field still open at the end of the record
};

// Splits one record into fields. Views point into `record` or, for quoted fields with doubled
// quotes, into `scratch` (cleared and reserved here so it never reallocates while views are
// live). A quote inside an unquoted field is kept as a literal character.
FieldsStatus split_fields(std::string_view record, const CsvDialect& dialect,
                          std::vector<std::string_view>& fields, std::string& scratch);

// The first record of a file: its header.
struct CsvHeader {
  std::string text;             // the header record, without a UTF-8 byte order mark
  std::uint64_t data_begin = 0; // offset of the first data record
  std::uint64_t data_line = 2;  // its physical line number
  std::uint64_t file_size = 0;
  std::string error;            // non-empty when the file cannot be read or has no header
};
// Reads only as far as the end of the header record (at most `max_bytes`). Local: rank 0 calls
// it and shares the verdict so that every rank raises the same error.
CsvHeader read_csv_header(const std::filesystem::path& path, char quote, std::uint64_t max_bytes);

// The data part of one file, as the partitioner needs it.
struct CsvSource {
  std::filesystem::path path;
  std::uint64_t data_begin = 0;
  std::uint64_t data_line = 2;
  std::uint64_t file_size = 0;
  char quote = '"';
};

// Bytes [offset, offset + n) of a file (fewer at its end): a record looked up again after its
// piece was released (a duplicate's raw line).
std::string read_file_range(const std::filesystem::path& path, std::uint64_t offset, std::size_t n);

// Whole records of one file owned by this rank.
struct CsvPiece {
  std::size_t source = 0;         // index into the sources given
  std::uint64_t offset = 0;       // file offset of bytes[0], a record start
  std::uint64_t first_line = 0;   // physical line of bytes[0]
  std::string bytes;              // the records, back to back
  std::uint64_t cut_bytes = 0;    // > 0: the last record continues for this many unread bytes
};

// Where a rank's records of one file are, without their bytes.
struct CsvPieceRange {
  std::size_t source = 0;
  std::uint64_t offset = 0;       // file offset of the first record
  std::uint64_t length = 0;       // bytes of whole records from there (the last possibly cut)
  std::uint64_t first_line = 0;   // physical line of the first record
  std::uint64_t cut_bytes = 0;    // > 0: the last record continues for this many unread bytes
};

// Collective. Where this rank's records of every source are, in source order (see the top of
// this file). Streams through the rank's byte ranges with one bounded buffer, so the input is
// never held in memory. Throws std::runtime_error naming the file on a read error.
std::vector<CsvPieceRange> plan_owned_records(const cluster::Context& ctx,
                                              const std::vector<CsvSource>& sources,
                                              std::uint64_t max_record_bytes);

// Reads one piece in windows of whole records, so that a rank holds a window of its input at a
// time, not all of it. Each window ends at a record end (the last window at the piece's end); a
// record longer than the window makes that window grow to hold it.
class CsvWindowReader {
 public:
  CsvWindowReader(const std::filesystem::path& file, const CsvPieceRange& piece, char quote,
                  std::uint64_t window_bytes);
  // The next window: its bytes (reusing `bytes`' memory), record spans, and where it starts
  // relative to the piece. False once the piece is read.
  bool next(std::string& bytes, std::vector<RecordSpan>& spans, std::uint64_t& piece_offset);
  bool last() const { return done_ >= piece_.length; }  // the window returned last ended the piece

 private:
  std::filesystem::path file_;
  CsvPieceRange piece_;
  char quote_;
  std::uint64_t window_;
  std::uint64_t done_ = 0, line_ = 0;
};

// Collective. This rank's records of every source, in source order, read whole (tests and small
// inputs; ingest reads windows). Throws std::runtime_error naming the file on a read error.
std::vector<CsvPiece> read_owned_records(const cluster::Context& ctx,
                                         const std::vector<CsvSource>& sources,
                                         std::uint64_t max_record_bytes);

}  // namespace ch::io
