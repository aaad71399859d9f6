# Shared helpers for end-to-end scripts. ctest sets CH_BIN, CH_MPIEXEC, CH_MPIEXEC_FLAGS
# (space-separated), CH_SOURCE_DIR and CH_SCRATCH; defaults let a developer run a script by hand.
set -euo pipefail
: "${CH_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}"
: "${CH_BIN:=$CH_SOURCE_DIR/build/release/jobs/clearinghouse}"
: "${CH_MPIEXEC:=mpiexec}"
: "${CH_MPIEXEC_FLAGS:=--oversubscribe --allow-run-as-root}"
: "${CH_SCRATCH:=$(mktemp -d)}"
# ctest passes the single-copy mechanism scripts/mpi_env.sh probed; by hand, the safe one.
export OMPI_MCA_btl_vader_single_copy_mechanism="${OMPI_MCA_btl_vader_single_copy_mechanism:-none}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
rm -rf "$CH_SCRATCH"
mkdir -p "$CH_SCRATCH"
PY=/usr/bin/python3

# ch_descendants PID: PID and every process below it, parents first.
ch_descendants() {
  local pid=$1 child
  echo "$pid"
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do ch_descendants "$child"; done
}

# ch_bounded CMD...: CMD, with its exit code, unless it outlives CH_HANG_SECONDS (default 300;
# every command of these tests takes seconds). Then the processes it left running are shown with
# their stacks, on stderr, and killed (exit code 137): a hang fails its test within
# minutes and says where each rank and the launcher were waiting, instead of ending at ctest's
# timeout with no output.
ch_bounded() {
  # A command already under a watchdog (e.g. `expect_exit 2 ch_mpirun ...`) needs no second one.
  if [[ -n ${CH_BOUNDED:-} ]]; then
    "$@"
    return
  fi
  CH_BOUNDED=1 "$@" &
  local pid=$! rc=0
  (
    set +e  # report and kill whatever part of the tree is still there
    # The sleep gets no inherited output, so a watchdog stopped early leaves no pipe open.
    sleep "${CH_HANG_SECONDS:-300}" </dev/null >/dev/null 2>&1
    local tree
    tree=$(ch_descendants "$pid")
    {
      echo "HANG: still running after ${CH_HANG_SECONDS:-300} s: $*"
      # shellcheck disable=SC2086  # one pid per word
      ps -o pid,ppid,stat,etime,wchan:24,args -p "$(echo $tree | tr ' ' ',')"
      for p in $tree; do
        echo "--- stacks of $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
        timeout 60 gdb -p "$p" -batch -ex "thread apply all bt" 2>/dev/null | grep -E '^(Thread|#)'
      done
    } >&2
    # shellcheck disable=SC2086
    kill -KILL $tree 2>/dev/null
  ) &
  local watchdog=$!
  wait "$pid" || rc=$?
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  return $rc
}

# ch_mpirun N ARGS...: the clearinghouse binary on N ranks.
ch_mpirun() {
  local n=$1
  shift
  # shellcheck disable=SC2086  # the flags are a word list
  ch_bounded "$CH_MPIEXEC" $CH_MPIEXEC_FLAGS -n "$n" "$CH_BIN" "$@"
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# expect_exit CODE CMD...: run CMD, require exit code CODE; its stderr is kept in $CH_SCRATCH/last.err
expect_exit() {
  local want=$1
  shift
  set +e
  ch_bounded "$@" >"$CH_SCRATCH/last.out" 2>"$CH_SCRATCH/last.err"
  local got=$?
  set -e
  [[ $got == "$want" ]] || { cat "$CH_SCRATCH/last.err" >&2; fail "expected exit $want, got $got: $*"; }
}

# Digest of every dataset's content in the given HDF5 files (attributes that vary between runs,
# like times and rank counts, are not datasets and so are not included).
h5_digest() {
  "$PY" "$CH_SOURCE_DIR/tests/e2e/lib/h5digest.py" "$@"
}
