#include "io/csv.hpp"

#include <fcntl.h>
#include <tbb/parallel_for.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "cluster/collectives.hpp"
#include "io/table.hpp"

namespace ch::io {
namespace {

constexpr std::uint64_t kNone = std::numeric_limits<std::uint64_t>::max();
// Below this a buffer is split serially; above, in blocks of this size (big enough that the
// per-block bookkeeping is noise, small enough to spread a rank's buffer over its threads).
constexpr std::size_t kSplitBlock = std::size_t{1} << 20;

void push_span(std::vector<RecordSpan>& spans, std::string_view bytes, std::uint64_t begin,
               std::uint64_t end, std::uint64_t line) {
  if (end > begin && bytes[end - 1] == '\r') --end;
  spans.push_back({begin, end, line});
}

// A read-only file descriptor that closes itself.
class InputFile {
 public:
  explicit InputFile(const std::filesystem::path& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  ~InputFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Reads [offset, offset + n) into out (appending); short only at end of file.
  std::size_t read_at(std::uint64_t offset, std::size_t n, std::string& out) const {
    const std::size_t old = out.size();
    out.resize(old + n);
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = ::pread(fd_, out.data() + old + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error("cannot read " + path_.string() + ": " + std::strerror(errno));
      }
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    out.resize(old + got);
    return got;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace

std::string read_file_range(const std::filesystem::path& path, std::uint64_t offset, std::size_t n) {
  std::string out;
  InputFile(path).read_at(offset, n, out);
  return out;
}

std::vector<RecordSpan> split_records_serial(std::string_view bytes, char quote,
                                             std::uint64_t first_line) {
  std::vector<RecordSpan> spans;
  bool in_quotes = false;
  std::uint64_t line = first_line, start = 0, start_line = first_line;
  for (std::uint64_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c == quote) {
      in_quotes = !in_quotes;
    } else if (c == '\n') {
      ++line;
      if (!in_quotes) {
        push_span(spans, bytes, start, i, start_line);
        start = i + 1;
        start_line = line;
      }
    }
  }
  if (start < bytes.size()) push_span(spans, bytes, start, bytes.size(), start_line);
  return spans;
}

// Without a quote character every newline ends a record: memchr finds them several times faster
// than a byte loop that tracks quoting (machine-written feeds seldom quote anything).
std::vector<RecordSpan> split_unquoted_records(std::string_view bytes, std::uint64_t first_line) {
  std::vector<RecordSpan> spans;
  spans.reserve(bytes.size() / 64);
  std::uint64_t start = 0, line = first_line;
  const char* base = bytes.data();
  while (start < bytes.size()) {
    const void* nl = std::memchr(base + start, '\n', bytes.size() - start);
    const std::uint64_t end = nl ? static_cast<std::uint64_t>(static_cast<const char*>(nl) - base) : bytes.size();
    push_span(spans, bytes, start, end, line++);
    start = end + 1;
  }
  return spans;
}

std::vector<RecordSpan> split_records(std::string_view bytes, char quote, std::uint64_t first_line) {
  if (std::memchr(bytes.data(), quote, bytes.size()) == nullptr) return split_unquoted_records(bytes, first_line);
  if (bytes.size() <= 2 * kSplitBlock) return split_records_serial(bytes, quote, first_line);
  const std::size_t blocks = (bytes.size() + kSplitBlock - 1) / kSplitBlock;
  std::vector<std::uint64_t> quotes(blocks), newlines(blocks);
  tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t k) {
    const auto piece = bytes.substr(k * kSplitBlock, kSplitBlock);
    std::uint64_t q = 0, n = 0;
    for (char c : piece) {
      q += c == quote;
      n += c == '\n';
    }
    quotes[k] = q;
    newlines[k] = n;
  });
  // Prefix over blocks: the parity and line number at each block's first byte.
  std::vector<std::uint8_t> parity(blocks);
  std::vector<std::uint64_t> line_at(blocks);
  std::uint64_t q = 0, n = 0;
  for (std::size_t k = 0; k < blocks; ++k) {
    parity[k] = static_cast<std::uint8_t>(q & 1);
    line_at[k] = first_line + n;
    q += quotes[k];
    n += newlines[k];
  }
  // Record starts found in each block: (offset, line).
  std::vector<std::vector<std::pair<std::uint64_t, std::uint64_t>>> starts(blocks);
  tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t k) {
    const std::uint64_t base = k * kSplitBlock;
    const auto piece = bytes.substr(base, kSplitBlock);
    bool in_quotes = parity[k] != 0;
    std::uint64_t line = line_at[k];
    auto& out = starts[k];
    if (k == 0) out.emplace_back(0, first_line);
    if (quotes[k] == 0) {  // most blocks: quoting cannot change inside, so memchr the newlines
      if (in_quotes) return;
      const char* at = piece.data();
      const char* const end = at + piece.size();
      while (const void* nl = std::memchr(at, '\n', static_cast<std::size_t>(end - at))) {
        at = static_cast<const char*>(nl) + 1;
        ++line;
        const std::uint64_t next = base + static_cast<std::uint64_t>(at - piece.data());
        if (next < bytes.size()) out.emplace_back(next, line);
      }
      return;
    }
    for (std::uint64_t i = 0; i < piece.size(); ++i) {
      const char c = piece[i];
      if (c == quote) {
        in_quotes = !in_quotes;
      } else if (c == '\n') {
        ++line;
        if (!in_quotes && base + i + 1 < bytes.size()) out.emplace_back(base + i + 1, line);
      }
    }
  });
  std::vector<RecordSpan> spans;
  std::size_t total = 0;
  for (const auto& s : starts) total += s.size();
  spans.reserve(total);
  const std::pair<std::uint64_t, std::uint64_t>* prev = nullptr;
  for (const auto& s : starts)
    for (const auto& st : s) {
      if (prev) push_span(spans, bytes, prev->first, st.first - 1, prev->second);
      prev = &st;
    }
  // A final newline outside quotes ends the last record (and starts none), as in the serial split.
  const bool final_newline = bytes.back() == '\n' && (q & 1) == 0;
  if (prev) push_span(spans, bytes, prev->first, bytes.size() - (final_newline ? 1 : 0), prev->second);
  return spans;
}

