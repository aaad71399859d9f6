// Checkpoints inside long stages (resolve's EM, communities' Leiden levels).
//
// Between stages, a stage's output file is the checkpoint (`run --resume` skips stages whose
// output is current). Inside a stage, a StageCheckpoint keeps what a stage needs to continue
// from one of its safe points when a stop (SIGTERM/SIGUSR1, cluster/signals.hpp) is requested:
//
//   - It is written only when stopping, at a named safe point: every rank reaches the point,
//     the stop request is OR-ed over ranks, and if set every rank writes its part and all exit
//     with code 75. Otherwise a safe point costs one small allreduce.
//   - File: DIR/.resume/STAGE.ckpt.h5, DIR being the directory of the stage's output. It is an
//     ordinary table file (io::TableWriter): the stage writes distributed tables (each rank its
//     rows, so the file does not depend on the rank count) and replicated state (rank 0's rows);
//     it is written as .partial, fsync'ed, renamed, and the directory fsync'ed.
//   - Root attributes: `key` — SHA-256 of the program build (version and commit), the stage, its
//     input hashes and its effective configuration (the stage's provenance) — plus `stage` and
//     `point`.
//   - It is used only with --resume and only if its key equals the current one; otherwise it is
//     ignored with an info line (and overwritten or removed later). The stage removes it once its
//     output is committed.
//
// The state saved must not depend on the rank count, so a run stopped on P ranks may resume on Q.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "io/provenance.hpp"
#include "io/table.hpp"
#include "jobs/job.hpp"

namespace ch::jobs {

class StageCheckpoint {
 public:
  // `prov` is the stage's provenance (stage name, input hashes, config text): the key.
  StageCheckpoint(const JobEnv& env, const io::Provenance& prov, const std::filesystem::path& output);

  const std::filesystem::path& path() const { return path_; }

  // Collective. The checkpoint to continue from, or nullptr when there is none, the run does not
  // resume, or its key is stale (both logged at info level). Its root attribute `point` names
  // the safe point it was saved at.
  std::unique_ptr<io::TableReader> open() const;

  // Collective: true on every rank when any rank was asked to stop. `--inject-fault
  // STAGE:RANK:POINT` naming this point makes RANK request the stop here, as a signal would.
  bool stop_requested(const std::string& point) const;

  // Collective: writes the checkpoint — `save` makes the stage's TableWriter calls — and then
  // throws the stop error (exit 75) on every rank.
  [[noreturn]] void save_and_stop(const std::string& point,
                                  const std::function<void(io::TableWriter&)>& save) const;

  // The usual form of a safe point: stop_requested, then save_and_stop.
  void safe_point(const std::string& point, const std::function<void(io::TableWriter&)>& save) const {
    if (stop_requested(point)) save_and_stop(point, save);
  }

  // Deletes the checkpoint (rank 0); call after the stage's output is committed.
  void remove() const;

 private:
  const JobEnv& env_;
  std::string stage_;
  std::string key_;
  std::filesystem::path path_;
};

// The fingerprint a finished stage is stored with (DIR/.resume/STAGE) and that `run --resume`
// compares before reusing the stage's output: the stage, its recorded inputs, its own `--set`
// options and the program build (version and commit). The build is part of it because a newer
// program may compute the same stage differently; reusing the old output would mix two versions
// in one run directory.
std::string stage_resume_key(const std::string& stage, const std::string& inputs,
                             const std::vector<std::string>& options, const std::string& build);

}  // namespace ch::jobs
