// Splitting --set overrides between the scenario (world keys) and the stages' own config
// sections ([ingest], [resolve], ...), so one flag can reach any key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ch::jobs {

// Sections owned by pipeline stages rather than by the scenario.
bool is_stage_section(std::string_view key);
std::vector<std::string> scenario_overrides(const std::vector<std::string>& overrides);
// Overrides for one stage's section, with the "section." prefix kept.
std::vector<std::string> stage_overrides(const std::vector<std::string>& overrides,
                                         std::string_view stage);

}  // namespace ch::jobs
