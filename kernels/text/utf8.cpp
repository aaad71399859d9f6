#include "kernels/text/utf8.hpp"

#include <cstring>

namespace ch::text {

bool is_ascii(std::string_view s) {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t acc = 0;
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    acc |= w;
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    acc |= static_cast<unsigned char>(*p++);
    --n;
  }
  return (acc & 0x8080808080808080ULL) == 0;
}

std::size_t decode_utf8(std::string_view s, std::size_t at, char32_t& cp) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const std::size_t n = s.size();
  const unsigned char b0 = byte(at);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  // Table 3-7 of the Unicode standard: the allowed range of the second byte depends on the
  // first, which is what excludes overlongs, surrogates and values above U+10FFFF.
  unsigned char lo = 0x80, hi = 0xBF;
  std::size_t len = 0;
  char32_t v = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    v = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    v = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    v = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (at + len > n) return 0;
  const unsigned char b1 = byte(at + 1);
  if (b1 < lo || b1 > hi) return 0;
  v = (v << 6) | (b1 & 0x3F);
  for (std::size_t i = 2; i < len; ++i) {
    const unsigned char b = byte(at + i);
    if (b < 0x80 || b > 0xBF) return 0;
    v = (v << 6) | (b & 0x3F);
  }
  cp = v;
  return len;
}

std::size_t find_invalid_utf8(std::string_view s) {
  std::size_t at = 0;
  while (at < s.size()) {
    // Skip ASCII runs a word at a time.
    while (at + 8 <= s.size()) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + at, 8);
      if (w & 0x8080808080808080ULL) break;
      at += 8;
    }
    if (at >= s.size()) break;
    if (static_cast<unsigned char>(s[at]) < 0x80) {
      ++at;
      continue;
    }
    char32_t cp;
    const std::size_t len = decode_utf8(s, at, cp);
    if (len == 0) return at;
    at += len;
  }
  return kNpos;
}

std::string printable_utf8(std::string_view s, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  std::size_t at = 0;
  while (at < s.size()) {
    char32_t cp;
    std::size_t len = decode_utf8(s, at, cp);
    std::string_view piece;
    if (len == 0) {
      piece = "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      len = 1;
    } else if (cp == 0) {
      piece = "\\0";
    } else {
      piece = s.substr(at, len);
    }
    if (out.size() + piece.size() > max_bytes) break;
    out += piece;
    at += len;
  }
  return out;
}

}  // namespace ch::text
