#!/usr/bin/env bash
# Slurm: slurm/run.sbatch on a real one-host cluster (slurm/local-cluster.sh).
#  1. The demo pipeline (as far as it is built) runs as a batch job on 2 MPI ranks and leaves the
#     run directory: feeds/*.csv, truth.h5 with tables, provenance ranks = 2; launched by srun
#     (the default where Slurm has pmix) and again by mpirun (CH_LAUNCHER=mpirun).
#  2. Checkpoint/requeue contract of the script, with a stand-in program (the real one finishes
#     the demo too quickly to interrupt reliably): USR1 sent to the batch shell only reaches every
#     rank; exit 75 requeues the job, and the second start passes --resume.
#  3. A job the user cancels is not requeued, even though the program exits 75; without --out the
#     run directory is runs/JOBID under the submit directory.
# shellcheck source=tests/e2e/lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

SLURM_HOME=$CH_SOURCE_DIR/slurm
cluster() { "$SLURM_HOME/local-cluster.sh" "$@"; }
# A cluster that was running before (a developer's, or left by someone) is left running.
if ! cluster status >/dev/null 2>&1; then
  trap 'cluster stop' EXIT
fi
cluster start
eval "$(cluster env)"

# show_fail LOG MESSAGE: fail with the job's log on stderr (the log tells why a job failed).
show_fail() {
  echo "---- $1" >&2
  cat "$1" >&2 || true
  fail "$2"
}

# wait_until SECONDS CMD...: poll CMD once a second, at most SECONDS.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

# field JOBID NAME: a field of `scontrol show job` (finished jobs stay listed for an hour here).
field() {
  scontrol show job -o "$1" | grep -o "\(^\| \)$2=[^ ]*" | head -n 1 | cut -d= -f2-
}

# --- 1. the real program --------------------------------------------------------------------
# Run as far as the pipeline is built: ingest once it is implemented, else generate.
until=generate
if ! "$CH_BIN" ingest --help 2>&1 | grep -q "not implemented yet"; then until=ingest; fi

log=$CH_SCRATCH/run.log
job=$(CLEARINGHOUSE=$CH_BIN sbatch --parsable --output="$log" \
  "$SLURM_HOME/run.sbatch" --scenario demo --out "$CH_SCRATCH/run" --until "$until" --log-level warn)
result=$("$SLURM_HOME/wait-job.sh" --timeout 150 "$job") || show_fail "$log" "job $job did not complete: $result"
[[ $result == "$job COMPLETED 0:0" ]] || show_fail "$log" "unexpected result: $result"
[[ $(field "$job" NumTasks) == 2 ]] || fail "job $job did not get 2 tasks"
# auto picks srun when Slurm has the pmix plugin (Debian's has); that is the path under test.
grep -q "launch: srun --mpi=pmix $CH_BIN run " "$log" || show_fail "$log" "not launched with srun --mpi=pmix"

