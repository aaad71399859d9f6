// Failure propagation: an exception on one rank must end every rank promptly and non-zero.
//
// A collective ch::Error (raised identically on every rank, e.g. a config check) shuts ranks
// down together with its exit code. Anything else is a local failure: the failing rank prints
// its message and calls MPI_Abort, which makes the launcher kill all ranks at once, so no rank
// is left waiting in a collective.
#pragma once

#include <functional>

#include "cluster/context.hpp"

namespace ch::cluster {

int run_guarded(const Context& ctx, const std::function<int()>& body);

// For code that cannot throw across a boundary (signal-driven or TBB tasks): end the job now.
[[noreturn]] void abort_all(const Context& ctx, int exit_code, const char* message);

}  // namespace ch::cluster
