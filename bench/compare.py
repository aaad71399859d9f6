#!/usr/bin/env python3
"""Diff two Google Benchmark JSON result files and flag kernels that got slower.

    bench/compare.py OLD.json NEW.json [--threshold 0.10] [--metric auto|real_time|cpu_time|items_per_second]

Benchmarks are matched by run name (the name without an aggregate suffix such as _median). Each
side is summarized by one number per benchmark: the median aggregate if the file has one, else
the mean aggregate, else the median of its plain iteration entries (several when run with
repetitions but without aggregates). Times are converted to nanoseconds per iteration.

The default metric, auto, is CPU time, except for benchmarks registered with UseRealTime but
without MeasureProcessCPUTime (names ending in /real_time without /process_time): their CPU time
is the main thread's only and misses work done by worker threads, so their wall time is used.
On shared cores CPU time is much steadier than wall time, which also counts the time other
processes ran (a rerun of unchanged code under a load of 10 on 2 cores: CPU time within ±8 % for
most kernels, wall time up to +190 %).

The change is expressed as "slower by": new/old − 1 for times, old/new − 1 for items_per_second,
so a positive value is always a slow-down. A benchmark slower by more than the threshold is a
REGRESSION and makes the script exit 1; one faster by more than the threshold is marked
"faster". Benchmarks in only one file are listed as "removed" or "new" and do not fail the run
unless --fail-on-missing is given. Benchmarks that reported an error are skipped.

Exit codes: 0 no regression, 1 at least one regression, 2 unusable input.
Only the Python standard library is used.
"""
import argparse
import json
import math
import statistics
import sys

TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
AGGREGATE_SUFFIXES = ("_mean", "_median", "_stddev", "_cv")


def run_name(entry):
    """Name shared by a benchmark's repetitions and aggregates (older files lack run_name)."""
    if "run_name" in entry:
        return entry["run_name"]
    name = entry["name"]
    if entry.get("run_type") == "aggregate":
        for suffix in AGGREGATE_SUFFIXES:
            if name.endswith(suffix):
                return name[: -len(suffix)]
    return name


def auto_metric(name):
    """cpu_time unless the benchmark's CPU time covers only its main thread."""
    return "real_time" if "/real_time" in name and "/process_time" not in name else "cpu_time"


def metric_value(entry, metric):
    if metric == "auto":
        metric = auto_metric(run_name(entry))
    if metric == "items_per_second":
        return entry.get("items_per_second")
    value = entry.get(metric)
    if value is None:
        return None
    return float(value) * TO_NS[entry.get("time_unit", "ns")]


def summarize(path, metric):
    """{run name: (value, cv or None)} for one result file."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        entries = data["benchmarks"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"compare.py: cannot read {path}: {e}", file=sys.stderr)
        sys.exit(2)
    aggregates, iterations = {}, {}
    for e in entries:
        if e.get("error_occurred"):
            continue
        name = run_name(e)
        if e.get("run_type") == "aggregate":
            aggregates.setdefault(name, {})[e.get("aggregate_name", e["name"][len(name) + 1:])] = e
        else:
            iterations.setdefault(name, []).append(e)
    out = {}
    for name in list(aggregates) + [n for n in iterations if n not in aggregates]:
        agg = aggregates.get(name, {})
        chosen = agg.get("median") or agg.get("mean")
        cv = agg.get("cv")
        # The cv aggregate is a fraction and carries the metric's own value.
        cv_metric = auto_metric(name) if metric == "auto" else metric
        cv_value = cv.get(cv_metric) if cv and cv.get("aggregate_unit") == "percentage" else None
        if chosen is not None:
            value = metric_value(chosen, metric)
        else:
            values = [v for v in (metric_value(e, metric) for e in iterations.get(name, [])) if v is not None]
            value = statistics.median(values) if values else None
            if len(values) > 1 and statistics.mean(values) > 0:
                cv_value = statistics.stdev(values) / statistics.mean(values)
        if value is not None and value > 0:
            out[name] = (value, cv_value)
    return out


def fmt_value(v, metric):
    if v is None:
        return "-"
    if metric == "items_per_second":
        for unit, scale in (("G/s", 1e9), ("M/s", 1e6), ("k/s", 1e3)):
            if v >= scale:
                return f"{v / scale:.3g} {unit}"
        return f"{v:.3g} /s"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if v >= scale:
            return f"{v / scale:.3g} {unit}"
    return f"{v:.3g} ns"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--threshold", type=float, default=0.10,
                    help="fail when a benchmark is slower by more than this fraction (default 0.10)")
    ap.add_argument("--metric", choices=("auto", "real_time", "cpu_time", "items_per_second"), default="auto",
                    help="what to compare (default auto: cpu_time, or real_time where CPU time misses worker threads)")
    ap.add_argument("--fail-on-missing", action="store_true",
                    help="also fail when a benchmark of OLD is missing from NEW")
    args = ap.parse_args(argv)
    if not args.threshold >= 0:
        ap.error("--threshold must be >= 0")

    old, new = summarize(args.old, args.metric), summarize(args.new, args.metric)
    names = list(old) + [n for n in new if n not in old]
    rows, regressions, missing, log_ratios = [], [], [], []
    for name in names:
        o, n = old.get(name), new.get(name)
        if o is None:
            rows.append((name, "-", fmt_value(n[0], args.metric), "-", "new"))
            continue
        if n is None:
            rows.append((name, fmt_value(o[0], args.metric), "-", "-", "removed"))
            missing.append(name)
            continue
        slower = (o[0] / n[0] if args.metric == "items_per_second" else n[0] / o[0]) - 1.0
        log_ratios.append(math.log1p(slower))
        if slower > args.threshold:
            verdict = "REGRESSION"
            regressions.append(name)
        elif slower < -args.threshold:
            verdict = "faster"
        else:
            verdict = "ok"
        noise = max((c for c in (o[1], n[1]) if c is not None), default=None)
        if noise is not None and noise > args.threshold and verdict != "ok":
            verdict += f" (cv {noise:.0%})"
        rows.append((name, fmt_value(o[0], args.metric), fmt_value(n[0], args.metric), f"{slower:+.1%}", verdict))

    label = "time" if args.metric == "auto" else args.metric
    header = ("benchmark", f"old {label}", f"new {label}", "slower by", "verdict")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(5)]
    line = "  ".join(("{:<%d}" if i in (0, 4) else "{:>%d}") % w for i, w in enumerate(widths))
    print(line.format(*header))
    for r in rows:
        print(line.format(*r))
    if log_ratios:
        geo = math.expm1(sum(log_ratios) / len(log_ratios))
        print(f"\n{len(log_ratios)} compared, geometric mean slower by {geo:+.1%}; threshold {args.threshold:.0%}")
    if missing:
        print(f"{len(missing)} benchmark(s) of {args.old} missing from {args.new}: {', '.join(missing)}")
    if regressions:
        print(f"{len(regressions)} regression(s) over {args.threshold:.0%}: {', '.join(regressions)}")
        return 1
    if missing and args.fail_on_missing:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
