#!/usr/bin/env python3
"""Weak-scaling model of the pipeline, fitted to a scale run and validated on its own data.

Usage: bench/model.py bench/results/scale-SCENARIO.json [--bandwidth GBPS] [--latency US]
                      [--nodes 16,128,1000] [--json OUT]

Input: the JSON that bench/scale.sh writes, with runs on 1, 2 and 4 ranks of one scenario (each
stage's seconds, rows and the largest per-rank shuffle volume, from `--metrics`).

The model, per stage s, for p nodes that each hold the data of the 1-rank run (weak scaling):

    T_s(p) = C_s + R_s * (p - 1) + V_s * (p - 1) / p / B + m_s * p * alpha

  C_s   compute on one node's share: the 1-rank stage time, minus R_s for replicated stages;
  R_s   replicated work per extra node: stages where every rank reads and processes the whole of
        a table (assess, evaluate, release) grow with the total data, i.e. with p;
  V_s   bytes one node's share puts into shuffles: every item goes to the owner of its key, so a
        fraction (p - 1)/p leaves the node; V_s is fitted from the measured bytes a rank sent to
        other ranks in the 2-rank run (fit_volume);
  B     injection bandwidth per node (default 10 GB/s: 100 Gb/s InfiniBand HDR at ~80 %);
  m_s   all-to-all rounds in the stage (one per shuffle call; chunked shuffles add rounds when a
        node's volume exceeds the chunk), each costing p message start-ups of alpha (default
        2 us) — the term that dominates at 1,000 nodes for small per-node volumes.

Validation: the communication volume term is the one the model extrapolates; its per-rank
prediction for the 4-rank run, from V_s fitted on the 2-rank run, is compared with the measured
4-rank volume (strong scaling on one machine: the total data is fixed, so the per-rank volume is
V_total / p * (p - 1) / p).
"""
import argparse
import json
import math
import sys

# Stages whose ranks each process a whole table (see docs/assessment.md and docs/release.md):
# under weak scaling their work grows with the total data.
REPLICATED = {"assess", "evaluate", "release"}
# All-to-all rounds per stage, from the code (one per cluster::shuffle / sort call on the stage's
# path; communities: per Leiden level, about 3 exchanges, times the levels of the demo run).
ROUNDS = {"generate": 0, "ingest": 2, "resolve": 8, "network": 7, "communities": 30, "assess": 0, "evaluate": 1}


def fit_volume(total_per_rank_bytes, p):
    """Total shuffled volume V (bytes, all ranks) from the largest per-rank volume at p ranks.

    The metric counts bytes a rank sends to other ranks; with an even spread, each rank sends
    V / p * (p - 1) / p."""
    return total_per_rank_bytes * p * p / (p - 1) if p > 1 else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scale_json")
    ap.add_argument("--bandwidth", type=float, default=10.0, help="GB/s per node (default 10)")
    ap.add_argument("--latency", type=float, default=2.0, help="microseconds per message (default 2)")
    ap.add_argument("--nodes", default="16,128,1000")
    ap.add_argument("--json", help="write the projection here")
    a = ap.parse_args()
    d = json.load(open(a.scale_json))
    runs = {int(k): {m["stage"]: m for m in v} for k, v in d["runs"].items()}
    for need in (1, 2, 4):
        if need not in runs:
            sys.exit(f"{a.scale_json}: needs runs on 1, 2 and 4 ranks (RANKS=\"1 2 4\" bench/scale.sh ...)")
    B = a.bandwidth * 1e9
    alpha = a.latency * 1e-6
    nodes = [int(x) for x in a.nodes.split(",")]
    stages = [s for s in runs[1] if s in runs[2] and s in runs[4]]

    print(f"Scenario {d['scenario']}: validation of the communication volume (bytes per rank)\n")
    print("| stage | measured 2 ranks (MB) | fitted total V (MB) | predicted 4 ranks (MB) | measured 4 ranks (MB) | predicted / measured |")
    print("|---|---|---|---|---|---|")
    model = {}
    for s in stages:
        v = fit_volume(runs[2][s]["shuffle_bytes_max"], 2)
        pred4 = v / 4 * 3 / 4
        meas4 = runs[4][s]["shuffle_bytes_max"]
        ratio = pred4 / meas4 if meas4 else (1.0 if pred4 == 0 else float("inf"))
        model[s] = {"volume_bytes": v, "pred4": pred4, "meas4": meas4}
        if v or meas4:
            print(f"| {s} | {runs[2][s]['shuffle_bytes_max'] / 1e6:.1f} | {v / 1e6:.1f} | {pred4 / 1e6:.1f} | "
                  f"{meas4 / 1e6:.1f} | {ratio:.2f} |")

    print(f"\nWeak-scaling projection: every node holds the data of the 1-rank `{d['scenario']}` run; "
          f"B = {a.bandwidth:g} GB/s per node, alpha = {a.latency:g} us per message.\n")
    head = "| stage | 1 node (s) | " + " | ".join(f"{p} nodes (s)" for p in nodes) + " |"
    print(head)
    print("|" + "---|" * (2 + len(nodes)))
    totals = {p: 0.0 for p in [1] + nodes}
    projection = {}
    for s in stages:
        t1 = runs[1][s]["seconds"]
        v = model[s]["volume_bytes"]
        row = {}
        for p in [1] + nodes:
            replicated = t1 * (p - 1) if s in REPLICATED else 0.0
            comm = v * (p - 1) / p / B + ROUNDS.get(s, 1) * p * alpha if p > 1 else 0.0
            row[p] = t1 + replicated + comm
            totals[p] += row[p]
        projection[s] = row
        print(f"| {s} | {t1:.2f} | " + " | ".join(f"{row[p]:.2f}" for p in nodes) + " |")
    print("| **total** | " + f"{totals[1]:.2f} | " + " | ".join(f"**{totals[p]:.1f}**" for p in nodes) + " |")
    eff = {p: totals[1] / totals[p] for p in nodes}
    print("\nWeak-scaling efficiency T(1)/T(p): " + ", ".join(f"{p} nodes {eff[p]:.2f}" for p in nodes))
    if a.json:
        json.dump({"scenario": d["scenario"], "bandwidth_gbps": a.bandwidth, "latency_us": a.latency,
                   "validation": model, "projection": {s: {str(p): t for p, t in r.items()} for s, r in projection.items()},
                   "totals": {str(p): t for p, t in totals.items()}, "efficiency": {str(p): e for p, e in eff.items()}},
                  open(a.json, "w"), indent=2)


if __name__ == "__main__":
    main()