namespace {
// The position of the first `c` in s[from, end), or s.size(): eight bytes a step (the
// "has zero byte" test of the bytes XOR c, Mycroft 1987) over the short fields of a record, where
// a byte loop or a memchr call per field cost ingest more than the rest of the split.
std::size_t find_byte(std::string_view s, std::size_t from, char c) {
  static_assert(std::endian::native == std::endian::little, "the lowest address is the lowest byte");
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const std::uint64_t pattern = kOnes * static_cast<unsigned char>(c);
  for (; from + 8 <= s.size(); from += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + from, 8);
    w ^= pattern;
    // Exact for the lowest matching byte (borrows only run upwards), which is all we use.
    const std::uint64_t found = (w - kOnes) & ~w & kHigh;
    if (found) return from + static_cast<std::size_t>(__builtin_ctzll(found)) / 8;
  }
  while (from < s.size() && s[from] != c) ++from;
  return from;
}
}  // namespace

FieldsStatus split_fields(std::string_view record, const CsvDialect& d,
                          std::vector<std::string_view>& fields, std::string& scratch) {
  fields.clear();
  scratch.clear();
  if (scratch.capacity() < record.size()) scratch.reserve(record.size());
  const std::size_t n = record.size();
  std::size_t at = 0;
  FieldsStatus status = FieldsStatus::kOk;
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (true) {
    if (d.trim_spaces)
      while (at < n && blank(record[at])) ++at;
    if (at < n && record[at] == d.quote) {
      // Quoted field: copy only if it holds a doubled quote; otherwise view the record.
      const std::size_t begin = ++at;
      std::size_t copy_from = std::string_view::npos;  // scratch offset when copying
      bool closed = false;
      while (at < n) {
        if (record[at] == d.quote) {
          if (at + 1 < n && record[at + 1] == d.quote) {
            if (copy_from == std::string_view::npos) {
              copy_from = scratch.size();
              scratch.append(record.substr(begin, at - begin));
            }
            scratch.push_back(d.quote);
            at += 2;
            continue;
          }
          closed = true;
          break;
        }
        if (copy_from != std::string_view::npos) scratch.push_back(record[at]);
        ++at;
      }
      const std::size_t end = at;
      if (copy_from != std::string_view::npos)
        fields.emplace_back(scratch.data() + copy_from, scratch.size() - copy_from);
      else
        fields.push_back(record.substr(begin, end - begin));
      if (!closed) return FieldsStatus::kUnterminatedQuote;
      ++at;  // past the closing quote
      while (at < n && blank(record[at])) ++at;
      if (at < n && record[at] != d.delimiter) {
        status = FieldsStatus::kMalformedQuotes;
        while (at < n && record[at] != d.delimiter) ++at;
      }
    } else {
      const std::size_t begin = at;
      at = find_byte(record, at, d.delimiter);
      std::size_t end = at;
      if (d.trim_spaces)
        while (end > begin && blank(record[end - 1])) --end;
      fields.push_back(record.substr(begin, end - begin));
    }
    if (at >= n) break;
    ++at;  // the delimiter; a record ending in one has an empty last field
    if (at == n) {
      fields.emplace_back();
      break;
    }
  }
  return status;
}

