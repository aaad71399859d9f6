#!/usr/bin/env bash
# Ingest throughput against the cost of just reading the bytes: times `wc -l`, `cat > /dev/null`
# and `clearinghouse ingest` (1 rank and 2 ranks, one thread each) on the same feeds, from the
# page cache, in one script, and writes bench/results/ingest-NAME.json.
#
#   bench/ingest_throughput.sh SCENARIO|FEEDS_DIR [BUILD_DIR] [WORKDIR]
#
# SCENARIO (demo, small, medium) is generated into WORKDIR first; a FEEDS_DIR is used as it is.
# Rates per core = rows / (seconds × ranks); the ingest seconds are the stage's own timer
# (--metrics), the process start of mpiexec excluded. Target (#3): ≥ 1 M rows/s per core.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WHAT="${1:?usage: $0 SCENARIO|FEEDS_DIR [BUILD_DIR] [WORKDIR]}"
BUILD="${2:-$HERE/../build/release}"
WORK="${3:-$(mktemp -d)}"
BIN="$BUILD/jobs/clearinghouse"
MPIEXEC="${MPIEXEC:-mpiexec}"
source "$HERE/../scripts/mpi_env.sh"

if [[ -d "$WHAT" ]]; then
  FEEDS="$WHAT"
  NAME="${NAME:-$(basename "$(cd "$WHAT/.." && pwd)")}"  # NAME=medium for a run directory named otherwise
else
  NAME="$WHAT"
  FEEDS="$WORK/feeds"
  [[ -f "$FEEDS/calls.csv" ]] || "$MPIEXEC" -n 2 "$BIN" generate --scenario "$WHAT" --out "$WORK" --log-level warn
fi
FILES=("$FEEDS"/{travel,calls,subscribers,enforcement}.csv)
cat "${FILES[@]}" > /dev/null  # warm the page cache

# Best of 3 wall-clock seconds of a command.
best() {
  local best=""
  for _ in 1 2 3; do
    local s e d
    s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N)
    d=$(awk "BEGIN{print $e - $s}")
    best=$(awk -v a="$best" -v b="$d" 'BEGIN{print (a == "" || b < a) ? b : a}')
  done
  echo "$best"
}
WC=$(best wc -l "${FILES[@]}")
CAT=$(best cat "${FILES[@]}")
rm -f "$WORK"/ingest-*.jsonl
"$BIN" ingest --feeds "$FEEDS" --out "$WORK/r1.h5" --threads 1 --log-level warn --metrics "$WORK/ingest-1.jsonl"
"$MPIEXEC" -n 2 "$BIN" ingest --feeds "$FEEDS" --out "$WORK/r2.h5" --threads 1 --log-level warn \
  --metrics "$WORK/ingest-2.jsonl"
rm -f "$WORK/r1.h5" "$WORK/r2.h5"

mkdir -p "$HERE/results"
OUT="$HERE/results/ingest-$NAME.json"
/usr/bin/python3 - "$OUT" "$NAME" "$WC" "$CAT" "$WORK" "${FILES[@]}" <<'PY'
import json, os, sys, datetime, subprocess
out, name, wc, cat, work, files = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6:]
lines = sum(sum(1 for _ in open(f, "rb")) for f in files)
size = sum(os.path.getsize(f) for f in files)
runs = {}
for ranks in (1, 2):
    m = [json.loads(l) for l in open(f"{work}/ingest-{ranks}.jsonl")][-1]
    s, rows = m["seconds"], m["rows"]
    runs[str(ranks)] = {
        "seconds": s, "rows": rows, "rows_per_s_per_core": rows / s / ranks,
        "mb_per_s_per_core": size / s / ranks / 1e6, "peak_rss_mb_per_rank": round(m["peak_rss_bytes_max"] / 1e6),
        "times_wc": s / wc, "times_cat": s / cat}
result = {
    "scenario": name, "date": datetime.datetime.now().isoformat(timespec="minutes"),
    "commit": subprocess.run(["git", "-C", os.path.dirname(out), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip(),
    "load_average": os.getloadavg()[0], "lines": lines, "bytes": size,
    "wc_l_seconds": wc, "cat_seconds": cat, "wc_l_lines_per_s": lines / wc, "cat_mb_per_s": size / cat / 1e6,
    "ingest": runs, "speedup_1_to_2": runs["1"]["seconds"] / runs["2"]["seconds"]}
json.dump(result, open(out, "w"), indent=1)
print(f"{name}: {lines:,} lines, {size/1e6:,.0f} MB; wc -l {wc:.2f} s ({lines/wc/1e6:.1f} M lines/s), cat {cat:.2f} s")
for r, v in runs.items():
    print(f"ingest {r} rank(s): {v['seconds']:.2f} s, {v['rows_per_s_per_core']/1e6:.2f} M rows/s per core, "
          f"{v['mb_per_s_per_core']:.0f} MB/s per core, peak RSS {v['peak_rss_mb_per_rank']} MB/rank, "
          f"{v['times_wc']:.0f}x wc -l, {v['times_cat']:.0f}x cat")
print(f"speed-up 1 -> 2 ranks: {result['speedup_1_to_2']:.2f}x  -> {out}")
PY
