#include "io/table.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "cluster/collectives.hpp"
#include "io/lz4_filter.hpp"
#include "kernels/error.hpp"

namespace ch::io {
namespace {

constexpr hsize_t kChunkRows = 1 << 16;
// Rows a rank writes per collective call; keeps each rank's piece well under 2 GiB.
constexpr std::uint64_t kMaxBytesPerRound = std::uint64_t{512} << 20;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("HDF5: " + what); }

// RAII for hid_t handles; the closer depends on the kind of object.
class Hid {
 public:
  Hid() = default;
  Hid(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}
  Hid(Hid&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = -1; }
  Hid& operator=(Hid&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      closer_ = o.closer_;
      o.id_ = -1;
    }
    return *this;
  }
  ~Hid() { reset(); }
  void reset() {
    if (id_ >= 0 && closer_) closer_(id_);
    id_ = -1;
  }
  // Forget the handle without closing it (see ~TableWriter for why).
  void abandon() { id_ = -1; }
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }  // NOLINT: handles are passed straight to the C API

 private:
  hid_t id_ = -1;
  herr_t (*closer_)(hid_t) = nullptr;
};

Hid checked(hid_t id, herr_t (*closer)(hid_t), const std::string& what) {
  if (id < 0) fail(what);
  return Hid(id, closer);
}
void check(herr_t status, const std::string& what) {
  if (status < 0) fail(what);
}

template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, std::int8_t>) return H5T_NATIVE_INT8;
  else if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
  else if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return H5T_NATIVE_UINT32;
  else if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
  else if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  else static_assert(sizeof(T) == 0);
}

Hid string_type(std::size_t width) {
  Hid t = checked(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(t, std::max<std::size_t>(width, 1)), "set string size");
  check(H5Tset_strpad(t, H5T_STR_NULLPAD), "set string padding");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "set string charset");
  return t;
}

Hid mpio_fapl(const cluster::Context& ctx) {
  Hid fapl = checked(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access list");
  check(H5Pset_fapl_mpio(fapl, ctx.comm(), MPI_INFO_NULL), "set MPI-IO driver");
  return fapl;
}

bool link_exists(hid_t loc, const std::string& path) {
  // H5Lexists needs every intermediate link to exist, so walk the path component by component.
  std::string partial;
  std::size_t at = path.front() == '/' ? 1 : 0;
  partial = path.front() == '/' ? "/" : "";
  while (at <= path.size()) {
    auto next = path.find('/', at);
    if (next == std::string::npos) next = path.size();
    if (next > at) {
      if (!partial.empty() && partial.back() != '/') partial += '/';
      partial += path.substr(at, next - at);
      if (H5Lexists(loc, partial.c_str(), H5P_DEFAULT) <= 0) return false;
    }
    at = next + 1;
  }
  return true;
}

void write_attribute(hid_t obj, const std::string& name, const AttributeValue& value) {
  if (H5Aexists(obj, name.c_str()) > 0) check(H5Adelete(obj, name.c_str()), "delete attribute " + name);
  Hid space = checked(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          Hid type = string_type(v.size());
          Hid attr = checked(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                             H5Aclose, "create attribute " + name);
          std::string padded = v.empty() ? std::string(1, '\0') : v;
          check(H5Awrite(attr, type, padded.data()), "write attribute " + name);
        } else {
          Hid attr = checked(
              H5Acreate2(obj, name.c_str(), native_type<V>(), space, H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, "create attribute " + name);
          check(H5Awrite(attr, native_type<V>(), &v), "write attribute " + name);
        }
      },
      value);
}

// A fixed-width cell's length: its bytes up to the NUL padding.
std::size_t fixed_length(const char* p, std::size_t width) {
  std::size_t n = width;
  while (n > 0 && p[n - 1] == '\0') --n;
  return n;
}
std::string read_fixed(const char* p, std::size_t width) { return std::string(p, fixed_length(p, width)); }

}  // namespace

class H5File {
 public:
  explicit H5File(Hid handle) : id(std::move(handle)) {}
  Hid id;
};

