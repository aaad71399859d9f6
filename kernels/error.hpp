// Errors that carry the process exit code the user sees.
//
// Exit codes are part of the CLI contract (docs/operations.md):
//   1 internal failure, 2 bad usage/config/input file,
//   3 unusable input data (too many bad rows),
//   75 interrupted by a scheduler signal (resume with --resume).
#pragma once

#include <stdexcept>
#include <string>

namespace ch {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,
  kExitUsage = 2,
  kExitBadData = 3,
  kExitInterrupted = 75,  // EX_TEMPFAIL: Slurm --requeue picks the job up again
};

class Error : public std::runtime_error {
 public:
  // `collective` means every rank raises the same error at the same point (e.g. a config check),
  // so ranks can shut down together instead of aborting the whole MPI job.
  Error(int exit_code, const std::string& message, bool collective = false)
      : std::runtime_error(message), exit_code_(exit_code), collective_(collective) {}
  int exit_code() const noexcept { return exit_code_; }
  bool collective() const noexcept { return collective_; }

 private:
  int exit_code_;
  bool collective_;
};

// Bad command line, scenario/config key or unreadable input file: exit 2, raised on every rank.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(kExitUsage, message, true) {}
};

}  // namespace ch
