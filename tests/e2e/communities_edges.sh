#!/usr/bin/env bash
# communities --edges: identical communities.h5 datasets for 1, 2, 4 ranks and 1 vs 2 threads on
# a planted-partition graph; the planted blocks are found; bad edge files exit 2 naming file and
# line; duplicates and self-loops are handled as documented; a missing network.h5 and two inputs at once are refused.
source "$(dirname "$0")/lib/common.bash"

# A planted partition with string labels: 12 blocks of 25, dense inside, sparse across, random
# weights; fixed seed so the file is the same on every run.
"$PY" - "$CH_SCRATCH/edges.csv" <<'PY'
import random, sys
rng = random.Random(7)
blocks, size = 12, 25
n = blocks * size
edges = set()
for v in range(n):
    b = v // size
    for _ in range(6):
        u = b * size + rng.randrange(size)
        if u != v: edges.add((min(u, v), max(u, v)))
    for _ in range(1):
        u = rng.randrange(n)
        if u // size != b: edges.add((min(u, v), max(u, v)))
def label(v):  # some labels need quoting
    return f'"p,{v:04d}"' if v % 7 == 0 else f"person-{v:04d}"
with open(sys.argv[1], "w") as f:
    f.write("source,target,weight\n")
    for u, v in sorted(edges, key=lambda e: (rng.random(), e)):
        f.write(f"{label(u)},{label(v)},{rng.choice([1, 1, 2, 0.5])}\n")
PY

for n in 1 2 4; do
  mkdir -p "$CH_SCRATCH/n$n"
  ch_mpirun "$n" communities --edges "$CH_SCRATCH/edges.csv" --out "$CH_SCRATCH/n$n/communities.h5" \
    --threads 1 --log-level warn
done
mkdir -p "$CH_SCRATCH/t2"
ch_mpirun 2 communities --edges "$CH_SCRATCH/edges.csv" --out "$CH_SCRATCH/t2/communities.h5" \
  --threads 2 --log-level warn

h5_digest "$CH_SCRATCH/n1/communities.h5" >"$CH_SCRATCH/d1"
grep -q "membership/community" "$CH_SCRATCH/d1" || fail "communities.h5 lacks /membership/community"
grep -q "centrality/betweenness" "$CH_SCRATCH/d1" || fail "communities.h5 lacks /centrality"
for other in n2 n4 t2; do
  h5_digest "$CH_SCRATCH/$other/communities.h5" >"$CH_SCRATCH/d_$other"
  diff "$CH_SCRATCH/d1" "$CH_SCRATCH/d_$other" || fail "communities.h5 datasets differ between 1 rank and $other"
done

