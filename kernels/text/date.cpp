#include "kernels/text/date.hpp"

#include <cstdio>

#include "kernels/text/normalize.hpp"

namespace ch::text {

std::int64_t days_from_civil(int y, int m, int d) {
  // Hinnant: shift the year to start in March so the leap day is the last day of the year.
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * static_cast<unsigned>(m > 2 ? m - 3 : m + 9) + 2) / 5 +
                       static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

bool is_valid_civil(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::string iso_date(std::int64_t days) {
  const auto c = civil_from_days(days);
  if (c.year < 0 || c.year > 9999) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%d-%02d-%02d", c.year, c.month, c.day);
    return buf;
  }
  // The common case without snprintf: this runs once per date field of every row.
  std::string out = "0000-00-00";
  out[0] = static_cast<char>('0' + c.year / 1000);
  out[1] = static_cast<char>('0' + c.year / 100 % 10);
  out[2] = static_cast<char>('0' + c.year / 10 % 10);
  out[3] = static_cast<char>('0' + c.year % 10);
  out[5] = static_cast<char>('0' + c.month / 10);
  out[6] = static_cast<char>('0' + c.month % 10);
  out[8] = static_cast<char>('0' + c.day / 10);
  out[9] = static_cast<char>('0' + c.day % 10);
  return out;
}

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// Reads between min and max digits at s[at]; false if fewer than min.
bool read_number(std::string_view s, std::size_t& at, int min_digits, int max_digits, int& value) {
  int n = 0;
  value = 0;
  while (n < max_digits && at < s.size() && digit(s[at])) {
    value = value * 10 + (s[at] - '0');
    ++at;
    ++n;
  }
  return n >= min_digits;
}

int month_from_abbrev(std::string_view s) {
  static constexpr std::string_view kNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                "jul", "aug", "sep", "oct", "nov", "dec"};
  if (s.size() < 3) return 0;
  char low[3];
  for (int i = 0; i < 3; ++i) low[i] = static_cast<char>(s[i] | 0x20);
  for (int m = 0; m < 12; ++m)
    if (std::string_view(low, 3) == kNames[m]) return m + 1;
  return 0;
}

}  // namespace

ParsedDate parse_date(std::string_view raw, std::string_view pattern) {
  const std::string_view s = trim(raw);
  int y = -1, m = -1, d = -1;
  std::size_t at = 0;
  for (std::size_t p = 0; p < pattern.size(); ++p) {
    if (pattern[p] != '%' || p + 1 >= pattern.size()) {
      if (at >= s.size() || s[at] != pattern[p]) return {0, DateError::kUnparseable};
      ++at;
      continue;
    }
    const char spec = pattern[++p];
    // A number touching another number in the pattern must have its full width, otherwise
    // "%Y%m%d" could not be split (and "1937123" would read as 1937-12-3).
    auto is_number = [](char c) { return c == 'Y' || c == 'm' || c == 'd'; };
    const bool packed = (p + 2 < pattern.size() && pattern[p + 1] == '%' && is_number(pattern[p + 2])) ||
                        (p >= 3 && pattern[p - 3] == '%' && is_number(pattern[p - 2]));
    switch (spec) {
      case 'Y':
        if (!read_number(s, at, 4, 4, y)) return {0, DateError::kUnparseable};
        break;
      case 'm':
        if (!read_number(s, at, packed ? 2 : 1, 2, m)) return {0, DateError::kUnparseable};
        break;
      case 'd':
        if (!read_number(s, at, packed ? 2 : 1, 2, d)) return {0, DateError::kUnparseable};
        break;
      case 'b':
        m = month_from_abbrev(s.substr(at));
        if (m == 0) return {0, DateError::kUnparseable};
        at += 3;
        break;
      case '%':
        if (at >= s.size() || s[at] != '%') return {0, DateError::kUnparseable};
        ++at;
        break;
      default:
        return {0, DateError::kUnparseable};
    }
  }
  if (at != s.size() || y < 0 || m < 0 || d < 0) return {0, DateError::kUnparseable};
  if (!is_valid_civil(y, m, d)) return {0, DateError::kNoSuchDay};
  return {days_from_civil(y, m, d), DateError::kNone};
}

std::optional<std::int64_t> parse_utc_timestamp(std::string_view raw) {
  const std::string_view s = trim(raw);
  std::size_t at = 0;
  int y, mo, d, h = 0, mi = 0, se = 0;
  auto expect = [&](char c) {
    if (at < s.size() && s[at] == c) {
      ++at;
      return true;
    }
    return false;
  };
  if (!read_number(s, at, 4, 4, y) || !expect('-') || !read_number(s, at, 2, 2, mo) ||
      !expect('-') || !read_number(s, at, 2, 2, d))
    return std::nullopt;
  if (!is_valid_civil(y, mo, d)) return std::nullopt;
  std::int64_t offset = 0;
  if (at < s.size()) {
    if (!(expect('T') || expect(' '))) return std::nullopt;
    if (!read_number(s, at, 2, 2, h) || !expect(':') || !read_number(s, at, 2, 2, mi))
      return std::nullopt;
    if (expect(':') && !read_number(s, at, 2, 2, se)) return std::nullopt;
    if (h > 23 || mi > 59 || se > 60) return std::nullopt;
    if (expect('.')) {
      int frac;
      if (!read_number(s, at, 1, 9, frac)) return std::nullopt;
    }
    if (at < s.size()) {
      if (expect('Z')) {
      } else if (s[at] == '+' || s[at] == '-') {
        const int sign = s[at] == '-' ? -1 : 1;
        ++at;
        int oh, om = 0;
        if (!read_number(s, at, 2, 2, oh)) return std::nullopt;
        if (expect(':')) {
          if (!read_number(s, at, 2, 2, om)) return std::nullopt;
        } else if (!read_number(s, at, 0, 2, om)) {
          return std::nullopt;
        }
        if (oh > 18 || om > 59) return std::nullopt;
        offset = sign * (oh * 3600 + om * 60);
      } else {
        return std::nullopt;
      }
    }
    if (at != s.size()) return std::nullopt;
  }
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
}

int years_between(std::int64_t born, std::int64_t on) {
  const auto b = civil_from_days(born), o = civil_from_days(on);
  int years = o.year - b.year;
  if (o.month < b.month || (o.month == b.month && o.day < b.day)) --years;
  return years;
}

}  // namespace ch::text
