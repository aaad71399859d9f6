// resolve: records.h5 → entities.h5. Which observations are the same person (merging), and
// which resolved persons are probably one person using several identities (aliases).
//
// Pipeline (docs/resolution.md):
//   load my share of /observations → term frequencies of names (shuffle by value) →
//   blocking keys (shuffle by key; oversize blocks by sorted neighbourhood) → candidate pairs
//   de-duplicated on the rank that compares them (owner of either row, by a hash of the pair) →
//   fetch the other side's fields → comparison levels (TBB) → u from seeded random pairs, m and λ
//   by EM on pattern counts summed with an integer Allreduce → match weights (+ TF adjustment),
//   where compared → FastSV components with a chaining guard → canonical entity ids (smallest obs
//   id) → model, pairs (the matches sorted across ranks) → aliases → entities, aliases.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "jobs/job.hpp"

namespace ch::jobs {

// Keys under [resolve] (TOML file or --set resolve.KEY=VALUE). Defaults are documented in
// docs/resolution.md and printed by `resolve --help`.
struct ResolveConfig {
  // Blocking rules: terms joined by '+' (kernels/match/blocking.hpp). At most 32 rules.
  // Not phone or email by default: agencies' contact phones and e-mails are shared by thousands
  // of travellers, and those blocks flood EM with non-matches that agree on them (on the small
  // scenario pairwise precision fell from 0.998 to 0.37 with them). They still compare.
  std::vector<std::string> blocking = {"document", "family_phonetic+birth_year", "given_prefix3+dob",
                                       "name_pair_phonetic+birth_year", "dob+given_initial"};
  std::uint64_t max_block_size = 100;     // larger blocks: sorted neighbourhood
  std::uint64_t window = 20;              // sorted-neighbourhood window
  // Candidate pairs planned at a time per rank (2^25: 256 MB as packed words): blocking plans
  // them in ranges of their smaller row, each de-duplicated and sent on before the next.
  std::uint64_t plan_piece_pairs = std::uint64_t{1} << 25;
  // Extra comparisons "column:kind" (kind: name, identifier, exact); used when the column
  // exists in /observations and is non-empty somewhere.
  std::vector<std::string> extra_comparisons = {
      "address_number:exact", "address_street:name", "address_extra:name",
      "address_locality:name", "address_postcode:identifier", "address_region:exact"};
  std::uint64_t u_sample_pairs = 200000;  // random pairs for the u probabilities
  // true: u fixed to the random-pair estimate, EM fits m and λ only (Splink's default). false
  // (default): EM fits u too, i.e. u describes the non-matches among *candidates*, which agree
  // on blocked fields far more often than random pairs; fixing u to random pairs makes EM
  // explain those agreements as matches (λ → 1 on the synthetic world).
  bool u_from_random_pairs = false;
  std::uint64_t seed = 20240601;
  int em_max_iterations = 100;
  double em_tolerance = 1e-7;
  double match_probability = 0.9;         // posterior threshold of a match
  bool tf_adjust = true;
  double tf_max_bits = 6.0;
  std::uint64_t guard_size = 50;          // components above this size keep only strong edges
  double guard_probability = 0.999;       // "strong"
  bool write_pairs = true;
  // Aliases (kernels/match/alias.hpp).
  double alias_threshold = 4.0;
  std::uint64_t alias_max_group = 2;
  double alias_weight_phone = 3.0;
  double alias_weight_booking = 1.5;
  double alias_weight_payment = 3.0;
  double alias_weight_leg_switch = 2.5;
  double alias_weight_phone_handover = 1.3;  // kernels/match/handover.hpp
  double alias_weight_near_dob = 3.5;
  double alias_weight_same_family = 1.4;
  double alias_weight_email = 1.5;
  double alias_weight_shared_contacts = 1.5;  // per shared private contact (handover.hpp)
  double alias_weight_sole_leg_switch = 1.5;  // on top of leg_switch when the switch is unambiguous
  int alias_max_dob_days = 31;
  double alias_group_min_score = 4.0;      // links that join alias groups
  std::uint64_t alias_group_max_size = 6;  // < 3: no alias groups
  bool alias_concurrent_veto = true;
  bool alias_kin_check = true;  // same_family not counted for relatives (kernels/match/alias.hpp)
  std::uint64_t handover_max_phone_contacts = 200;
  std::uint64_t handover_max_contact_phones = 20;
  int handover_max_gap_days = 60;
  int handover_max_overlap_days = 1;
  std::uint64_t handover_max_private_phones = 4;
  std::uint64_t handover_min_private_shared = 1;

  std::string effective_toml() const;
};

// Reads the TOML file (empty path: defaults) on rank 0, then applies --set resolve.* overrides.
// An unknown key or a value of the wrong type → UsageError naming the key and the file.
ResolveConfig load_resolve_config(const JobEnv& env, const std::string& path_or_empty);

void resolve(const JobEnv& env, const std::filesystem::path& records, const std::filesystem::path& out,
             const ResolveConfig& config);

}  // namespace ch::jobs
