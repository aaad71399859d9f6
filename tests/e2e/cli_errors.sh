#!/usr/bin/env bash
# Usage errors: every subcommand has --help; bad scenario keys/values name the key and the file
# and exit 2; a missing run directory is named and exits 2.
source "$(dirname "$0")/lib/common.bash"

for sub in generate ingest resolve network communities assess release evaluate explain report compare run inspect; do
  expect_exit 0 "$CH_BIN" "$sub" --help
  grep -q -- "--threads" "$CH_SCRATCH/last.out" || fail "$sub --help lacks the common options"
done
expect_exit 2 "$CH_BIN" frobnicate

cat >"$CH_SCRATCH/bad_key.toml" <<'TOML'
[world]
no_such_key = 3
TOML
expect_exit 2 ch_mpirun 2 generate --scenario "$CH_SCRATCH/bad_key.toml" --out "$CH_SCRATCH/x"
grep -q "no_such_key" "$CH_SCRATCH/last.err" || fail "bad key not named"
grep -q "bad_key.toml" "$CH_SCRATCH/last.err" || fail "file not named"
[[ $(grep -c "no_such_key" "$CH_SCRATCH/last.err") == 1 ]] || fail "the error should be printed once, not per rank"

printf '[world]\nseed = "abc"\n' >"$CH_SCRATCH/bad_value.toml"
expect_exit 2 "$CH_BIN" generate --scenario "$CH_SCRATCH/bad_value.toml" --out "$CH_SCRATCH/x"
grep -q "seed" "$CH_SCRATCH/last.err" || fail "bad value's key not named"

expect_exit 2 "$CH_BIN" generate --scenario demo --set world.nonsense=1 --out "$CH_SCRATCH/x"
grep -q "world.nonsense" "$CH_SCRATCH/last.err" || fail "--set key not named"

expect_exit 2 "$CH_BIN" generate --scenario "$CH_SCRATCH/missing.toml" --out "$CH_SCRATCH/x"
grep -q "missing.toml" "$CH_SCRATCH/last.err" || fail "missing scenario file not named"

expect_exit 2 "$CH_BIN" report --run "$CH_SCRATCH/x"
grep -q "run directory '$CH_SCRATCH/x' does not exist" "$CH_SCRATCH/last.err" || fail "report: missing run not named"

expect_exit 2 "$CH_BIN" run --scenario demo --out "$CH_SCRATCH/x" --until nowhere
grep -q "nowhere" "$CH_SCRATCH/last.err" || fail "--until stage not named"
[[ ! -e $CH_SCRATCH/x/truth.h5 ]] || fail "a usage error still produced output"
echo "usage errors are clear and exit 2"
