#!/usr/bin/env bash
# A rank that throws makes `mpiexec -n 4` exit non-zero promptly, with the failing rank's
# message, and leaves no final-named file of the stage it was writing.
source "$(dirname "$0")/lib/common.bash"

check_fault() {
  local point=$1 out=$CH_SCRATCH/$1
  set +e
  timeout 30 "$CH_MPIEXEC" $CH_MPIEXEC_FLAGS -n 4 "$CH_BIN" generate --scenario demo --out "$out" \
    --inject-fault "generate:2:$point" --log-level warn >"$CH_SCRATCH/$point.log" 2>&1
  local rc=$?
  set -e
  [[ $rc != 0 ]] || fail "$point: the job exited 0 although rank 2 failed"
  [[ $rc != 124 ]] || fail "$point: the job did not end within 30 s (a rank hung)"
  grep -q "injected fault at generate:$point" "$CH_SCRATCH/$point.log" ||
    fail "$point: the failing rank's message is missing from the output"
  [[ ! -e $out/truth.h5 ]] || fail "$point: truth.h5 exists after a failed run"
}

check_fault start
[[ ! -e $CH_SCRATCH/start/feeds/travel.csv ]] || fail "start: travel.csv exists after a failure at start"
check_fault write
# The failure came while travel.csv was being written: it must not exist under its final name.
[[ ! -e $CH_SCRATCH/write/feeds/travel.csv ]] || fail "write: half-written travel.csv under its final name"
check_fault commit
# Feeds were complete before the failure; truth.h5 was not, so it has no final name.
cmp "$CH_SCRATCH/commit/feeds/travel.csv" <(
  ch_mpirun 1 generate --scenario demo --out "$CH_SCRATCH/ok" --log-level warn && cat "$CH_SCRATCH/ok/feeds/travel.csv") ||
  fail "commit: feeds written before the failure are incomplete"
echo "a failing rank ends all ranks non-zero and leaves no half-written final file"
