// ingest: load (plan owned byte ranges) → compute (read windows, validate, normalize; TBB over blocks)
// → shuffle (duplicate record ids by hash of the id) → combine (summary, bad-fraction verdict)
// → write records.h5 collectively. Method notes: docs/ingest.md; tables: docs/schema.md.
#include "jobs/ingest.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <stdexcept>

#include "cluster/collectives.hpp"
#include "cluster/shuffle.hpp"
#include "io/csv.hpp"
#include "io/hash.hpp"
#include "io/provenance.hpp"
#include "io/table.hpp"
#include "io/text_file.hpp"
#include "jobs/cli.hpp"
#include "jobs/config.hpp"
#include "jobs/ingest_mapping.hpp"
#include "jobs/ingest_model.hpp"
#include "jobs/log.hpp"
#include "kernels/hash_sort.hpp"
#include "kernels/text/date.hpp"
#include "kernels/text/utf8.hpp"
#include "kernels/memory.hpp"
#include "kernels/rng.hpp"

namespace ch::jobs {
namespace {

namespace fs = std::filesystem;
using namespace ingestion;

// Records per TBB task: enough to amortize the task, small enough to balance 2–64 threads.
constexpr std::size_t kRecordsPerTask = 2048;
// Input read at a time per rank (at least twice the longest record allowed).
constexpr std::uint64_t kWindowBytes = std::uint64_t{64} << 20;

// Length-prefixed packing for broadcasting small structured values from rank 0.
class Packer {
 public:
  void u64(std::uint64_t v) { text_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void str(std::string_view s) {
    u64(s.size());
    text_.append(s);
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};
class Unpacker {
 public:
  explicit Unpacker(std::string_view s) : s_(s) {}
  std::uint64_t u64() {
    std::uint64_t v;
    std::memcpy(&v, s_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::string str() {
    const auto n = u64();
    std::string out(s_.substr(at_, n));
    at_ += n;
    return out;
  }

 private:
  std::string_view s_;
  std::size_t at_ = 0;
};

// Rank 0 reads every header; all ranks get the same headers or the same error.
void read_headers(const cluster::Context& ctx, std::vector<Source>& sources,
                  std::vector<io::CsvSource>& data, std::uint64_t max_bytes) {
  Packer pack;
  if (ctx.is_root()) {
    for (const auto& s : sources) {
      const auto h = io::read_csv_header(s.file, s.dialect.quote, max_bytes);
      pack.str(h.error);
      pack.str(h.text);
      pack.u64(h.data_begin);
      pack.u64(h.data_line);
      pack.u64(h.file_size);
    }
  }
  const std::string packed = cluster::broadcast_string(ctx, pack.take());
  Unpacker in(packed);
  data.clear();
  for (auto& s : sources) {
    const std::string error = in.str();
    const std::string text = in.str();
    io::CsvSource d;
    d.path = s.file;
    d.data_begin = in.u64();
    d.data_line = in.u64();
    d.file_size = in.u64();
    d.quote = s.dialect.quote;
    if (!error.empty()) throw UsageError(error + " (source '" + s.name + "')");
    std::vector<std::string_view> fields;
    std::string scratch;
    if (io::split_fields(text, s.dialect, fields, scratch) != io::FieldsStatus::kOk)
      throw UsageError(s.file.string() + ": the header row has malformed quotes");
    std::vector<std::string> header;
    for (auto f : fields) header.emplace_back(text::trim(f));
    bind_header(s, header);
    data.push_back(std::move(d));
  }
}

std::vector<Source> describe_sources(const JobEnv& env, const fs::path& feeds_dir,
                                     const std::vector<MappedCsv>& csvs) {
  std::vector<Source> sources;
  if (!feeds_dir.empty()) {
    const auto files = feed_files(feeds_dir);
    const SourceKind kinds[] = {SourceKind::kTravel, SourceKind::kCalls, SourceKind::kSubscribers,
                                SourceKind::kEnforcement};
    for (std::size_t i = 0; i < files.size(); ++i) sources.push_back(feed_source(kinds[i], files[i]));
  }
  for (const auto& c : csvs) {
    const std::string text = io::read_shared_text(env.ctx, c.mapping, "--mapping");
    sources.push_back(parse_mapping(text, c.mapping.string(), c.csv));
  }
  // One mapping may serve several files: sources that share a name are told apart by file stem
  // ("febrl/dataset1", "febrl/dataset2"), so every row's `source` names one file.
  std::vector<std::string> names;
  for (const auto& s : sources) names.push_back(s.name);
  for (std::size_t i = 0; i < sources.size(); ++i)
    if (std::count(names.begin(), names.end(), names[i]) > 1)
      sources[i].name = names[i] + "/" + sources[i].file.stem().string();
  for (std::size_t i = 0; i < sources.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (sources[i].name == sources[j].name)
        throw UsageError("two inputs are both named '" + sources[i].name + "' (" +
                         sources[j].file.string() + ", " + sources[i].file.string() +
                         "): give one a different source.name in its mapping");
  return sources;
}

std::int64_t reference_day(const cluster::Context& ctx, const IngestOptions& options) {
  std::string date = options.reference_date;
  if (date.empty() && ctx.is_root()) date = text::iso_date(std::time(nullptr) / 86400);
  date = cluster::broadcast_string(ctx, date);  // one "today" for every rank, even at midnight
  return text::parse_date(date, "%Y-%m-%d").days;
}

// A hash of (source, record id), so that a key's owner rank is reproducible.
std::uint64_t id_hash(std::uint32_t source, std::string_view id) { return word_hash(id, source); }

// ---- duplicate record ids ----------------------------------------------------------------------

struct Duplicate {
  std::uint64_t seq;         // the later row
  std::uint64_t first_line;  // line of the row that is kept
};

// Duplicate record ids, exactly, with little traffic and memory. Every kept row sends only the
// hash of (source, id) to the rank owning the hash (8 bytes a row). The owners find the hashes
// seen more than once — a repeated id, or rarely a collision — and every rank learns them; only
// rows with such a hash are candidates, and for those alone the origin sends (seq, line, source,
// id) to the hash's owner, which compares ids. Within a (source, id) group the smallest seq (file
// position) is kept; the origin of every later row gets (seq, line of the kept row). Returns this
// rank's duplicate rows, sorted by seq.
std::vector<Duplicate> find_duplicates(const cluster::Context& ctx, const Batch& local) {
  const auto p = static_cast<std::uint64_t>(ctx.size());
  auto for_each_row = [&](auto&& f) {
    local.obs.text[kObsRecordId].for_each(
        [&](std::size_t i, std::string_view id) { f(local.obs.source[i], local.obs.seq[i], local.obs.line[i], id); });
    local.calls.text[kCallRecordId].for_each(
        [&](std::size_t i, std::string_view id) { f(local.calls.source[i], local.calls.seq[i], local.calls.line[i], id); });
  };
  std::vector<std::uint64_t> suspects;
  {
    std::vector<std::uint64_t> hashes;
    hashes.reserve(local.obs.rows() + local.calls.rows());
    for_each_row([&](std::uint32_t source, std::uint64_t, std::uint64_t, std::string_view id) {
      hashes.push_back(id_hash(source, id));
    });
    auto owned = cluster::shuffle<std::uint64_t>(ctx, std::move(hashes), [&](std::uint64_t h) { return static_cast<int>(h % p); });
    ch::sort_by_hash(owned, [](std::uint64_t h) { return h; });
    std::vector<std::uint64_t> repeated;
    for (std::size_t i = 1; i < owned.size(); ++i)
      if (owned[i] == owned[i - 1] && (repeated.empty() || repeated.back() != owned[i])) repeated.push_back(owned[i]);
    ch::free_storage(owned);
    suspects = cluster::allgatherv<std::uint64_t>(ctx, repeated);
    std::sort(suspects.begin(), suspects.end());
  }
  // The candidates' ids go to the owner of their hash: seq, line, source, id.
  std::vector<std::vector<std::byte>> outgoing(p);
  auto put = [](std::vector<std::byte>& buf, const void* data, std::size_t n) {
    const auto* b = static_cast<const std::byte*>(data);
    buf.insert(buf.end(), b, b + n);
  };
  if (!suspects.empty()) {
    for_each_row([&](std::uint32_t source, std::uint64_t seq, std::uint64_t line, std::string_view id) {
      const auto h = id_hash(source, id);
      if (!std::binary_search(suspects.begin(), suspects.end(), h)) return;
      auto& buf = outgoing[h % p];
      const auto len = static_cast<std::uint32_t>(id.size());
      put(buf, &seq, 8);
      put(buf, &line, 8);
      put(buf, &source, 4);
      put(buf, &len, 4);
      put(buf, id.data(), len);
    });
  }
  const auto arrived = cluster::shuffle_bytes(ctx, outgoing);
  struct Candidate {
    std::uint32_t source;
    std::string_view id;
    std::uint64_t seq, line;
    int origin;  // the rank that sent the row: where it lives
  };
  std::vector<Candidate> candidates;
  for (std::size_t r = 0; r < arrived.size(); ++r)
    for (std::size_t at = 0; at + 24 <= arrived[r].size();) {
      const std::byte* w = arrived[r].data() + at;
      Candidate c{};
      std::uint32_t len = 0;
      std::memcpy(&c.seq, w, 8);
      std::memcpy(&c.line, w + 8, 8);
      std::memcpy(&c.source, w + 16, 4);
      std::memcpy(&len, w + 20, 4);
      c.id = std::string_view(reinterpret_cast<const char*>(w + 24), len);
      c.origin = static_cast<int>(r);
      candidates.push_back(c);
      at += 24 + len;
    }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return std::tie(a.source, a.id, a.seq) < std::tie(b.source, b.id, b.seq);
  });
  struct Found {
    Duplicate duplicate;
    std::int64_t origin;
  };
  std::vector<Found> found;
  for (std::size_t k = 1, first = 0; k < candidates.size(); ++k) {
    if (candidates[k].source != candidates[first].source || candidates[k].id != candidates[first].id) {
      first = k;
      continue;
    }
    found.push_back({{candidates[k].seq, candidates[first].line}, candidates[k].origin});
  }
  const auto mine = cluster::shuffle<Found>(ctx, found, [](const Found& f) { return static_cast<int>(f.origin); });
  std::vector<Duplicate> dups;
  dups.reserve(mine.size());
  for (const auto& f : mine) dups.push_back(f.duplicate);
  std::sort(dups.begin(), dups.end(), [](const Duplicate& a, const Duplicate& b) { return a.seq < b.seq; });
  return dups;
}

template <class T>
void keep_rows(std::vector<T>& v, const std::vector<std::uint8_t>& keep) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (keep[i]) {
      if (w != i) v[w] = std::move(v[i]);
      ++w;
    }
  v.resize(w);
}
void keep_rows(io::StringColumn& v, const std::vector<std::uint8_t>& keep) { v = v.filter(keep); }
template <class T>
void permute(std::vector<T>& v, const std::vector<std::size_t>& order) {
  std::vector<T> out;
  out.reserve(v.size());
  for (auto i : order) out.push_back(std::move(v[i]));
  v = std::move(out);
}

// Moves duplicate rows from the observations/calls into the quarantine, keeping every table in
// record order.
// Where a piece of input was, once its bytes are released: a duplicate's raw line is read again.
struct PieceOrigin {
  std::filesystem::path file;
  std::uint64_t offset = 0;
};

void order_by_record(QuarantineRows& q);

void quarantine_duplicates(Batch& b, const std::vector<Duplicate>& dups,
                           const std::vector<Source>& sources,
                           const std::vector<PieceOrigin>& pieces, std::size_t raw_bytes) {
  if (dups.empty()) return;
  auto find = [&](std::uint64_t seq) -> const Duplicate* {
    auto it = std::lower_bound(dups.begin(), dups.end(), seq,
                               [](const Duplicate& d, std::uint64_t s) { return d.seq < s; });
    return it != dups.end() && it->seq == seq ? &*it : nullptr;
  };
  auto add = [&](std::uint32_t source, std::uint64_t seq, std::uint64_t line, std::string_view id,
                 const RawRef& ref, std::uint64_t first_line) {
    auto& q = b.quarantine;
    q.seq.push_back(seq);
    q.line.push_back(line);
    q.source.push_back(source);
    q.field.push_back(sources[source].spec(Field::kRecordId).column);
    q.reason.emplace_back(reason_name(Reason::kDuplicateRecordId));
    q.detail.push_back("record id already used on line " + std::to_string(first_line));
    q.record_id.emplace_back(id);
    const auto& piece = pieces[ref.piece];
    q.raw.push_back(text::printable_utf8(
        io::read_file_range(piece.file, piece.offset + ref.begin, std::min<std::size_t>(ref.length, raw_bytes)),
        raw_bytes));
    auto& c = b.counts[source];
    --c.kept;
    ++c.reasons[static_cast<std::size_t>(Reason::kDuplicateRecordId)];
  };
  {
    auto& o = b.obs;
    std::vector<std::uint8_t> keep(o.rows(), 1);
    for (std::size_t i = 0; i < o.rows(); ++i)
      if (const auto* d = find(o.seq[i])) {
        keep[i] = 0;
        add(o.source[i], o.seq[i], o.line[i], o.text[kObsRecordId][i], o.raw[i], d->first_line);
      }
    keep_rows(o.seq, keep);
    keep_rows(o.line, keep);
    keep_rows(o.source, keep);
    for (auto& t : o.text) keep_rows(t, keep);
    keep_rows(o.raw_as_normalized, keep);
    keep_rows(o.event_utc, keep);
    keep_rows(o.flags, keep);
    keep_rows(o.raw, keep);
    for (auto& x : o.extras) keep_rows(x, keep);
    auto& s = b.segments;
    std::vector<std::uint8_t> keep_seg(s.rows(), 1);
    for (std::size_t i = 0; i < s.rows(); ++i) keep_seg[i] = find(s.seq[i]) == nullptr;
    keep_rows(s.seq, keep_seg);
    for (auto& t : s.text) keep_rows(t, keep_seg);
    keep_rows(s.departure_utc, keep_seg);
  }
  {
    auto& c = b.calls;
    std::vector<std::uint8_t> keep(c.rows(), 1);
    for (std::size_t i = 0; i < c.rows(); ++i)
      if (const auto* d = find(c.seq[i])) {
        keep[i] = 0;
        add(c.source[i], c.seq[i], c.line[i], c.text[kCallRecordId][i], c.raw[i], d->first_line);
      }
    keep_rows(c.seq, keep);
    keep_rows(c.line, keep);
    keep_rows(c.source, keep);
    for (auto& t : c.text) keep_rows(t, keep);
    keep_rows(c.raw_as_normalized, keep);
    keep_rows(c.start_utc, keep);
    keep_rows(c.duration_s, keep);
    keep_rows(c.raw, keep);
  }
  order_by_record(b.quarantine);
}

// Files in order, each file's rows by record position.
void order_by_record(QuarantineRows& q) {
  std::vector<std::size_t> order(q.rows());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return std::tie(q.source[x], q.seq[x]) < std::tie(q.source[y], q.seq[y]);
  });
  permute(q.seq, order);
  permute(q.line, order);
  permute(q.source, order);
  permute(q.field, order);
  permute(q.reason, order);
  permute(q.detail, order);
  permute(q.record_id, order);
  permute(q.raw, order);
}

// ---- summary -----------------------------------------------------------------------------------

// Per-source counts summed over ranks (integers: exact, independent of the rank count).
std::vector<SourceCounts> global_counts(const cluster::Context& ctx, const std::vector<SourceCounts>& local) {
  constexpr std::size_t kWidth = 3 + kReasonCount;
  std::vector<std::uint64_t> flat(local.size() * kWidth);
  for (std::size_t s = 0; s < local.size(); ++s) {
    flat[s * kWidth] = local[s].read;
    flat[s * kWidth + 1] = local[s].blank;
    flat[s * kWidth + 2] = local[s].kept;
    for (std::size_t r = 0; r < kReasonCount; ++r) flat[s * kWidth + 3 + r] = local[s].reasons[r];
  }
  cluster::allreduce_sum(ctx, flat);
  std::vector<SourceCounts> out(local.size());
  for (std::size_t s = 0; s < local.size(); ++s) {
    out[s].read = flat[s * kWidth];
    out[s].blank = flat[s * kWidth + 1];
    out[s].kept = flat[s * kWidth + 2];
    for (std::size_t r = 0; r < kReasonCount; ++r) out[s].reasons[r] = flat[s * kWidth + 3 + r];
  }
  return out;
}

std::string describe_counts(const Source& s, const SourceCounts& c) {
  std::string line = fmt::format("{}: {} rows read, {} kept, {} quarantined", s.name, c.read, c.kept,
                                 c.quarantined());
  std::string reasons;
  for (std::size_t r = 0; r < kReasonCount; ++r)
    if (c.reasons[r] > 0)
      reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", reason_name(static_cast<Reason>(r)), c.reasons[r]);
  if (!reasons.empty()) line += " (" + reasons + ")";
  if (c.blank > 0) line += fmt::format(", {} blank lines skipped", c.blank);
  return line;
}

// ---- output tables -------------------------------------------------------------------------------

io::StringEncoding encoding(bool dictionary) {
  return dictionary ? io::StringEncoding::kDictionary : io::StringEncoding::kFixed;
}

io::StringColumn names_of(const std::vector<std::uint32_t>& index, const std::vector<Source>& sources) {
  auto out = io::StringColumn::coded();
  out.reserve(index.size(), 0);
  for (auto i : index) out.push_back(sources[i].name);
  return out;
}

// Writes table `t`, whose raw columns of `pairs` (text columns named by `names`) hold empty cells
// where bit k of `same` says the raw value equals its normalized one: each raw column is made
// whole only when its turn to be written comes, in memory the columns written before it freed
// (a raw column precedes its normalized one in every table). Restoring all of them before the
// write raised the calls' peak by 0.35 GB on one rank.
template <std::size_t N, std::size_t P>
void write_restoring_raw(io::TableWriter& writer, const std::string& group, io::Table& t,
                         const std::vector<std::uint8_t>& same, const std::array<TextColumn, N>& names,
                         const std::array<RawPair, P>& pairs, const io::RowLayout& layout) {
  auto& columns = t.columns();
  auto named = [&](std::string_view name) -> io::Column& {
    for (auto& c : columns)
      if (c.name == name) return c;
    throw std::logic_error("ingest: no column " + std::string(name));
  };
  writer.write_table(
      group, columns.size(),
      [&](std::size_t k) {
        for (std::size_t j = 0; j < P; ++j) {
          if (columns[k].name != names[pairs[j].raw].name) continue;
          const auto& normalized = std::get<io::StringColumn>(named(names[pairs[j].normalized].name).data);
          io::Column whole{columns[k].name,
                           restored_raw(std::get<io::StringColumn>(columns[k].data), normalized, same,
                                        static_cast<unsigned>(j)),
                           columns[k].encoding};
          columns[k].data = io::StringColumn();
          return whole;
        }
        return std::move(columns[k]);
      },
      layout, io::Codec::kLz4);
}

io::Table observations_table(ObservationRows& o, const io::RowLayout& layout, const std::vector<Source>& sources,
                             const std::vector<ExtraColumn>& extras) {
  io::Table t;
  std::vector<std::uint64_t> obs(o.rows());
  for (std::size_t k = 0; k < layout.count.size(); ++k)
    std::iota(obs.begin() + static_cast<std::ptrdiff_t>(layout.local_begin[k]),
              obs.begin() + static_cast<std::ptrdiff_t>(layout.local_begin[k] + layout.count[k]), layout.global_begin[k]);
  t.add("obs", std::move(obs));
  t.add("source", names_of(o.source, sources), io::StringEncoding::kDictionary);
  t.add("line", std::move(o.line));
  for (std::size_t c = 0; c < kObsTextCount; ++c)
    t.add(std::string(kObsTextColumns[c].name), std::move(o.text[c]), encoding(kObsTextColumns[c].dictionary));
  t.add("event_utc", std::move(o.event_utc));
  t.add("flags", std::move(o.flags));
  o.extras.resize(2 * extras.size());
  for (std::size_t x = 0; x < extras.size(); ++x) {
    o.extras[2 * x].pad_to(t.rows());
    o.extras[2 * x + 1].pad_to(t.rows());
    t.add("x_" + extras[x].name, std::move(o.extras[2 * x]),
          encoding(extras[x].type == ExtraType::kCategory));
    t.add("x_" + extras[x].name + "_raw", std::move(o.extras[2 * x + 1]));
  }
  return t;
}

}  // namespace

std::vector<fs::path> feed_files(const fs::path& feeds_dir) {
  return {feeds_dir / "travel.csv", feeds_dir / "calls.csv", feeds_dir / "subscribers.csv",
          feeds_dir / "enforcement.csv"};
}

void ingest(const JobEnv& env, const fs::path& feeds_dir, const std::vector<MappedCsv>& csvs,
            const fs::path& out, const IngestOptions& options) {
  const auto& ctx = env.ctx;
  StageTimer timer(env, "ingest");
  env.fault_point("ingest", "start");
  const std::string started = io::utc_now();
  if (feeds_dir.empty() && csvs.empty()) throw UsageError("ingest: give --feeds DIR and/or --csv FILE --mapping MAP");

  // Describe and check every input before reading any data.
  auto sources = describe_sources(env, feeds_dir, csvs);
  const auto extra_columns = assign_extra_slots(sources);
  std::vector<io::CsvSource> data;
  read_headers(ctx, sources, data, options.max_record_bytes);
  std::vector<fs::path> files;
  for (const auto& s : sources) files.push_back(s.file);
  const auto inputs = io::hash_inputs(ctx, files);

  Limits limits;
  limits.max_field_bytes = options.max_field_bytes;
  limits.quarantine_raw_bytes = options.quarantine_raw_bytes;
  limits.max_age_years = options.max_age_years;
  limits.today = reference_day(ctx, options);
  limits.default_country_code = options.default_country_code;
  limits.extra_slots = extra_columns.size();

  PhaseClock phase(ctx, "ingest");
  // Load: where this rank's records of every file are (read window by window below).
  env.fault_point("ingest", "read");
  const auto pieces = io::plan_owned_records(ctx, data, options.max_record_bytes);
  std::vector<PieceOrigin> origins;
  std::uint64_t local_bytes = 0;
  for (const auto& piece : pieces) {
    origins.push_back({data[piece.source].path, piece.offset});
    local_bytes += piece.length + piece.cut_bytes;
  }
  phase.mark("plan");

  // Two sweeps over the inputs: the sources of observations (written to /segments and
  // /observations), then the call records (/calls). Each sweep's rows are held only until its
  // tables are written, so the calls reuse the memory the observations held: a rank's peak is the
  // larger sweep, not both (fresh memory is the largest cost of ingest, docs/ingest.md). Duplicate
  // ids are looked for within a source, so a sweep needs nothing from the other. The quarantine
  // rows of both are written last.
  io::TableWriter writer(ctx, out);
  io::Provenance prov{.stage = "ingest", .config_text = "", .inputs = inputs, .started_utc = started, .row_counts = {}};
  {
    IngestOptions effective = options;
    effective.reference_date = text::iso_date(limits.today);
    prov.config_text = ingest_options_toml(effective);
    for (const auto& s : sources)
      if (!s.mapping_text.empty())
        prov.config_text += "\n# mapping " + s.origin + " for " + s.file.string() + "\n" + s.mapping_text;
  }
  // Every table holds the rows of each file in turn, each file's rows in rank order.
  auto per_source = [&](const std::vector<std::uint32_t>& source_of_row) {
    std::vector<std::uint64_t> rows(sources.size(), 0);
    for (auto s : source_of_row) ++rows[s];
    return io::RowLayout::parts(ctx, rows);
  };
  std::vector<SourceCounts> counts(sources.size());
  QuarantineRows quarantine;
  for (const bool calls_sweep : {false, true}) {
    auto in_sweep = [&](std::size_t src) { return (sources[src].kind == SourceKind::kCalls) == calls_sweep; };
    // Compute: per window of each piece, split records, validate and normalize blocks of them in
    // parallel, then append the blocks in order. The window's buffer and the blocks' memory are
    // reused, so a rank holds its input's rows once, in large columns sized from the first window
    // of each piece. Record positions are local until the count of every rank's records is known.
    Batch all;
    all.counts.resize(sources.size());
    std::vector<Batch> parts;
    std::uint64_t local_records = 0;
    std::vector<std::size_t> sweep_pieces;
    std::vector<std::uint64_t> piece_first, records_of(sources.size(), 0);
    std::string window;
    std::vector<io::RecordSpan> sp;
    const std::uint64_t window_bytes = std::max<std::uint64_t>(kWindowBytes, 2 * options.max_record_bytes);
    for (std::size_t k = 0; k < pieces.size(); ++k) {
      const auto& piece = pieces[k];
      if (!in_sweep(piece.source)) continue;
      const auto src = static_cast<std::uint32_t>(piece.source);
      sweep_pieces.push_back(k);
      piece_first.push_back(local_records);
      io::CsvWindowReader reader(data[piece.source].path, piece, data[piece.source].quote, window_bytes);
      std::uint64_t window_offset = 0;
      bool first_window = true;
      while (reader.next(window, sp, window_offset)) {
        const bool cut = reader.last() && piece.cut_bytes > 0;
        const std::size_t tasks = (sp.size() + kRecordsPerTask - 1) / kRecordsPerTask;
        parts.clear();
        parts.resize(tasks);
        tbb::parallel_for(std::size_t{0}, tasks, [&](std::size_t t) {
          auto& part = parts[t];
          part.counts.resize(sources.size());
          const std::size_t a = t * kRecordsPerTask, b = std::min(sp.size(), a + kRecordsPerTask);
          process_records(sources[src], src, limits, static_cast<std::uint32_t>(k), window, sp, a, b,
                          local_records, cut, part, window_offset);
        });
        if (first_window && !window.empty()) {
          // The rest of the piece looks like its first window; a little more is reserved so that
          // a column rarely outgrows its estimate (room never touched costs no memory).
          const double windows_left = static_cast<double>(piece.length + piece.cut_bytes) /
                                      static_cast<double>(window.size());
          all.reserve_for(parts, 1.03 * windows_left + 0.01);
          first_window = false;
        }
        for (auto& part : parts) all.append(std::move(part));
        local_records += sp.size();
        records_of[src] += sp.size();
      }
    }
    window = std::string();
    ch::free_storage(sp);
    parts = std::vector<Batch>();
    phase.mark(calls_sweep ? "calls: split, validate and normalize" : "observations: split, validate and normalize");
    // Record positions within the sweep: its files in order, each file's records in rank order
    // (positions of the two sweeps overlap; rows of both are only ever ordered by source first).
    {
      const auto record_layout = io::RowLayout::parts(ctx, records_of);
      std::vector<std::uint64_t> delta(sweep_pieces.size());
      for (std::size_t j = 0; j < sweep_pieces.size(); ++j)
        delta[j] = record_layout.global_begin[pieces[sweep_pieces[j]].source] - piece_first[j];
      all.offset_seq(piece_first, delta);
    }
    {
      const auto [text, other] = all.footprint();
      const auto rows = std::max<std::uint64_t>(1, local_records);
      spdlog::debug("ingest: rows held on rank {}: {:.0f} bytes per feed row ({:.0f} text, {:.0f} numbers)",
                    ctx.rank(), static_cast<double>(text + other) / static_cast<double>(rows),
                    static_cast<double>(text) / static_cast<double>(rows),
                    static_cast<double>(other) / static_cast<double>(rows));
    }
    env.stop_point("ingest");

    // Shuffle: duplicate record ids, first by file position wins.
    quarantine_duplicates(all, find_duplicates(ctx, all), sources, origins, options.quarantine_raw_bytes);
    phase.mark("duplicates");

    // Combine: the summary, and the verdict on unusable sources (same on every rank).
    const auto sweep_counts = global_counts(ctx, all.counts);
    std::string unusable;
    for (std::size_t s = 0; s < sources.size(); ++s) {
      if (!in_sweep(s)) continue;
      const auto& c = counts[s] = sweep_counts[s];
      const double fraction = c.read ? static_cast<double>(c.quarantined()) / static_cast<double>(c.read) : 0.0;
      if (fraction > options.max_bad_fraction)
        unusable += fmt::format("\n  {} ({}): {:.1f}% of {} rows quarantined, more than the {:.1f}% allowed\n    {}",
                                sources[s].name, sources[s].file.string(), 100.0 * fraction, c.read,
                                100.0 * options.max_bad_fraction, describe_counts(sources[s], c));
    }
    if (!unusable.empty())
      throw Error(kExitBadData,
                  "ingest: unusable input, nothing written" + unusable +
                      "\n  (raise --max-bad-fraction or ingest.max_bad_fraction to accept such data)",
                  true);
    quarantine.append(std::move(all.quarantine));

    // Write: every table collectively, each rank its slab in record order.
    if (!calls_sweep) {
      const auto obs_layout = per_source(all.obs.source);
      {
        // Segments point at their observation: both are in record order, so one merge pass.
        auto& sg = all.segments;
        std::vector<std::uint64_t> seg_obs(sg.rows());
        std::vector<std::uint32_t> seg_source(sg.rows());
        for (std::size_t i = 0, j = 0; i < sg.rows(); ++i) {
          while (all.obs.seq[j] != sg.seq[i]) ++j;
          seg_obs[i] = obs_layout.global_row(j);
          seg_source[i] = all.obs.source[j];
        }
        io::Table t;
        t.add("obs", std::move(seg_obs));
        for (std::size_t c = 0; c < kSegTextCount; ++c)
          t.add(std::string(kSegTextColumns[c].name), std::move(sg.text[c]), encoding(kSegTextColumns[c].dictionary));
        t.add("departure_utc", std::move(sg.departure_utc));
        const auto layout = per_source(seg_source);
        writer.write_table("/segments", t, layout, io::Codec::kLz4);
        prov.row_counts["/segments"] = layout.total;
        phase.mark("write /segments");
      }
      io::Table t = observations_table(all.obs, obs_layout, sources, extra_columns);
      const auto same = std::move(all.obs.raw_as_normalized);
      all.obs = {};
      write_restoring_raw(writer, "/observations", t, same, kObsTextColumns, kObsRawPairs, obs_layout);
      prov.row_counts["/observations"] = obs_layout.total;
      phase.mark("write /observations");
    } else {
      auto& c = all.calls;
      const auto layout = per_source(c.source);
      io::Table t;
      t.add("line", std::move(c.line));
      for (std::size_t k = 0; k < kCallTextCount; ++k)
        t.add(std::string(kCallTextColumns[k].name), std::move(c.text[k]), encoding(kCallTextColumns[k].dictionary));
      t.add("start_utc", std::move(c.start_utc));
      t.add("duration_s", std::move(c.duration_s));
      const auto same = std::move(c.raw_as_normalized);
      all.calls = {};
      write_restoring_raw(writer, "/calls", t, same, kCallTextColumns, kCallRawPairs, layout);
      prov.row_counts["/calls"] = layout.total;
      phase.mark("write /calls");
    }
  }
  std::uint64_t rows_read = 0;
  for (std::size_t s = 0; s < sources.size(); ++s) {
    rows_read += counts[s].read;
    spdlog::info("ingest: {}", describe_counts(sources[s], counts[s]));
  }
  {
    auto& q = quarantine;
    order_by_record(q);
    const auto layout = per_source(q.source);
    std::vector<std::string> file;
    for (auto s : q.source) file.push_back(sources[s].file.filename().string());
    io::Table t;
    t.add("source", names_of(q.source, sources), io::StringEncoding::kDictionary);
    t.add("file", std::move(file), io::StringEncoding::kDictionary);
    t.add("line", std::move(q.line));
    t.add("field", std::move(q.field), io::StringEncoding::kDictionary);
    t.add("reason", std::move(q.reason), io::StringEncoding::kDictionary);
    t.add("detail", std::move(q.detail));
    t.add("record_id", std::move(q.record_id));
    t.add("raw", std::move(q.raw));
    writer.write_table("/quarantine", t, layout);
    prov.row_counts["/quarantine"] = layout.total;
    phase.mark("write /quarantine");
  }
  {
    // Replicated on every rank; rank 0 writes it.
    io::Table t;
    std::vector<std::string> name, file;
    std::vector<std::uint64_t> read, kept, quarantined, blank;
    std::vector<std::vector<std::uint64_t>> by_reason(kReasonCount);
    if (ctx.is_root())
      for (std::size_t s = 0; s < sources.size(); ++s) {
        name.push_back(sources[s].name);
        file.push_back(sources[s].file.filename().string());
        read.push_back(counts[s].read);
        kept.push_back(counts[s].kept);
        quarantined.push_back(counts[s].quarantined());
        blank.push_back(counts[s].blank);
        for (std::size_t r = 0; r < kReasonCount; ++r) by_reason[r].push_back(counts[s].reasons[r]);
      }
    t.add("source", std::move(name), io::StringEncoding::kDictionary);
    t.add("file", std::move(file));
    t.add("rows_read", std::move(read));
    t.add("kept", std::move(kept));
    t.add("quarantined", std::move(quarantined));
    t.add("blank_lines", std::move(blank));
    for (std::size_t r = 0; r < kReasonCount; ++r)
      t.add(std::string(reason_name(static_cast<Reason>(r))), std::move(by_reason[r]));
    writer.write_table("/summary", t);
    prov.row_counts["/summary"] = sources.size();
  }
  env.fault_point("ingest", "commit");
  prov.write(ctx, writer, env.threads);
  writer.commit();
  phase.mark("commit");
  timer.report(rows_read, cluster::allreduce_sum(ctx, local_bytes));
}

void ingest_feeds(const JobEnv& env, const fs::path& feeds_dir, const fs::path& out,
                  const IngestOptions& options) {
  ingest(env, feeds_dir, {}, out, options);
}

void add_ingest_command(Cli& cli) {
  struct Options {
    fs::path feeds, out;
    std::vector<fs::path> csv, mapping;
    double max_bad_fraction = -1;
  };
  auto o = std::make_shared<Options>();
  auto* sub = cli.add_command(
      "ingest", "Validate and load agency feeds and external CSVs into records.h5 (with quarantine)");
  sub->add_option("--feeds", o->feeds,
                  "Directory with the generator feeds travel.csv, calls.csv, subscribers.csv, enforcement.csv");
  sub->add_option("--csv", o->csv, "An external CSV (repeatable; each needs a --mapping, in the same order)");
  sub->add_option("--mapping", o->mapping, "TOML file mapping the matching --csv's columns (see examples/)");
  sub->add_option("--out", o->out, "Output file, e.g. records.h5")->required();
  sub->add_option("--max-bad-fraction", o->max_bad_fraction,
                  "Largest share of quarantined rows a source may have (default 0.05; exit 3 above)")
      ->check(CLI::Range(0.0, 1.0));
  sub->callback([o, &action = cli.action] {
    action = [o](const JobEnv& env) {
      auto options = ingest_options(stage_overrides(env.overrides, "ingest"));
      if (o->max_bad_fraction >= 0) options.max_bad_fraction = o->max_bad_fraction;
      if (o->csv.size() != o->mapping.size())
        throw UsageError(fmt::format("ingest: {} --csv but {} --mapping; give one mapping per CSV",
                                     o->csv.size(), o->mapping.size()));
      std::vector<MappedCsv> csvs;
      for (std::size_t i = 0; i < o->csv.size(); ++i) csvs.push_back({o->csv[i], o->mapping[i]});
      ingest(env, o->feeds, csvs, o->out, options);
      return 0;
    };
  });
}

}  // namespace ch::jobs
