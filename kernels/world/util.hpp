// Small pure helpers of the world generator: civil dates, keyed permutations, CSV output.
#pragma once

#include <bit>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "kernels/rng.hpp"

namespace ch::world::util {

// --- civil dates (Howard Hinnant, "chrono-compatible low-level date algorithms") -------------
constexpr std::int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int32_t>(doe) - 719468;
}

struct Civil {
  int y;
  unsigned m, d;
};
constexpr Civil civil_from_days(std::int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

// --- keyed permutation of [0, n) --------------------------------------------------------------
// A balanced 4-round Feistel network on the next even bit width, with cycle walking to stay in
// [0, n) (Black & Rogaway, "Ciphers with arbitrary finite domains", CT-RSA 2002). Used where ids
// must map to distinct values (phone numbers, document numbers, booking locators) or to a
// shuffled order (social circles) without storing a table.
inline std::uint64_t feistel(std::uint64_t x, int half, std::uint64_t key, bool inverse) {
  const std::uint64_t mask = (std::uint64_t{1} << half) - 1;
  std::uint64_t l = x >> half, r = x & mask;
  if (!inverse) {
    for (std::uint64_t round = 0; round < 4; ++round) {
      const std::uint64_t f = mix64(r ^ (key + round * 0x9e3779b97f4a7c15ULL)) & mask;
      const std::uint64_t nl = r;
      r = l ^ f;
      l = nl;
    }
  } else {
    for (std::uint64_t round = 4; round-- > 0;) {
      const std::uint64_t f = mix64(l ^ (key + round * 0x9e3779b97f4a7c15ULL)) & mask;
      const std::uint64_t nr = l;
      l = r ^ f;
      r = nr;
    }
  }
  return (l << half) | r;
}

inline int feistel_half(std::uint64_t n) {
  int bits = n <= 1 ? 2 : 64 - std::countl_zero(n - 1);
  if (bits < 2) bits = 2;
  if (bits % 2) ++bits;
  return bits / 2;
}

inline std::uint64_t permute(std::uint64_t x, std::uint64_t n, std::uint64_t key) {
  if (n <= 1) return 0;
  const int half = feistel_half(n);
  x %= n;
  do x = feistel(x, half, key, false);
  while (x >= n);
  return x;
}

inline std::uint64_t unpermute(std::uint64_t y, std::uint64_t n, std::uint64_t key) {
  if (n <= 1) return 0;
  const int half = feistel_half(n);
  do y = feistel(y, half, key, true);
  while (y >= n);
  return y;
}

// --- CSV output (RFC 4180) --------------------------------------------------------------------
inline void put_field(std::string& out, std::string_view v) {
  bool plain = true;
  for (char c : v) plain &= c != ',' && c != '"' && c != '\r' && c != '\n';
  if (plain) {
    out.append(v);
    return;
  }
  out += '"';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

inline void put_uint(std::string& out, std::uint64_t v, int min_width = 0) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  const int len = static_cast<int>(res.ptr - buf);
  for (int i = len; i < min_width; ++i) out += '0';
  out.append(buf, res.ptr);
}

inline void put_date(std::string& out, std::int32_t day) {
  const Civil c = civil_from_days(day);
  put_uint(out, static_cast<std::uint64_t>(c.y), 4);
  out += '-';
  put_uint(out, c.m, 2);
  out += '-';
  put_uint(out, c.d, 2);
}

// "2025-03-14T08:35:00Z"
inline void put_timestamp(std::string& out, std::int64_t seconds) {
  std::int64_t day = seconds / 86400, rem = seconds % 86400;
  if (rem < 0) rem += 86400, --day;
  put_date(out, static_cast<std::int32_t>(day));
  out += 'T';
  put_uint(out, static_cast<std::uint64_t>(rem / 3600), 2);
  out += ':';
  put_uint(out, static_cast<std::uint64_t>(rem / 60 % 60), 2);
  out += ':';
  put_uint(out, static_cast<std::uint64_t>(rem % 60), 2);
  out += 'Z';
}

}  // namespace ch::world::util
