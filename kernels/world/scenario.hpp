// Scenario: every parameter of the synthetic world, parsed from TOML with defaults and --set
// overrides.
//
// Every key has a default (kernels/world/scenario.cpp, documented in docs/scenarios.md), so a
// scenario file states only what differs. Validation is strict because a typo in a key would
// otherwise silently produce a different world: unknown keys, wrong types and out-of-range values
// raise ch::UsageError naming the key and where it came from (the file, or "--set KEY=VALUE").
//
// Parsing is pure: no file I/O. A file named by `geography.airports_csv` is read by the job,
// which puts its text into Scenario::airports_csv_text before constructing the World.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ch::world {

// The longest scenario; travel record keys reserve this many months per traveller.
inline constexpr int kMaxMonths = 120;


// Naming cultures of the population (order = index used by the name tables).
inline constexpr std::array<std::string_view, 11> kCultureNames = {
    "arabic",        "south_asian_muslim", "south_asian",    "west_african",
    "horn_of_africa", "latin_american",     "east_european",  "chinese",
    "vietnamese",    "anglo",              "west_european"};

// Organization roles other than organizer, in the order of OrganizationParams::role_weights.
inline constexpr std::array<std::string_view, 5> kAideRoleNames = {
    "recruiter", "transporter", "document_supplier", "financier", "coordinator_abroad"};

struct LegitParams {
  // Shares of world.persons; the remainder are residents who do not travel (calls, subscribers).
  double family_share = 0.40;
  double tourist_share = 0.12;
  double business_share = 0.08;
  double student_share = 0.05;
  double diaspora_share = 0.12;
  std::array<double, 5> family_size_weights = {0.30, 0.25, 0.25, 0.12, 0.08};  // sizes 2..6
  double family_trips_per_year = 1.2;
  int tour_group_size = 24;
  double tour_trips_per_year = 1.0;
  double business_trips_per_year = 4.0;
  int company_size = 8;
  double student_trips_per_year = 1.5;
  double diaspora_trips_per_year = 1.0;
  int agencies = 40;
  double agency_booking_share = 0.35;
  double via_hub_share = 0.5;
  double abroad_share = 0.85;
  std::array<double, kCultureNames.size()> culture_weights = {0.08, 0.08, 0.08, 0.06, 0.02, 0.08,
                                                              0.08, 0.06, 0.03, 0.22, 0.21};
};

struct OrganizationParams {
  int count = 8;
  double size_median = 18;
  double size_sigma = 0.5;
  int size_min = 5;
  int size_max = 300;
  double organizer_share = 0.15;
  std::array<double, kAideRoleNames.size()> role_weights = {0.30, 0.30, 0.10, 0.10, 0.20};
  double tie_density = 0.12;
  double same_stage_factor = 7.0;
  double same_role_factor = 0.33;
  double groups_per_month = 3.0;
  double group_size_mean = 4.0;
  double escort_share = 0.4;
  double split_booking_share = 0.3;
  double agency_booking_share = 0.2;
  double cash_payment_share = 0.2;
  double multi_identity_share = 0.3;
  double burner_share = 0.7;
  int burner_days = 21;
  double churn_per_month = 0.02;
  double member_trips_per_year = 2.0;
  double document_swap_share = 0.5;
  double fraudulent_document_share = 0.08;
};

struct EnforcementParams {
  double operations_per_year = 2.0;
  std::vector<std::int64_t> action_months;  // empty: months drawn from operations_per_year
  double target_share = 0.4;
  double arrest_share = 0.3;
  double organizer_bias = 3.0;
  double p_split = 0.15;
  double p_merge = 0.10;
  double p_dissolve = 0.20;
  double p_reconstitute = 0.5;
  double p_rival_entry = 0.3;
  double recruit_share = 0.8;
  double seizure_share = 0.03;
  double background_per_month = 15.0;
  double arrest_phone_share = 0.8;  // arrest records noting the phone seized on the person
};

