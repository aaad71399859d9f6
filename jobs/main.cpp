// The `clearinghouse` command: one subcommand per pipeline stage plus run/inspect/compare.
// Parsing happens identically on every rank, so a usage error stops all ranks together.
#include <tbb/global_control.h>

#include <cstdlib>
#include <thread>

#ifdef CH_WITH_TCMALLOC
#include <gperftools/malloc_extension.h>
#include <sys/mman.h>

#include <string_view>
#endif

#include "cluster/context.hpp"
#include "cluster/guard.hpp"
#include "cluster/signals.hpp"
#include "jobs/cli.hpp"
#include "jobs/log.hpp"

#ifdef CH_WITH_TCMALLOC
namespace {

// Backs the heap tcmalloc takes from the kernel with transparent huge pages where the kernel
// offers them (Debian's default THP mode is `madvise`: only regions that ask get them). The
// stages fill multi-GB columns once; with 4 KiB pages each first touch is a page fault of 1–2 µs
// on these VMs, and the comparison's random row reads miss the TLB. Medium resolve, 2 ranks:
// 87 → 68 s, system time 41 → 15 s (docs/performance.md). Regions are not rounded up: tcmalloc
// grows the heap contiguously, so neighbouring regions merge into one mapping whose whole 2 MiB
// pages get huge pages (rounding and aligning each region cost 15 % more peak memory).
class HugePageSysAllocator final : public SysAllocator {
 public:
  explicit HugePageSysAllocator(SysAllocator* system) : system_(system) {}

  void* Alloc(size_t size, size_t* actual_size, size_t alignment) override {
    size_t got = 0;
    void* region = system_->Alloc(size, &got, alignment);
    // Advice only: where THP is off or the region cannot have huge pages, 4 KiB pages it is.
    if (region != nullptr) madvise(region, got, MADV_HUGEPAGE);
    if (actual_size != nullptr) *actual_size = got;
    return region;
  }

 private:
  SysAllocator* system_;
};

void use_huge_pages() {
  if (const char* env = std::getenv("CH_HUGE_PAGES"); env != nullptr && std::string_view(env) == "0") return;
  auto* extension = MallocExtension::instance();
  // Never freed: tcmalloc calls it until the process ends.
  extension->SetSystemAllocator(new HugePageSysAllocator(extension->GetSystemAllocator()));
}

}  // namespace
#endif

namespace ch::jobs {

CLI::App* Cli::add_command(const std::string& name, const std::string& help) {
  auto* sub = app.add_subcommand(name, help);
  sub->add_option("--threads", common.threads,
                  "Worker threads per rank (default: cores / ranks on the node)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--log-level", common.log_level, "trace, debug, info, warn, error, off")
      ->capture_default_str();
  sub->add_option("--set", common.overrides,
                  "Override any scenario or config key, e.g. --set world.seed=7 (repeatable)")
      ->type_name("KEY=VALUE");
  sub->add_option("--inject-fault", common.fault,
                  "Make one rank fail at a point, for failure tests: STAGE:RANK:POINT "
                  "(e.g. generate:1:start; points: start, write, commit; signal = a stop request "
                  "at the first safe point; checkpoint points such as resolve:0:em2, "
                  "communities:0:level1, see docs/operations.md)")
      ->group("Testing");
  sub->add_option("--metrics", common.metrics,
                  "Append per-stage figures (seconds, rows, peak RSS, shuffle bytes) as JSON lines");
  return sub;
}

}  // namespace ch::jobs

int main(int argc, char** argv) {
  ch::cluster::MpiSession mpi(argc, argv);
  ch::cluster::install_stop_handlers();
  const auto ctx = ch::cluster::Context::world();

  CLI::App app{"Clearinghouse: strategic assessments of smuggling networks from travel and "
               "communication records.\nRun `clearinghouse SUBCOMMAND --help` for each stage."};
  app.require_subcommand(1);
  ch::jobs::CommonOptions common;
  std::function<int(const ch::jobs::JobEnv&)> action;
  ch::jobs::Cli cli{app, common, action};
  ch::jobs::add_generate_command(cli);
  ch::jobs::add_ingest_command(cli);
  ch::jobs::add_resolve_command(cli);
  ch::jobs::add_explain_command(cli);
  ch::jobs::add_evaluate_command(cli);
  ch::jobs::add_network_command(cli);
  ch::jobs::add_compare_command(cli);
  ch::jobs::add_communities_command(cli);
  ch::jobs::add_release_command(cli);
  ch::jobs::add_assess_command(cli);
  ch::jobs::add_report_command(cli);
  ch::jobs::add_run_command(cli);
  ch::jobs::add_inspect_command(cli);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a "parse error" with exit code 0.
    if (ctx.is_root()) app.exit(e);
    return e.get_exit_code() == 0 ? 0 : ch::kExitUsage;
  }

#ifdef CH_WITH_TCMALLOC
  // Freed memory stays with tcmalloc until a stage starts (jobs/log.cpp returns it there): by
  // default tcmalloc hands freed pages back to the kernel as it goes, and the next array of a
  // stage faults them in again, zeroed. Medium resolve, 2 ranks: 93 → 82 s, peak 10.9 → 9.7 GB
  // per rank, 13.5 → 9.5 M page faults. TCMALLOC_RELEASE_RATE in the environment still decides.
  if (std::getenv("TCMALLOC_RELEASE_RATE") == nullptr) MallocExtension::instance()->SetMemoryReleaseRate(0.0);
  use_huge_pages();
#endif

  return ch::cluster::run_guarded(ctx, [&] {
    ch::jobs::init_logging(ctx, common.log_level);
    int threads = common.threads;
    if (threads == 0)
      threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) /
                                std::max(1, ctx.node_local_size()));
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));
    const ch::jobs::JobEnv env{ctx, threads, common.overrides, common.fault, common.metrics};
    return action(env);
  });
}
