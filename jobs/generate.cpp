#include "jobs/generate.hpp"

#include <spdlog/spdlog.h>
#include <tbb/parallel_for.h>


#include "cluster/collectives.hpp"
#include "io/hash.hpp"
#include "io/parallel_file.hpp"
#include "io/provenance.hpp"
#include "io/table.hpp"
#include "io/text_file.hpp"
#include "jobs/cli.hpp"
#include "jobs/config.hpp"
#include "jobs/log.hpp"
#include "kernels/world/world.hpp"

namespace ch::jobs {
namespace {

// Units per batch: large enough to amortize a round's collectives, small enough that a rank's
// CSV buffer stays in the tens of megabytes and the round-robin below mixes the unit kinds.
constexpr std::uint64_t kUnitsPerBatch = 1 << 14;
constexpr std::uint64_t kUnitsPerTask = 256;
constexpr std::uint64_t kRoundsPerStopCheck = 16;  // a round takes 30–60 ms on medium

struct FeedTruth {
  // Packed cells: as std::string each 12-character id took 32 bytes (medium: 28 M rows, 0.9 GB
  // on one rank, generate's largest array).
  io::StringColumn record_id;
  std::vector<std::uint64_t> person;
  std::vector<std::uint32_t> identity;
  std::vector<std::uint64_t> rows_per_round;  // this rank's truth rows of each round
};

// Generates this rank's batches of one feed's units into the shared file and returns their truth
// rows. The batches go round-robin: in round k rank r generates batch k·p + r, and the file
// takes the round's pieces in rank order, so it holds the batches in unit order for any rank
// count. Round-robin rather than one contiguous share per rank, because unit costs vary along
// the range (the feeds' unit kinds come in blocks): with even shares one rank of two generated
// travel for 4.7 s while the other waited, and the later ranks' slices had to be copied into the
// file once their offsets were known.
FeedTruth generate_feed(const JobEnv& env, const world::World& world, world::Feed feed,
                        io::ParallelFileWriter& file, std::uint64_t& local_bytes) {
  const auto& ctx = env.ctx;
  const std::uint64_t units = world.unit_count(feed);
  const auto p = static_cast<std::uint64_t>(ctx.size());
  const std::uint64_t batches = (units + kUnitsPerBatch - 1) / kUnitsPerBatch;
  const std::uint64_t rounds = (batches + p - 1) / p;
  FeedTruth truth;
  Progress progress(ctx, std::string(world::feed_name(feed)), rounds);
  for (std::uint64_t k = 0; k < rounds; ++k) {
    const std::uint64_t lo = std::min(units, (k * p + static_cast<std::uint64_t>(ctx.rank())) * kUnitsPerBatch);
    const std::uint64_t hi = std::min(units, lo + kUnitsPerBatch);
    const std::uint64_t tasks = (hi - lo + kUnitsPerTask - 1) / kUnitsPerTask;
    std::vector<world::FeedChunk> parts(tasks);
    // Each task owns a fixed unit range, so the concatenation below is independent of how TBB
    // schedules the tasks.
    tbb::parallel_for(std::uint64_t{0}, tasks, [&](std::uint64_t t) {
      const std::uint64_t a = lo + t * kUnitsPerTask;
      world.generate(feed, a, std::min(hi, a + kUnitsPerTask), parts[t]);
    });
    world::FeedChunk batch;
    for (auto& part : parts) batch.append(std::move(part));
    local_bytes += batch.csv.size();
    file.append(std::move(batch.csv));
    for (const auto& id : batch.record_id) truth.record_id.push_back(id);
    truth.person.insert(truth.person.end(), batch.person.begin(), batch.person.end());
    truth.identity.insert(truth.identity.end(), batch.identity.begin(), batch.identity.end());
    truth.rows_per_round.push_back(batch.person.size());
    progress.advance(k + 1);
    // Not every round: the stop check is a blocking collective, which would make every round
    // wait for the slowest rank again.
    if ((k + 1) % kRoundsPerStopCheck == 0 || k + 1 == rounds) env.stop_point("generate");
  }
  return truth;
}

}  // namespace

world::Scenario load_scenario(const JobEnv& env, const std::string& name_or_path) {
  std::string text(world::builtin_scenario(name_or_path));
  std::string source = "builtin:" + name_or_path;
  if (text.empty()) {
    source = name_or_path;
    text = io::read_shared_text(env.ctx, name_or_path,
                                "--scenario (not a built-in scenario: demo, small, medium, large)");
  }
  auto scenario = world::parse_scenario(text, source, scenario_overrides(env.overrides));
  if (!scenario.geography.airports_csv.empty()) {
    // Kernels do no file I/O: the airports table is read here (relative paths are taken from the
    // scenario file's folder) and handed to the World as text.
    std::filesystem::path csv = scenario.geography.airports_csv;
    if (csv.is_relative() && source.rfind("builtin:", 0) != 0)
      csv = std::filesystem::path(source).parent_path() / csv;
    scenario.airports_csv_text = io::read_shared_text(env.ctx, csv, source + ": key 'geography.airports_csv'");
  }
  return scenario;
}

void generate(const JobEnv& env, const world::Scenario& scenario, const std::filesystem::path& dir) {
  const auto& ctx = env.ctx;
  StageTimer timer(env, "generate");
  io::Provenance prov{.stage = "generate", .config_text = scenario.effective_toml,
                      .inputs = {{scenario.source, io::sha256_hex(scenario.effective_toml)}},
                      .started_utc = io::utc_now(), .row_counts = {}};
  env.fault_point("generate", "start");
  PhaseClock phase(ctx, "generate");
  const world::World world(scenario);
  phase.mark("world");

  io::TableWriter truth(ctx, dir / "truth.h5");
  std::uint64_t rows = 0, local_bytes = 0;
  for (const auto feed : world::kAllFeeds) {
    const std::string name(world::feed_name(feed));
    io::ParallelFileWriter file(ctx, dir / "feeds" / (name + ".csv"));
    file.append(ctx.is_root() ? std::string(world::feed_header(feed)) + "\n" : std::string());
    FeedTruth t = generate_feed(env, world, feed, file, local_bytes);
    phase.mark((name + " rows").c_str());
    env.fault_point("generate", "write");
    file.commit();
    const auto layout = io::RowLayout::parts(ctx, t.rows_per_round);
    io::Table table;
    table.add("record_id", std::move(t.record_id))
        .add("person", std::move(t.person))
        .add("identity", std::move(t.identity));
    truth.write_table("/records/" + name, table, layout, io::Codec::kLz4);  // the bulk tables: 10^7 rows
    const auto n = layout.total;
    prov.row_counts["feeds/" + name + ".csv"] = n;
    rows += n;
    spdlog::info("generate: {} {} rows", n, name);
    phase.mark((name + " file and truth").c_str());
  }

  // Persons: an even share of the person id range per rank.
  const auto [pb, pe] = io::even_share(world.person_count(), ctx.rank(), ctx.size());
  auto p = world.persons(pb, pe);
  io::Table persons;
  persons.add("person", std::move(p.person))
      .add("organization", std::move(p.organization))
      .add("role", std::move(p.role))
      .add("identities", std::move(p.identities))
      .add("nationality", std::move(p.nationality), io::StringEncoding::kDictionary)
      .add("category", std::move(p.category), io::StringEncoding::kDictionary);
  truth.write_table("/persons", persons);
  prov.row_counts["/persons"] = world.person_count();

  // Organization timelines are replicated on every rank; rank 0 writes them.
  auto months = world.org_months();
  auto members = world.org_membership();
  if (!ctx.is_root()) {
    months = {};  // structs of vectors: move-assigned from empty ones, so their storage is freed
    members = {};
  }
  io::Table org_months;
  org_months.add("month", std::move(months.month))
      .add("organization", std::move(months.organization))
      .add("status", std::move(months.status))
      .add("members", std::move(months.members))
      .add("parent", std::move(months.parent));
  truth.write_table("/org_months", org_months);
  io::Table org_members;
  org_members.add("month", std::move(members.month))
      .add("organization", std::move(members.organization))
      .add("person", std::move(members.person))
      .add("role", std::move(members.role));
  truth.write_table("/org_membership", org_members);

  // Code tables so analysts can read role and status codes without the source.
  std::vector<std::uint8_t> role_code, status_code;
  std::vector<std::string> role_names, status_names;
  if (ctx.is_root()) {
    for (int r = 0; r <= static_cast<int>(world::Role::kMigrant); ++r) {
      role_code.push_back(static_cast<std::uint8_t>(r));
      role_names.emplace_back(world::role_name(static_cast<world::Role>(r)));
    }
    for (int s = 0; s <= static_cast<int>(world::OrgStatus::kReconstituted); ++s) {
      status_code.push_back(static_cast<std::uint8_t>(s));
      status_names.emplace_back(world::org_status_name(static_cast<world::OrgStatus>(s)));
    }
  }
  io::Table roles, statuses;
  roles.add("code", std::move(role_code)).add("name", std::move(role_names));
  statuses.add("code", std::move(status_code)).add("name", std::move(status_names));
  truth.write_table("/codes/role", roles);
  truth.write_table("/codes/status", statuses);

  phase.mark("persons and organizations");
  prov.write(ctx, truth, env.threads);
  env.fault_point("generate", "commit");
  truth.commit();
  timer.report(rows, cluster::allreduce_sum<std::uint64_t>(ctx, local_bytes));
}

}  // namespace ch::jobs

namespace ch::jobs {

void add_generate_command(Cli& cli) {
  struct Options {
    std::string scenario = "demo";
    std::filesystem::path out;
  };
  auto o = std::make_shared<Options>();
  auto* sub = cli.add_command("generate", "Write a synthetic world: feeds/*.csv and truth.h5");
  sub->add_option("--scenario", o->scenario, "demo|small|medium|large or a TOML file")
      ->capture_default_str();
  sub->add_option("--out", o->out, "Output directory")->required();
  sub->callback([o, &action = cli.action] {
    action = [o](const JobEnv& env) {
      generate(env, load_scenario(env, o->scenario), o->out);
      return 0;
    };
  });
}

}  // namespace ch::jobs
