#include "kernels/text/phone.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "kernels/text/normalize.hpp"

namespace ch::text {
namespace {

// Assigned country codes (ITU-T E.164 complement), including the global services codes
// (800 freephone, 808, 870 Inmarsat, 878, 881–883, 888) that occur in call records.
constexpr std::array<int, 2> kOneDigit = {1, 7};
constexpr std::array<int, 44> kTwoDigit = {20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41,
                                           43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54,
                                           55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66,
                                           81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98};
constexpr int kThreeDigit[] = {
    211, 212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232,
    233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250,
    251, 252, 253, 254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269,
    290, 291, 297, 298, 299, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372,
    373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423,
    500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 590, 591, 592, 593, 594, 595, 596, 597,
    598, 599, 670, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 685, 686, 687,
    688, 689, 690, 691, 692, 800, 808, 850, 852, 853, 855, 856, 870, 878, 880, 881, 882, 883,
    886, 888, 960, 961, 962, 963, 964, 965, 966, 967, 968, 970, 971, 972, 973, 974, 975, 976,
    977, 979, 992, 993, 994, 995, 996, 998};

int prefix_value(std::string_view digits, std::size_t n) {
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v * 10 + (digits[i] - '0');
  return v;
}

// Country-code length by the first three digits (000–999), looked up once per phone instead of
// three searches (ingest normalizes two phones per call record, tens of millions).
constexpr std::array<std::uint8_t, 1000> kLengthByPrefix = [] {
  std::array<std::uint8_t, 1000> t{};
  for (int p = 100; p < 1000; ++p) {
    if (std::find(kOneDigit.begin(), kOneDigit.end(), p / 100) != kOneDigit.end())
      t[p] = 1;
    else if (std::find(kTwoDigit.begin(), kTwoDigit.end(), p / 10) != kTwoDigit.end())
      t[p] = 2;
    else if (std::find(std::begin(kThreeDigit), std::end(kThreeDigit), p) != std::end(kThreeDigit))
      t[p] = 3;
  }
  return t;
}();

}  // namespace

const char* phone_error_name(PhoneError e) {
  switch (e) {
    case PhoneError::kNone: return "ok";
    case PhoneError::kEmpty: return "empty";
    case PhoneError::kBadCharacter: return "character other than digits and separators";
    case PhoneError::kNoCountryCode: return "no country code";
    case PhoneError::kUnknownCountryCode: return "unassigned country code";
    case PhoneError::kBadLength: return "not 7 to 15 digits";
  }
  return "?";
}

std::size_t country_code_length(std::string_view digits) {
  if (digits.empty() || digits[0] == '0') return 0;
  if (digits.size() >= 3) return kLengthByPrefix[static_cast<std::size_t>(prefix_value(digits, 3))];
  // One or two digits: only a code that short can match.
  if (std::find(kOneDigit.begin(), kOneDigit.end(), prefix_value(digits, 1)) != kOneDigit.end())
    return 1;
  if (digits.size() == 2 && std::binary_search(kTwoDigit.begin(), kTwoDigit.end(), prefix_value(digits, 2)))
    return 2;
  return 0;
}

PhoneError normalize_phone(std::string_view raw, std::string_view default_country_code,
                           std::string& e164) {
  e164.clear();
  const std::string_view s = trim(raw);
  std::string digits, national;
  std::string_view international;
  // Already E.164 ("+" and digits only, as call records carry them): no digit copy.
  if (s.size() > 1 && s[0] == '+' &&
      std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    international = s.substr(1);
  } else {
    bool plus = false;
    for (const char c : s) {
      if (c >= '0' && c <= '9') {
        digits.push_back(c);
      } else if (c == '+' && digits.empty() && !plus) {
        plus = true;
      } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/') {
        // separators
      } else {
        return PhoneError::kBadCharacter;
      }
    }
    if (digits.empty()) return PhoneError::kEmpty;
    if (plus) {
      international = digits;
    } else if (digits.size() > 2 && digits[0] == '0' && digits[1] == '0') {
      international = std::string_view(digits).substr(2);
    } else {
      if (default_country_code.empty()) return PhoneError::kNoCountryCode;
      national.assign(default_country_code);
      national.append(digits[0] == '0' ? std::string_view(digits).substr(1) : std::string_view(digits));
      international = national;
    }
  }
  if (international.size() < 7 || international.size() > 15) return PhoneError::kBadLength;
  if (country_code_length(international) == 0) return PhoneError::kUnknownCountryCode;
  e164.reserve(international.size() + 1);
  e164.push_back('+');
  e164.append(international);
  return PhoneError::kNone;
}

}  // namespace ch::text