# The result is right, not just repeatable: the planted blocks come back (NMI ≥ 0.95), every
# community is connected, the attributes are there and consistent.
"$PY" - "$CH_SCRATCH/n1/communities.h5" "$CH_SCRATCH/edges.csv" <<'PY' || fail "communities.h5 content check failed"
import csv, math, sys
from collections import Counter, defaultdict
import h5py
f = h5py.File(sys.argv[1], "r")
vertex = [v.decode() for v in f["membership/vertex"][()]]
comm = f["membership/community"][()]
assert vertex == sorted(vertex), "membership rows are not in label order"
assert len(vertex) == 300, len(vertex)
of = dict(zip(vertex, comm))
planted = {v: int(v.replace(",", "-").split("-")[-1]) // 25 for v in vertex}
n = len(vertex)
def H(c): return -sum(k / n * math.log(k / n) for k in Counter(c).values())
a = [of[v] for v in vertex]; b = [planted[v] for v in vertex]
joint = Counter(zip(a, b)); ca, cb = Counter(a), Counter(b)
mi = sum(k / n * math.log(k * n / (ca[x] * cb[y])) for (x, y), k in joint.items())
nmi = 2 * mi / (H(a) + H(b))
assert nmi >= 0.95, f"NMI {nmi}"
adj = defaultdict(set)
for row in csv.DictReader(open(sys.argv[2])):
    s, t = row["source"].strip(), row["target"].strip()
    adj[s].add(t); adj[t].add(s)
members = defaultdict(list)
for v in vertex: members[of[v]].append(v)
for c, ms in members.items():
    seen, stack, inside = {ms[0]}, [ms[0]], set(ms)
    while stack:
        x = stack.pop()
        for y in adj[x]:
            if y in inside and y not in seen: seen.add(y); stack.append(y)
    assert len(seen) == len(ms), f"community {c} is not connected"
sizes = f["communities/size"][()]
assert list(sizes) == sorted(sizes, reverse=True), "community ids are not ordered by size"
assert sum(sizes) == n
attrs = f.attrs
assert 0.6 < attrs["modularity"] < 1, attrs["modularity"]
assert attrs["levels"] >= 1 and attrs["resolution"] == 1.0
inputs = attrs["inputs"]
assert "edges.csv" in (inputs.decode() if isinstance(inputs, bytes) else inputs)
pr = f["centrality/pagerank"][()]
pr_by_comm = defaultdict(float)
for c, p in zip(f["centrality/community"][()], pr): pr_by_comm[c] += p
assert all(abs(s - 1) < 1e-9 for s in pr_by_comm.values()), "PageRank per community does not sum to 1"
print(f"NMI {nmi:.3f}, modularity {attrs['modularity']:.4f}, {len(members)} communities")
PY

# Decimal labels take the integer path of the loader (dense and sparse values): the vertex rows
# are still in string order ("10" before "9") and the result is identical for 1, 2, 4 ranks.
"$PY" - "$CH_SCRATCH/edges.csv" "$CH_SCRATCH/dense.csv" "$CH_SCRATCH/sparse.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
ids = {l: i for i, l in enumerate(sorted({r[k].strip() for r in rows for k in ("source", "target")}))}
for path, f in ((sys.argv[2], lambda i: str(i)), (sys.argv[3], lambda i: str(i * 1000003 + 10**15 if i % 3 else i))):
    with open(path, "w") as out:
        out.write("source,target,weight\n")
        for r in rows:
            out.write(f"{f(ids[r['source'].strip()])},{f(ids[r['target'].strip()])},{r['weight']}\n")
PY
for kind in dense sparse; do
  for n in 1 2 4; do
    mkdir -p "$CH_SCRATCH/$kind$n"
    ch_mpirun "$n" communities --edges "$CH_SCRATCH/$kind.csv" --out "$CH_SCRATCH/$kind$n/communities.h5" \
      --threads 1 --log-level warn
    h5_digest "$CH_SCRATCH/$kind$n/communities.h5" >"$CH_SCRATCH/d_$kind$n"
  done
  diff "$CH_SCRATCH/d_${kind}1" "$CH_SCRATCH/d_${kind}2" || fail "$kind labels: 1 and 2 ranks differ"
  diff "$CH_SCRATCH/d_${kind}1" "$CH_SCRATCH/d_${kind}4" || fail "$kind labels: 1 and 4 ranks differ"
  "$PY" -c "
import csv, h5py, sys
v = [x.decode() for x in h5py.File(sys.argv[1])['membership/vertex'][()]]
labels = {r[k] for r in csv.DictReader(open(sys.argv[2])) for k in ('source', 'target')}
assert v == sorted(labels), 'vertex rows are not the labels in string order'
" "$CH_SCRATCH/${kind}1/communities.h5" "$CH_SCRATCH/$kind.csv" || fail "$kind labels: wrong vertex rows"
done

# Higher resolution: more communities.
ch_mpirun 2 communities --edges "$CH_SCRATCH/edges.csv" --out "$CH_SCRATCH/hi.h5" --resolution 10 --log-level warn
ch_mpirun 1 communities --edges "$CH_SCRATCH/edges.csv" --out "$CH_SCRATCH/cpm.h5" --objective cpm --resolution 0.05 --log-level warn
"$PY" -c "
import h5py, sys
a = h5py.File(sys.argv[1])['communities/id'].shape[0]; b = h5py.File(sys.argv[2])['communities/id'].shape[0]
assert b > a, (a, b)
c = h5py.File(sys.argv[3]); assert c.attrs['objective'] in ('cpm', b'cpm') and c['communities/id'].shape[0] >= 2
" "$CH_SCRATCH/n1/communities.h5" "$CH_SCRATCH/hi.h5" "$CH_SCRATCH/cpm.h5" || fail "resolution/objective had no effect"

# Duplicates are summed, self-loops dropped (both counted in the attributes).
printf 'source,target\na,b\nb,a\na,a\nb,c\n' >"$CH_SCRATCH/dups.csv"
ch_mpirun 2 communities --edges "$CH_SCRATCH/dups.csv" --out "$CH_SCRATCH/dups.h5" --log-level warn
"$PY" -c "
import h5py, sys
f = h5py.File(sys.argv[1])
assert f.attrs['duplicate_edges_merged'] == 1 and f.attrs['self_loops_dropped'] == 1 and f.attrs['edges'] == 2, dict(f.attrs)
assert f['membership/vertex'].shape[0] == 3
" "$CH_SCRATCH/dups.h5" || fail "duplicates/self-loops not handled as documented"

# Bad edge files: exit 2, the file and the line named, once (not per rank), no output file.
bad() {  # NAME LINE TEXT CONTENT
  printf '%b' "$4" >"$CH_SCRATCH/$1.csv"
  expect_exit 2 ch_mpirun 2 communities --edges "$CH_SCRATCH/$1.csv" --out "$CH_SCRATCH/$1.h5"
  grep -q "$1.csv:$2:" "$CH_SCRATCH/last.err" || fail "$1: file:line '$1.csv:$2:' not named"
  grep -q "$3" "$CH_SCRATCH/last.err" || fail "$1: reason '$3' not given"
  [[ $(grep -c "$1.csv:$2:" "$CH_SCRATCH/last.err") == 1 ]] || fail "$1: error printed more than once"
  [[ ! -e $CH_SCRATCH/$1.h5 ]] || fail "$1: output written despite the error"
}
bad no_target 1 "'target'" 'source,dest\na,b\n'
bad word_weight 4 "not a number" 'source,target,weight\na,b,1\nb,c,2\nc,d,heavy\n'
bad negative 3 "negative weight" 'source,target,weight\na,b,1\nb,c,-1\n'
bad short_row 3 "expected 3 fields" 'source,target,weight\na,b,1\nb,c\n'
# An error far into a file that several ranks split: the global line number is still right.
{ printf 'source,target,weight\n'; for i in $(seq 1 3000); do printf 'v%d,v%d,1\n' "$i" "$((i + 1))"; done
  printf 'x,y,oops\n'; } >"$CH_SCRATCH/late.csv"
expect_exit 2 ch_mpirun 4 communities --edges "$CH_SCRATCH/late.csv" --out "$CH_SCRATCH/late.h5"
grep -q "late.csv:3002:" "$CH_SCRATCH/last.err" || fail "late error: wrong line number"

expect_exit 2 ch_mpirun 1 communities --edges "$CH_SCRATCH/missing.csv" --out "$CH_SCRATCH/m.h5"
grep -q "missing.csv" "$CH_SCRATCH/last.err" || fail "missing edge file not named"
expect_exit 2 "$CH_BIN" communities --network "$CH_SCRATCH/network.h5" --out "$CH_SCRATCH/m.h5"
grep -q "network.h5" "$CH_SCRATCH/last.err" || fail "a missing network.h5 is not named"
expect_exit 2 "$CH_BIN" communities --edges "$CH_SCRATCH/late.csv" --network "$CH_SCRATCH/network.h5" --out "$CH_SCRATCH/m.h5"
grep -q "either" "$CH_SCRATCH/last.err" || fail "--edges with --network is not refused"
echo "communities: identical for 1, 2, 4 ranks and 1, 2 threads; planted blocks found; bad files exit 2"
