// Columnar tables in HDF5, written collectively by all ranks.
//
// A table is an HDF5 group; each column is a 1-D dataset of the same length, chunked and
// deflated. Each rank contributes a contiguous slab of rows; slabs are laid out in rank order
// at offsets from an exclusive scan, so the file content depends only on the concatenated rows,
// never on the number of ranks. A table may also be a sequence of parts that every rank holds a
// slab of (ingest: one part per input file, each file split over all ranks): part 0 of every
// rank in rank order, then part 1, ... (RowLayout). Ranks with no rows still join every
// collective call.
//
// Strings are stored either fixed-length (NUL-padded, UTF-8; width = longest value on any rank)
// or dictionary-encoded (uint32 codes in the column, the sorted distinct values in
// GROUP/_dict/COLUMN). Parallel HDF5 cannot write variable-length strings.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cluster/context.hpp"
#include "io/string_column.hpp"

namespace ch::io {

enum class StringEncoding { kFixed, kDictionary };
// How TableReader::read returns string cells.
enum class StringCells { kStrings, kColumn };

// How a table's chunks are compressed. Deflate is readable by every HDF5 reader; LZ4 (registered
// filter 32004, io/lz4_filter.hpp) is several times cheaper to write and read, for the bulk
// tables the pipeline reads back itself (records.h5), and needs the LZ4 plugin elsewhere.
enum class Codec { kDeflate, kLz4 };

using ColumnData =
    std::variant<std::vector<std::int8_t>, std::vector<std::uint8_t>, std::vector<std::int32_t>,
                 std::vector<std::uint32_t>, std::vector<std::int64_t>, std::vector<std::uint64_t>,
                 std::vector<float>, std::vector<double>, std::vector<std::string>, StringColumn>;

struct Column {
  std::string name;
  ColumnData data;
  StringEncoding encoding = StringEncoding::kFixed;
};

std::size_t column_size(const ColumnData& data);
// "int64", "uint64", "string", ... as shown by `inspect` and documented in docs/schema.md.
std::string column_type_name(const ColumnData& data);

class Table {
 public:
  template <class T>
  Table& add(std::string name, std::vector<T> values,
             StringEncoding encoding = StringEncoding::kFixed) {
    columns_.push_back(Column{std::move(name), ColumnData(std::move(values)), encoding});
    return *this;
  }
  Table& add(std::string name, StringColumn values, StringEncoding encoding = StringEncoding::kFixed) {
    columns_.push_back(Column{std::move(name), ColumnData(std::move(values)), encoding});
    return *this;
  }
  Table& add_column(Column c) {
    columns_.push_back(std::move(c));
    return *this;
  }

  std::size_t rows() const { return columns_.empty() ? 0 : column_size(columns_.front().data); }
  const std::vector<Column>& columns() const { return columns_; }
  std::vector<Column>& columns() { return columns_; }
  bool has(const std::string& name) const;
  const Column& column(const std::string& name) const;  // throws naming the column if missing

  // Typed access; throws if the column is missing or of another type.
  template <class T>
  const std::vector<T>& get(const std::string& name) const {
    const auto& c = column(name);
    if (const auto* v = std::get_if<std::vector<T>>(&c.data)) return *v;
    throw std::runtime_error("column '" + name + "' has type " + column_type_name(c.data));
  }
  // A text column held as StringColumn (read with StringCells::kColumn, or added so).
  const StringColumn& text(const std::string& name) const {
    const auto& c = column(name);
    if (const auto* v = std::get_if<StringColumn>(&c.data)) return *v;
    throw std::runtime_error("column '" + name + "' has type " + column_type_name(c.data));
  }

 private:
  std::vector<Column> columns_;
};

using AttributeValue = std::variant<std::int64_t, double, std::string>;
using Attributes = std::map<std::string, AttributeValue>;

// Where a rank's rows go in a table made of parts (see the top of this file): the rank holds
// `count[k]` rows of part k, local rows [local_begin[k], local_begin[k] + count[k]), which go to
// global rows [global_begin[k], ...). Same part count on every rank.
struct RowLayout {
  std::uint64_t total = 0;  // rows of the whole table, all ranks
  std::vector<std::uint64_t> local_begin, global_begin, count;
  // Collective. One part: the rank's rows after those of lower ranks.
  static RowLayout contiguous(const cluster::Context& ctx, std::uint64_t local_rows);
  // Collective. `local_rows[k]` rows of part k on this rank.
  static RowLayout parts(const cluster::Context& ctx, const std::vector<std::uint64_t>& local_rows);
  std::uint64_t local_rows() const;
  std::uint64_t global_row(std::uint64_t local_row) const;  // local_row < local_rows()
};

class H5File;  // RAII handle, private to io/

// Creates PATH.partial collectively; commit() closes it and renames it to PATH once every rank
// has closed successfully. If the writer is destroyed without commit() (an exception unwinding),
// the partial file is removed, so a final name never points at a half-written file.
class TableWriter {
 public:
  TableWriter(const cluster::Context& ctx, std::filesystem::path final_path);
  ~TableWriter();
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;

