#!/usr/bin/env bash
# Side-by-side baselines on one pipeline run, timed in this script so that the ratios compare
# like with like on the same (shared, noisy) machine:
#
#   ingest       vs  `cat FEEDS > /dev/null` and `wc -l FEEDS`: the cost of only reading the same
#                    bytes from the page cache (ingest also parses, validates, normalizes and
#                    writes records.h5);
#   network      vs  `LC_ALL=C sort --parallel=1 | uniq -c` on the run's evidence list: one text
#                    line "source target type month" per piece of evidence, i.e. the multiset of
#                    keys the stage aggregates (rebuilt from network.h5's /edges_monthly by
#                    repeating each row `count` times, which is exact: counts are what the
#                    aggregation adds up). sort | uniq -c only groups and counts prepared lines;
#                    the stage also reads records.h5/entities.h5, groups identifier uses into
#                    pairs, attributes calls, sums weights and writes network.h5;
#   communities  vs  igraph's Leiden (modularity, weighted, n_iterations=-1) on network.h5's
#                    /edges, the same graph; the stage also reads network.h5 and computes
#                    PageRank and betweenness per community and writes communities.h5.
#
# The pipeline runs on 1 rank × THREADS (default 1) threads; --metrics gives each stage's time.
# Results: bench/results/baselines-SCENARIO.json and a markdown table on stdout.
#
# Usage: bench/baselines.sh [SCENARIO]     (default demo)
#   BUILD_DIR=build/release OUT=/tmp/ch-baselines THREADS=1 REPEAT=3 bench/baselines.sh small
# Needs Debian's python3 with h5py and python3-igraph (as bench/community_vs_igraph.py).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
scenario="${1:-demo}"
bin="${BUILD_DIR:-$root/build/release}/jobs/clearinghouse"
out="${OUT:-/tmp/ch-baselines}/$scenario"
threads="${THREADS:-1}"
repeat="${REPEAT:-3}"
py=/usr/bin/python3
source "$root/scripts/mpi_env.sh"
rm -rf "$out"
mkdir -p "$out" "$root/bench/results"

echo "== pipeline: $scenario, 1 rank × $threads thread(s), until communities" >&2
"$bin" run --scenario "$scenario" --out "$out/run" --threads "$threads" --until communities \
  --metrics "$out/metrics.jsonl" --log-level warn

