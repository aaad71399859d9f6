// Telephone numbers to E.164 ("+" country code, subscriber number; ITU-T Rec. E.164, at most
// 15 digits). Country codes are checked against the ITU-T list of assigned codes (Complement to
// E.164, "List of ITU-T Recommendation E.164 assigned country codes"); the codes form a prefix
// code, so the first match among 1-, 2- and 3-digit prefixes is the country code.
#pragma once

#include <string>
#include <string_view>

namespace ch::text {

enum class PhoneError {
  kNone,
  kEmpty,               // nothing but separators
  kBadCharacter,        // something other than digits, +, spaces, - . ( ) /
  kNoCountryCode,       // national format and no default country code given
  kUnknownCountryCode,  // not an assigned E.164 country code
  kBadLength,           // fewer than 7 or more than 15 digits in total
};
const char* phone_error_name(PhoneError e);

// Normalizes `raw` into `e164` ("+923001234567"). Accepted: "+92 300 123-4567", "0092...",
// and, when `default_country_code` is given (digits, e.g. "61"), a national number whose one
// leading trunk "0" is dropped ("0412 345 678" → "+61412345678").
PhoneError normalize_phone(std::string_view raw, std::string_view default_country_code,
                           std::string& e164);

// Length of the country code at the start of `digits` (no "+"), or 0 if none is assigned.
std::size_t country_code_length(std::string_view digits);

}  // namespace ch::text
