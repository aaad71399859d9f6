#include "kernels/text/normalize.hpp"

#include <algorithm>

#include "kernels/text/fold.hpp"

namespace ch::text {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// Folds into a per-thread buffer so that the common call does not allocate twice.
std::string_view folded(std::string_view raw) {
  thread_local std::string buf;
  buf.clear();
  fold_to_ascii(raw, buf);
  return buf;
}

}  // namespace

void normalize_name(std::string_view raw, std::string& out) {
  const std::string_view f = folded(raw);
  const std::size_t start = out.size();
  bool pending_space = false;
  for (char c : f) {
    if (is_alnum(c)) {
      if (pending_space && out.size() > start) out.push_back(' ');
      pending_space = false;
      out.push_back(lower(c));
    } else if (c == '\'' || c == '`') {
      // apostrophes join: O'Brien = OBrien
    } else {
      pending_space = true;
    }
  }
}

std::string normalize_name(std::string_view raw) {
  std::string out;
  normalize_name(raw, out);
  return out;
}

std::vector<std::string_view> name_tokens(std::string_view normalized) {
  std::vector<std::string_view> tokens;
  std::size_t at = 0;
  while (at < normalized.size()) {
    const auto sp = normalized.find(' ', at);
    const auto end = sp == std::string_view::npos ? normalized.size() : sp;
    if (end > at) tokens.push_back(normalized.substr(at, end - at));
    at = end + 1;
  }
  return tokens;
}

std::string normalize_identifier(std::string_view raw) {
  std::string out;
  for (char c : folded(raw))
    if (is_alnum(c)) out.push_back(upper(c));
  return out;
}

std::string normalize_code(std::string_view raw) {
  std::string out;
  for (char c : trim(folded(trim(raw)))) out.push_back(upper(c));
  return out;
}

std::string_view normalize_code(std::string_view raw, std::string& buf) {
  // Already normalized: ASCII with no lower-case letter and no blank at either end (folding
  // leaves such text as it is).
  const bool plain = std::all_of(raw.begin(), raw.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80 && !(c >= 'a' && c <= 'z');
  });
  if (plain && trim(raw).size() == raw.size()) return raw;
  buf = normalize_code(raw);
  return buf;
}

std::string normalize_email(std::string_view raw) {
  std::string out;
  for (char c : trim(raw)) out.push_back(lower(c));
  return out;
}

std::optional<std::string> normalize_sex(std::string_view raw) {
  std::string v;
  for (char c : trim(raw)) v.push_back(lower(c));
  if (v.empty()) return std::string();
  if (v == "m" || v == "male" || v == "man") return std::string("M");
  if (v == "f" || v == "female" || v == "woman" || v == "w") return std::string("F");
  if (v == "x" || v == "u" || v == "other" || v == "unknown" || v == "d") return std::string("X");
  return std::nullopt;
}

SplitName split_full_name(std::string_view raw, NameOrder order) {
  raw = trim(raw);
  if (const auto comma = raw.find(','); comma != std::string_view::npos)
    return {std::string(trim(raw.substr(comma + 1))), std::string(trim(raw.substr(0, comma)))};
  if (order == NameOrder::kGivenFirst) {
    const auto sp = raw.find_last_of(" \t");
    if (sp == std::string_view::npos) return {std::string(), std::string(raw)};
    return {std::string(trim(raw.substr(0, sp))), std::string(trim(raw.substr(sp + 1)))};
  }
  const auto sp = raw.find_first_of(" \t");
  if (sp == std::string_view::npos) return {std::string(), std::string(raw)};
  return {std::string(trim(raw.substr(sp + 1))), std::string(trim(raw.substr(0, sp)))};
}

std::optional<std::string> normalize_partners(std::string_view raw, std::string* bad) {
  std::vector<std::string_view> codes;
  std::size_t at = 0;
  while (at <= raw.size()) {
    auto semi = raw.find(';', at);
    if (semi == std::string_view::npos) semi = raw.size();
    const auto item = trim(raw.substr(at, semi - at));
    at = semi + 1;
    if (item.empty()) continue;
    std::string low;
    for (char c : item) low.push_back(lower(c));
    const auto* known = std::find(std::begin(kPartnerCodes), std::end(kPartnerCodes), low);
    if (known == std::end(kPartnerCodes)) {
      if (bad) *bad = std::string(item);
      return std::nullopt;
    }
    codes.push_back(*known);
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  std::string out;
  for (auto c : codes) {
    if (!out.empty()) out.push_back(';');
    out.append(c);
  }
  return out;
}

}  // namespace ch::text
