# Shared by run.sbatch, sweep.sbatch and collect.sbatch (sourced, not run): find the program,
# pick the MPI launcher, forward scheduler signals to the job step, requeue interrupted runs.
#
# Environment it reads (all optional):
#   CLEARINGHOUSE      the program: a path, or a name looked up on PATH    [clearinghouse]
#   CH_LAUNCHER        auto | srun | mpirun                                [auto]
#                      auto = `srun --mpi=pmix` if this Slurm has the pmix plugin, else mpirun
#   CH_LAUNCHER_FLAGS  extra launcher flags, a space-separated word list   [none]
#   CH_MAX_REQUEUES    how often an interrupted run requeues itself        [10]
#   CH_RUNS_DIR        where run directories go when no --out is given     [$SLURM_SUBMIT_DIR/runs]

ch_log() { echo "[$(date -u +%FT%TZ)] ${CH_SCRIPT_NAME:-slurm}: $*" >&2; }
ch_die() {
  ch_log "error: $*"
  exit "${2:-1}"
}

# ch_require_slurm: these scripts only make sense inside a Slurm job.
ch_require_slurm() {
  [[ -n ${SLURM_JOB_ID:-} ]] || ch_die "not inside a Slurm job; submit with sbatch" 2
}

# ch_find_program: sets CH_PROGRAM to the program's absolute path (job steps may start elsewhere).
ch_find_program() {
  local p=${CLEARINGHOUSE:-clearinghouse}
  if [[ $p != */* ]]; then
    p=$(command -v "$p") || ch_die "'$p' not found on PATH; set CLEARINGHOUSE=/path/to/clearinghouse" 2
  fi
  [[ -x $p && ! -d $p ]] || ch_die "CLEARINGHOUSE=$p is not an executable file" 2
  CH_PROGRAM=$(realpath "$p")
}

# ch_pick_launcher: sets CH_LAUNCH (the command words before the program) and CH_LAUNCHER_KIND.
ch_pick_launcher() {
  local kind=${CH_LAUNCHER:-auto}
  if [[ $kind == auto ]]; then
    # srun knows the allocation best (PMIx wire-up, no ssh/orted); fall back to mpirun where the
    # site's Slurm was built without the pmix plugin.
    if command -v srun >/dev/null && srun --mpi=list 2>&1 | grep -qw pmix; then
      kind=srun
    elif command -v mpirun >/dev/null; then
      kind=mpirun
    else
      ch_die "neither 'srun' with the pmix plugin nor 'mpirun' is available" 2
    fi
  fi
  local -a flags=()
  # shellcheck disable=SC2206  # CH_LAUNCHER_FLAGS is documented as a word list
  [[ -n ${CH_LAUNCHER_FLAGS:-} ]] && flags=($CH_LAUNCHER_FLAGS)
  case $kind in
  srun) CH_LAUNCH=(srun --mpi=pmix "${flags[@]}") ;;
  # Open MPI reads the allocation from the Slurm environment; -n makes the rank count explicit.
  mpirun) CH_LAUNCH=(mpirun -n "${SLURM_NTASKS:-1}" "${flags[@]}") ;;
  *) ch_die "CH_LAUNCHER must be auto, srun or mpirun, not '$kind'" 2 ;;
  esac
  CH_LAUNCHER_KIND=$kind
}

# Signal forwarding. `#SBATCH --signal=B:USR1@120` signals only this batch shell, and
# `scancel --batch` or a preemption may send TERM to it: the program (in the job step) must hear
# it to checkpoint and exit 75. Bash runs traps only between commands, so the step runs in the
# background and the shell waits for it.
CH_STEP_PID=
CH_SIGNALLED=
CH_PENDING=
ch_forward() {
  local sig=$1 send=$1
  CH_SIGNALLED=$sig
  # mpirun answers TERM by tearing the whole job down; the program treats USR1
  # and TERM alike ("checkpoint and exit 75"), so mpirun gets USR1, which it only relays.
  [[ $CH_LAUNCHER_KIND == mpirun && $sig == TERM ]] && send=USR1
  if [[ -z $CH_STEP_PID ]]; then
    # The step is not started yet: ch_launch passes the signal on as soon as it is.
    CH_PENDING=$send
    ch_log "received SIG$sig before the job step started"
    return 0
  fi
  ch_log "received SIG$sig: forwarding SIG$send to the job step (pid $CH_STEP_PID)"
  kill -s "$send" "$CH_STEP_PID" 2>/dev/null || true
}

# ch_launch ARGS...: run the program on the allocation's ranks; sets CH_STATUS to its exit code.
ch_launch() {
  ch_log "launch: ${CH_LAUNCH[*]} $CH_PROGRAM $*"
  trap 'ch_forward USR1' USR1
  trap 'ch_forward TERM' TERM
  "${CH_LAUNCH[@]}" "$CH_PROGRAM" "$@" &
  CH_STEP_PID=$!
  if [[ -n $CH_PENDING ]]; then
    ch_log "forwarding the earlier SIG$CH_PENDING to the job step (pid $CH_STEP_PID)"
    kill -s "$CH_PENDING" "$CH_STEP_PID" 2>/dev/null || true
  fi
  local status
  while :; do
    CH_SIGNALLED=
    wait "$CH_STEP_PID" && status=0 || status=$?
    # A trapped signal ends `wait` early (status 128+n) while the step keeps running; wait again.
    # Bash keeps a finished child's status, so another wait is also right if the step had ended.
    [[ -n $CH_SIGNALLED ]] || break
  done
  trap - USR1 TERM
  CH_STEP_PID=
  CH_STATUS=$status
}

# ch_has_option NAME ARGS...: whether ARGS contain --NAME or --NAME=...
ch_has_option() {
  local name=$1 a
  shift
  for a in "$@"; do
    [[ $a == "$name" || $a == "$name="* ]] && return 0
  done
  return 1
}

# ch_run_pipeline ARGS...: `clearinghouse run ARGS...` with the Slurm conventions; exits the
# script with the program's exit code (after requeueing the job if that code is 75).
ch_run_pipeline() {
  local -a args=("$@")
  if ! ch_has_option --out "${args[@]}"; then
    # The job id survives requeues, so a requeued run finds its own directory again.
    args+=(--out "${CH_RUNS_DIR:-${SLURM_SUBMIT_DIR:-$PWD}/runs}/$SLURM_JOB_ID")
  fi
  local restarts=${SLURM_RESTART_COUNT:-0}
  if ((restarts > 0)) && ! ch_has_option --resume "${args[@]}"; then
    # A requeued job runs this script again from the top; --resume keeps finished stages.
    args+=(--resume)
  fi
  ch_log "job $SLURM_JOB_ID${SLURM_ARRAY_JOB_ID:+ (array task ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID:-})} on ${SLURMD_NODENAME:-$(hostname -s)}, ${SLURM_NTASKS:-1} ranks, restart $restarts"
  ch_launch run "${args[@]}"
  local status=$CH_STATUS
  ch_log "clearinghouse exited with $status"
  if ((status == 75)); then
    local max=${CH_MAX_REQUEUES:-10}
    # Only a job that is still running (the time-limit warning, `scancel --signal=USR1 --batch`,
    # a node drain) or hit its time limit is requeued. A job the user cancelled stays cancelled
    # (Slurm would requeue even that), and a preempted job is requeued by Slurm itself.
    # While the job ends, scontrol shows COMPLETING instead of TIMEOUT/CANCELLED; the reason
    # tells a time limit (TimeLimit) from a cancel (None).
    local record state reason
    record=$(scontrol show job -o "$SLURM_JOB_ID" 2>/dev/null) || true
    [[ $record =~ (^|\ )JobState=([A-Z_]+) ]] && state=${BASH_REMATCH[2]} || state=unknown
    [[ $record =~ (^|\ )Reason=([^ ]+) ]] && reason=${BASH_REMATCH[2]} || reason=unknown
    if ((restarts >= max)); then
      ch_log "interrupted, but already requeued $restarts times (CH_MAX_REQUEUES=$max): giving up"
    elif [[ $state != RUNNING && $reason != TimeLimit ]]; then
      ch_log "interrupted; job state $state (reason $reason): cancelled or preempted, so not requeued"
    elif scontrol requeue "$SLURM_JOB_ID"; then
      # Slurm ends this script now and starts it again later with SLURM_RESTART_COUNT+1.
      ch_log "interrupted: requeued job $SLURM_JOB_ID; it resumes with --resume"
    else
      ch_log "interrupted, and 'scontrol requeue $SLURM_JOB_ID' failed (job cancelled, or not requeueable?)"
    fi
  fi
  exit "$status"
}
