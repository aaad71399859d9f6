// The briefing ("target package") that `clearinghouse report` writes: one self-contained HTML
// page built from the tables of an assessment (docs/schema.md, assessment.h5) plus member ties
// and names. jobs/report.cpp reads the files and fills a Briefing; render_briefing is a pure
// function of it, so the page is byte-identical for any rank count and unit-testable.
//
// The page holds no script, no external reference (fonts are system fonts named in CSS) and
// escapes every string that comes from the data. Section ids (stable, tests look for them):
// provenance, summary, organizations, packages (holding org-ID per organization shown), corridors,
// trends, progress (only with an earlier assessment), leads, referrals.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ch::report {

struct RunInfo {
  std::string scenario;            // world.name of a synthetic run; "" for other data
  std::string run_dir;
  std::string run_hash;            // SHA-256 of assessment.h5
  std::string assessed_utc;        // finished_utc of assessment.h5
  std::string program_version, program_commit;
  std::vector<std::pair<std::string, std::string>> inputs;  // (file, sha256) of the assessment
  std::int64_t organization_candidates = 0;
  double score_threshold = 0;
};

struct Organization {
  std::int64_t id = 0, previous_id = -1, merged_into = -1;
  double score = 0, cohesion = 0;
  std::uint32_t size = 0, active_months = 0;
  std::uint64_t clients = 0, identities = 0, phones = 0, arrested = 0;
  std::string first_seen, last_seen, main_corridors, nationalities, status;
};

struct Member {
  std::int64_t organization = 0;
  std::uint64_t entity = 0;
  std::string name;  // "" when unknown
  std::string role, evidence;
  double key_actor_score = 0;
  std::uint32_t identities = 0, burner_phones = 0;
  bool arrested = false;
};

struct Tie {
  std::uint64_t a = 0, b = 0;  // entity ids
  double weight = 0;
};

struct CorridorMonth {
  std::string origin, transit, destination, month;
  std::uint64_t clients = 0, bookings = 0;
  std::string organizations;  // ';'-separated ids
};

struct TrendPoint {
  std::string series, key, month;  // series: corridor, nationality, organization
  std::uint64_t clients = 0;
};

struct Scheme {
  std::int64_t organization = 0;
  std::string scheme;
  std::uint64_t count = 0;
};

struct Lead {
  std::uint32_t rank = 0;
  std::string kind, subject, name, reason, agency, issue, jurisdiction;
  std::int64_t organization = -1;
  double score = 0;
};

struct Referral {
  std::string agency, issue, subject, jurisdiction;
  std::uint32_t lead_rank = 0;
  std::int64_t organization = -1;
};

struct ProgressRow {
  std::int64_t previous_id = 0;
  std::string fate, successors;
  double best_jaccard = 0, capacity_before = 0, capacity_after = 0, dismantling_index = 0;
  std::uint64_t members_before = 0, members_found = 0, removed_by_enforcement = 0;
};

struct Briefing {
  RunInfo run;
  std::vector<Organization> organizations;  // all, in id order
  std::vector<Member> members;              // members of the organizations shown (any order)
  std::vector<Tie> ties;                    // ties among drawn members (network.h5 /edges)
  bool have_ties = false;                   // false: network.h5 was not available
  std::vector<CorridorMonth> corridors;
  std::vector<TrendPoint> trends;
  std::vector<Scheme> schemes;
  std::vector<Lead> leads;                  // in rank order
  std::vector<Referral> referrals;
  bool have_progress = false;
  std::vector<ProgressRow> progress;
  double dismantling_index = 0;  // overall, member-weighted
  std::string previous_run;

  std::size_t top = 10;         // organizations with a section of their own
  std::size_t max_nodes = 40;   // members drawn per network diagram
  std::size_t max_leads = 20;   // leads listed
};

// The organizations shown: the first `top` in id order (id 1 has the most aides).
std::vector<const Organization*> top_organizations(const Briefing& b);
// The members drawn in an organization's diagram (select_top over key-actor score).
std::vector<const Member*> diagram_members(const Briefing& b, std::int64_t organization);

std::string render_briefing(const Briefing& b);

}  // namespace ch::report
