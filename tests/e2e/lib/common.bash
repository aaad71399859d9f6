# Shared helpers for end-to-end scripts. ctest sets CH_BIN, CH_MPIEXEC, CH_MPIEXEC_FLAGS
# (space-separated), CH_SOURCE_DIR and CH_SCRATCH; defaults let a developer run a script by hand.
set -euo pipefail
: "${CH_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}"
: "${CH_BIN:=$CH_SOURCE_DIR/build/release/jobs/clearinghouse}"
: "${CH_MPIEXEC:=mpiexec}"
: "${CH_MPIEXEC_FLAGS:=--oversubscribe --allow-run-as-root}"
: "${CH_SCRATCH:=$(mktemp -d)}"
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
rm -rf "$CH_SCRATCH"
mkdir -p "$CH_SCRATCH"
PY=/usr/bin/python3

# ch_mpirun N ARGS...: the clearinghouse binary on N ranks.
ch_mpirun() {
  local n=$1
  shift
  # shellcheck disable=SC2086  # the flags are a word list
  "$CH_MPIEXEC" $CH_MPIEXEC_FLAGS -n "$n" "$CH_BIN" "$@"
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
  "$@" >"$CH_SCRATCH/last.out" 2>"$CH_SCRATCH/last.err"
  local got=$?
  set -e
  [[ $got == "$want" ]] || { cat "$CH_SCRATCH/last.err" >&2; fail "expected exit $want, got $got: $*"; }
}

# Digest of every dataset's content in the given HDF5 files (attributes that vary between runs,
# like times and rank counts, are not datasets and so are not included).
h5_digest() {
  "$PY" "$CH_SOURCE_DIR/tests/e2e/lib/h5digest.py" "$@"
}