// ---- Table ------------------------------------------------------------------------------------

std::size_t column_size(const ColumnData& data) {
  return std::visit([](const auto& v) { return v.size(); }, data);
}

std::string column_type_name(const ColumnData& data) {
  static const char* names[] = {"int8", "uint8", "int32", "uint32", "int64",
                                "uint64", "float32", "float64", "string", "string"};
  return names[data.index()];
}

bool Table::has(const std::string& name) const {
  return std::any_of(columns_.begin(), columns_.end(), [&](const Column& c) { return c.name == name; });
}

const Column& Table::column(const std::string& name) const {
  for (const auto& c : columns_)
    if (c.name == name) return c;
  throw std::runtime_error("table has no column '" + name + "'");
}

ShareSlices share_slices(std::uint64_t n, int rank, int size, std::uint64_t slice) {
  const auto [begin, end] = even_share(n, rank, size);
  // No share exceeds n / size + 1 rows.
  return {begin, end, slice, (n / static_cast<std::uint64_t>(size) + 1 + slice - 1) / slice};
}

std::pair<std::uint64_t, std::uint64_t> even_share(std::uint64_t n, int rank, int size) {
  const auto r = static_cast<std::uint64_t>(rank), s = static_cast<std::uint64_t>(size);
  return {n * r / s, n * (r + 1) / s};
}

RowLayout RowLayout::contiguous(const cluster::Context& ctx, std::uint64_t local_rows) {
  return parts(ctx, {local_rows});
}

RowLayout RowLayout::parts(const cluster::Context& ctx, const std::vector<std::uint64_t>& local_rows) {
  const std::size_t k = local_rows.size();
  const auto all = cluster::allgatherv<std::uint64_t>(ctx, local_rows);
  if (all.size() != k * static_cast<std::size_t>(ctx.size()))
    throw std::logic_error("RowLayout: ranks disagree on the number of parts");
  RowLayout layout;
  const auto me = static_cast<std::size_t>(ctx.rank());
  std::uint64_t local = 0;
  for (std::size_t part = 0; part < k; ++part) {
    layout.local_begin.push_back(local);
    layout.count.push_back(local_rows[part]);
    local += local_rows[part];
    std::uint64_t before = 0;
    for (std::size_t r = 0; r < static_cast<std::size_t>(ctx.size()); ++r) {
      if (r == me) before = layout.total;
      layout.total += all[r * k + part];
    }
    layout.global_begin.push_back(before);
  }
  return layout;
}

std::uint64_t RowLayout::local_rows() const {
  return count.empty() ? 0 : local_begin.back() + count.back();
}

std::uint64_t RowLayout::global_row(std::uint64_t local_row) const {
  const auto k = static_cast<std::size_t>(std::upper_bound(local_begin.begin(), local_begin.end(), local_row) -
                                          local_begin.begin()) - 1;
  return global_begin[k] + (local_row - local_begin[k]);
}

// ---- TableWriter ------------------------------------------------------------------------------

