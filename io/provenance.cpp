#include "io/provenance.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <numeric>

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
std::string program_build() { return program_version() + " " + program_commit(); }

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

namespace {

// Digests this process has computed, by path, with the size and modification time they were
// computed at: `run` hashes a stage's inputs to decide whether to redo it and the stage hashes
// them again for its provenance (the feeds of `medium` are 2.9 GB).
struct KnownDigest {
  std::uintmax_t size = 0;
  std::filesystem::file_time_type mtime;
  std::string hex;
};
std::map<std::string, KnownDigest>& known_digests() {
  static std::map<std::string, KnownDigest> known;
  return known;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> hash_inputs(
    const cluster::Context& ctx, const std::vector<std::filesystem::path>& files) {
  {
    // Reuse only if every rank knows every file unchanged: a collective decision, so that all
    // ranks take the same branch below.
    std::vector<std::pair<std::string, std::string>> known;
    bool all_known = true;
    for (const auto& f : files) {
      std::error_code e1, e2;
      const auto size = std::filesystem::file_size(f, e1);
      const auto mtime = std::filesystem::last_write_time(f, e2);
      const auto it = known_digests().find(f.string());
      if (e1 || e2 || it == known_digests().end() || it->second.size != size || it->second.mtime != mtime) {
        all_known = false;
        break;
      }
      known.emplace_back(f.filename().string(), it->second.hex);
    }
    if (!cluster::allreduce_or(ctx, !all_known)) return known;
  }
  // Whole files are hashed (plain SHA-256, so `sha256sum` can check them), spread over the ranks
  // largest first to the least loaded rank: rank 0 alone would make every other rank wait for
  // the whole input (2.9 GB of medium feeds: 1.4 s).
  const auto p = static_cast<std::size_t>(ctx.size());
  std::vector<std::size_t> order(files.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::vector<std::uintmax_t> size(files.size(), 0);
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::error_code ec;
    size[i] = std::filesystem::file_size(files[i], ec);
    if (ec) size[i] = 0;  // sha256_file names the file if it cannot be read
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return size[a] > size[b]; });
  std::vector<std::uintmax_t> load(p, 0);
  std::vector<std::string> mine;  // "index\thash"
  for (auto i : order) {
    const auto r = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[r] += size[i] + 1;
    if (r == static_cast<std::size_t>(ctx.rank())) mine.push_back(std::to_string(i) + "\t" + sha256_file(files[i]));
  }
  std::vector<std::string> hex(files.size());
  for (const auto& entry : cluster::allgatherv_strings(ctx, mine)) {
    const auto tab = entry.find('\t');
    hex[std::stoul(entry.substr(0, tab))] = entry.substr(tab + 1);
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t i = 0; i < files.size(); ++i) {
    out.emplace_back(files[i].filename().string(), hex[i]);
    std::error_code e1, e2;
    const auto bytes = std::filesystem::file_size(files[i], e1);
    const auto mtime = std::filesystem::last_write_time(files[i], e2);
    if (!e1 && !e2) known_digests()[files[i].string()] = {bytes, mtime, hex[i]};
  }
  return out;
}

}  // namespace ch::io
