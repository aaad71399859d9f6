#include "jobs/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <unistd.h>

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <limits>
#include <optional>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>

#include "cluster/collectives.hpp"
#include "jobs/job.hpp"

#include "kernels/error.hpp"

// gperftools' C interface; weak, so that builds without tcmalloc (sanitizers) link and skip it.
extern "C" void MallocExtension_ReleaseFreeMemory() __attribute__((weak));
extern "C" int MallocExtension_GetNumericProperty(const char* property, std::size_t* value) __attribute__((weak));

namespace ch::jobs {

void init_logging(const cluster::Context& ctx, const std::string& level) {
  auto logger = spdlog::stderr_color_mt("clearinghouse");
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw UsageError("--log-level: unknown level '" + level +
                     "' (trace, debug, info, warn, error, critical, off)");
  // Other ranks print warnings and errors only; at trace they print their debug lines too (per-rank
  // phase times show a load imbalance).
  const auto others = lvl == spdlog::level::trace ? spdlog::level::debug : std::max(lvl, spdlog::level::warn);
  logger->set_level(ctx.is_root() ? lvl : others);
  logger->set_pattern(ctx.is_root() ? "[%H:%M:%S] %^%l%$ %v"
                                    : "[%H:%M:%S] %^%l%$ rank " + std::to_string(ctx.rank()) + ": %v");
  spdlog::set_default_logger(logger);
}

namespace {

// The peak resident memory since the last reset (VmHWM of /proc/self/status), in bytes; the
// process maximum from getrusage where /proc is not there.
std::uint64_t peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // "VmHWM:  123 kB"
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
}

// Resident anonymous memory in transparent huge pages now (AnonHugePages of
// /proc/self/smaps_rollup), in bytes; 0 where the kernel has no THP or no /proc.
std::uint64_t huge_page_bytes() {
  std::ifstream rollup("/proc/self/smaps_rollup");
  std::string line;
  while (std::getline(rollup, line))
    if (line.rfind("AnonHugePages:", 0) == 0) return std::stoull(line.substr(14)) * 1024;
  return 0;
}

// Resets the peak to the current resident size, so that a stage inside `run` reports its own
// peak, not the whole run's (it still counts what the allocator kept from earlier stages).
void reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
}


// What the program holds allocated now, as tcmalloc counts it: the peak RSS is a high-water
// mark (and counts what tcmalloc keeps for reuse), this says what a phase left behind. Empty
// without tcmalloc.
std::string heap_in_use() {
  std::size_t bytes = 0;
  if (MallocExtension_GetNumericProperty == nullptr ||
      !MallocExtension_GetNumericProperty("generic.current_allocated_bytes", &bytes))
    return {};
  return fmt::format(", heap {:.0f} MB", static_cast<double>(bytes) / 1e6);
}

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}
std::uint64_t minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::uint64_t>(u.ru_minflt);
}

}  // namespace

PhaseClock::PhaseClock(const cluster::Context& ctx, std::string stage)
    : ctx_(ctx), stage_(std::move(stage)), wall_(std::chrono::steady_clock::now()),
      cpu_(process_cpu_seconds()), shuffle_(ctx.shuffle_seconds()), faults_(minor_faults()) {}

void PhaseClock::mark(const char* phase) {
  if (!spdlog::should_log(spdlog::level::debug)) return;
  const auto wall = std::chrono::steady_clock::now();
  const double cpu = process_cpu_seconds(), shuffle = ctx_.shuffle_seconds();
  const auto faults = minor_faults();
  spdlog::debug("{}: {} {:.3f} s (cpu {:.3f} s, shuffles {:.3f} s, {} k page faults, peak RSS {:.0f} MB{})", stage_,
                phase, std::chrono::duration<double>(wall - wall_).count(), cpu - cpu_, shuffle - shuffle_,
                (faults - faults_) / 1000, static_cast<double>(peak_rss_bytes()) / 1e6, heap_in_use());
  wall_ = wall, cpu_ = cpu, shuffle_ = shuffle, faults_ = faults;
}

void release_free_memory() {
  if (MallocExtension_ReleaseFreeMemory) MallocExtension_ReleaseFreeMemory();
}

namespace {

// The first word of a one-line cgroup file as a byte count; nullopt if absent or "max".
std::optional<std::uint64_t> cgroup_value(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string word;
  if (!(in >> word) || word == "max") return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (ec != std::errc() || end != word.data() + word.size()) return std::nullopt;
  return v;
}

// The least limit − usage over `dir` and its ancestors up to `top` (both named files present and
// the limit below 2^62, v1's "no limit" being near 2^63).
std::uint64_t room_up_to(std::filesystem::path dir, const std::filesystem::path& top, const char* limit_file,
                         const char* usage_file) {
  std::uint64_t room = std::numeric_limits<std::uint64_t>::max();
  for (;;) {
    const auto limit = cgroup_value(dir / limit_file), usage = cgroup_value(dir / usage_file);
    if (limit && usage && *limit < (std::uint64_t{1} << 62)) room = std::min(room, *limit > *usage ? *limit - *usage : 0);
    if (dir == top || !dir.has_relative_path() || dir.parent_path() == dir) break;
    dir = dir.parent_path();
  }
  return room;
}

}  // namespace

