// assess: what analysts read — organizations, members and roles, corridors, trends, schemes,
// dismantling progress against an earlier run, ranked leads and referrals (assessment.h5).
//
// Reads records.h5, entities.h5, network.h5, communities.h5 of a run (and, with --previous, the
// earlier run's assessment.h5 and entities.h5). Method, rules and thresholds:
// docs/assessment.md; columns: docs/schema.md, "assessment.h5".
//
// Distribution: calls (the largest table) are scanned on each rank's share and reduced exactly
// with integer min/max/sum. Travel, bookings and the network are read by rank 0, which computes
// the assessment in a fixed order (organizations are few) and contributes all rows, so the file
// is the same for any number of ranks; the others receive the aides' phones for the call scan.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "jobs/job.hpp"

namespace ch::jobs {

// Where referrals go: an agency per issue type, overridden per jurisdiction (a nationality).
struct ReferralRules {
  std::map<std::string, std::string> agency_by_issue;  // issue → agency
  // (issue, jurisdiction) → agency; jurisdiction "*" = any.
  std::map<std::pair<std::string, std::string>, std::string> agency_by_jurisdiction;
  std::vector<std::string> watch_transit;  // transit airports that put a route on the watch list
  std::string text;                        // as loaded, for provenance
};
// Built-in defaults (the same as examples/referrals.toml).
ReferralRules default_referral_rules();
// Parses a referrals TOML file; throws UsageError naming the file and key.
ReferralRules load_referral_rules(const std::filesystem::path& file);

struct AssessConfig {
  std::uint32_t min_aides = 3;          // organization: at least this many non-client members
  double score_threshold = 0.5;         // and a smuggling-signature score at least this
  double min_concealment = 0.3;         // and burner phones + multiple identities per aide at least this
  double min_stop_hours = 20;           // a hub stop of a client's journey lasts at least ...
  double max_stop_hours = 288;          // ... and at most this
  std::uint32_t max_owner_entities = 3; // a phone/account shown by more persons is nobody's own
  double linked_share = 0.5;            // an identifier this share of whose bookings smuggle is the organization's
  std::uint32_t expand_min_ties = 2;    // a non-client with call ties to this many aides is an aide
  std::uint32_t late_contact_min_clients = 4;  // ... or to this many clients and an aide found by calls
  double burner_days = 30;              // a phone used for fewer days is a burner
  std::uint32_t evidence_max_ids = 20;  // record ids listed per evidence cell
  std::uint32_t max_leads = 200;
  double match_jaccard = 0.3;           // progress: continuation threshold (Greene et al. 2010)
  double part_share = 0.25;             // progress: share of members making a part of a split
  std::int64_t gap_months = 1;          // progress: inactivity before "reconstituted"
  double client_contact_days = 14;      // reaching the coordinator abroad this long after the other aides: a client's phone
  std::uint32_t min_predecessor_aides = 4;  // a merged part with fewer aides who worked mostly before stays in
  std::uint32_t twin_max_partners = 5;  // a client's phone twin calls at most this many numbers
  ReferralRules referrals;
  std::string text;                     // effective config, for provenance
};

// Defaults overridden by `--set assess.KEY=VALUE`; unknown keys and bad values → UsageError.
AssessConfig load_assess_config(const JobEnv& env);

// Collective. `previous_run_or_empty`: an earlier run directory (its assessment.h5 and
// entities.h5) for /progress; empty for none.
void assess(const JobEnv& env, const RunLayout& run, const std::filesystem::path& previous_run_or_empty,
            const std::filesystem::path& out, const AssessConfig& config);

}  // namespace ch::jobs
