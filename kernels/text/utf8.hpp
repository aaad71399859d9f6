// UTF-8 checks for untrusted input: well-formedness (Unicode 15, §3.9 table 3-7: no overlong
// forms, no surrogates, nothing above U+10FFFF), an ASCII fast path, and a printable form of
// arbitrary bytes for the quarantine table.
//
// Pure functions over byte strings; O(n) in the input length, no allocation except the copy
// returned by printable_utf8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ch::text {

inline constexpr std::size_t kNpos = std::string_view::npos;

// True when every byte is < 0x80. Reads 8 bytes at a time: most feed fields are ASCII, so
// this is the check that decides whether the slower paths run at all.
bool is_ascii(std::string_view s);

// Offset of the first byte that does not begin a well-formed UTF-8 sequence, or kNpos.
std::size_t find_invalid_utf8(std::string_view s);
inline bool is_valid_utf8(std::string_view s) { return find_invalid_utf8(s) == kNpos; }

// Decodes one code point at s[at]; returns its length in bytes (0 when ill-formed).
std::size_t decode_utf8(std::string_view s, std::size_t at, char32_t& code_point);

// A form of arbitrary bytes that is valid UTF-8 and survives NUL-padded fixed-length HDF5
// strings: ill-formed sequences become U+FFFD, NUL becomes the two characters "\0", and the
// result is cut to at most `max_bytes` on a character boundary.
std::string printable_utf8(std::string_view s, std::size_t max_bytes);

}  // namespace ch::text
