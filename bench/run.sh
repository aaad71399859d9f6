#!/usr/bin/env bash
# Runs the Google Benchmark targets and writes bench/results/NAME.json (Google Benchmark's JSON).
# Usage: bench/run.sh [BUILD_DIR]   (default build/release; build it first with ./test.sh or cmake)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build/release}"
mkdir -p "$root/bench/results"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
for b in bench_table_io bench_generate; do
  "$build/bench/$b" --benchmark_out="$root/bench/results/$b.json" --benchmark_out_format=json \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
done
echo "results in $root/bench/results/"