namespace {

// One collective dataset write: every rank writes its local rows where `layout` places them, in
// rounds so no rank's piece exceeds kMaxBytesPerRound. `rows(begin, count)` returns the memory of
// local rows [begin, begin + count), valid until its next call.
template <class Rows>
void write_rows_collective(const cluster::Context& ctx, hid_t dset, hid_t mem_type,
                           std::size_t elem_size, const RowLayout& layout,
                           const std::string& what, Rows&& rows) {
  const std::uint64_t local_rows = layout.local_rows();
  const std::uint64_t rows_per_round = std::max<std::uint64_t>(1, kMaxBytesPerRound / elem_size);
  const std::uint64_t rounds =
      cluster::allreduce_max(ctx, (local_rows + rows_per_round - 1) / rows_per_round);
  Hid dxpl = checked(H5Pcreate(H5P_DATASET_XFER), H5Pclose, "create transfer list");
  check(H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE), "set collective transfer");
  Hid fspace = checked(H5Dget_space(dset), H5Sclose, "get dataspace of " + what);
  for (std::uint64_t round = 0; round < rounds; ++round) {
    const std::uint64_t begin = std::min(local_rows, round * rows_per_round);
    const std::uint64_t count = std::min(rows_per_round, local_rows - begin);
    hsize_t mdim = std::max<hsize_t>(count, 1);
    Hid mspace = checked(H5Screate_simple(1, &mdim, nullptr), H5Sclose, "create memory space");
    check(H5Sselect_none(fspace), "select none");
    if (count == 0) check(H5Sselect_none(mspace), "select none");
    // The parts' rows within this round's local rows. Later parts lie later in the file, so the
    // file selection's order (ascending) is the order of the rows in memory.
    for (std::size_t k = 0; k < layout.count.size(); ++k) {
      const std::uint64_t a = std::max(begin, layout.local_begin[k]);
      const std::uint64_t b = std::min(begin + count, layout.local_begin[k] + layout.count[k]);
      if (a >= b) continue;
      hsize_t start = layout.global_begin[k] + (a - layout.local_begin[k]), cnt = b - a;
      check(H5Sselect_hyperslab(fspace, H5S_SELECT_OR, &start, nullptr, &cnt, nullptr), "select rows of " + what);
    }
    static const char dummy = 0;
    const void* ptr = count == 0 ? static_cast<const void*>(&dummy) : rows(begin, count);
    check(H5Dwrite(dset, mem_type, mspace, fspace, dxpl, ptr), "write " + what);
  }
}

template <class T>
void write_values(const cluster::Context& ctx, hid_t dset, hid_t mem_type, const T* data,
                  const RowLayout& layout, const std::string& what) {
  write_rows_collective(ctx, dset, mem_type, sizeof(T), layout, what,
                        [&](std::uint64_t begin, std::uint64_t) { return data + begin; });
}

Hid create_column_dataset(hid_t group, const std::string& name, hid_t type, std::uint64_t rows,
                          bool shuffle_filter, Codec codec) {
  hsize_t dims = rows, maxdims = H5S_UNLIMITED, chunk = std::min<hsize_t>(kChunkRows, std::max<hsize_t>(rows, 1));
  Hid space = checked(H5Screate_simple(1, &dims, &maxdims), H5Sclose, "create dataspace");
  Hid dcpl = checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dataset property list");
  check(H5Pset_chunk(dcpl, 1, &chunk), "set chunking");
  if (shuffle_filter) check(H5Pset_shuffle(dcpl), "set shuffle filter");
  if (codec == Codec::kLz4)
    check(H5Pset_filter(dcpl, static_cast<H5Z_filter_t>(kLz4FilterId), H5Z_FLAG_MANDATORY, 0, nullptr),
          "set LZ4 filter");
  else
    check(H5Pset_deflate(dcpl, 1), "set deflate");
  check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER), "set fill time");
  Hid lcpl = checked(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "create link list");
  check(H5Pset_create_intermediate_group(lcpl, 1), "set intermediate groups");  // for _dict/
  return checked(H5Dcreate2(group, name.c_str(), type, space, lcpl, dcpl, H5P_DEFAULT),
                 H5Dclose, "create dataset " + name);
}

// Visits cells [begin, end) of a string column, whichever way it is held.
template <class F>
void for_each_cell(const std::vector<std::string>& v, std::size_t begin, std::size_t end, F&& f) {
  for (std::size_t i = begin; i < end; ++i) f(i, std::string_view(v[i]));
}
template <class F>
void for_each_cell(const StringColumn& v, std::size_t begin, std::size_t end, F&& f) {
  v.for_each(begin, end, f);
}

std::size_t longest(const std::vector<std::string>& v) {
  std::size_t m = 0;
  for (const auto& s : v) m = std::max(m, s.size());
  return m;
}
std::size_t longest(const StringColumn& v) { return v.max_length(); }

