#!/usr/bin/env bash
# A full disk (here: a file-size limit, which our writes meet the same way) gives a clear error,
# a non-zero exit and no final-named output file; the same command without the limit succeeds.
# The limit is 8 MiB because Open MPI's own shared-memory files need a few MiB to start at all.
source "$(dirname "$0")/lib/common.bash"

limited() {  # limited LOG ARGS...: the binary on 2 ranks under an 8 MiB file-size limit
  local log=$1
  shift
  set +e
  (ulimit -f 8192 && timeout 120 "$CH_MPIEXEC" $CH_MPIEXEC_FLAGS -n 2 "$CH_BIN" "$@" --log-level warn) >"$log" 2>&1
  rc=$?
  set -e
  [[ $rc != 0 ]] || fail "$* succeeded although its output could not be written"
  [[ $rc != 124 ]] || fail "$* hung on a full disk"
}

# CSV feeds: the calls feed (about 18 MB) cannot be written.
limited "$CH_SCRATCH/generate.log" generate --scenario demo --out "$CH_SCRATCH/full"
grep -q "disk full" "$CH_SCRATCH/generate.log" || { cat "$CH_SCRATCH/generate.log" >&2; fail "generate: no clear disk-full message"; }
for f in feeds/calls.csv truth.h5; do
  [[ ! -e $CH_SCRATCH/full/$f ]] || fail "$f exists under its final name after the failure"
done

# An HDF5 output: records.h5 of a larger world (about 17 MB) cannot be written.
ch_mpirun 2 generate --scenario demo --out "$CH_SCRATCH/big" --set world.persons=40000 --log-level warn
limited "$CH_SCRATCH/ingest.log" ingest --feeds "$CH_SCRATCH/big/feeds" --out "$CH_SCRATCH/big/records.h5"
grep -qE "disk full|cannot write" "$CH_SCRATCH/ingest.log" || { cat "$CH_SCRATCH/ingest.log" >&2; fail "ingest: no clear write error"; }
[[ ! -e $CH_SCRATCH/big/records.h5 ]] || fail "records.h5 exists under its final name after the failure"

ch_mpirun 2 ingest --feeds "$CH_SCRATCH/big/feeds" --out "$CH_SCRATCH/big/records.h5" --log-level warn
[[ -s $CH_SCRATCH/big/records.h5 ]] || fail "ingest without the limit wrote no records.h5"
echo "a full disk ends the stage with a clear error and no final-named file"