# best_of N CMD...: the shortest wall time of N runs of CMD (stdout discarded), in seconds.
best_of() {
  local n=$1 best="" s e t
  shift
  for ((i = 0; i < n; i++)); do
    s=$(date +%s.%N)
    "$@" >/dev/null
    e=$(date +%s.%N)
    t=$(awk "BEGIN{print $e - $s}")
    best=$(awk -v a="$t" -v b="$best" 'BEGIN{print (b == "" || a < b) ? a : b}')
  done
  echo "$best"
}
# The feeds of a small scenario are read in milliseconds: repeat the read so that the clock
# resolution and process start-up do not dominate, and report the time per pass.
passes=20
feeds=("$out"/run/feeds/*.csv)
read_all() { for ((p = 0; p < passes; p++)); do cat "${feeds[@]}"; done; }
count_all() { for ((p = 0; p < passes; p++)); do wc -l "${feeds[@]}"; done; }
cat "${feeds[@]}" >/dev/null  # warm the page cache: ingest read them from it too
cat_s=$(best_of "$repeat" read_all)
wcl_s=$(best_of "$repeat" count_all)
bytes=$(cat "${feeds[@]}" | wc -c)
lines=$(cat "${feeds[@]}" | wc -l)

echo "== evidence list for sort | uniq -c" >&2
"$py" - "$out/run/network.h5" "$out/evidence.txt" <<'PY'
import sys
import h5py
import numpy as np
with h5py.File(sys.argv[1], "r") as f:
    g = f["edges_monthly"]
    src, dst, cnt = g["source"][:], g["target"][:], g["count"][:]
    types = [t.decode() for t in g["_dict"]["type"][:]]
    months = [m.decode() for m in g["_dict"]["month"][:]]
    tcode, mcode = g["type"][:], g["month"][:]
# Rows in a scrambled (but fixed) order, as the stage sees evidence before its sort.
order = np.random.default_rng(1).permutation(int(cnt.sum()))
rows = np.repeat(np.arange(len(cnt)), cnt.astype(np.int64))[order]
with open(sys.argv[2], "w") as out:
    for r in rows:
        out.write(f"{src[r]} {dst[r]} {types[tcode[r]]} {months[mcode[r]]}\n")
PY
items=$(wc -l <"$out/evidence.txt")
sort_uniq() { LC_ALL=C sort --parallel=1 -S 25% "$out/evidence.txt" | uniq -c >"$out/evidence.counted"; }
sort_s=$(best_of "$repeat" sort_uniq)

echo "== igraph Leiden on network.h5 /edges" >&2
"$py" - "$out/run/network.h5" "$out/run/communities.h5" "$repeat" >"$out/igraph.json" <<'PY'
import json, sys, time
import h5py
import igraph as ig
import numpy as np
net, comm, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
with h5py.File(net, "r") as f:
    src, dst, w = f["edges/source"][:], f["edges/target"][:], f["edges/weight"][:]
ids, inv = np.unique(np.concatenate([src, dst]), return_inverse=True)
g = ig.Graph(n=len(ids), edges=np.stack([inv[: len(src)], inv[len(src):]], axis=1).tolist())
g.es["weight"] = w
load_s = time.perf_counter() - t0
best, clu = None, None
for _ in range(repeat):
    t = time.perf_counter()
    c = g.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
    t = time.perf_counter() - t
    if best is None or t < best:
        best, clu = t, c
with h5py.File(comm, "r") as f:
    vertex, community = f["membership/vertex"][:], f["membership/community"][:]
    ours_q = float(f.attrs["modularity"])
pos = np.minimum(np.searchsorted(ids, vertex), len(ids) - 1)
known = ids[pos] == vertex  # vertices without edges are not in igraph's graph
assert known.sum() == len(ids), "membership does not cover the edge list's vertices"
mine = np.zeros(len(ids), dtype=np.int64)
mine[pos[known]] = community[known]
print(json.dumps({"igraph_version": ig.__version__, "vertices": len(ids), "edges": len(src),
                  "load_s": load_s, "leiden_s": best, "igraph_modularity": g.modularity(clu.membership, weights="weight"),
                  "ours_modularity_by_igraph": g.modularity(mine.tolist(), weights="weight"),
                  "ours_modularity_attribute": ours_q}))
PY

"$py" - "$root" "$out" "$scenario" "$threads" "$cat_s" "$wcl_s" "$passes" "$bytes" "$lines" "$sort_s" "$items" <<'PY'
import json, pathlib, sys
root, out, scenario, threads, cat_s, wcl_s, passes, nbytes, lines, sort_s, items = sys.argv[1:]
out = pathlib.Path(out)
cat_s, wcl_s = float(cat_s) / int(passes), float(wcl_s) / int(passes)
sort_s, items, nbytes, lines = float(sort_s), int(items), int(nbytes), int(lines)
stages = {m["stage"]: m for m in map(json.loads, (out / "metrics.jsonl").read_text().splitlines())}
ig = json.loads((out / "igraph.json").read_text())
# The counted lines must be exactly the stage's /edges_monthly rows with their counts.
import h5py
counted = sorted(int(l.split()[0]) for l in (out / "evidence.counted").read_text().splitlines())
with h5py.File(out / "run" / "network.h5", "r") as f:
    assert counted == sorted(int(c) for c in f["edges_monthly/count"][:]), "sort | uniq -c disagrees with the stage"
assert sum(counted) == items
ingest, network, communities = stages["ingest"], stages["network"], stages["communities"]
result = {
    "scenario": scenario, "ranks": 1, "threads": int(threads),
    "feeds": {"bytes": nbytes, "lines": lines},
    "ingest": {"stage_s": ingest["seconds"], "cat_s": cat_s, "wc_l_s": wcl_s,
               "ratio_to_cat": ingest["seconds"] / cat_s, "ratio_to_wc_l": ingest["seconds"] / wcl_s},
    "network": {"stage_s": network["seconds"], "evidence_items": items, "keys": len(counted),
                "sort_uniq_s": sort_s, "ratio_to_sort_uniq": network["seconds"] / sort_s},
    "communities": {"stage_s": communities["seconds"], **ig,
                    "ratio_to_igraph_leiden": communities["seconds"] / ig["leiden_s"],
                    "ratio_to_igraph_load_and_leiden": communities["seconds"] / (ig["load_s"] + ig["leiden_s"]),
                    "modularity_ratio": ig["ours_modularity_by_igraph"] / ig["igraph_modularity"]},
}
dest = pathlib.Path(root) / "bench" / "results" / f"baselines-{scenario}.json"
dest.write_text(json.dumps(result, indent=2) + "\n")
r = result
print(f"\n{scenario}: {nbytes / 1e6:.1f} MB of feeds, {lines:,} lines; {items:,} evidence items → "
      f"{len(counted):,} (pair, type, month) keys; network {ig['vertices']:,} vertices, {ig['edges']:,} edges\n")
print("| stage | stage (s) | baseline | baseline (s) | ratio stage / baseline |")
print("|---|---|---|---|---|")
print(f"| ingest | {ingest['seconds']:.3f} | `cat > /dev/null` | {cat_s:.4f} | {r['ingest']['ratio_to_cat']:.0f}× |")
print(f"| ingest | {ingest['seconds']:.3f} | `wc -l` | {wcl_s:.4f} | {r['ingest']['ratio_to_wc_l']:.0f}× |")
print(f"| network | {network['seconds']:.3f} | `sort \\| uniq -c` on the evidence list | {sort_s:.3f} | "
      f"{r['network']['ratio_to_sort_uniq']:.1f}× |")
c = r["communities"]
print(f"| communities | {communities['seconds']:.3f} | igraph Leiden (detection only) | {c['leiden_s']:.3f} | "
      f"{c['ratio_to_igraph_leiden']:.1f}× |")
print(f"\nmodularity: ours {c['ours_modularity_by_igraph']:.5f}, igraph {c['igraph_modularity']:.5f} "
      f"(ratio {c['modularity_ratio']:.4f}); wrote {dest}")
PY