CsvHeader read_csv_header(const std::filesystem::path& path, char quote, std::uint64_t max_bytes) {
  CsvHeader h;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    h.error = path.string() + ": no such file (or not a regular file)";
    return h;
  }
  try {
    const InputFile file(path);
    h.file_size = std::filesystem::file_size(path);
    std::string buf;
    bool in_quotes = false, found = false;
    std::uint64_t newlines = 0, scanned = 0;
    constexpr std::size_t kChunk = 64 * 1024;
    while (!found) {
      const std::size_t got = file.read_at(scanned, kChunk, buf);
      for (std::uint64_t i = scanned; i < scanned + got && !found; ++i) {
        const char c = buf[i];
        if (c == quote) {
          in_quotes = !in_quotes;
        } else if (c == '\n') {
          ++newlines;
          if (!in_quotes) {
            found = true;
            h.data_begin = i + 1;
            h.data_line = newlines + 1;
            h.text = buf.substr(0, i);
          }
        }
      }
      scanned += got;
      if (found || got < kChunk) break;  // the header's end, or end of file without a newline
      if (scanned > max_bytes) {
        h.error = path.string() + ": header longer than " + std::to_string(max_bytes) + " bytes";
        return h;
      }
    }
    if (!found) {
      if (buf.empty()) {
        h.error = path.string() + ": empty file (no header row)";
        return h;
      }
      h.text = buf;  // a header without a newline and no data
      h.data_begin = buf.size();
      h.data_line = newlines + 2;
    }
    if (!h.text.empty() && h.text.back() == '\r') h.text.pop_back();
    if (h.text.compare(0, 3, "\xEF\xBB\xBF") == 0) h.text.erase(0, 3);
  } catch (const std::exception& e) {
    h.error = e.what();
  }
  return h;
}

std::vector<CsvPieceRange> plan_owned_records(const cluster::Context& ctx,
                                              const std::vector<CsvSource>& sources,
                                              std::uint64_t max_record_bytes) {
  const std::size_t nf = sources.size();
  const auto p = static_cast<std::size_t>(ctx.size());
  const auto me = static_cast<std::size_t>(ctx.rank());
  constexpr std::uint64_t kBuffer = std::uint64_t{16} << 20;
  std::string buf;

  // 1. This rank's share of each file's data.
  std::vector<std::uint64_t> len(nf);
  for (std::size_t f = 0; f < nf; ++f) {
    const auto& s = sources[f];
    len[f] = s.file_size > s.data_begin ? s.file_size - s.data_begin : 0;
  }
  struct Range {
    std::uint64_t b = 0, e = 0;  // file offsets; empty when b == e
    char before = '\n';          // the byte at b - 1 (a newline stands in at data_begin)
    std::unique_ptr<InputFile> file;
  };
  auto short_file = [&](std::size_t f) {
    return std::runtime_error(sources[f].path.string() + " is shorter than when its header was read");
  };
  std::vector<Range> ranges(nf);
  std::vector<std::uint64_t> counts(2 * nf, 0);
  for (std::size_t f = 0; f < nf; ++f) {
    const auto [lo, hi] = even_share(len[f], ctx.rank(), ctx.size());
    if (lo >= hi) continue;
    auto& r = ranges[f];
    const auto& s = sources[f];
    r.b = s.data_begin + lo;
    r.e = s.data_begin + hi;
    r.file = std::make_unique<InputFile>(s.path);
    if (r.b > s.data_begin) {
      std::string one;
      if (r.file->read_at(r.b - 1, 1, one) != 1) throw short_file(f);
      r.before = one[0];
    }
    // Only later ranks use a range's counts: the last rank (the only one, alone) skips the pass.
    if (me + 1 == p) continue;
    std::uint64_t q = 0, n = 0;
    for (std::uint64_t at = r.b; at < r.e; at += buf.size()) {
      buf.clear();
      const std::uint64_t want = std::min(kBuffer, r.e - at);
      if (r.file->read_at(at, want, buf) != want) throw short_file(f);
      for (char c : buf) {
        q += c == s.quote;
        n += c == '\n';
      }
    }
    counts[2 * f] = q;
    counts[2 * f + 1] = n;
  }

  // 2. Quote parity and line number at each of this rank's range starts.
  const auto all_counts = cluster::allgatherv<std::uint64_t>(ctx, counts);
  std::vector<std::uint64_t> starts(2 * nf, kNone);
  std::vector<std::uint64_t> line_at_b(nf, 0);
  for (std::size_t f = 0; f < nf; ++f) {
    std::uint64_t q_before = 0, n_before = 0;
    for (std::size_t r = 0; r < me; ++r) {
      q_before += all_counts[r * 2 * nf + 2 * f];
      n_before += all_counts[r * 2 * nf + 2 * f + 1];
    }
    auto& r = ranges[f];
    if (r.b == r.e) continue;
    line_at_b[f] = sources[f].data_line + n_before;
    bool in_quotes = (q_before & 1) != 0;
    // 3. The first record start inside [b, e), and the newlines before it.
    std::uint64_t start = kNone, newlines = 0;
    if (r.before == '\n' && !in_quotes) {
      start = r.b;
    } else {
      for (std::uint64_t at = r.b; at < r.e && start == kNone; at += buf.size()) {
        buf.clear();
        const std::uint64_t want = std::min(kBuffer, r.e - at);
        if (r.file->read_at(at, want, buf) != want) throw short_file(f);
        bool found = false;
        for (std::uint64_t i = 0; i < buf.size() && !found; ++i) {
          const char c = buf[i];
          if (c == sources[f].quote) {
            in_quotes = !in_quotes;
          } else if (c == '\n') {
            ++newlines;
            if (!in_quotes) {
              if (at + i + 1 < r.e) start = at + i + 1;
              found = true;
            }
          }
        }
        if (found) break;
      }
    }
    starts[2 * f] = start;
    starts[2 * f + 1] = start == kNone ? 0 : newlines;
  }
  const auto all_starts = cluster::allgatherv<std::uint64_t>(ctx, starts);

  // 4. Own the records from the first start to the next owned start on a later rank.
  std::vector<CsvPieceRange> pieces;
  for (std::size_t f = 0; f < nf; ++f) {
    auto& r = ranges[f];
    const std::uint64_t start = starts[2 * f];
    if (r.b == r.e || start == kNone) continue;
    std::uint64_t stop = sources[f].file_size;
    for (std::size_t later = me + 1; later < p; ++later) {
      const std::uint64_t s = all_starts[later * 2 * nf + 2 * f];
      if (s != kNone) {
        stop = s;
        break;
      }
    }
    CsvPieceRange piece;
    piece.source = f;
    piece.offset = start;
    piece.first_line = line_at_b[f] + starts[2 * f + 1];
    std::uint64_t end = r.e;
    if (stop > r.e) {
      // Past the range only to the end of the last record, at most max_record_bytes (the file
      // may have grown or shrunk since: what is there now is what is read).
      end = r.e + std::min(stop - r.e, max_record_bytes);
      end = std::min<std::uint64_t>(end, std::filesystem::file_size(sources[f].path));
      piece.cut_bytes = stop - end;
    }
    piece.length = end - start;
    pieces.push_back(piece);
  }
  return pieces;
}

