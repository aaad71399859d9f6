#!/usr/bin/env bash
# bench/compare.py on small hand-written Google Benchmark files: a kernel slower by more than the
# threshold fails (exit 1) and is named; changes within the threshold pass (exit 0); aggregates
# (_median preferred over _mean) and plain repetitions are both understood, time units are
# converted, items_per_second is compared in the right direction, and removed/new benchmarks are
# listed without failing unless --fail-on-missing; the default metric is CPU time unless that
# misses worker threads.
source "$(dirname "$0")/lib/common.bash"
COMPARE="$CH_SOURCE_DIR/bench/compare.py"
cd "$CH_SCRATCH" || exit 1

# OLD: BM_A as aggregates (median 100 ns; the mean, 150 ns, must be ignored), BM_B as three plain
# repetitions in microseconds (median 2 us), BM_Gone only here.
cat >old.json <<'JSON'
{"context": {"date": "2026-11-25T00:00:00+00:00", "num_cpus": 2},
 "benchmarks": [
  {"name": "BM_A_mean", "run_name": "BM_A", "run_type": "aggregate", "aggregate_name": "mean",
   "iterations": 3, "real_time": 150.0, "cpu_time": 150.0, "time_unit": "ns", "items_per_second": 6.6e6},
  {"name": "BM_A_median", "run_name": "BM_A", "run_type": "aggregate", "aggregate_name": "median",
   "iterations": 3, "real_time": 100.0, "cpu_time": 100.0, "time_unit": "ns", "items_per_second": 1.0e7},
  {"name": "BM_B/64", "run_name": "BM_B/64", "run_type": "iteration", "iterations": 10,
   "real_time": 1.9, "cpu_time": 1.9, "time_unit": "us"},
  {"name": "BM_B/64", "run_name": "BM_B/64", "run_type": "iteration", "iterations": 10,
   "real_time": 2.0, "cpu_time": 2.0, "time_unit": "us"},
  {"name": "BM_B/64", "run_name": "BM_B/64", "run_type": "iteration", "iterations": 10,
   "real_time": 2.4, "cpu_time": 2.4, "time_unit": "us"},
  {"name": "BM_Gone", "run_name": "BM_Gone", "run_type": "iteration", "iterations": 1,
   "real_time": 5.0, "cpu_time": 5.0, "time_unit": "ms"}
 ]}
JSON

# Within 10 %: BM_A +5 %, BM_B 2000 ns → 1900 ns (faster by 5 %); BM_New only here.
cat >within.json <<'JSON'
{"context": {}, "benchmarks": [
  {"name": "BM_A_median", "run_name": "BM_A", "run_type": "aggregate", "aggregate_name": "median",
   "iterations": 3, "real_time": 105.0, "cpu_time": 105.0, "time_unit": "ns", "items_per_second": 9.52e6},
  {"name": "BM_B/64", "run_name": "BM_B/64", "run_type": "iteration", "iterations": 10,
   "real_time": 1900.0, "cpu_time": 1900.0, "time_unit": "ns"},
  {"name": "BM_New", "run_name": "BM_New", "run_type": "iteration", "iterations": 1,
   "real_time": 1.0, "cpu_time": 1.0, "time_unit": "ms"}
]}
JSON

# BM_A 25 % slower (125 ns, 8 M items/s); BM_B unchanged.
cat >slower.json <<'JSON'
{"context": {}, "benchmarks": [
  {"name": "BM_A_median", "run_name": "BM_A", "run_type": "aggregate", "aggregate_name": "median",
   "iterations": 3, "real_time": 125.0, "cpu_time": 125.0, "time_unit": "ns", "items_per_second": 8.0e6},
  {"name": "BM_B/64", "run_name": "BM_B/64", "run_type": "iteration", "iterations": 10,
   "real_time": 2.0, "cpu_time": 2.0, "time_unit": "us"}
]}
JSON

expect_exit 0 "$PY" "$COMPARE" old.json within.json
out="$CH_SCRATCH/last.out"
grep -q "BM_A .*+5.0%.*ok" "$out" || fail "BM_A should be +5.0% ok (median, not mean): $(cat "$out")"
grep -q "BM_B/64 .*-5.0%.*ok" "$out" || fail "BM_B should be -5.0% ok (median of repetitions, us → ns)"
grep -q "BM_Gone .*removed" "$out" || fail "a benchmark missing from NEW is not listed"
grep -q "BM_New .*new" "$out" || fail "a benchmark only in NEW is not listed"
expect_exit 1 "$PY" "$COMPARE" old.json within.json --fail-on-missing

expect_exit 1 "$PY" "$COMPARE" old.json slower.json
grep -q "BM_A .*+25.0%.*REGRESSION" "$CH_SCRATCH/last.out" || fail "25% slow-down not flagged"
grep -q "regression(s) over 10%: BM_A$" "$CH_SCRATCH/last.out" || fail "the regression summary should name only BM_A"
expect_exit 1 "$PY" "$COMPARE" old.json slower.json --metric items_per_second
grep -q "BM_A .*+25.0%.*REGRESSION" "$CH_SCRATCH/last.out" || fail "a lower items/s rate is a slow-down"
expect_exit 0 "$PY" "$COMPARE" old.json slower.json --threshold 0.30
expect_exit 0 "$PY" "$COMPARE" slower.json old.json  # the reverse is a speed-up
grep -q "BM_A .*faster" "$CH_SCRATCH/last.out" || fail "a 20% speed-up is not marked faster"

# Default metric: CPU time, except where a benchmark's CPU time is its main thread's only
# (UseRealTime without MeasureProcessCPUTime): there wall time.
cat >auto_old.json <<'JSON'
{"benchmarks": [
  {"name": "BM_S", "run_type": "iteration", "real_time": 100, "cpu_time": 100, "time_unit": "ms"},
  {"name": "BM_T/2/real_time", "run_type": "iteration", "real_time": 100, "cpu_time": 100, "time_unit": "ms"},
  {"name": "BM_P/2/process_time/real_time", "run_type": "iteration", "real_time": 100, "cpu_time": 100, "time_unit": "ms"}
]}
JSON
cat >auto_new.json <<'JSON'
{"benchmarks": [
  {"name": "BM_S", "run_type": "iteration", "real_time": 200, "cpu_time": 101, "time_unit": "ms"},
  {"name": "BM_T/2/real_time", "run_type": "iteration", "real_time": 130, "cpu_time": 100, "time_unit": "ms"},
  {"name": "BM_P/2/process_time/real_time", "run_type": "iteration", "real_time": 180, "cpu_time": 102, "time_unit": "ms"}
]}
JSON
expect_exit 1 "$PY" "$COMPARE" auto_old.json auto_new.json
grep -q "regression(s) over 10%: BM_T/2/real_time$" "$CH_SCRATCH/last.out" || fail "auto metric: only BM_T should regress"
expect_exit 1 "$PY" "$COMPARE" auto_old.json auto_new.json --metric real_time
grep -q "3 regression(s)" "$CH_SCRATCH/last.out" || fail "--metric real_time should flag all three"

echo '{"benchmarks": ' >broken.json
expect_exit 2 "$PY" "$COMPARE" old.json broken.json
grep -q "broken.json" "$CH_SCRATCH/last.err" || fail "unreadable file not named"
echo "bench/compare.py flags slow-downs over the threshold and passes the rest"
