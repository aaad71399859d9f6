// Parsing of edge-list CSV text: a header naming `source` and `target` (and optionally `weight`;
// other columns are ignored, in any order), then one undirected edge per line.
//
// Rules (docs/algorithms.md, "Edge files"): fields are comma-separated, may be double-quoted
// ("" is a quote inside quotes), unquoted fields are trimmed of spaces and tabs; labels are any
// non-empty strings but cannot contain line breaks (the file is split between ranks at line
// boundaries); blank lines are skipped; the weight defaults to 1 and must be a finite number in
// [0, 2^40], and 0 or at least 2^-20 (the fixed-point resolution).
// Self-loops are dropped and counted; zero-weight edges are counted and add no weight (their
// vertices stay). Any other problem is an error naming the line.
//
// Pure text processing: no file access. O(bytes).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ch::community {

// Largest accepted edge weight: 2^40 · 2^20 fixed-point units leaves 2^3 edges of headroom
// per int64 and the total is checked separately (kMaxTotalWeight).
inline constexpr double kMaxEdgeWeight = 1099511627776.0;

struct EdgeColumns {
  std::size_t source = 0;
  std::size_t target = 0;
  std::optional<std::size_t> weight;
  std::size_t count = 0;  // fields in the header
};

// Throws std::invalid_argument with a message for the user when a column is missing.
EdgeColumns parse_edge_header(std::string_view header_line);

struct RawEdge {
  std::string_view source;  // views into the parsed text or into EdgeParse::unescaped
  std::string_view target;
  double weight = 1.0;
};

struct EdgeParse {
  std::vector<RawEdge> edges;
  std::uint64_t lines = 0;        // lines seen, blank ones included
  std::uint64_t self_loops = 0;   // dropped
  std::uint64_t zero_weight = 0;  // kept as vertices, no weight
  std::uint64_t error_line = 0;   // 0 = no error; else the first bad line's number
  std::string error;
  std::deque<std::string> unescaped;  // storage for quoted fields with "" inside (stable addresses)
};

// Decimal labels (the common case: vertex numbers) get an integer key that sorts like the string,
// so dense ids can be assigned by sorting integers instead of strings. A label qualifies when it
// is 1 to 17 ASCII digits without a leading zero ("0" itself qualifies). The key is the value
// padded with zeros to 17 digits, times 32, plus the length: comparing keys compares the strings
// byte by byte (a prefix sorts first, and a padding zero is below any digit that differs).
inline constexpr std::size_t kMaxDecimalLabelDigits = 17;
struct DecimalLabel {
  std::uint64_t value = 0;
  std::uint32_t digits = 0;  // 0: not a decimal label
};
inline DecimalLabel decimal_label(std::string_view s) {
  if (s.empty() || s.size() > kMaxDecimalLabelDigits || (s[0] == '0' && s.size() > 1)) return {};
  std::uint64_t v = 0;
  for (const char ch : s) {
    if (ch < '0' || ch > '9') return {};
    v = v * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  return {v, static_cast<std::uint32_t>(s.size())};
}
std::uint64_t decimal_label_key(DecimalLabel d);
DecimalLabel decimal_label_of_key(std::uint64_t key);
std::string decimal_label_text(DecimalLabel d);

// `text` holds whole lines; `first_line` is the file line number of its first line. Parsing stops
// at the first error.
EdgeParse parse_edge_lines(std::string_view text, const EdgeColumns& columns, std::uint64_t first_line);

}  // namespace ch::community