// Fixed-width strings: padded a round at a time, so a column is never held twice in full.
template <class Cells>
void write_strings(const cluster::Context& ctx, hid_t group, const std::string& name,
                   const Cells& values, const RowLayout& layout, Codec codec) {
  const std::uint64_t width = cluster::allreduce_max(ctx, std::max<std::uint64_t>(1, longest(values)));
  Hid type = string_type(width);
  Hid dset = create_column_dataset(group, name, type, layout.total, false, codec);
  std::vector<char> packed;
  write_rows_collective(ctx, dset, type, width, layout, name,
                        [&](std::uint64_t begin, std::uint64_t count) {
                          packed.assign(count * width, '\0');
                          char* at = packed.data();
                          for_each_cell(values, begin, begin + count, [&](std::size_t, std::string_view cell) {
                            std::memcpy(at, cell.data(), cell.size());
                            at += width;
                          });
                          return static_cast<const void*>(packed.data());
                        });
}

// Global dictionary: the sorted union of every rank's distinct values, so codes are the same
// whatever the partition. A coded column's local codes are mapped to global ones.
void write_codes(const cluster::Context& ctx, hid_t group, const std::string& name, const StringColumn& coded,
                 const RowLayout& layout, Codec codec) {
  const auto& distinct = coded.values();
  auto dict = cluster::allgatherv_strings(ctx, distinct);
  std::sort(dict.begin(), dict.end());
  dict.erase(std::unique(dict.begin(), dict.end()), dict.end());
  std::vector<std::uint32_t> global(distinct.size());
  for (std::size_t k = 0; k < distinct.size(); ++k)
    global[k] = static_cast<std::uint32_t>(std::lower_bound(dict.begin(), dict.end(), distinct[k]) - dict.begin());
  std::vector<std::uint32_t> codes(coded.size());
  const auto local = coded.codes();
  for (std::size_t i = 0; i < codes.size(); ++i) codes[i] = global[local[i]];
  Hid dset = create_column_dataset(group, name, H5T_NATIVE_UINT32, layout.total, true, codec);
  write_values(ctx, dset, H5T_NATIVE_UINT32, codes.data(), layout, name);
  write_attribute(dset, "encoding", std::string("dictionary"));
  write_attribute(dset, "dictionary", "_dict/" + name);
  // The dictionary is identical on all ranks; rank 0 writes it in one slab.
  static const std::vector<std::string> none;
  write_strings(ctx, group, "_dict/" + name, ctx.is_root() ? dict : none,
                RowLayout::contiguous(ctx, ctx.is_root() ? dict.size() : 0), codec);
}

// Cells not coded in memory are coded here, one pass.
template <class Cells>
void write_dictionary(const cluster::Context& ctx, hid_t group, const std::string& name,
                      const Cells& values, const RowLayout& layout, Codec codec) {
  if constexpr (std::is_same_v<Cells, StringColumn>) {
    if (values.is_coded()) return write_codes(ctx, group, name, values, layout, codec);
  }
  StringColumn coded = StringColumn::coded();
  coded.reserve(values.size(), 0);
  for_each_cell(values, 0, values.size(), [&](std::size_t, std::string_view v) { coded.push_back(v); });
  write_codes(ctx, group, name, coded, layout, codec);
}

// Every column of a table has the rank's rows of its layout.
void check_rows(const std::string& group_path, const Column& c, const RowLayout& layout) {
  if (column_size(c.data) != layout.local_rows())
    throw std::runtime_error("table " + group_path + ": column '" + c.name + "' has " +
                             std::to_string(column_size(c.data)) + " rows, expected " +
                             std::to_string(layout.local_rows()));
}

}  // namespace