run=$CH_SCRATCH/run
[[ -s $run/truth.h5 ]] || show_fail "$log" "no truth.h5 in $run"
shopt -s nullglob
feeds=("$run"/feeds/*.csv)
shopt -u nullglob
((${#feeds[@]} > 0)) || show_fail "$log" "no feeds/*.csv in $run"
"$CH_BIN" inspect "$run/truth.h5" >"$CH_SCRATCH/inspect.txt" || fail "inspect failed on truth.h5"
grep -qE '^ +[a-z_/]+ +[0-9]+ rows$' "$CH_SCRATCH/inspect.txt" ||
  { cat "$CH_SCRATCH/inspect.txt" >&2; fail "inspect lists no tables in truth.h5"; }
if [[ $until == ingest ]]; then
  [[ -s $run/records.h5 ]] || show_fail "$log" "no records.h5 in $run"
fi
ranks=$("$PY" -c 'import h5py, sys; print(int(h5py.File(sys.argv[1], "r").attrs["ranks"]))' "$run/truth.h5")
[[ $ranks == 2 ]] || fail "truth.h5 says it was written by $ranks ranks, not 2"
echo "run.sbatch: job $job COMPLETED, $run written by 2 ranks (--until $until)"

# The same with mpirun as the launcher (sites whose Slurm lacks the pmix plugin).
log=$CH_SCRATCH/mpirun.log
job=$(CH_LAUNCHER=mpirun CLEARINGHOUSE=$CH_BIN sbatch --parsable --output="$log" \
  "$SLURM_HOME/run.sbatch" --scenario demo --out "$CH_SCRATCH/run-mpirun" --until generate --log-level warn)
result=$("$SLURM_HOME/wait-job.sh" --timeout 120 "$job") || show_fail "$log" "job $job did not complete: $result"
[[ $result == "$job COMPLETED 0:0" ]] || show_fail "$log" "unexpected result: $result"
grep -q "launch: mpirun -n 2 $CH_BIN run " "$log" || show_fail "$log" "not launched with mpirun -n 2"
ranks=$("$PY" -c 'import h5py, sys; print(int(h5py.File(sys.argv[1], "r").attrs["ranks"]))' "$CH_SCRATCH/run-mpirun/truth.h5")
[[ $ranks == 2 ]] || fail "mpirun: truth.h5 says it was written by $ranks ranks, not 2"
echo "run.sbatch: CH_LAUNCHER=mpirun job $job COMPLETED on 2 ranks"

# --- 2. signal forwarding, requeue and --resume ---------------------------------------------
stub=$CH_SCRATCH/stub/clearinghouse
mkdir -p "$CH_SCRATCH/stub"
cat >"$stub" <<'EOF'
#!/usr/bin/env bash
# Stand-in for clearinghouse: each rank records its arguments per start; without --resume it
# waits for USR1 or TERM (as the real program does) and exits 75, "checkpointed, requeue me".
set -u
rank=${PMIX_RANK:-${OMPI_COMM_WORLD_RANK:-unknown}}
start=${SLURM_RESTART_COUNT:-0}
printf '%s\n' "$*" >"$STUB_DIR/args.$start.$rank"
for a; do [[ $a == --resume ]] && exit 0; done
trap 'echo "rank $rank: USR1" >"$STUB_DIR/signal.$start.$rank"; exit 75' USR1
trap 'echo "rank $rank: TERM" >"$STUB_DIR/signal.$start.$rank"; exit 75' TERM
touch "$STUB_DIR/ready.$start.$rank"
# Bounded: a signal that never arrives fails the job after 60 s instead of hanging the test.
for ((i = 0; i < 600; i++)); do sleep 0.1; done
exit 1
EOF
chmod +x "$stub"

stub_ready() { [[ -e $STUB_DIR/ready.0.0 && -e $STUB_DIR/ready.0.1 ]]; }

export STUB_DIR=$CH_SCRATCH/stub/requeue
mkdir -p "$STUB_DIR"
log=$CH_SCRATCH/requeue.log
job=$(CLEARINGHOUSE=$stub sbatch --parsable --output="$log" "$SLURM_HOME/run.sbatch" --scenario demo --out "$CH_SCRATCH/requeue-run")
wait_until 60 stub_ready || show_fail "$log" "the stand-in did not start on 2 ranks"
# --batch: like `--signal=B:USR1@120`, only the batch shell gets the signal; run.sbatch must
# pass it on to the job step.
scancel --signal=USR1 --batch "$job"
result=$("$SLURM_HOME/wait-job.sh" --timeout 120 "$job") || show_fail "$log" "requeued job $job did not complete: $result"
[[ $result == "$job COMPLETED 0:0" ]] || show_fail "$log" "unexpected result: $result"
[[ $(field "$job" Restarts) == 1 ]] || show_fail "$log" "job $job was not requeued exactly once"
for rank in 0 1; do
  grep -q USR1 "$STUB_DIR/signal.0.$rank" 2>/dev/null || show_fail "$log" "rank $rank did not get USR1"
  grep -q -- --resume "$STUB_DIR/args.0.$rank" && fail "first start already had --resume"
  grep -q -- "--out $CH_SCRATCH/requeue-run .*--resume" "$STUB_DIR/args.1.$rank" 2>/dev/null ||
    show_fail "$log" "rank $rank: the requeued start lacks --resume (or --out)"
done
echo "run.sbatch: USR1 reached both ranks, exit 75 requeued job $job, which resumed with --resume"

# --- 3. scancel is final ------------------------------------------------------------------------
export STUB_DIR=$CH_SCRATCH/stub/cancel
mkdir -p "$STUB_DIR"
log=$CH_SCRATCH/cancel.log
# No --out: the run directory defaults to runs/JOBID under the submit directory.
job=$(cd "$CH_SCRATCH" && CLEARINGHOUSE=$stub sbatch --parsable --output="$log" "$SLURM_HOME/run.sbatch")
wait_until 60 stub_ready || show_fail "$log" "the stand-in did not start on 2 ranks"
scancel "$job"
result=$("$SLURM_HOME/wait-job.sh" --timeout 60 "$job") || true
[[ $result == "$job CANCELLED "* ]] || show_fail "$log" "cancelled job ended as: $result"
[[ $(field "$job" Restarts) == 0 ]] || show_fail "$log" "cancelled job $job was requeued"
grep -q "not requeued" "$log" || show_fail "$log" "run.sbatch did not say why it did not requeue"
[[ $(cat "$STUB_DIR/args.0.0") == "run --out $CH_SCRATCH/runs/$job" ]] ||
  fail "default run directory: got arguments '$(cat "$STUB_DIR/args.0.0")'"
echo "run.sbatch: a cancelled job stays cancelled"
