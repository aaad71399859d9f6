// Calendar dates and UTC timestamps from text, as days / seconds since 1970-01-01 (proleptic
// Gregorian calendar, no leap seconds).
//
// days_from_civil / civil_from_days follow Howard Hinnant, "chrono-Compatible Low-Level Date
// Algorithms" (2013, http://howardhinnant.github.io/date_algorithms.html): exact for any year
// representable here, no tables, no time zone database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ch::text {

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

std::int64_t days_from_civil(int year, int month, int day);
CivilDate civil_from_days(std::int64_t days);
bool is_valid_civil(int year, int month, int day);
std::string iso_date(std::int64_t days);  // "YYYY-MM-DD"

enum class DateError { kNone, kUnparseable, kNoSuchDay };

// Parses `raw` (trimmed) with a strftime-like `pattern`: %Y four-digit year, %m month and %d
// day (one or two digits; exactly two when next to another number in the pattern),
// %b English month abbreviation (Jan..Dec, any case), %% a percent sign; any other character
// must match itself. "19371233" with "%Y%m%d" parses but is kNoSuchDay; "1937-1-x" is
// kUnparseable.
struct ParsedDate {
  std::int64_t days = 0;
  DateError error = DateError::kNone;
};
ParsedDate parse_date(std::string_view raw, std::string_view pattern);

// "2025-03-14T08:35:00Z", "2025-03-14 08:35:00", optional fractional seconds (dropped) and an
// optional "Z" or "+hh:mm"/"-hh:mm" offset; a bare date is midnight UTC. Seconds since the epoch.
std::optional<std::int64_t> parse_utc_timestamp(std::string_view raw);

// Whole years between two days-since-epoch (the age on `on` of someone born on `born`).
int years_between(std::int64_t born, std::int64_t on);

}  // namespace ch::text