CsvWindowReader::CsvWindowReader(const std::filesystem::path& file, const CsvPieceRange& piece,
                                 char quote, std::uint64_t window_bytes)
    : file_(file), piece_(piece), quote_(quote), window_(std::max<std::uint64_t>(window_bytes, 1)),
      line_(piece.first_line) {}

bool CsvWindowReader::next(std::string& bytes, std::vector<RecordSpan>& spans, std::uint64_t& piece_offset) {
  if (done_ >= piece_.length) return false;
  const InputFile in(file_);
  for (std::uint64_t want = window_;; want *= 2) {
    const std::uint64_t n = std::min(want, piece_.length - done_);
    bytes.clear();
    if (in.read_at(piece_.offset + done_, n, bytes) != n)
      throw std::runtime_error(file_.string() + " is shorter than when its header was read");
    spans = split_records(bytes, quote_, line_);
    const bool piece_end = done_ + n == piece_.length;
    // Not at the piece's end, the last record may continue past the window: it goes to the next
    // window (the first of which starts on its line), unless it is the window's only record.
    if (!piece_end && spans.size() > 1) {
      const RecordSpan cut = spans.back();
      spans.pop_back();
      bytes.resize(cut.begin);
      piece_offset = done_;
      done_ += cut.begin;
      line_ = cut.line;
      return true;
    }
    if (piece_end) {
      piece_offset = done_;
      done_ = piece_.length;
      return true;
    }
  }
}

std::vector<CsvPiece> read_owned_records(const cluster::Context& ctx,
                                         const std::vector<CsvSource>& sources,
                                         std::uint64_t max_record_bytes) {
  std::vector<CsvPiece> pieces;
  for (const auto& range : plan_owned_records(ctx, sources, max_record_bytes)) {
    CsvPiece piece;
    piece.source = range.source;
    piece.offset = range.offset;
    piece.first_line = range.first_line;
    piece.cut_bytes = range.cut_bytes;
    if (InputFile(sources[range.source].path).read_at(range.offset, range.length, piece.bytes) != range.length)
      throw std::runtime_error(sources[range.source].path.string() + " is shorter than when its header was read");
    pieces.push_back(std::move(piece));
  }
  return pieces;
}

}  // namespace ch::io
