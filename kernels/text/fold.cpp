#include "kernels/text/fold.hpp"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <array>
#include <memory>
#include <stdexcept>

#include "kernels/text/utf8.hpp"

namespace ch::text {
namespace {

constexpr const char* kTransform =
    "Any-Latin; NFKD; [:Nonspacing Mark:] Remove; Latin-ASCII; [^\\u0000-\\u007F] Remove";

icu::Transliterator& thread_transliterator() {
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode status = U_ZERO_ERROR;
    UParseError parse_error;
    std::unique_ptr<icu::Transliterator> made(icu::Transliterator::createInstance(
        icu::UnicodeString::fromUTF8(kTransform), UTRANS_FORWARD, parse_error, status));
    if (U_FAILURE(status) || !made)
      throw std::runtime_error(std::string("ICU transliterator unavailable: ") + u_errorName(status));
    return made;
  }();
  return *t;
}

void icu_fold(std::string_view utf8, std::string& out) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  thread_transliterator().transliterate(u);
  u.toUTF8String(out);
}

// Code points folded from the table: Latin-1 Supplement, Latin Extended-A/B, IPA, spacing
// modifiers, combining diacritics, and Latin Extended Additional (Vietnamese).
constexpr char32_t kLowBegin = 0x80, kLowEnd = 0x370;
constexpr char32_t kHighBegin = 0x1E00, kHighEnd = 0x1F00;
constexpr std::size_t kTableSize = (kLowEnd - kLowBegin) + (kHighEnd - kHighBegin);

std::size_t table_index(char32_t cp) {
  if (cp >= kLowBegin && cp < kLowEnd) return cp - kLowBegin;
  if (cp >= kHighBegin && cp < kHighEnd) return (kLowEnd - kLowBegin) + (cp - kHighBegin);
  return kTableSize;
}

struct LatinTable {
  // Each entry is at most 7 ASCII bytes (the longest Latin-ASCII result is 4, e.g. "(c)").
  std::array<std::array<char, 8>, kTableSize> folded{};
  LatinTable() {
    for (std::size_t i = 0; i < kTableSize; ++i) {
      const char32_t cp = i < (kLowEnd - kLowBegin) ? kLowBegin + static_cast<char32_t>(i)
                                                    : kHighBegin + static_cast<char32_t>(i - (kLowEnd - kLowBegin));
      icu::UnicodeString u(static_cast<UChar32>(cp));
      thread_transliterator().transliterate(u);
      std::string s;
      u.toUTF8String(s);
      if (s.size() > 7) s.resize(7);
      auto& e = folded[i];
      e[7] = static_cast<char>(s.size());
      for (std::size_t k = 0; k < s.size(); ++k) e[k] = s[k];
    }
  }
};

const LatinTable& latin_table() {
  static const LatinTable table;  // thread-safe initialization (C++11 statics)
  return table;
}

}  // namespace

void fold_to_ascii(std::string_view utf8, std::string& out) {
  if (is_ascii(utf8)) {
    out.append(utf8);
    return;
  }
  // Try the per-code-point table; fall back to ICU at the first code point outside it.
  const std::size_t mark = out.size();
  const auto& table = latin_table();
  std::size_t at = 0;
  while (at < utf8.size()) {
    const auto b = static_cast<unsigned char>(utf8[at]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      ++at;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = decode_utf8(utf8, at, cp);
    if (len == 0) {  // ill-formed: dropped, as documented
      ++at;
      continue;
    }
    const std::size_t idx = table_index(cp);
    if (idx == kTableSize) {
      out.resize(mark);
      icu_fold(utf8, out);
      return;
    }
    const auto& e = table.folded[idx];
    out.append(e.data(), static_cast<std::size_t>(e[7]));
    at += len;
  }
}

std::string fold_to_ascii(std::string_view utf8) {
  std::string out;
  fold_to_ascii(utf8, out);
  return out;
}

std::string fold_to_ascii_icu(std::string_view utf8) {
  std::string out;
  icu_fold(utf8, out);
  return out;
}

}  // namespace ch::text