struct NoiseParams {
  double transliteration = 0.15;
  double typo = 0.03;
  double swap_names = 0.03;
  double swap_names_east_asian = 0.25;
  double uppercase = 0.15;
  double fold_diacritics = 0.3;
  double second_surname_dropped = 0.4;
  double missing_dob = 0.08;
  double dob_day_month_swap = 0.02;
  double missing_phone = 0.25;
  double missing_email = 0.45;
  double missing_document = 0.03;
  double document_typo = 0.01;
  double reissue = 0.10;
  double punctuation = 0.002;
};

struct CallParams {
  double legit_per_month = 0.6;
  double smuggler_per_month = 10.0;
  double migrant_per_month = 4.0;
  double diaspora_factor = 3.0;
  double hub_share = 0.10;
};

struct SubscriberParams {
  double coverage = 0.6;
  double burner_registered_share = 0.35;
};

// How a person's alias identities give themselves away: people reuse what they have across their
// identities (docs/scenarios.md, [aliases]). Shares are per alias-identity observation or call.
struct AliasParams {
  double dob_same_share = 0.35;      // an alias keeps the real birth date
  double dob_near_share = 0.30;      // ... or one within ±dob_near_days (else up to ±3 years off)
  int dob_near_days = 10;
  double contact_phone_share = 0.5;  // alias bookings / own-phone rows giving the person's own phone
  double email_share = 0.5;          // alias travel rows carrying the person's own e-mail
  double payment_share = 0.5;        // alias members' trips paid with the person's own card
  double sim_calls_per_month = 2.5;  // calls from each alias SIM to the person's family at home
};

struct FeedParams {
  std::vector<std::string> travel_agencies = {"border_police", "immigration"};
  std::vector<std::string> calls_agencies = {"police", "intelligence"};
  std::vector<std::string> subscribers_agencies = {"police"};
  std::vector<std::string> enforcement_agencies = {"border_police", "police", "customs"};
  double interpol_share = 0.3;
  double europol_share = 0.5;
  double frontex_share = 0.4;
};

struct GeographyParams {
  std::string airports_csv;             // path; the job loads it into Scenario::airports_csv_text
  std::vector<std::string> corridors;   // "[NAT:]ORIGIN-HUB-DEST"; empty = built-in corridors
};

struct Scenario {
  std::string name = "custom";
  std::string source;          // file path or "builtin:demo"
  std::string effective_toml;  // the full config after defaults + overrides, for provenance
  std::uint64_t seed = 42;
  int months = 12;
  std::string start_month = "2025-01";
  std::int64_t persons = 18000;  // legitimate population (smugglers and migrants come on top)

  LegitParams legit;
  OrganizationParams organizations;
  EnforcementParams enforcement;
  NoiseParams noise;
  CallParams calls;
  SubscriberParams subscribers;
  AliasParams aliases;
  FeedParams feeds;
  GeographyParams geography;

  // Text of the file named by geography.airports_csv ("iata,city,country" lines). Filled by the
  // job (kernels do no file I/O); the World parses it. Not part of effective_toml.
  std::string airports_csv_text;
};

// Parses TOML text. `source` is used in error messages. `overrides` are "dotted.key=value"
// strings from --set (value parsed as a TOML value; a bare word that is not valid TOML is taken
// as a string). Unknown keys, wrong types and out-of-range values throw ch::UsageError whose
// message names the key and the source, e.g.
//   "scenarios/x.toml: key 'world.persons': expected a positive integer, got -5"
//   "--set world.persons=-5: key 'world.persons': expected a positive integer, got -5"
Scenario parse_scenario(std::string_view toml_text, const std::string& source,
                        const std::vector<std::string>& overrides = {});

// Built-in scenario text for demo|small|medium|large (embedded from scenarios/*.toml at build
// time); empty if unknown.
std::string_view builtin_scenario(std::string_view name);
// Names of the built-in scenarios, sorted.
std::vector<std::string> builtin_scenario_names();

// Every accepted key as "group.key" in documentation order (tests check docs/scenarios.md).
std::vector<std::string> scenario_keys();

}  // namespace ch::world
