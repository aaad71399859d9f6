#include "jobs/checkpoint.hpp"

#include <spdlog/spdlog.h>

#include "cluster/collectives.hpp"
#include "cluster/signals.hpp"
#include "io/hash.hpp"

namespace ch::jobs {
namespace {
// Bump when the content of any stage's checkpoint changes: older files then count as stale.
constexpr int kCheckpointFormat = 1;
}  // namespace

std::string stage_resume_key(const std::string& stage, const std::string& inputs,
                             const std::vector<std::string>& options, const std::string& build) {
  std::string text = stage + "\n" + inputs;
  for (const auto& o : options) text += o + "\n";
  return io::sha256_hex(text + "program " + build + "\n");
}

StageCheckpoint::StageCheckpoint(const JobEnv& env, const io::Provenance& prov,
                                 const std::filesystem::path& output)
    : env_(env),
      stage_(prov.stage),
      // The build (version and commit): another program may save different state at a point.
      key_(io::sha256_hex("clearinghouse checkpoint " + std::to_string(kCheckpointFormat) + "\n" +
                          io::program_build() + "\n" + prov.stage + "\n" + io::inputs_text(prov.inputs) +
                          prov.config_text)),
      path_(output.parent_path() / ".resume" / (prov.stage + ".ckpt.h5")) {}

std::unique_ptr<io::TableReader> StageCheckpoint::open() const {
  const auto& ctx = env_.ctx;
  // Rank 0's view decides, so that every rank takes the same branch.
  if (!cluster::allreduce_or(ctx, ctx.is_root() && std::filesystem::is_regular_file(path_))) return nullptr;
  if (!env_.resume) {
    spdlog::info("{}: checkpoint {} ignored: not resuming (give --resume to continue from it)", stage_,
                 path_.string());
    return nullptr;
  }
  auto reader = std::make_unique<io::TableReader>(ctx, path_);
  const auto attrs = reader->attributes("/");
  const auto key = attrs.find("key");
  if (key == attrs.end() || key->second != io::AttributeValue(key_)) {
    spdlog::info("{}: checkpoint {} ignored: saved for other inputs, configuration or program build",
                 stage_, path_.string());
    return nullptr;
  }
  return reader;
}

bool StageCheckpoint::stop_requested(const std::string& point) const {
  if (env_.fault_matches(stage_, point)) cluster::request_stop();
  return cluster::stop_requested(env_.ctx);
}

void StageCheckpoint::save_and_stop(const std::string& point,
                                    const std::function<void(io::TableWriter&)>& save) const {
  {
    io::TableWriter writer(env_.ctx, path_);
    save(writer);
    writer.set_attributes("/", {{"key", key_}, {"stage", stage_}, {"point", point}});
    writer.commit(/*sync=*/true);
  }
  spdlog::info("{}: stopped at {}; checkpoint saved to {}", stage_, point, path_.string());
  throw Error(kExitInterrupted,
              stage_ + ": stopped by a signal at " + point + " (checkpoint " + path_.string() +
                  "); rerun with --resume to continue",
              true);
}

void StageCheckpoint::remove() const {
  if (!env_.ctx.is_root()) return;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  if (ec) spdlog::warn("{}: cannot remove checkpoint {}: {}", stage_, path_.string(), ec.message());
}

}  // namespace ch::jobs
