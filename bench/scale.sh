#!/usr/bin/env bash
# End-to-end scale harness: runs the pipeline on a scenario with 1 and 2 ranks (or RANKS="1 2 4"),
# collects per-stage figures (--metrics JSON lines: seconds, rows, peak RSS, shuffle bytes per
# rank), times the I/O ceiling (cat > /dev/null, wc -l) on the same feeds in the same script, and
# writes bench/results/scale-SCENARIO.json plus a markdown table for docs/performance.md.
#
# Usage: bench/scale.sh SCENARIO [--until STAGE] [--set key=value ...]
#   RANKS="1 2" THREADS=1 BUILD_DIR=build/release OUT=/tmp/ch-scale bench/scale.sh small
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scenario="${1:?usage: bench/scale.sh SCENARIO [run options]}"
shift
bin="${BUILD_DIR:-$root/build/release}/jobs/clearinghouse"
out="${OUT:-/tmp/ch-scale}/$scenario"
ranks_list="${RANKS:-1 2}"
threads="${THREADS:-1}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
mkdir -p "$root/bench/results"
rm -rf "$out"
mkdir -p "$out"

for n in $ranks_list; do
  dir="$out/n$n"
  echo "== $scenario on $n rank(s), $threads thread(s) each"
  # A stage that is not built yet stops the run with exit 2; the finished stages are measured.
  set +e
  mpiexec --oversubscribe -n "$n" "$bin" run --scenario "$scenario" --out "$dir" --threads "$threads" \
    --metrics "$dir.metrics.jsonl" --log-level warn "$@"
  rc=$?
  set -e
  [[ $rc == 0 || $rc == 2 ]] || { echo "run failed with exit $rc" >&2; exit "$rc"; }
done

# I/O ceiling on the feeds of the first run, measured here, now, on the same files.
feeds="$out/n${ranks_list%% *}/feeds"
t0=$(date +%s.%N); cat "$feeds"/*.csv >/dev/null; t1=$(date +%s.%N)
lines=$(cat "$feeds"/*.csv | wc -l); t2=$(date +%s.%N)
bytes=$(cat "$feeds"/*.csv | wc -c)

/usr/bin/python3 - "$root" "$out" "$scenario" "$threads" "$t0" "$t1" "$t2" "$lines" "$bytes" $ranks_list <<'PY'
import json, sys, pathlib
root, out, scenario, threads, t0, t1, t2, lines, nbytes, *ranks = sys.argv[1:]
t0, t1, t2 = float(t0), float(t1), float(t2)
runs = {}
for n in ranks:
    path = pathlib.Path(out) / f"n{n}.metrics.jsonl"
    runs[n] = [json.loads(l) for l in path.read_text().splitlines()] if path.exists() else []
result = {
    "scenario": scenario, "threads_per_rank": int(threads),
    "io_ceiling": {"cat_seconds": t1 - t0, "wc_l_seconds": t2 - t1, "lines": int(lines), "bytes": int(nbytes)},
    "runs": runs,
}
base = {m["stage"]: m for m in runs[ranks[0]]}
print(f"\n| stage | ranks | seconds | rows/s | MB/s | peak RSS/rank (MB) | shuffle/rank (MB) | speedup vs {ranks[0]} rank |")
print("|---|---|---|---|---|---|---|---|")
for n in ranks:
    for m in runs[n]:
        s = m["seconds"]
        b = base.get(m["stage"])
        speed = f"{b['seconds'] / s:.2f}x" if b and s > 0 else "-"
        print(f"| {m['stage']} | {n} | {s:.2f} | {m['rows'] / s:,.0f} | {m['bytes'] / s / 1e6:.1f} | "
              f"{m['peak_rss_bytes_max'] / 1e6:.0f} | {m['shuffle_bytes_max'] / 1e6:.1f} | {speed} |")
print(f"\nI/O ceiling on the same feeds ({int(nbytes) / 1e6:.0f} MB, {int(lines):,} lines): "
      f"cat > /dev/null {int(nbytes) / max(t1 - t0, 1e-9) / 1e6:.0f} MB/s, wc -l {int(lines) / max(t2 - t1, 1e-9):,.0f} lines/s")
dest = pathlib.Path(root) / "bench" / "results" / f"scale-{scenario}.json"
dest.write_text(json.dumps(result, indent=2) + "\n")
print(f"\nwrote {dest}")
PY