  // Collective. `group` like "/observations" (intermediate groups are created).
  void write_table(const std::string& group, const Table& local_rows, Codec codec = Codec::kDeflate);
  // Collective: the rows placed by `layout` (a table of parts).
  void write_table(const std::string& group, const Table& local_rows, const RowLayout& layout,
                   Codec codec = Codec::kDeflate);
  // Collective: a table of `columns` columns made one at a time by `column(k)`, each written and
  // released before the next is made, so that a column built for the write (ingest's raw cells,
  // restored from their normalized form) reuses the memory of the columns written before it.
  void write_table(const std::string& group, std::size_t columns,
                   const std::function<Column(std::size_t)>& column, const RowLayout& layout,
                   Codec codec = Codec::kDeflate);
  // Collective; every rank passes the same values. `object` is "/" or a table's group.
  void set_attributes(const std::string& object, const Attributes& attributes);
  // Collective. `sync`: also fsync the file before the rename and its directory after it, so
  // the file survives a crash of the node (checkpoints).
  void commit(bool sync = false);

  const std::filesystem::path& final_path() const { return final_path_; }

 private:
  // The group and its columns, column(k) for k < columns, in order (a reference valid until the
  // next call).
  void write_columns(const std::string& group, std::size_t columns,
                     const std::function<const Column&(std::size_t)>& column, const RowLayout& layout, Codec codec);

  const cluster::Context& ctx_;
  std::filesystem::path final_path_, partial_path_;
  std::unique_ptr<H5File> file_;
  bool committed_ = false;
};

// Opens an existing file on every rank of `ctx` (read-only).
class TableReader {
 public:
  TableReader(const cluster::Context& ctx, const std::filesystem::path& path);
  ~TableReader();
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;

  std::vector<std::string> tables() const;  // groups holding columns, e.g. "/observations"
  bool has_table(const std::string& group) const;
  std::uint64_t rows(const std::string& group) const;
  std::vector<std::string> column_names(const std::string& group) const;
  // Rows [begin, end) of the named columns (all columns when empty); strings decoded, as
  // std::vector<std::string> or, with StringCells::kColumn, as StringColumn (its bytes plus 4
  // per cell instead of 32 plus a heap block: for a reader that holds millions of cells).
  Table read(const std::string& group, std::uint64_t begin, std::uint64_t end,
             const std::vector<std::string>& columns = {}, StringCells cells = StringCells::kStrings) const;
  Table read_all(const std::string& group, const std::vector<std::string>& columns = {}) const;
  // This rank's even share of the rows: [rank*n/size, (rank+1)*n/size).
  Table read_my_share(const std::string& group, const std::vector<std::string>& columns = {},
                      StringCells cells = StringCells::kStrings) const;
  Attributes attributes(const std::string& object) const;
  // The HDF5 filter ids of a column's pipeline, in order (1 deflate, 2 shuffle, 32004 LZ4).
  std::vector<int> filters(const std::string& group, const std::string& column) const;
  const std::filesystem::path& path() const { return path_; }

 private:
  const cluster::Context& ctx_;
  std::filesystem::path path_;
  std::unique_ptr<H5File> file_;
  int uncaught_at_open_ = 0;
};

// The row range [begin, end) of rank `rank` when n rows are split evenly over `size` ranks.
std::pair<std::uint64_t, std::uint64_t> even_share(std::uint64_t n, int rank, int size);

// A rank's even share of n rows in slices of at most `slice` rows, for loops that run a
// collective per slice: every rank gets the same number of slices (its last ones may be empty).
struct ShareSlices {
  std::uint64_t begin = 0, end = 0, slice = 1, count = 0;
  // Rows [first, second) of slice k < count.
  std::pair<std::uint64_t, std::uint64_t> operator[](std::uint64_t k) const {
    const auto lo = std::min(end, begin + k * slice);
    return {lo, std::min(end, lo + slice)};
  }
};
ShareSlices share_slices(std::uint64_t n, int rank, int size, std::uint64_t slice);

}  // namespace ch::io
