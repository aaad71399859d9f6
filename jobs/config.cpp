#include "jobs/config.hpp"

#include <array>

namespace ch::jobs {
namespace {
constexpr std::array<std::string_view, 7> kStageSections = {
    "ingest", "resolve", "network", "communities", "assess", "release", "evaluate"};

std::string_view section_of(std::string_view key) {
  const auto dot = key.find('.');
  const auto eq = key.find('=');
  return key.substr(0, std::min(dot, eq));
}
}  // namespace

bool is_stage_section(std::string_view key) {
  const auto s = section_of(key);
  for (auto sec : kStageSections)
    if (s == sec) return true;
  return false;
}

std::vector<std::string> scenario_overrides(const std::vector<std::string>& overrides) {
  std::vector<std::string> out;
  for (const auto& o : overrides)
    if (!is_stage_section(o)) out.push_back(o);
  return out;
}

std::vector<std::string> stage_overrides(const std::vector<std::string>& overrides,
                                         std::string_view stage) {
  std::vector<std::string> out;
  for (const auto& o : overrides)
    if (section_of(o) == stage) out.push_back(o);
  return out;
}

}  // namespace ch::jobs
