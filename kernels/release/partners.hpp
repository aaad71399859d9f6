// Partners and their dissemination rules, parsed from TOML text (examples/partners.toml).
//
// A partner is identified by the code that appears in a record's `releasable_to` list. Rules are
// data, not code: a new partner is a new [partner.CODE] section. Everything a user hands us here
// (codes, names, paths) is checked before any output exists, and every error names the value.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ch::release {

// The tables an extract can hold; a partner's `tables` key picks among them.
// The assessment tables (organizations, members, leads, referrals) exist only when the run has
// assessment.h5.
inline constexpr std::string_view kExtractTables[] = {"entities", "evidence", "edges", "edges_monthly",
                                                      "person_phone", "organizations", "members",
                                                      "leads", "referrals"};

struct Partner {
  std::string code;          // as in releasable_to: lower-case letters, digits, '_' and '-'
  std::string name;          // display name
  std::string rule_version;  // recorded in every extract's manifest
  std::vector<std::string> sources;   // record sources it may receive ("calls" = call records); empty: all
  std::vector<std::string> agencies;  // contributing agencies; empty: all
  std::vector<std::string> tables;    // extract tables; empty: all of kExtractTables

  bool receives_table(std::string_view table) const;
  // The record may reach this partner: the handling code lists it, and source and agency are allowed.
  bool may_receive(std::string_view releasable_to, std::string_view source, std::string_view agency) const;
  std::string toml() const;  // this partner's section, for the extract's provenance
};

struct ReleasePolicy {
  std::string out_dir = "partner";         // extracts go here, relative to the run directory
  bool allow_out_outside_run = false;      // --out / --csv may point elsewhere only if true
  std::size_t max_field_bytes = 256;       // longest code, name or version accepted
  std::map<std::string, Partner> partners; // by code
  std::string origin;                      // file name or "built-in", for messages
};

// The built-in partner table (the content of examples/partners.toml).
std::string_view builtin_partners_toml();

// Parses and validates; throws ch::UsageError naming ORIGIN, the key and the value.
ReleasePolicy parse_partners(std::string_view toml_text, const std::string& origin);

// True when `releasable_to` (";"-separated codes) lists `code` exactly.
bool lists_partner(std::string_view releasable_to, std::string_view code);

// Partner codes: 1..32 of [a-z0-9_-], starting with a letter. Rejects "../x", "", "A", ...
bool valid_partner_code(std::string_view code);
// Throws UsageError naming `what` and the value: a ".." component, a NUL, or over `max_bytes`.
void check_user_path(std::string_view what, std::string_view path, std::size_t max_bytes = 4096);

}  // namespace ch::release
