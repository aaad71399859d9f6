// Normalized forms of identity fields, kept beside the raw values so that comparisons in
// `resolve` see "José-María  D'Souza" and "JOSE MARIA DSOUZA" as the same name.
//
// All functions are pure and thread-safe; each is O(length of the input). Input is valid UTF-8
// (the reader quarantines anything else before normalization).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ch::text {

// Names and free text: fold to ASCII, lower-case, drop apostrophes (O'Brien → obrien, so the
// variants with and without it meet), turn every other run of non-alphanumerics into one space,
// trim. "  José-María D'Souza " → "jose maria dsouza".
std::string normalize_name(std::string_view raw);
void normalize_name(std::string_view raw, std::string& out);

// The space-separated tokens of a normalized name.
std::vector<std::string_view> name_tokens(std::string_view normalized);

// Identifiers (document numbers, postcodes, booking references): fold, upper-case, keep only
// A–Z and 0–9. "ab-123 456" → "AB123456".
std::string normalize_identifier(std::string_view raw);

// Short codes (nationality, country, carrier): fold, trim, upper-case; inner spaces kept.
std::string normalize_code(std::string_view raw);
// The same, without a copy for a code already in that form (the usual "USA", "AA"): returns
// `raw` itself then, else the normalized code written into `buf`.
std::string_view normalize_code(std::string_view raw, std::string& buf);

// E-mail: trim and lower-case (ASCII letters only; the local part's case is not significant in
// practice for matching).
std::string normalize_email(std::string_view raw);

// "M"/"F"/"X" for recognised codes (m, male, f, female, x, other, u, unknown → "X"), "" for
// empty, nullopt for anything else.
std::optional<std::string> normalize_sex(std::string_view raw);

// How a full-name column orders its parts.
enum class NameOrder { kGivenFirst, kFamilyFirst };
struct SplitName {
  std::string given, family;  // raw parts (trimmed), still in their original script
};
// "Family, Given" (a comma) is recognised whatever the order; otherwise kGivenFirst takes the
// last whitespace-separated token as the family name and kFamilyFirst the first.
SplitName split_full_name(std::string_view raw, NameOrder order);

// Trims ASCII whitespace (space, tab, CR, LF) from both ends. Inline: ingest trims every field.
inline std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Partner handling codes of `releasable_to`: semicolon-separated, case-insensitive, blanks
// ignored; the result is the sorted distinct lower-case codes joined by ';' ("" = domestic
// only). On an unknown code, `bad` names it and the result is nullopt.
inline constexpr std::string_view kPartnerCodes[] = {"europol", "frontex", "interpol"};
std::optional<std::string> normalize_partners(std::string_view raw, std::string* bad = nullptr);

}  // namespace ch::text
