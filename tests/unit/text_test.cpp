// kernels/text: UTF-8 checks, ASCII folding (fast paths against ICU), Double Metaphone, dates,
// E.164 phones. Each expectation is a published or hand-checked value.
#include <gtest/gtest.h>

#include <random>

#include "kernels/text/date.hpp"
#include "kernels/text/fold.hpp"
#include "kernels/text/metaphone.hpp"
#include "kernels/text/phone.hpp"
#include "kernels/text/utf8.hpp"

using namespace ch::text;

TEST(Utf8, AcceptsWellFormedAndFindsTheFirstBadByte) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("José Łukasz Мухаммед محمد 北京 \xF0\x9F\x98\x80"));
  EXPECT_EQ(find_invalid_utf8("ab\xC3"), 2u);             // truncated sequence
  EXPECT_EQ(find_invalid_utf8("ab\xC0\xAF"), 2u);         // overlong '/'
  EXPECT_EQ(find_invalid_utf8("\xED\xA0\x80"), 0u);       // UTF-16 surrogate
  EXPECT_EQ(find_invalid_utf8("\xF4\x90\x80\x80"), 0u);   // above U+10FFFF
  EXPECT_EQ(find_invalid_utf8("caf\xE9 latin-1"), 3u);    // Latin-1, not UTF-8
  EXPECT_EQ(find_invalid_utf8("12345678\x80"), 8u);       // after the 8-byte fast path
  EXPECT_TRUE(is_ascii("12345678abcdefgh"));
  EXPECT_FALSE(is_ascii("1234567\xC3\xA9"));
}

TEST(Utf8, PrintableFormIsValidNulFreeAndCutOnACharacterBoundary) {
  const std::string bad = std::string("a\0b", 3) + "\xFF" + "é";
  const auto p = printable_utf8(bad, 100);
  EXPECT_EQ(p, "a\\0b\xEF\xBF\xBD\xC3\xA9");
  EXPECT_TRUE(is_valid_utf8(p));
  EXPECT_EQ(printable_utf8("aé", 2), "a");  // é does not fit in 2 bytes after 'a'
  EXPECT_EQ(printable_utf8(std::string(1000, 'x'), 512).size(), 512u);
}

TEST(Fold, FoldsAccentsLigaturesAndOtherScripts) {
  EXPECT_EQ(fold_to_ascii("José"), "Jose");
  EXPECT_EQ(fold_to_ascii("Łukasz"), "Lukasz");
  EXPECT_EQ(fold_to_ascii("Müller"), "Muller");
  EXPECT_EQ(fold_to_ascii("Straße"), "Strasse");
  EXPECT_EQ(fold_to_ascii("Søren Ærø"), "Soren AEro");
  EXPECT_EQ(fold_to_ascii("Đorđević"), "Dordevic");
  EXPECT_EQ(fold_to_ascii("Nguyễn"), "Nguyen");
  EXPECT_EQ(fold_to_ascii("e\xCC\x81"), "e");  // decomposed é
  EXPECT_EQ(fold_to_ascii("ﬁne"), "fine");     // NFKD compatibility ligature
  EXPECT_EQ(fold_to_ascii("Мухаммед"), "Muhammed");
  EXPECT_EQ(fold_to_ascii("محمد"), "mhmd");
  EXPECT_EQ(fold_to_ascii("plain"), "plain");
}