TableWriter::TableWriter(const cluster::Context& ctx, std::filesystem::path final_path)
    : ctx_(ctx), final_path_(std::move(final_path)) {
  partial_path_ = final_path_;
  partial_path_ += ".partial";
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions with our context
  register_lz4_filter();
  if (ctx_.is_root() && !final_path_.parent_path().empty())
    std::filesystem::create_directories(final_path_.parent_path());
  cluster::barrier(ctx_, "directory exists before the collective create");
  Hid fapl = mpio_fapl(ctx_);
  hid_t id = H5Fcreate(partial_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (cluster::allreduce_or(ctx_, id < 0)) {
    if (id >= 0) H5Fclose(id);
    throw std::runtime_error("cannot create " + partial_path_.string());
  }
  file_ = std::make_unique<H5File>(Hid(id, H5Fclose));
}

// Closing a parallel HDF5 file is collective. A writer destroyed without commit() is being
// unwound by an exception that other ranks may not share (a local failure, after which the guard
// aborts the job), so it must not wait for them: the handle is abandoned (HDF5 closes it when MPI
// shuts down) and the partial file is unlinked by whichever rank gets here.
TableWriter::~TableWriter() {
  if (committed_ || !file_) return;
  file_->id.abandon();
  std::error_code ec;
  std::filesystem::remove(partial_path_, ec);
}

void TableWriter::write_table(const std::string& group_path, const Table& local, Codec codec) {
  write_table(group_path, local, RowLayout::contiguous(ctx_, local.rows()), codec);
}

void TableWriter::write_table(const std::string& group_path, const Table& local, const RowLayout& layout,
                              Codec codec) {
  for (const auto& c : local.columns()) check_rows(group_path, c, layout);
  write_columns(
      group_path, local.columns().size(), [&](std::size_t k) -> const Column& { return local.columns()[k]; }, layout,
      codec);
}

void TableWriter::write_table(const std::string& group_path, std::size_t columns,
                              const std::function<Column(std::size_t)>& column, const RowLayout& layout,
                              Codec codec) {
  Column current;
  write_columns(
      group_path, columns,
      [&](std::size_t k) -> const Column& {
        current = Column{};  // released before the next is made
        current = column(k);
        check_rows(group_path, current, layout);
        return current;
      },
      layout, codec);
}

void TableWriter::write_columns(const std::string& group_path, std::size_t columns,
                                const std::function<const Column&(std::size_t)>& column, const RowLayout& layout,
                                Codec codec) {
  const std::uint64_t total = layout.total;

  Hid lcpl = checked(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "create link list");
  check(H5Pset_create_intermediate_group(lcpl, 1), "set intermediate groups");
  Hid gcpl = checked(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "create group list");
  check(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "track creation order");
  Hid group = checked(H5Gcreate2(file_->id, group_path.c_str(), lcpl, gcpl, H5P_DEFAULT),
                      H5Gclose, "create group " + group_path + " in " + partial_path_.string());

  std::string column_list;
  for (std::size_t k = 0; k < columns; ++k) {
    const Column& c = column(k);
    column_list += (column_list.empty() ? "" : ",") + c.name;
    try {
    std::visit(
        [&](const auto& v) {
          using V = typename std::decay_t<decltype(v)>::value_type;
          if constexpr (std::is_same_v<V, std::string> || std::is_same_v<V, std::string_view>) {
            if (c.encoding == StringEncoding::kDictionary)
              write_dictionary(ctx_, group, c.name, v, layout, codec);
            else
              write_strings(ctx_, group, c.name, v, layout, codec);
          } else {
            Hid dset = create_column_dataset(group, c.name, native_type<V>(), total, sizeof(V) > 1, codec);
            write_values(ctx_, dset, native_type<V>(), v.data(), layout, c.name);
          }
        },
        c.data);
    } catch (const std::runtime_error& e) {
      // Name the file and the column: the usual cause is a full disk or a quota.
      throw std::runtime_error("cannot write " + group_path + "/" + c.name + " to " + partial_path_.string() +
                               " (disk full or file system error): " + e.what());
    }
  }
  write_attribute(group, "columns", column_list);
  write_attribute(group, "rows", static_cast<std::int64_t>(total));
}

void TableWriter::set_attributes(const std::string& object, const Attributes& attributes) {
  Hid obj = checked(H5Oopen(file_->id, object.c_str(), H5P_DEFAULT), H5Oclose,
                    "open " + object + " in " + partial_path_.string());
  for (const auto& [name, value] : attributes) write_attribute(obj, name, value);
}

namespace {
// fsync of a file or directory by path; false on any error.
bool fsync_path(const std::filesystem::path& path, bool directory) {
  const int fd = ::open(path.c_str(), O_RDONLY | (directory ? O_DIRECTORY : 0));
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  return ::close(fd) == 0 && ok;
}
}  // namespace

void TableWriter::commit(bool sync) {
  // Any rank's failure to flush/close must stop every rank from renaming.
  herr_t status = H5Fflush(file_->id, H5F_SCOPE_GLOBAL);
  file_->id.reset();
  file_.reset();
  // Closing the MPI file already synchronized every rank's writes (MPI_File_close); rank 0's
  // fsync makes them durable on the local file system too.
  if (sync && ctx_.is_root() && status >= 0 && !fsync_path(partial_path_, false)) status = -1;
  if (cluster::allreduce_or(ctx_, status < 0))
    throw std::runtime_error("cannot write " + partial_path_.string() +
                             " (disk full or file system error)");
  std::error_code ec;
  if (ctx_.is_root()) std::filesystem::rename(partial_path_, final_path_, ec);
  if (sync && ctx_.is_root() && !ec) {
    const auto dir = final_path_.has_parent_path() ? final_path_.parent_path() : std::filesystem::path(".");
    if (!fsync_path(dir, true)) ec = std::make_error_code(std::errc::io_error);
  }
  if (cluster::allreduce_or(ctx_, static_cast<bool>(ec)))
    throw std::runtime_error("cannot rename " + partial_path_.string() + " to " +
                             final_path_.string() + ": " + ec.message());
  committed_ = true;
}

// ---- TableReader ------------------------------------------------------------------------------

TableReader::TableReader(const cluster::Context& ctx, const std::filesystem::path& path)
    : ctx_(ctx), path_(path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  register_lz4_filter();
  Hid fapl = mpio_fapl(ctx_);
  const bool readable = std::filesystem::is_regular_file(path);
  hid_t id = readable ? H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl) : -1;
  if (id < 0)
    throw Error(kExitUsage, "cannot open " + path.string() +
                                (readable ? ": not an HDF5 file" : ": no such file"),
                true);
  file_ = std::make_unique<H5File>(Hid(id, H5Fclose));
  uncaught_at_open_ = std::uncaught_exceptions();
}

