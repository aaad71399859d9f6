#include "kernels/release/partners.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

#include "kernels/error.hpp"

namespace ch::release {
namespace {

constexpr std::string_view kBuiltin = R"(# Partners that may receive extracts, and what each may receive.
# A record reaches a partner only if its releasable_to lists the partner's code; the keys below
# narrow that further. Empty lists mean "all".

[release]
out_dir = "partner"              # relative to the run directory; must stay inside it
allow_out_outside_run = false    # --out and --csv must stay inside the run directory
max_field_bytes = 256            # longest code, name or rule version accepted

[partner.interpol]
name = "INTERPOL"
rule_version = "interpol-2024.1"
sources = []                     # travel, subscribers, enforcement, calls, or a mapped source
agencies = []
tables = ["entities", "evidence", "edges", "edges_monthly", "person_phone", "organizations", "members", "leads", "referrals"]

[partner.europol]
name = "Europol"
rule_version = "europol-2024.1"
sources = []
agencies = []
tables = ["entities", "evidence", "edges", "edges_monthly", "person_phone", "organizations", "members", "leads", "referrals"]

[partner.frontex]
name = "Frontex"
rule_version = "frontex-2024.1"
sources = []
agencies = []
tables = ["entities", "evidence", "edges", "edges_monthly", "person_phone", "organizations", "members", "leads", "referrals"]
)";

[[noreturn]] void bad(const std::string& origin, const std::string& key, const std::string& why) {
  throw UsageError(fmt::format("{}: key '{}': {}", origin, key, why));
}

std::string string_of(const toml::node& n, const std::string& origin, const std::string& key,
                      std::size_t max_bytes) {
  const auto v = n.value<std::string>();
  if (!n.is_string() || !v) bad(origin, key, "expected a string");
  if (v->size() > max_bytes)
    bad(origin, key, fmt::format("value '{}…' is {} bytes, longer than max_field_bytes = {}",
                                 v->substr(0, 32), v->size(), max_bytes));
  if (v->find('\0') != std::string::npos || v->find('\n') != std::string::npos)
    bad(origin, key, "value contains a NUL byte or a line break");
  return *v;
}

std::vector<std::string> list_of(const toml::node& n, const std::string& origin, const std::string& key,
                                 std::size_t max_bytes) {
  const auto* arr = n.as_array();
  if (!arr) bad(origin, key, "expected an array of strings");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < arr->size(); ++i)
    out.push_back(string_of(*arr->get(i), origin, fmt::format("{}[{}]", key, i), max_bytes));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string toml_list(const std::vector<std::string>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += fmt::format("{}\"{}\"", i ? ", " : "", v[i]);
  return s + "]";
}

}  // namespace

std::string_view builtin_partners_toml() { return kBuiltin; }

bool lists_partner(std::string_view releasable_to, std::string_view code) {
  while (!releasable_to.empty()) {
    const auto semi = releasable_to.find(';');
    if (releasable_to.substr(0, semi) == code) return true;
    if (semi == std::string_view::npos) break;
    releasable_to.remove_prefix(semi + 1);
  }
  return false;
}

bool valid_partner_code(std::string_view code) {
  if (code.empty() || code.size() > 32 || code.front() < 'a' || code.front() > 'z') return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

void check_user_path(std::string_view what, std::string_view path, std::size_t max_bytes) {
  if (path.size() > max_bytes)
    throw UsageError(fmt::format("{} '{}…': {} bytes, longer than {}", what, path.substr(0, 64), path.size(),
                                 max_bytes));
  if (path.find('\0') != std::string_view::npos) throw UsageError(fmt::format("{}: contains a NUL byte", what));
  // A ".." component is refused outright rather than resolved: it is how a path escapes.
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto part = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part == "..") throw UsageError(fmt::format("{} '{}': '..' is not allowed in a path", what, path));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
}

bool Partner::receives_table(std::string_view table) const { return tables.empty() || contains(tables, table); }

bool Partner::may_receive(std::string_view releasable_to, std::string_view source, std::string_view agency) const {
  return lists_partner(releasable_to, code) && (sources.empty() || contains(sources, source)) &&
         (agencies.empty() || contains(agencies, agency));
}

