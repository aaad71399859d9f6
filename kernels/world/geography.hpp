// Countries, airports, carriers, flight schedules and smuggling corridors.
//
// Countries carry what the generator needs to make identities look national: E.164 calling code
// and mobile prefixes, passport and national-id number formats, the naming culture of their
// citizens and the role they play on smuggling routes (origin, transit hub, destination).
// Airports come from a built-in table (~90 real airports) or from CSV text ("iata,city,country");
// an airport takes its roles from its country. Flights are a pure function of the route: one
// daily flight per (from, to) with a stable carrier, flight number and departure time, so that
// people on the same route and day share a flight, as they would in passenger data.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/world/scenario.hpp"

namespace ch::world {

enum Region : std::uint8_t {
  kEurope = 0, kNorthAmerica, kLatinAmerica, kMiddleEast, kSouthAsia, kEastAsia, kSoutheastAsia,
  kWestAfrica, kEastAfrica, kNorthAfrica, kCis, kOceania, kRegionCount
};

enum RoleBits : std::uint8_t { kOriginRole = 1, kHubRole = 2, kDestinationRole = 4 };

struct Country {
  std::string_view iso3;
  int calling_code;
  std::string_view mobile_prefixes;  // '|'-separated
  int subscriber_digits;             // digits after the mobile prefix
  std::string_view passport_format;  // 'A' letter, '9' digit, 'X' letter or digit, else literal
  std::string_view id_format;        // national id card number; empty = no id card
  Region region;
  int culture;      // naming culture of its citizens; -1 none in our tables
  std::uint8_t roles;
  bool id_card_travel;  // EU/Schengen citizens may fly within Europe on an id card
  double weight;        // relative share of its culture's nationals
  std::string_view carriers;  // '|'-separated IATA airline codes
  std::string_view gateway;   // airport used when the country has none in the table
};

struct Airport {
  std::string iata;
  std::string city;
  int country;  // index into countries(); -1 unknown (CSV airport of a country we do not model)
  std::uint8_t roles;
  double weight;
  std::uint16_t serves;  // regions a hub connects (bit mask); all for non-hubs and CSV airports
};

struct Corridor {
  int nationality;  // country of the migrants
  int origin, hub, destination;  // airport indices
};

struct Flight {
  std::string_view carrier;
  int number;
  int departure_minute;  // minute of the day (UTC) of the daily departure
  int duration_minutes;
};

class Geography {
 public:
  // Built-in airports, or the CSV text in scenario.airports_csv_text when
  // geography.airports_csv is set. Throws UsageError for bad CSV or unknown corridor airports.
  explicit Geography(const Scenario& scenario);

  static std::span<const Country> countries();
  static int country_index(std::string_view iso3);  // -1 if unknown

  std::span<const Airport> airports() const { return airports_; }
  const Airport& airport(int i) const { return airports_[static_cast<std::size_t>(i)]; }
  int airport_index(std::string_view iata) const;  // -1 if unknown
  std::span<const int> airports_in(int country) const {
    return by_country_[static_cast<std::size_t>(country)];
  }
  // An airport to fly from/to for residents of `country` (its own, else its gateway, else any
  // destination airport in the same region).
  int home_airport(int country, std::uint64_t pick) const;
  std::span<const int> with_role(RoleBits role) const;
  std::span<const int> culture_countries(int culture) const {
    return culture_countries_[static_cast<std::size_t>(culture)];
  }
  std::span<const int> destination_countries() const { return destination_countries_; }
  std::span<const Corridor> corridors() const { return corridors_; }

  // Hub to connect `from` and `to`, or -1 if no hub serves both regions. `pick` is a random draw.
  int hub_between(int from, int to, std::uint64_t pick) const;
  bool long_haul(int from, int to) const;
  Flight flight(int from, int to) const;

 private:
  void load_builtin();
  void load_csv(const std::string& text, const std::string& path);
  void index();
  void build_corridors(const Scenario& scenario);
  Region region_of(int airport) const;

  std::uint64_t seed_;
  std::vector<Airport> airports_;
  std::vector<std::vector<int>> by_country_;
  std::vector<int> origins_, hubs_, destinations_;
  std::vector<std::vector<int>> culture_countries_;
  std::vector<int> destination_countries_;
  std::vector<Corridor> corridors_;
};

}  // namespace ch::world
