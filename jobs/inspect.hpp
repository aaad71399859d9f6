#pragma once

#include <filesystem>
#include <vector>

#include "jobs/job.hpp"

namespace ch::jobs {

// Prints, for each HDF5 file (or each .h5 in a run directory): tables, row counts, column types
// and the provenance attributes.
int inspect(const JobEnv& env, const std::vector<std::filesystem::path>& paths);

}  // namespace ch::jobs
