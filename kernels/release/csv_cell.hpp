// CSV cells that a spreadsheet cannot turn into formulas (OWASP "CSV Injection"): a text cell that
// begins with '=', '+', '-', '@', a tab or a carriage return is prefixed with a single quote, so
// Excel/LibreOffice show it as text instead of evaluating it. Numbers we format ourselves are
// written as they are; only text cells go through neutralize_cell.
#pragma once

#include <string>
#include <string_view>

namespace ch::release {

bool is_formula_start(std::string_view cell);
std::string neutralize_cell(std::string_view cell);
// RFC 4180 quoting: cells holding ',', '"', CR or LF are quoted and '"' doubled.
std::string csv_quote(std::string_view cell);
// Both: what an exported text cell looks like.
inline std::string csv_text_cell(std::string_view cell) { return csv_quote(neutralize_cell(cell)); }

}  // namespace ch::release