// As for the writer: while an exception unwinds, closing (a collective call) could wait forever
// for ranks that are not unwinding, so the handle is abandoned to HDF5's shutdown instead.
TableReader::~TableReader() {
  if (file_ && std::uncaught_exceptions() > uncaught_at_open_) file_->id.abandon();
}

std::vector<std::string> TableReader::tables() const {
  std::vector<std::string> out;
  auto visit = [](hid_t obj, const char* name, const H5O_info_t* info, void* op) -> herr_t {
    if (info->type != H5O_TYPE_GROUP) return 0;
    if (H5Aexists_by_name(obj, name, "columns", H5P_DEFAULT) > 0)
      static_cast<std::vector<std::string>*>(op)->push_back(std::string(name) == "." ? "/"
                                                                                      : "/" + std::string(name));
    return 0;
  };
  check(H5Ovisit2(file_->id, H5_INDEX_NAME, H5_ITER_INC, visit, &out, H5O_INFO_BASIC),
        "list tables of " + path_.string());
  return out;
}

bool TableReader::has_table(const std::string& group) const {
  return link_exists(file_->id, group) &&
         H5Aexists_by_name(file_->id, group.c_str(), "columns", H5P_DEFAULT) > 0;
}

std::vector<std::string> TableReader::column_names(const std::string& group) const {
  const auto attrs = attributes(group);
  auto it = attrs.find("columns");
  if (it == attrs.end()) throw Error(kExitUsage, path_.string() + ": " + group + " is not a table", true);
  std::vector<std::string> names;
  const auto& list = std::get<std::string>(it->second);
  for (std::size_t at = 0; at <= list.size() && !list.empty();) {
    auto next = list.find(',', at);
    if (next == std::string::npos) next = list.size();
    names.push_back(list.substr(at, next - at));
    at = next + 1;
  }
  return names;
}