TEST(Fold, TablePathAgreesWithIcuOnEveryLatinCodePoint) {
  // The fast per-code-point table must give what the whole-string ICU transform gives.
  for (char32_t cp = 0x80; cp < 0x370; ++cp) {
    std::string s = "A";
    if (cp < 0x800) {
      s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    s += "b";
    EXPECT_EQ(fold_to_ascii(s), fold_to_ascii_icu(s)) << "U+" << std::hex << static_cast<unsigned>(cp);
  }
  for (const char* s : {"Ąžuolas Čepulis", "Gülşen Öztürk", "Ñandú", "Þórður", "Œuvre", "Nguyễn Thị Hằng"})
    EXPECT_EQ(fold_to_ascii(s), fold_to_ascii_icu(s)) << s;
}

TEST(DoubleMetaphone, PublishedExamples) {
  auto dm = [](const char* w) {
    const auto k = double_metaphone(w);
    return k.primary + "/" + k.alternate;
  };
  // From Philips (2000): the examples the rules name.
  EXPECT_EQ(dm("Smith"), "SM0/XMT");
  EXPECT_EQ(dm("Schmidt"), "XMT/SMT");
  EXPECT_EQ(dm("Michael"), "MKL/MXL");
  EXPECT_EQ(dm("Jose"), "HS/HS");
  EXPECT_EQ(dm("Xavier"), "SF/SFR");
  EXPECT_EQ(dm("Czerny"), "SRN/XRN");
  EXPECT_EQ(dm("Arnow"), "ARN/ARNF");
  EXPECT_EQ(dm("Filipowicz"), "FLPT/FLPF");
  EXPECT_EQ(dm("Edge"), "AJ/AJ");
  EXPECT_EQ(dm("Edgar"), "ATKR/ATKR");
  EXPECT_EQ(dm("Laugh"), "LF/LF");
  EXPECT_EQ(dm("Zhao"), "J/J");
  EXPECT_EQ(dm(""), "/");
}

TEST(DoubleMetaphone, TransliterationVariantsMeet) {
  const auto key = [](const char* w) { return double_metaphone(w).primary; };
  EXPECT_EQ(key("Mohammed"), key("Muhammad"));
  EXPECT_EQ(key("Mohamed"), key("Muhammad"));
  EXPECT_EQ(key("Yusuf"), key("Youssef"));
  EXPECT_EQ(key("Catherine"), key("Kathryn"));
  EXPECT_EQ(key("Lukasz"), key("Lucas"));
  EXPECT_EQ(double_metaphone("Schneider").alternate, key("Snider"));
  EXPECT_NE(key("Smith"), key("Jones"));
  const auto k = double_metaphone_name("jose maria");
  EXPECT_EQ(k.primary, "HS MR");
}

TEST(Dates, CivilDaysRoundTripAndKnownValues) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  for (std::int64_t d = -800000; d < 800000; d += 997) {
    const auto c = civil_from_days(d);
    ASSERT_EQ(days_from_civil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(iso_date(days_from_civil(1904, 2, 29)), "1904-02-29");
  EXPECT_TRUE(is_valid_civil(2000, 2, 29));
  EXPECT_FALSE(is_valid_civil(1900, 2, 29));
  EXPECT_EQ(years_between(days_from_civil(1980, 6, 15), days_from_civil(2025, 6, 14)), 44);
  EXPECT_EQ(years_between(days_from_civil(1980, 6, 15), days_from_civil(2025, 6, 15)), 45);
}

TEST(Dates, PatternsAndErrors) {
  EXPECT_EQ(parse_date("19371203", "%Y%m%d").days, days_from_civil(1937, 12, 3));
  EXPECT_EQ(parse_date("19371233", "%Y%m%d").error, DateError::kNoSuchDay);
  EXPECT_EQ(parse_date("1937123", "%Y%m%d").error, DateError::kUnparseable);
  EXPECT_EQ(parse_date(" 1980-02-29 ", "%Y-%m-%d").error, DateError::kNone);
  EXPECT_EQ(parse_date("1981-02-29", "%Y-%m-%d").error, DateError::kNoSuchDay);
  EXPECT_EQ(parse_date("3/4/2001", "%d/%m/%Y").days, days_from_civil(2001, 4, 3));
  EXPECT_EQ(parse_date("03-Apr-2001", "%d-%b-%Y").days, days_from_civil(2001, 4, 3));
  EXPECT_EQ(parse_date("2001-04-03x", "%Y-%m-%d").error, DateError::kUnparseable);
  EXPECT_EQ(parse_date("", "%Y-%m-%d").error, DateError::kUnparseable);
}

TEST(Dates, UtcTimestamps) {
  EXPECT_EQ(parse_utc_timestamp("2025-03-14T08:35:00Z"), std::optional<std::int64_t>(1741941300));
  EXPECT_EQ(parse_utc_timestamp("2025-03-14 08:35:00"), std::optional<std::int64_t>(1741941300));
  EXPECT_EQ(parse_utc_timestamp("2025-03-14T10:35:00.123+02:00"), std::optional<std::int64_t>(1741941300));
  EXPECT_EQ(parse_utc_timestamp("2025-03-14"), std::optional<std::int64_t>(1741910400));
  EXPECT_FALSE(parse_utc_timestamp("2025-03-14T25:00:00Z"));
  EXPECT_FALSE(parse_utc_timestamp("2025-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_utc_timestamp("yesterday"));
}

TEST(Phone, NormalizesToE164) {
  std::string e;
  EXPECT_EQ(normalize_phone("+923001234567", "", e), PhoneError::kNone);
  EXPECT_EQ(e, "+923001234567");
  EXPECT_EQ(normalize_phone("+92 (300) 123-4567", "", e), PhoneError::kNone);
  EXPECT_EQ(e, "+923001234567");
  EXPECT_EQ(normalize_phone("0049 151 1234 5678", "", e), PhoneError::kNone);
  EXPECT_EQ(e, "+4915112345678");
  EXPECT_EQ(normalize_phone("0412 345 678", "61", e), PhoneError::kNone);
  EXPECT_EQ(e, "+61412345678");
  EXPECT_EQ(normalize_phone("0412 345 678", "", e), PhoneError::kNoCountryCode);
  EXPECT_EQ(normalize_phone("+92300", "", e), PhoneError::kBadLength);
  EXPECT_EQ(normalize_phone("+1234567890123456", "", e), PhoneError::kBadLength);
  EXPECT_EQ(normalize_phone("+2121234567", "", e), PhoneError::kNone);   // Morocco, 212
  EXPECT_EQ(normalize_phone("+2141234567", "", e), PhoneError::kUnknownCountryCode);  // 214 unassigned
  EXPECT_EQ(normalize_phone("+92 300 CALLME", "", e), PhoneError::kBadCharacter);
  EXPECT_EQ(normalize_phone(" - ", "", e), PhoneError::kEmpty);
  EXPECT_EQ(country_code_length("4915112345678"), 2u);
  EXPECT_EQ(country_code_length("15551234567"), 1u);
  EXPECT_EQ(country_code_length("8801712345678"), 3u);
  // Already-E.164 input takes a shortcut; its verdicts are those of the general path.
  EXPECT_EQ(normalize_phone(" +12019363043 ", "", e), PhoneError::kNone);
  EXPECT_EQ(e, "+12019363043");
  EXPECT_EQ(normalize_phone("+0123456789", "", e), PhoneError::kUnknownCountryCode);
  EXPECT_EQ(normalize_phone("+", "", e), PhoneError::kEmpty);
  // Short digit strings: only a code that short can match.
  EXPECT_EQ(country_code_length("7"), 1u);
  EXPECT_EQ(country_code_length("44"), 2u);
  EXPECT_EQ(country_code_length("88"), 0u);
  EXPECT_EQ(country_code_length("21"), 0u);
  EXPECT_EQ(country_code_length("212"), 3u);
  EXPECT_EQ(country_code_length("0"), 0u);
}

// The prefix table agrees with the ITU list read directly: every 3-digit prefix.
TEST(Phone, CountryCodeTableAgreesWithTheAssignedCodes) {
  const std::vector<int> one = {1, 7};
  const std::vector<int> two = {20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54,
                                55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98};
  std::size_t threes = 0;
  for (int p = 100; p < 1000; ++p) {
    const std::string digits = std::to_string(p) + "1234567";
    const auto n = country_code_length(digits);
    if (std::find(one.begin(), one.end(), p / 100) != one.end()) {
      EXPECT_EQ(n, 1u) << p;
    } else if (std::find(two.begin(), two.end(), p / 10) != two.end()) {
      EXPECT_EQ(n, 2u) << p;
    } else {
      EXPECT_TRUE(n == 0 || n == 3) << p;
      threes += n == 3;
    }
  }
  EXPECT_EQ(threes, 170u);  // the three-digit codes of the list in kernels/text/phone.cpp
}