std::string Partner::toml() const {
  return fmt::format("[partner.{}]\nname = \"{}\"\nrule_version = \"{}\"\nsources = {}\nagencies = {}\ntables = {}\n",
                     code, name, rule_version, toml_list(sources), toml_list(agencies), toml_list(tables));
}

ReleasePolicy parse_partners(std::string_view text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << e.source().begin;
    throw UsageError(fmt::format("{}: {} ({})", origin, e.description(), where.str()));
  }
  ReleasePolicy policy;
  policy.origin = origin;
  for (const auto& [k, node] : root) {
    const std::string key(k.str());
    if (key != "release" && key != "partner")
      bad(origin, key, "unknown section (expected [release] or [partner.CODE])");
  }
  if (const auto* rel = root["release"].as_table()) {
    // max_field_bytes first: it bounds the other values of the file.
    if (const auto* m = rel->get("max_field_bytes")) {
      const auto v = m->value<std::int64_t>();
      if (!m->is_integer() || !v || *v < 8 || *v > 65536)
        bad(origin, "release.max_field_bytes", "expected an integer in 8..65536");
      policy.max_field_bytes = static_cast<std::size_t>(*v);
    }
    for (const auto& [k, node] : *rel) {
      const std::string key(k.str());
      if (key == "max_field_bytes") continue;
      if (key == "out_dir") {
        policy.out_dir = string_of(node, origin, "release.out_dir", policy.max_field_bytes);
        if (policy.out_dir.empty() || policy.out_dir.front() == '/')
          bad(origin, "release.out_dir", "'" + policy.out_dir + "' must be a relative path inside the run directory");
        check_user_path(origin + ": key 'release.out_dir'", policy.out_dir);
      } else if (key == "allow_out_outside_run") {
        const auto b = node.value<bool>();
        if (!node.is_boolean() || !b) bad(origin, "release.allow_out_outside_run", "expected true or false");
        policy.allow_out_outside_run = *b;
      } else {
        bad(origin, "release." + key, "unknown key (out_dir, allow_out_outside_run, max_field_bytes)");
      }
    }
  } else if (root.contains("release")) {
    bad(origin, "release", "expected a table");
  }
  const auto* partners = root["partner"].as_table();
  if (!partners || partners->empty()) bad(origin, "partner", "no [partner.CODE] section");
  for (const auto& [k, node] : *partners) {
    const std::string code(k.str());
    const std::string at = "partner." + code;
    if (!valid_partner_code(code))
      bad(origin, at, "'" + code + "' is not a partner code (1-32 of a-z 0-9 _ -, starting with a letter)");
    const auto* t = node.as_table();
    if (!t) bad(origin, at, "expected a table");
    Partner p;
    p.code = code;
    p.name = code;
    p.rule_version = "unversioned";
    for (const auto& [kk, v] : *t) {
      const std::string key(kk.str());
      const std::string full = at + "." + key;
      if (key == "name") p.name = string_of(v, origin, full, policy.max_field_bytes);
      else if (key == "rule_version") p.rule_version = string_of(v, origin, full, policy.max_field_bytes);
      else if (key == "sources") p.sources = list_of(v, origin, full, policy.max_field_bytes);
      else if (key == "agencies") p.agencies = list_of(v, origin, full, policy.max_field_bytes);
      else if (key == "tables") {
        p.tables = list_of(v, origin, full, policy.max_field_bytes);
        for (const auto& table : p.tables)
          if (std::find(std::begin(kExtractTables), std::end(kExtractTables), table) == std::end(kExtractTables))
            bad(origin, full, "unknown table '" + table + "' (entities, evidence, edges, edges_monthly, person_phone)");
      } else {
        bad(origin, full, "unknown key (name, rule_version, sources, agencies, tables)");
      }
    }
    if (p.rule_version.empty()) bad(origin, at + ".rule_version", "must not be empty");
    policy.partners.emplace(code, std::move(p));
  }
  return policy;
}

}  // namespace ch::release