std::vector<int> TableReader::filters(const std::string& group, const std::string& column) const {
  const std::string path = group + "/" + column;
  Hid dset = checked(H5Dopen2(file_->id, path.c_str(), H5P_DEFAULT), H5Dclose,
                     "open " + path + " in " + path_.string());
  Hid dcpl = checked(H5Dget_create_plist(dset), H5Pclose, "get creation list of " + path);
  std::vector<int> out;
  const int n = H5Pget_nfilters(dcpl);
  for (int i = 0; i < n; ++i) {
    unsigned int flags = 0;
    std::size_t nelmts = 0;
    out.push_back(static_cast<int>(
        H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &nelmts, nullptr, 0, nullptr, nullptr)));
  }
  return out;
}

std::uint64_t TableReader::rows(const std::string& group) const {
  if (!has_table(group))
    throw Error(kExitUsage, path_.string() + " has no table " + group, true);
  return static_cast<std::uint64_t>(std::get<std::int64_t>(attributes(group).at("rows")));
}

Table TableReader::read(const std::string& group, std::uint64_t begin, std::uint64_t end,
                        const std::vector<std::string>& wanted, StringCells cells) const {
  const auto names = wanted.empty() ? column_names(group) : wanted;
  const std::uint64_t total = rows(group);
  if (begin > end || end > total)
    throw std::runtime_error("read " + group + ": rows [" + std::to_string(begin) + "," +
                             std::to_string(end) + ") outside 0.." + std::to_string(total));
  Table out;
  const hsize_t count = end - begin;
  for (const auto& name : names) {
    const std::string path = group + "/" + name;
    if (!link_exists(file_->id, path))
      throw Error(kExitUsage, path_.string() + ": table " + group + " has no column '" + name + "'", true);
    Hid dset = checked(H5Dopen2(file_->id, path.c_str(), H5P_DEFAULT), H5Dclose, "open " + path);
    Hid ftype = checked(H5Dget_type(dset), H5Tclose, "type of " + path);
    Hid fspace = checked(H5Dget_space(dset), H5Sclose, "space of " + path);
    hsize_t start = begin, mdim = std::max<hsize_t>(count, 1);
    Hid mspace = checked(H5Screate_simple(1, &mdim, nullptr), H5Sclose, "memory space");
    if (count == 0) {
      check(H5Sselect_none(fspace), "select none");
      check(H5Sselect_none(mspace), "select none");
    } else {
      check(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, nullptr, &count, nullptr), "select");
    }
    auto read_into = [&](auto& vec) {
      using V = typename std::decay_t<decltype(vec)>::value_type;
      vec.resize(count);
      V dummy{};
      check(H5Dread(dset, native_type<V>(), mspace, fspace, H5P_DEFAULT, count ? vec.data() : &dummy),
            "read " + path);
    };
    const H5T_class_t cls = H5Tget_class(ftype);
    const std::size_t size = H5Tget_size(ftype);
    if (cls == H5T_STRING) {
      std::vector<char> buf(std::max<std::size_t>(count, 1) * size);
      Hid mtype = string_type(size);
      check(H5Dread(dset, mtype, mspace, fspace, H5P_DEFAULT, buf.data()), "read " + path);
      if (cells == StringCells::kColumn) {
        StringColumn v;
        v.append_fixed_width(buf.data(), count, size);
        out.add(name, std::move(v));
      } else {
        std::vector<std::string> v(count);
        for (hsize_t i = 0; i < count; ++i) v[i] = read_fixed(buf.data() + i * size, size);
        out.add(name, std::move(v));
      }
    } else if (H5Aexists(dset, "dictionary") > 0) {
      std::vector<std::uint32_t> codes;
      read_into(codes);
      const std::string dict_path = group + "/_dict/" + name;
      Table dict_table;
      Hid ddset = checked(H5Dopen2(file_->id, dict_path.c_str(), H5P_DEFAULT), H5Dclose, "open " + dict_path);
      Hid dtype = checked(H5Dget_type(ddset), H5Tclose, "type of " + dict_path);
      Hid dspace = checked(H5Dget_space(ddset), H5Sclose, "space of " + dict_path);
      hsize_t n = 0;
      H5Sget_simple_extent_dims(dspace, &n, nullptr);
      const std::size_t dsize = H5Tget_size(dtype);
      std::vector<char> buf(std::max<hsize_t>(n, 1) * dsize);
      Hid mtype = string_type(dsize);
      check(H5Dread(ddset, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "read " + dict_path);
      std::vector<std::string> dict(n);
      for (hsize_t i = 0; i < n; ++i) dict[i] = read_fixed(buf.data() + i * dsize, dsize);
      for (hsize_t i = 0; i < count; ++i)
        if (codes[i] >= dict.size()) fail(path + ": dictionary code out of range");
      if (cells == StringCells::kColumn) {
        auto v = StringColumn::coded();
        v.append_codes(dict, codes);
        out.add(name, std::move(v), StringEncoding::kDictionary);
      } else {
        std::vector<std::string> v(count);
        for (hsize_t i = 0; i < count; ++i) v[i] = dict[codes[i]];
        out.add(name, std::move(v), StringEncoding::kDictionary);
      }
    } else if (cls == H5T_INTEGER) {
      const bool is_signed = H5Tget_sign(ftype) == H5T_SGN_2;
      auto add = [&](auto tag) {
        std::vector<decltype(tag)> v;
        read_into(v);
        out.add(name, std::move(v));
      };
      if (size == 1) is_signed ? add(std::int8_t{}) : add(std::uint8_t{});
      else if (size == 4) is_signed ? add(std::int32_t{}) : add(std::uint32_t{});
      else if (size == 8) is_signed ? add(std::int64_t{}) : add(std::uint64_t{});
      else fail(path + ": unsupported integer size");
    } else if (cls == H5T_FLOAT) {
      if (size == 4) {
        std::vector<float> v;
        read_into(v);
        out.add(name, std::move(v));
      } else {
        std::vector<double> v;
        read_into(v);
        out.add(name, std::move(v));
      }
    } else {
      fail(path + ": unsupported column type");
    }
  }
  return out;
}

