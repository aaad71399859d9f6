#!/usr/bin/env bash
# `inspect` shows tables, row counts, column types and provenance of a real output file, and
# `cmake --install` puts a working `clearinghouse` into PREFIX/bin.
source "$(dirname "$0")/lib/common.bash"

ch_mpirun 2 generate --scenario demo --out "$CH_SCRATCH/run" --log-level warn
expect_exit 0 "$CH_BIN" inspect "$CH_SCRATCH/run/truth.h5"
out="$CH_SCRATCH/last.out"
for want in "/records/travel" "/persons" "/org_months" "record_id" "string" "uint64" "schema_version" \
  "stage" "generate" "inputs" "sha256:" "ranks" "2" "config"; do
  grep -q -- "$want" "$out" || fail "inspect output lacks '$want'"
done
# Row counts printed by inspect match the data.
rows=$(awk '$1 == "/records/travel" {print $2}' "$out")
lines=$(/usr/bin/python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline='', encoding='utf-8'))) - 1)" "$CH_SCRATCH/run/feeds/travel.csv")
[[ $rows == "$lines" ]] || fail "inspect says $rows travel rows, the feed has $lines"
expect_exit 2 "$CH_BIN" inspect "$CH_SCRATCH/run/nothing.h5"
grep -q "nothing.h5" "$CH_SCRATCH/last.err" || fail "missing file not named"

if [[ -n ${CH_BUILD_DIR:-} ]]; then
  cmake --install "$CH_BUILD_DIR" --prefix "$CH_SCRATCH/prefix" >/dev/null
  [[ -x $CH_SCRATCH/prefix/bin/clearinghouse ]] || fail "cmake --install did not install bin/clearinghouse"
  expect_exit 0 "$CH_SCRATCH/prefix/bin/clearinghouse" --help
fi
echo "inspect and install work"
