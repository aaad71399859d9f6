// generate: the synthetic world's feeds (CSV) and ground truth (truth.h5) for a scenario.
#pragma once

#include <filesystem>
#include <string>

#include "jobs/job.hpp"
#include "kernels/world/scenario.hpp"

namespace ch::jobs {

// Reads a built-in scenario (demo|small|medium|large) or a TOML file on rank 0, shares its text,
// and parses it with the --set overrides on every rank. Errors name the key and the file.
world::Scenario load_scenario(const JobEnv& env, const std::string& name_or_path);

// Writes DIR/feeds/{travel,calls,subscribers,enforcement}.csv and DIR/truth.h5.
void generate(const JobEnv& env, const world::Scenario& scenario, const std::filesystem::path& dir);

}  // namespace ch::jobs
