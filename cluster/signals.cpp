#include "cluster/signals.hpp"

#include <csignal>

#include "cluster/collectives.hpp"

namespace ch::cluster {
namespace {
volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int sig) {
  g_stop = 1;
  if (sig == SIGINT) std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}
}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGUSR1, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  // A file-size limit (ulimit -f, some quota setups) would otherwise kill the process on the
  // write that crosses it; ignored, the write fails with EFBIG and the writer reports it.
  std::signal(SIGXFSZ, SIG_IGN);
}

bool stop_requested(const Context& ctx) { return allreduce_or(ctx, g_stop != 0); }

void request_stop() { g_stop = 1; }

void clear_stop_request() { g_stop = 0; }

}  // namespace ch::cluster
