// Counting non-overlapping occurrences in rendered text, for the report tests.
#pragma once

#include <cstddef>
#include <string>

namespace ch::test {

inline std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace ch::test
