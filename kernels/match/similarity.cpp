#include "kernels/match/similarity.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <vector>

namespace ch::match {

namespace {

// General form for long strings: matched-position flags in vectors.
double jaro_long(std::string_view a, std::string_view b, std::size_t window) {
  std::vector<bool> matched_a(a.size(), false), matched_b(b.size(), false);
  std::size_t matches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::size_t lo = i > window ? i - window : 0;
    const std::size_t hi = std::min(b.size(), i + window + 1);
    for (std::size_t j = lo; j < hi; ++j)
      if (!matched_b[j] && a[i] == b[j]) {
        matched_a[i] = matched_b[j] = true;
        ++matches;
        break;
      }
  }
  if (matches == 0) return 0.0;
  std::size_t half_transpositions = 0, k = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!matched_a[i]) continue;
    while (!matched_b[k]) ++k;
    if (a[i] != b[k]) ++half_transpositions;
    ++k;
  }
  const double m = static_cast<double>(matches);
  return (m / a.size() + m / b.size() + (m - half_transpositions / 2.0) / m) / 3.0;
}

}  // namespace

double jaro(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a.size() > b.size()) std::swap(a, b);
  const std::size_t window = b.size() / 2 > 0 ? b.size() / 2 - 1 : 0;
  if (b.size() > 64) return jaro_long(a, b, window);
  // Names fit in a word: positions of each character of b as a bitmask, so "first unmatched
  // equal character inside the window" is one AND and a count-trailing-zeros. Only the table
  // entries of characters that occur are touched, so no 2 KiB clear per call.
  std::uint64_t positions[256];
  for (char c : a) positions[static_cast<unsigned char>(c)] = 0;
  for (char c : b) positions[static_cast<unsigned char>(c)] = 0;
  for (std::size_t j = 0; j < b.size(); ++j)
    positions[static_cast<unsigned char>(b[j])] |= std::uint64_t{1} << j;
  std::uint64_t matched_a = 0, matched_b = 0;
  std::size_t matches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::size_t lo = i > window ? i - window : 0;
    const std::size_t hi = std::min(b.size(), i + window + 1);
    const std::uint64_t in_window =
        (hi == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << hi) - 1) & ~((std::uint64_t{1} << lo) - 1);
    const std::uint64_t candidates = positions[static_cast<unsigned char>(a[i])] & ~matched_b & in_window;
    if (candidates) {
      matched_b |= candidates & (~candidates + 1);  // lowest set bit
      matched_a |= std::uint64_t{1} << i;
      ++matches;
    }
  }
  if (matches == 0) return 0.0;
  std::size_t half_transpositions = 0;
  std::uint64_t ra = matched_a, rb = matched_b;
  while (ra) {
    const int i = __builtin_ctzll(ra), j = __builtin_ctzll(rb);
    if (a[static_cast<std::size_t>(i)] != b[static_cast<std::size_t>(j)]) ++half_transpositions;
    ra &= ra - 1;
    rb &= rb - 1;
  }
  const double m = static_cast<double>(matches);
  return (m / a.size() + m / b.size() + (m - half_transpositions / 2.0) / m) / 3.0;
}

double jaro_winkler(std::string_view a, std::string_view b, double prefix_scale) {
  const double j = jaro(a, b);
  std::size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return j + static_cast<double>(prefix) * prefix_scale * (1.0 - j);
}

std::uint32_t levenshtein_reference(std::string_view a, std::string_view b) {
  std::vector<std::uint32_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<std::uint32_t>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<std::uint32_t>(i);
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1] ? 1u : 0u)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::uint32_t levenshtein(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);  // pattern = the shorter string
  const std::size_t m = a.size();
  if (m == 0) return static_cast<std::uint32_t>(b.size());
  if (m > 64) return levenshtein_reference(a, b);
  // Myers/Hyyrö: Peq[c] has bit i set where a[i] == c. VP/VN encode the vertical deltas of the
  // current DP column (+1 / -1); the score tracks the bottom row cell.
  std::array<std::uint64_t, 256> peq{};
  for (std::size_t i = 0; i < m; ++i) peq[static_cast<unsigned char>(a[i])] |= std::uint64_t{1} << i;
  std::uint64_t vp = m == 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << m) - 1), vn = 0;
  const std::uint64_t last = std::uint64_t{1} << (m - 1);
  std::uint32_t score = static_cast<std::uint32_t>(m);
  for (char c : b) {
    const std::uint64_t eq = peq[static_cast<unsigned char>(c)];
    const std::uint64_t xv = eq | vn;
    const std::uint64_t xh = (((eq & vp) + vp) ^ vp) | eq;
    std::uint64_t hp = vn | ~(xh | vp);
    std::uint64_t hn = vp & xh;
    if (hp & last) ++score;
    if (hn & last) --score;
    hp = (hp << 1) | 1;
    hn <<= 1;
    vp = hn | ~(xv | hp);
    vn = hp & xv;
  }
  return score;
}

