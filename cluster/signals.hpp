// Scheduler signals (Slurm `--signal=B:USR1@120`, pre-emption's SIGTERM) become a request to
// stop at the next safe point. The handler only sets a flag; stages poll it collectively so that
// all ranks stop at the same point and leave only complete, final-named checkpoints behind.
#pragma once

#include "cluster/context.hpp"

namespace ch::cluster {

// SIGTERM, SIGUSR1 and SIGINT set the stop flag (the second SIGINT kills as usual); SIGXFSZ is
// ignored so that exceeding a file-size limit is an ordinary write error.
void install_stop_handlers();
// True on every rank if any rank received a stop signal. Collective: call at a safe point.
bool stop_requested(const Context& ctx);
// For tests: raise the flag as the signal handler would, and lower it again.
void request_stop();
void clear_stop_request();

}  // namespace ch::cluster
