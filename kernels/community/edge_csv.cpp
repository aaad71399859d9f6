#include "kernels/community/edge_csv.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "kernels/community/graph.hpp"

namespace ch::community {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits one line into fields. Returns false with `error` set on a malformed quote.
bool split_fields(std::string_view line, std::vector<std::string_view>& fields,
                  std::deque<std::string>& storage, std::string& error) {
  fields.clear();
  std::size_t i = 0;
  while (true) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < line.size() && line[i] == '"') {
      const std::size_t open = ++i;
      bool escaped = false;
      while (true) {
        if (i >= line.size()) {
          error = "unterminated quoted field";
          return false;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            escaped = true;
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      std::string_view inside = line.substr(open, i - open);
      if (escaped) {
        std::string s;
        for (std::size_t k = 0; k < inside.size(); ++k) {
          s.push_back(inside[k]);
          if (inside[k] == '"') ++k;
        }
        storage.push_back(std::move(s));
        inside = storage.back();
      }
      fields.push_back(inside);
      ++i;  // closing quote
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i < line.size() && line[i] != ',') {
        error = "text after a closing quote";
        return false;
      }
    } else {
      const std::size_t comma = line.find(',', i);
      const std::size_t stop = comma == std::string_view::npos ? line.size() : comma;
      fields.push_back(trim(line.substr(i, stop - i)));
      i = stop;
    }
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

}  // namespace

EdgeColumns parse_edge_header(std::string_view header_line) {
  if (!header_line.empty() && header_line.back() == '\r') header_line.remove_suffix(1);
  if (header_line.size() >= 3 && header_line.substr(0, 3) == "\xEF\xBB\xBF") header_line.remove_prefix(3);
  std::vector<std::string_view> fields;
  std::deque<std::string> storage;
  std::string error;
  if (!split_fields(header_line, fields, storage, error)) throw std::invalid_argument("header: " + error);
  EdgeColumns c;
  c.count = fields.size();
  std::optional<std::size_t> source, target;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] == "source") source = i;
    else if (fields[i] == "target") target = i;
    else if (fields[i] == "weight") c.weight = i;
  }
  if (!source || !target)
    throw std::invalid_argument(std::string("header lacks the column '") + (source ? "target" : "source") +
                                "' (expected source,target[,weight], found '" + std::string(header_line) + "')");
  c.source = *source;
  c.target = *target;
  return c;
}

namespace {
constexpr std::uint64_t pow10(std::size_t k) {
  std::uint64_t p = 1;
  for (std::size_t i = 0; i < k; ++i) p *= 10;
  return p;
}
}  // namespace

std::uint64_t decimal_label_key(DecimalLabel d) {
  return d.value * pow10(kMaxDecimalLabelDigits - d.digits) * 32 + d.digits;
}

DecimalLabel decimal_label_of_key(std::uint64_t key) {
  const auto digits = static_cast<std::uint32_t>(key % 32);
  return {key / 32 / pow10(kMaxDecimalLabelDigits - digits), digits};
}

std::string decimal_label_text(DecimalLabel d) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d.value);
  return std::string(buf, end);
}

EdgeParse parse_edge_lines(std::string_view text, const EdgeColumns& columns, std::uint64_t first_line) {
  EdgeParse out;
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  std::uint64_t line_no = first_line;
  auto fail = [&](std::string message) {
    out.error_line = line_no;
    out.error = std::move(message);
  };
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    line_no = first_line + out.lines;
    ++out.lines;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) continue;
    std::string error;
    if (!split_fields(line, fields, out.unescaped, error)) {
      fail(error);
      return out;
    }
    if (fields.size() != columns.count) {
      fail("expected " + std::to_string(columns.count) + " fields as in the header, found " +
           std::to_string(fields.size()));
      return out;
    }
    RawEdge e{fields[columns.source], fields[columns.target], 1.0};
    if (e.source.empty() || e.target.empty()) {
      fail(std::string("empty ") + (e.source.empty() ? "source" : "target") + " label");
      return out;
    }
    if (columns.weight) {
      const std::string_view w = fields[*columns.weight];
      const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), e.weight);
      if (w.empty() || ec != std::errc() || end != w.data() + w.size()) {
        fail("weight '" + std::string(w) + "' is not a number");
        return out;
      }
      if (!std::isfinite(e.weight)) {
        fail("weight '" + std::string(w) + "' is not finite");
        return out;
      }
      if (e.weight < 0) {
        fail("negative weight " + std::string(w));
        return out;
      }
      if (e.weight > kMaxEdgeWeight) {
        fail("weight " + std::string(w) + " is larger than the supported maximum 2^40");
        return out;
      }
      if (e.weight > 0 && to_fixed(e.weight) == 0) {
        fail("weight " + std::string(w) + " is below the resolution of 2^-20 (weights are fixed point)");
        return out;
      }
    }
    if (e.source == e.target) {
      ++out.self_loops;
      continue;
    }
    if (e.weight == 0) ++out.zero_weight;
    out.edges.push_back(e);
  }
  return out;
}

}  // namespace ch::community