std::uint64_t cgroup_room_bytes(const std::filesystem::path& proc_cgroup, const std::filesystem::path& root) {
  std::ifstream in(proc_cgroup);
  std::string line;
  std::uint64_t room = std::numeric_limits<std::uint64_t>::max();
  while (std::getline(in, line)) {
    // "id:controllers:path"; v2's unified line is "0::path".
    const auto a = line.find(':'), b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    const std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    const auto relative = std::filesystem::path(path).relative_path();
    if (line.compare(0, a, "0") == 0 && controllers.empty()) {
      room = std::min(room, room_up_to(relative.empty() ? root : root / relative, root, "memory.max", "memory.current"));
    } else if (("," + controllers + ",").find(",memory,") != std::string::npos) {
      const auto top = root / "memory";
      room = std::min(room, room_up_to(relative.empty() ? top : top / relative, top, "memory.limit_in_bytes",
                                       "memory.usage_in_bytes"));
    }
  }
  return room;
}

std::uint64_t node_available_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key, rest;
  std::uint64_t kb = 0, available = 0;
  while (in >> key >> kb) {
    if (key == "MemAvailable:") {
      available = kb * 1024;
      break;
    }
    std::getline(in, rest);
  }
  return std::min(available, cgroup_room_bytes());
}

bool room_to_keep(std::uint64_t free_bytes, int node_ranks, std::uint64_t available_bytes) {
  return free_bytes * static_cast<std::uint64_t>(std::max(1, node_ranks)) <= available_bytes;
}

bool keep_free_memory(const cluster::Context& ctx) {
  std::size_t free = 0;
  if (MallocExtension_GetNumericProperty == nullptr ||
      !MallocExtension_GetNumericProperty("tcmalloc.pageheap_free_bytes", &free))
    return false;
  return room_to_keep(free, ctx.node_local_size(), node_available_bytes());
}

StageTimer::StageTimer(const JobEnv& env, std::string stage)
    : env_(env),
      stage_(std::move(stage)),
      start_(std::chrono::steady_clock::now()),
      shuffled_at_start_(env.ctx.bytes_sent()),
      shuffle_seconds_at_start_(env.ctx.shuffle_seconds()) {
  if (!keep_free_memory(env.ctx)) release_free_memory();
  reset_peak_rss();
}

double StageTimer::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void StageTimer::report(std::uint64_t rows, std::uint64_t bytes) const {
  const auto& ctx = env_.ctx;
  const std::uint64_t rss = cluster::allreduce_max(ctx, peak_rss_bytes());
  const std::uint64_t huge = cluster::allreduce_max(ctx, huge_page_bytes());
  const std::uint64_t shuffled = cluster::allreduce_max(ctx, ctx.bytes_sent() - shuffled_at_start_);
  const double exchanging = cluster::allreduce_max(ctx, ctx.shuffle_seconds() - shuffle_seconds_at_start_);
  const double s = cluster::allreduce_max(ctx, std::max(seconds(), 1e-9));
  spdlog::info("{}: {} rows in {:.2f} s ({:.0f} rows/s, {:.1f} MB/s, peak RSS {:.0f} MB/rank, "
               "shuffled {:.1f} MB/rank in {:.2f} s)",
               stage_, rows, s, rows / s, bytes / s / 1e6, rss / 1e6, shuffled / 1e6, exchanging);
  if (ctx.is_root() && !env_.metrics.empty()) {
    std::ofstream out(env_.metrics, std::ios::app);
    out << fmt::format(
        "{{\"stage\":\"{}\",\"ranks\":{},\"threads\":{},\"seconds\":{:.4f},\"rows\":{},"
        "\"bytes\":{},\"peak_rss_bytes_max\":{},\"huge_page_bytes_max\":{},\"shuffle_bytes_max\":{},"
        "\"shuffle_seconds_max\":{:.4f}}}\n",
        stage_, ctx.size(), env_.threads, s, rows, bytes, rss, huge, shuffled, exchanging);
    if (!out) spdlog::warn("cannot append metrics to {}", env_.metrics);
  }
}

Progress::Progress(const cluster::Context& ctx, std::string what, std::uint64_t total)
    : enabled_(ctx.is_root() && spdlog::default_logger()->should_log(spdlog::level::info)),
      tty_(isatty(STDERR_FILENO) != 0),
      what_(std::move(what)),
      total_(total),
      last_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  if (enabled_ && tty_) std::fprintf(stderr, "\r\033[K");
}

void Progress::advance(std::uint64_t done) {
  if (!enabled_ || total_ == 0) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_).count();
  const double frac = static_cast<double>(done) / static_cast<double>(total_);
  if (tty_) {
    if (since < 0.2) return;
    const int width = 30, filled = static_cast<int>(frac * width);
    std::fprintf(stderr, "\r%s [%.*s%*s] %3.0f%%", what_.c_str(), filled,
                 "##############################", width - filled, "", frac * 100);
    std::fflush(stderr);
  } else {
    if (since < 10) return;
    spdlog::info("{}: {:.0f}% ({} of {})", what_, frac * 100, done, total_);
  }
  last_ = now;
}

}  // namespace ch::jobs
