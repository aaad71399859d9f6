#!/usr/bin/env bash
# Issue #5's quality targets on the public test graphs: Zachary's karate club and networkx LFR
# graphs with mu = 0.1 ... 0.6 (n = 10,000): our modularity >= 99.5 % of igraph's Leiden, NMI to
# the factions / planted communities >= igraph's (the median of 11 seeded igraph runs: its Leiden
# is randomized), every community connected. Deterministic: seeded generators, seeded igraph runs.
source "$(dirname "$0")/lib/common.bash"

"$PY" "$CH_SOURCE_DIR/bench/community_quality.py" --binary "$CH_BIN" --out "$CH_SCRATCH/quality.json" \
  || fail "communities below igraph's Leiden on a public test graph (see the table above)"
