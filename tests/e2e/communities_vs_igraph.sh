#!/usr/bin/env bash
# communities --edges on a 3.6 M-edge planted-partition graph with power-law community sizes and
# degrees (bench/community_vs_igraph.py's generator, n = 500,000, mean degree 20, mu = 0.3, seed 1):
# modularity ≥ 99.5 % of igraph's Leiden on the same graph and NMI against the planted blocks no
# worse than igraph's by more than 0.02. On this graph simultaneous moves once piled heavy
# vertices into a few communities (5 communities, modularity 0.55 against igraph's 0.687).
source "$(dirname "$0")/lib/common.bash"

"$PY" - "$CH_SOURCE_DIR/bench" "$CH_SCRATCH" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import numpy as np
from community_vs_igraph import planted_graph
edges, block = planted_graph(500000, 20, 0.3, 20, 1000, 1)
with open(sys.argv[2] + "/edges.csv", "w") as f:
    f.write("source,target\n")
    np.savetxt(f, edges, fmt="%d", delimiter=",")
np.save(sys.argv[2] + "/edges.npy", edges)
np.save(sys.argv[2] + "/block.npy", block)
PY

ch_mpirun 2 communities --edges "$CH_SCRATCH/edges.csv" --out "$CH_SCRATCH/communities.h5" --threads 1 --log-level warn

"$PY" - "$CH_SCRATCH" <<'PY' || fail "communities below igraph's Leiden on the planted graph"
import sys
import h5py, igraph as ig, numpy as np
d = sys.argv[1]
edges = np.load(d + "/edges.npy"); block = np.load(d + "/block.npy")
n = len(block)
g = ig.Graph(n=n, edges=edges.tolist())
with h5py.File(d + "/communities.h5", "r") as f:
    vertex = np.array([int(x) for x in f["membership/vertex"][()]])
    community = f["membership/community"][()]
ours = np.zeros(n, dtype=np.int64)
ours[vertex] = community
theirs = g.community_leiden(objective_function="modularity", n_iterations=-1).membership
q_ours, q_theirs = g.modularity(ours.tolist()), g.modularity(theirs)
nmi_ours = ig.compare_communities(ours.tolist(), block.tolist(), method="nmi")
nmi_theirs = ig.compare_communities(theirs, block.tolist(), method="nmi")
print(f"ours Q={q_ours:.5f} NMI={nmi_ours:.4f} communities={len(set(ours.tolist()))}; "
      f"igraph Q={q_theirs:.5f} NMI={nmi_theirs:.4f} communities={len(set(theirs))}")
sys.exit(0 if q_ours >= 0.995 * q_theirs and nmi_ours >= nmi_theirs - 0.02 else 1)
PY
