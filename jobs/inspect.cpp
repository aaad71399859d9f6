#include "jobs/inspect.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "io/table.hpp"
#include "jobs/cli.hpp"

namespace ch::jobs {
namespace {

std::string attribute_text(const io::AttributeValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, std::string>) return x;
        else return fmt::format("{}", x);
      },
      v);
}

void inspect_file(const JobEnv& env, const std::filesystem::path& path) {
  io::TableReader file(env.ctx, path);
  if (!env.ctx.is_root()) return;
  fmt::print("{}\n", path.string());
  for (const auto& group : file.tables()) {
    const auto empty = file.read(group, 0, 0);
    fmt::print("  {:<28} {:>12} rows\n", group, file.rows(group));
    for (const auto& c : empty.columns())
      fmt::print("      {:<24} {}{}\n", c.name, io::column_type_name(c.data),
                 c.encoding == io::StringEncoding::kDictionary ? " (dictionary)" : "");
  }
  fmt::print("  provenance:\n");
  for (const auto& [name, value] : file.attributes("/")) {
    std::string text = attribute_text(value);
    // Multi-line values (config, inputs) are indented under their name.
    std::string indented;
    for (char ch : text) {
      indented += ch;
      if (ch == '\n') indented += "        ";
    }
    while (!indented.empty() && (indented.back() == ' ' || indented.back() == '\n')) indented.pop_back();
    fmt::print("    {:<16} {}\n", name, text.find('\n') != std::string::npos ? "\n        " + indented : indented);
  }
}

}  // namespace

int inspect(const JobEnv& env, const std::vector<std::filesystem::path>& paths) {
  std::vector<std::filesystem::path> files;
  for (const auto& p : paths) {
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::directory_iterator(p))
        if (e.path().extension() == ".h5") files.push_back(e.path());
    } else {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw UsageError("inspect: no .h5 files found");
  for (const auto& f : files) inspect_file(env, f);
  return 0;
}

void add_inspect_command(Cli& cli) {
  auto files = std::make_shared<std::vector<std::filesystem::path>>();
  auto* sub = cli.add_command("inspect",
                              "Print tables, row counts, column types and provenance of HDF5 files");
  sub->add_option("files", *files, "HDF5 files or run directories")->required();
  sub->callback([files, &action = cli.action] {
    action = [files](const JobEnv& env) { return inspect(env, *files); };
  });
}

}  // namespace ch::jobs