Table TableReader::read_all(const std::string& group, const std::vector<std::string>& columns) const {
  return read(group, 0, rows(group), columns);
}

Table TableReader::read_my_share(const std::string& group, const std::vector<std::string>& columns,
                                 StringCells cells) const {
  const auto [b, e] = even_share(rows(group), ctx_.rank(), ctx_.size());
  return read(group, b, e, columns, cells);
}

Attributes TableReader::attributes(const std::string& object) const {
  Attributes out;
  Hid obj = checked(H5Oopen(file_->id, object.c_str(), H5P_DEFAULT), H5Oclose,
                    "open " + object + " in " + path_.string());
  auto visit = [](hid_t loc, const char* name, const H5A_info_t*, void* op) -> herr_t {
    auto& attrs = *static_cast<Attributes*>(op);
    Hid attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
    Hid type(H5Aget_type(attr), H5Tclose);
    const auto cls = H5Tget_class(type);
    if (cls == H5T_STRING) {
      if (H5Tis_variable_str(type) > 0) {
        char* s = nullptr;
        Hid mtype(H5Tcopy(H5T_C_S1), H5Tclose);
        H5Tset_size(mtype, H5T_VARIABLE);
        H5Aread(attr, mtype, &s);
        attrs[name] = std::string(s ? s : "");
        H5free_memory(s);
      } else {
        const std::size_t size = H5Tget_size(type);
        std::vector<char> buf(size);
        Hid mtype = string_type(size);
        H5Aread(attr, mtype, buf.data());
        attrs[name] = read_fixed(buf.data(), size);
      }
    } else if (cls == H5T_INTEGER) {
      std::int64_t v = 0;
      H5Aread(attr, H5T_NATIVE_INT64, &v);
      attrs[name] = v;
    } else if (cls == H5T_FLOAT) {
      double v = 0;
      H5Aread(attr, H5T_NATIVE_DOUBLE, &v);
      attrs[name] = v;
    }
    return 0;
  };
  hsize_t idx = 0;
  check(H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, visit, &out), "attributes of " + object);
  return out;
}

}  // namespace ch::io
