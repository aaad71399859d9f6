#include "cluster/guard.hpp"

#include <cstdio>
#include <exception>

#include "kernels/error.hpp"

namespace ch::cluster {

void abort_all(const Context& ctx, int exit_code, const char* message) {
  std::fprintf(stderr, "clearinghouse: error on rank %d of %d: %s\n", ctx.rank(), ctx.size(),
               message);
  std::fflush(stderr);
  if (ctx.size() == 1) {
    MPI_Finalize();
    std::_Exit(exit_code);
  }
  MPI_Abort(ctx.comm(), exit_code);
  std::_Exit(exit_code);  // MPI_Abort does not return; keep the compiler and the contract happy
}

int run_guarded(const Context& ctx, const std::function<int()>& body) {
  try {
    return body();
  } catch (const ch::Error& e) {
    if (e.collective()) {
      if (ctx.is_root()) std::fprintf(stderr, "clearinghouse: error: %s\n", e.what());
      return e.exit_code();
    }
    abort_all(ctx, e.exit_code(), e.what());
  } catch (const std::exception& e) {
    abort_all(ctx, kExitFailure, e.what());
  } catch (...) {
    abort_all(ctx, kExitFailure, "unknown exception");
  }
}

}  // namespace ch::cluster
