#include "io/provenance.hpp"

#include <ctime>

#include "cluster/collectives.hpp"
#include "io/hash.hpp"

#ifndef CH_VERSION
#define CH_VERSION "0.0.0"
#endif
#ifndef CH_GIT_COMMIT
#define CH_GIT_COMMIT "unknown"
#endif

namespace ch::io {

std::string program_version() { return CH_VERSION; }
std::string program_commit() { return CH_GIT_COMMIT; }

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string inputs_text(const std::vector<std::pair<std::string, std::string>>& inputs) {
  std::string text;
  for (const auto& [name, digest] : inputs) text += name + " sha256:" + digest + "\n";
  return text;
}

bool output_is_current(const cluster::Context& ctx, const std::filesystem::path& path,
                       const std::string& expected_inputs) {
  if (!std::filesystem::is_regular_file(path)) return false;
  const TableReader file(ctx, path);
  const auto attrs = file.attributes("/");
  const auto version = attrs.find("schema_version");
  const auto inputs = attrs.find("inputs");
  return version != attrs.end() && version->second == AttributeValue(kSchemaVersion) &&
         inputs != attrs.end() && inputs->second == AttributeValue(expected_inputs);
}

const std::vector<std::string>& volatile_attribute_names() {
  static const std::vector<std::string> names = {"started_utc", "finished_utc", "ranks", "threads",
                                                 "program_commit", "host"};
  return names;
}

void Provenance::write(const cluster::Context& ctx, TableWriter& out, int threads) const {
  Attributes a;
  a["schema_version"] = kSchemaVersion;
  a["program"] = std::string("clearinghouse");
  a["program_version"] = program_version();
  a["program_commit"] = program_commit();
  a["stage"] = stage;
  a["config"] = config_text;
  a["inputs"] = inputs_text(inputs);
  a["ranks"] = static_cast<std::int64_t>(ctx.size());
  a["threads"] = static_cast<std::int64_t>(threads);
  a["started_utc"] = cluster::broadcast_string(ctx, started_utc);
  a["finished_utc"] = cluster::broadcast_string(ctx, utc_now());
  std::string rows;
  for (const auto& [table, n] : row_counts) rows += table + "=" + std::to_string(n) + "\n";
  a["row_counts"] = rows;
  out.set_attributes("/", a);
}

std::vector<std::pair<std::string, std::string>> hash_inputs(
    const cluster::Context& ctx, const std::vector<std::filesystem::path>& files) {
  std::string joined;
  if (ctx.is_root())
    for (const auto& f : files) joined += f.filename().string() + "\t" + sha256_file(f) + "\n";
  joined = cluster::broadcast_string(ctx, joined);
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t at = 0; at < joined.size();) {
    const auto tab = joined.find('\t', at), nl = joined.find('\n', at);
    out.emplace_back(joined.substr(at, tab - at), joined.substr(tab + 1, nl - tab - 1));
    at = nl + 1;
  }
  return out;
}

}  // namespace ch::io
