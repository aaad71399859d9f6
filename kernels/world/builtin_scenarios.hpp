// The scenarios/*.toml files, embedded at build time (kernels/CMakeLists.txt generates the
// definition) so that `--scenario demo` works without the source tree.
#pragma once

#include <cstddef>
#include <string_view>

namespace ch::world::detail {

struct BuiltinScenario {
  std::string_view name;  // file stem: "demo", "small", ...
  std::string_view text;
};
extern const BuiltinScenario kBuiltinScenarios[];
extern const std::size_t kBuiltinScenarioCount;

}  // namespace ch::world::detail
