// Describing ingest's inputs: the built-in feed layouts written by `generate`, mapping files
// (TOML) for any other CSV, binding a description to a file's header, and the [ingest] options.
// Every error is a UsageError naming the key, column or file; the functions are deterministic,
// so all ranks that call them with the same text raise the same error.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "jobs/ingest_model.hpp"

namespace ch::jobs::ingestion {

// A generator feed: travel, calls, subscribers or enforcement.
Source feed_source(SourceKind kind, const std::filesystem::path& file);

// A mapping file's text → the description of `csv`. `origin` (the mapping's path) is named in
// errors.
Source parse_mapping(std::string_view toml_text, const std::string& origin,
                     const std::filesystem::path& csv);

// Resolves the source's column names against its header row.
void bind_header(Source& source, const std::vector<std::string>& header);
// A generator feed bound to the header line `header` (split in the feed's dialect, fields
// trimmed), as ingest binds it after reading a file's first record: for tests and benchmarks of
// the row path.
Source feed_source(SourceKind kind, const std::filesystem::path& file, std::string_view header);

// Gives every extra field a slot in the run's union of extra columns; two sources may share an
// extra only with the same type.
std::vector<ExtraColumn> assign_extra_slots(std::vector<Source>& sources);

}  // namespace ch::jobs::ingestion