std::uint32_t damerau_levenshtein(std::string_view a, std::string_view b) {
  const std::size_t m = a.size(), n = b.size();
  std::vector<std::uint32_t> d((m + 1) * (n + 1));
  auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return d[i * (n + 1) + j]; };
  for (std::size_t i = 0; i <= m; ++i) at(i, 0) = static_cast<std::uint32_t>(i);
  for (std::size_t j = 0; j <= n; ++j) at(0, j) = static_cast<std::uint32_t>(j);
  for (std::size_t i = 1; i <= m; ++i)
    for (std::size_t j = 1; j <= n; ++j) {
      const std::uint32_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
    }
  return at(m, n);
}

namespace {
// Up to 8 tokens per name is plenty (a name with more is compared on its first 8).
struct Tokens {
  std::array<std::string_view, 8> items;
  std::size_t size = 0;
};
Tokens tokenize(std::string_view s) {
  Tokens t;
  std::size_t at = 0;
  while (at < s.size() && t.size < t.items.size()) {
    while (at < s.size() && (s[at] == ' ' || s[at] == '-')) ++at;
    std::size_t end = at;
    while (end < s.size() && s[end] != ' ' && s[end] != '-') ++end;
    if (end > at) {
      const auto tok = s.substr(at, end - at);
      if (std::find(t.items.begin(), t.items.begin() + static_cast<std::ptrdiff_t>(t.size), tok) ==
          t.items.begin() + static_cast<std::ptrdiff_t>(t.size))
        t.items[t.size++] = tok;
    }
    at = end;
  }
  return t;
}
}  // namespace

double token_set_similarity(std::string_view a, std::string_view b) {
  const Tokens ta = tokenize(a), tb = tokenize(b);
  if (ta.size == 0 && tb.size == 0) return 1.0;
  std::size_t common = 0;
  for (std::size_t i = 0; i < ta.size; ++i)
    for (std::size_t j = 0; j < tb.size; ++j)
      if (ta.items[i] == tb.items[j]) {
        ++common;
        break;
      }
  return static_cast<double>(common) / static_cast<double>(ta.size + tb.size - common);
}

std::int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void civil_from_days(std::int32_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe) + era * 400 + (m <= 2);
}

DateAgreement compare_dates(std::int32_t a, std::int32_t b) {
  if (a == kMissingDate || b == kMissingDate) return DateAgreement::kMissing;
  if (a == b) return DateAgreement::kExact;
  int ya, yb;
  unsigned ma, mb, da, db;
  civil_from_days(a, ya, ma, da);
  civil_from_days(b, yb, mb, db);
  if (ya == yb && ma == db && da == mb) return DateAgreement::kDayMonthSwapped;
  if (ya == yb) return DateAgreement::kSameYear;
  if ((ma == mb && da == db && std::abs(ya - yb) == 1) || std::abs(a - b) <= 366)
    return DateAgreement::kWithinOneYear;
  return DateAgreement::kDifferent;
}

bool within_one_edit(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);
  if (a.size() - b.size() > 1) return false;
  std::size_t i = 0;
  while (i < b.size() && a[i] == b[i]) ++i;
  if (i == b.size()) return true;  // equal, or a has one more character at the end
  if (a.size() > b.size()) return a.substr(i + 1) == b.substr(i);  // one deletion from a
  // Same length: one substitution, or the transposition of i and i + 1.
  if (a.substr(i + 1) == b.substr(i + 1)) return true;
  return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2);
}

}  // namespace ch::match
