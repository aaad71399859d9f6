#!/usr/bin/env bash
# Runs every Google Benchmark target and writes Google Benchmark JSON to bench/results/:
#   kernels-LABEL.json  the node-local kernels, all executables merged into one file: string
#                       similarity, comparison, blocking, EM (bench_similarity, bench_resolve),
#                       union-find (bench_graph), local moving, aggregation, Leiden
#                       (bench_community), network evidence (bench_network), generator
#                       (bench_generate), ingest's row path (bench_ingest)
#   io-LABEL.json       HDF5 table write/read (bench_table_io: depends on the disk as much as on us)
# and, when an earlier kernels-*.json exists, prints bench/compare.py's diff against it.
#
# Usage: bench/run.sh [BUILD_DIR] [LABEL]
#   BUILD_DIR  default build/release (build it first: ./test.sh or cmake --build)
#   LABEL      default DATE-COMMIT, e.g. 20261125-358de25
#   REPETITIONS=3 (median, mean, stddev, cv are kept: --benchmark_report_aggregates_only)
#   FILTER=regex  passed as --benchmark_filter
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/release}"
label="${2:-$(date -u +%Y%m%d)-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo local)}"
reps="${REPETITIONS:-3}"
results="$root/bench/results"
mkdir -p "$results"
source "$root/scripts/mpi_env.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

kernels=(bench_similarity bench_resolve bench_graph bench_community bench_network bench_generate bench_ingest)
io=(bench_table_io)
for b in "${kernels[@]}" "${io[@]}"; do
  [[ -x $build/bench/$b ]] || { echo "missing $build/bench/$b: build the bench targets first" >&2; exit 2; }
done
run() {
  echo "== $1" >&2
  "$build/bench/$1" --benchmark_out="$tmp/$1.json" --benchmark_out_format=json \
    --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    ${FILTER:+--benchmark_filter="$FILTER"} >&2
}
for b in "${kernels[@]}" "${io[@]}"; do run "$b"; done

# One file per group: the first executable's context (machine, load, library build type), the
# executables that contributed, and all benchmarks in run order. compare.py reads it like any
# Google Benchmark file.
merge() {
  local out=$1
  shift
  /usr/bin/python3 - "$out" "$@" <<'PY'
import json, sys
out, *parts = sys.argv[1:]
merged = {"context": None, "executables": [], "benchmarks": []}
for path in parts:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):  # nothing matched FILTER: no (or an empty) file
        continue
    merged["context"] = merged["context"] or data["context"]
    merged["executables"].append(data["context"].get("executable", path))
    merged["benchmarks"] += data["benchmarks"]
with open(out, "w", encoding="utf-8") as f:
    json.dump(merged, f, indent=1)
    f.write("\n")
PY
}
new="$results/kernels-$label.json"
parts=()
for b in "${kernels[@]}"; do parts+=("$tmp/$b.json"); done
merge "$new" "${parts[@]}"
merge "$results/io-$label.json" "$tmp/bench_table_io.json"
echo "wrote $new and $results/io-$label.json"

previous=""
for f in "$results"/kernels-*.json; do  # the most recently written one before this run
  [[ -e $f && $f != "$new" && ( -z $previous || $f -nt $previous ) ]] && previous=$f
done
if [[ -n $previous ]]; then
  echo "== compared with $(basename "$previous") (bench/compare.py OLD NEW; exit 1 = a kernel >10 % slower)"
  /usr/bin/python3 "$root/bench/compare.py" "$previous" "$new" || true
fi
