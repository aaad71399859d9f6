#pragma once

#include <string>

#include "jobs/job.hpp"

namespace ch::jobs {

// `clearinghouse run`: every stage in order into the run directory. Each stage's output is its
// checkpoint; with `resume`, a stage whose output records the same inputs is skipped.
// Prints a short summary of what the run directory holds at the end.
// `until` (a stage name or empty) stops the run after that stage.
int run_pipeline(const JobEnv& env, const std::string& scenario, const RunLayout& layout, bool resume,
                 const std::string& until = {});

// Row counts of every table in the run directory's outputs, for people (rank 0 prints).
void print_run_summary(const JobEnv& env, const RunLayout& layout);

}  // namespace ch::jobs
