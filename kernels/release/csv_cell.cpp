#include "kernels/release/csv_cell.hpp"

namespace ch::release {

bool is_formula_start(std::string_view cell) {
  if (cell.empty()) return false;
  switch (cell.front()) {
    case '=': case '+': case '-': case '@': case '\t': case '\r': return true;
    default: return false;
  }
}

std::string neutralize_cell(std::string_view cell) {
  std::string out;
  if (is_formula_start(cell)) out.push_back('\'');
  out.append(cell);
  return out;
}

std::string csv_quote(std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(cell);
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace ch::release
