#pragma once

#include <filesystem>
#include <string>

#include "jobs/job.hpp"

namespace ch::jobs {

// `clearinghouse run`: every stage in order into the run directory. Each stage's output is its
// checkpoint; with `resume`, a stage whose output records the same inputs is skipped.
// Prints a short summary of what the run directory holds at the end.
// `until` (a stage name or empty) stops the run after that stage.
// `previous` (a run directory or empty) is handed to assess for the organizations' fates.
int run_pipeline(const JobEnv& env, const std::string& scenario, const RunLayout& layout, bool resume,
                 const std::string& until = {}, const std::filesystem::path& previous = {});

// Row counts of every table in the run directory's outputs, for people (rank 0 prints).
void print_run_summary(const JobEnv& env, const RunLayout& layout);
// The five highest-ranked leads of an assessment, for people (rank 0 prints; nothing if absent).
void print_top_leads(const JobEnv& env, const std::filesystem::path& assessment);

}  // namespace ch::jobs
