// Unicode → ASCII folding for matching keys: "José" → "Jose", "Łukasz" → "Lukasz",
// "Straße" → "Strasse", "Мухаммед" → "Muhammed", "محمد" → "mhmd".
//
// Method: ICU's transform "Any-Latin; NFKD; [:Nonspacing Mark:] Remove; Latin-ASCII;
// [^\u0000-\u007F] Remove" — transliterate other scripts to Latin (ICU's CLDR-based rules),
// decompose compatibility forms (NFKD, UAX #15: "ﬁ" → "fi"), drop the combining marks that NFKD
// split off, map the Latin letters that have no decomposition (ł, ø, ß, đ, æ) to ASCII, and drop
// whatever is left. Why ICU rather than a hand-written table: feeds carry Cyrillic, Arabic and
// Greek script as well as accented Latin, and ICU's maintained transliteration rules cover all
// of them; a table would cover Latin only.
//
// Speed: ASCII input (most fields) is returned as is without touching ICU. Strings whose code
// points are all Latin (U+0080–U+036F, U+1E00–U+1EFF) are folded per code point from a table
// that is filled once from the same ICU transform (≈ 1,000 code points, a few ms), so accented
// Latin names cost a table look-up instead of ≈ 4 µs of ICU. Other scripts go through ICU as a
// whole string (transliteration is context-dependent there). tests/unit/text_fold_test.cpp
// checks that the table path and the ICU path agree.
//
// Thread-safe: ICU transliterators are not, so each thread keeps its own instance. Input must be
// valid UTF-8 (check with is_valid_utf8 first); ill-formed bytes are dropped.
#pragma once

#include <string>
#include <string_view>

namespace ch::text {

// Appends the ASCII folding of `utf8` to `out`.
void fold_to_ascii(std::string_view utf8, std::string& out);
std::string fold_to_ascii(std::string_view utf8);

// The same transform, always through ICU (no ASCII or table shortcut): the reference the fast
// paths are tested against.
std::string fold_to_ascii_icu(std::string_view utf8);

}  // namespace ch::text
