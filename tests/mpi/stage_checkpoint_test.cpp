// jobs/checkpoint.hpp under 1, 2 and 4 ranks: a safe point costs nothing without a stop request;
// with one (here injected on rank 0 only) every rank saves and leaves with exit code 75; the
// checkpoint is offered back only with --resume and only to the same stage inputs and config;
// remove() deletes it.
#include <gtest/gtest.h>

#include <filesystem>

#include "cluster/collectives.hpp"
#include "cluster/signals.hpp"
#include "io/provenance.hpp"
#include "jobs/checkpoint.hpp"
#include "kernels/error.hpp"
#include "tests/mpi/scratch.hpp"

namespace fs = std::filesystem;
using ch::cluster::Context;

namespace {

fs::path scratch() { return ch::test::scratch_dir("ch_stage_checkpoint_", true); }

ch::io::Provenance provenance(const std::string& input_digest, const std::string& config) {
  return {.stage = "demo", .config_text = config, .inputs = {{"input.h5", input_digest}}, .started_utc = "",
          .row_counts = {}};
}

// Rows r*10 .. r*10+r on rank r: a distributed table whose content depends on the rank count
// only through these rows.
void save_rows(const Context& ctx, ch::io::TableWriter& w) {
  std::vector<std::uint64_t> v;
  for (int i = 0; i <= ctx.rank(); ++i) v.push_back(static_cast<std::uint64_t>(ctx.rank() * 10 + i));
  ch::io::Table t;
  t.add("value", std::move(v));
  w.write_table("/state", t);
}

}  // namespace

TEST(StageCheckpoint, SavesOnStopAndIsOfferedBackOnlyToTheSameInputs) {
  const auto ctx = Context::world();
  const auto dir = scratch();
  const auto output = dir / "out.h5";
  const auto prov = provenance("abc", "[demo]\nx = 1\n");
  ch::jobs::JobEnv env{ctx, 1, {}, "demo:0:second", ""};
  const ch::jobs::StageCheckpoint checkpoint(env, prov, output);
  EXPECT_EQ(checkpoint.path(), dir / ".resume" / "demo.ckpt.h5");

  int saves = 0;
  const auto save = [&](ch::io::TableWriter& w) {
    ++saves;
    save_rows(ctx, w);
  };
  checkpoint.safe_point("first", save);  // no stop requested: nothing happens
  EXPECT_EQ(saves, 0);
  EXPECT_FALSE(fs::exists(checkpoint.path()));
  int code = 0;
  try {
    checkpoint.safe_point("second", save);  // rank 0 "receives the signal" here
  } catch (const ch::Error& e) {
    code = e.exit_code();
    EXPECT_TRUE(e.collective());
    EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos);
  }
  ch::cluster::clear_stop_request();
  EXPECT_EQ(code, ch::kExitInterrupted);  // on every rank
  EXPECT_EQ(saves, 1);
  ch::cluster::barrier(ctx, "the checkpoint is renamed before anyone looks");
  EXPECT_TRUE(fs::exists(checkpoint.path()));
  EXPECT_FALSE(fs::exists(checkpoint.path().string() + ".partial"));

  env.fault.clear();
  EXPECT_EQ(checkpoint.open(), nullptr);  // not resuming
  env.resume = true;
  {
    const auto saved = checkpoint.open();
    ASSERT_NE(saved, nullptr);
    EXPECT_EQ(std::get<std::string>(saved->attributes("/").at("point")), "second");
    std::vector<std::uint64_t> want;
    for (int r = 0; r < ctx.size(); ++r)
      for (int i = 0; i <= r; ++i) want.push_back(static_cast<std::uint64_t>(r * 10 + i));
    EXPECT_EQ(saved->read_all("/state").get<std::uint64_t>("value"), want);
  }
  // Stale: other input contents, other configuration.
  EXPECT_EQ(ch::jobs::StageCheckpoint(env, provenance("abd", "[demo]\nx = 1\n"), output).open(), nullptr);
  EXPECT_EQ(ch::jobs::StageCheckpoint(env, provenance("abc", "[demo]\nx = 2\n"), output).open(), nullptr);

  checkpoint.remove();
  ch::cluster::barrier(ctx, "rank 0 removed the checkpoint");
  EXPECT_FALSE(fs::exists(checkpoint.path()));
  EXPECT_EQ(checkpoint.open(), nullptr);
}
