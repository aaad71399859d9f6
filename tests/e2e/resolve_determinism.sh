#!/usr/bin/env bash
# resolve gives identical entities.h5 datasets (membership, entities, aliases, model, pairs)
# under 1, 2 and 4 ranks and 1 vs 2 threads on a generated demo-sized world; entity ids are the
# smallest obs id of each entity; evaluate's figures on the result equal a recomputation.
source "$(dirname "$0")/lib/common.bash"

world="$CH_SCRATCH/world"
ch_mpirun 2 generate --scenario demo --out "$world" --set world.persons=4000 --log-level warn
ch_mpirun 2 ingest --feeds "$world/feeds" --out "$world/records.h5" --log-level warn

for n in 1 2 4; do
  ch_mpirun "$n" resolve --records "$world/records.h5" --out "$CH_SCRATCH/n$n.h5" --threads 1 --log-level warn
done
ch_mpirun 1 resolve --records "$world/records.h5" --out "$CH_SCRATCH/t2.h5" --threads 2 --log-level warn
# Candidate pairs planned in many smaller-row ranges, each de-duplicated and sent on its own
# (the default plans this world's pairs in one): the same pairs, so the same entities.
ch_mpirun 2 resolve --records "$world/records.h5" --out "$CH_SCRATCH/p2.h5" --threads 1 --log-level debug \
  --set resolve.plan_piece_pairs=20000 >"$CH_SCRATCH/p2.log" 2>&1
grep -Eq "candidate pairs planned in ([2-9]|[1-9][0-9]+) ranges" "$CH_SCRATCH/p2.log" ||
  fail "plan_piece_pairs=20000 did not plan the pairs in several ranges: $(grep 'planned in' "$CH_SCRATCH/p2.log")"

h5_digest "$CH_SCRATCH/n1.h5" | sed 's/^[^:]*://' >"$CH_SCRATCH/d1"
grep -q "^membership/entity_id" "$CH_SCRATCH/d1" || fail "entities.h5 lacks /membership/entity_id"
for other in n2 n4 t2 p2; do
  h5_digest "$CH_SCRATCH/$other.h5" | sed 's/^[^:]*://' >"$CH_SCRATCH/d_$other"
  diff "$CH_SCRATCH/d1" "$CH_SCRATCH/d_$other" || fail "entities.h5 differs between 1 rank and $other"
done

"$PY" - "$CH_SCRATCH/n1.h5" "$world/records.h5" <<'PY' || fail "membership is not canonical"
import sys, h5py, collections
e, r = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
obs, ent = e["membership/obs"][:], e["membership/entity_id"][:]
assert len(obs) == r["observations"].attrs["rows"], "not every observation has a membership row"
smallest = collections.defaultdict(lambda: 1 << 64)
for o, x in zip(obs, ent):
    smallest[x] = min(smallest[x], o)
assert all(k == v for k, v in smallest.items()), "entity id is not the smallest obs id of its entity"
assert len(e["entities/entity_id"]) == len(smallest), "one /entities row per entity"
assert list(e["entities/entity_id"][:]) == sorted(smallest), "/entities is ordered by entity id"
# The world has calls: the phone-handover pass (three shuffles) is part of what must not depend
# on the rank count.
assert (e["aliases/phone_handover"][:] > 0).any(), "no alias link has phone_handover evidence"
PY

# obs ids that are not the rows: docs/schema.md numbers observations by row, and resolve then
# takes a row for its obs id without asking the row's owner; other ids are looked up, so every
# id column must carry them.
cp "$world/records.h5" "$CH_SCRATCH/shifted.h5"
"$PY" - "$CH_SCRATCH/shifted.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    obs = f["observations/obs"][:]
    del f["observations/obs"]
    f["observations/obs"] = obs + 1000000
PY
ch_mpirun 2 resolve --records "$CH_SCRATCH/shifted.h5" --out "$CH_SCRATCH/shifted_out.h5" --threads 1 --log-level warn
"$PY" - "$CH_SCRATCH/n1.h5" "$CH_SCRATCH/shifted_out.h5" <<'PY' || fail "obs ids other than the rows were not carried into entities.h5"
import sys, h5py
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
for col in ("membership/obs", "membership/entity_id", "entities/entity_id", "aliases/entity_a",
            "aliases/entity_b", "pairs/obs_a", "pairs/obs_b"):
    x, y = a[col][:], b[col][:]
    assert len(x) > 0 and len(x) == len(y) and (y == x + 1000000).all(), col
assert (a["pairs/row_a"][:] == b["pairs/row_a"][:]).all(), "pairs/row_a"
PY

cp "$CH_SCRATCH/n2.h5" "$world/entities.h5"
ch_mpirun 2 evaluate --run "$world" --log-level warn
# evaluate's figures against a plain recomputation from the two files (definitions in
# jobs/evaluate.hpp): the join on record ids, the contingency counts and the alias judgement.
"$PY" - "$world/truth.h5" "$world/entities.h5" "$world/evaluation.h5" <<'PY' || fail "evaluate's figures differ from a recomputation"
import sys, h5py, collections
t, e, v = (h5py.File(p, "r") for p in sys.argv[1:4])
truth = {}
for name, g in t["records"].items():
    if name != "calls":
        truth.update(zip(g["record_id"][:], zip(g["person"][:].tolist(), g["identity"][:].tolist())))
rows = [(x, truth[r]) for r, x in zip(e["membership/record_id"][:], e["membership/entity_id"][:].tolist()) if r in truth]
pred = [x for x, _ in rows]
true = [p * 1024 + i for _, (p, i) in rows]
pairs = lambda n: n * (n - 1) // 2
ps, ts, cell = collections.Counter(pred), collections.Counter(true), collections.Counter(zip(pred, true))
correct = sum(pairs(n) for n in cell.values())
P, R = correct / sum(pairs(n) for n in ps.values()), correct / sum(pairs(n) for n in ts.values())
bp = sum(n * n / ps[a] for (a, b), n in cell.items()) / len(pred)
br = sum(n * n / ts[b] for (a, b), n in cell.items()) / len(pred)
f1 = lambda p, r: 2 * p * r / (p + r)
def majority(values):
    votes = collections.defaultdict(collections.Counter)
    for x, val in zip(pred, values):
        votes[x][val] += 1
    return {x: min(c, key=lambda val: (-c[val], val)) for x, c in votes.items()}
person, ident = majority([p for _, (p, i) in rows]), majority(true)
links = list(zip(e["aliases/entity_a"][:].tolist(), e["aliases/entity_b"][:].tolist()))
same = [(a, b) for a, b in links if a in person and b in person and person[a] == person[b]]
found = sum(ident[a] != ident[b] for a, b in same)
by_person = collections.defaultdict(collections.Counter)
for x, p in person.items():
    by_person[p][ident[x]] += 1
alias_true = sum(pairs(sum(c.values())) - sum(pairs(k) for k in c.values()) for c in by_person.values())
want = {"er_pairwise_precision": P, "er_pairwise_recall": R, "er_pairwise_f1": f1(P, R),
        "er_bcubed_f1": f1(bp, br), "er_alias_precision": len(same) / len(links),
        "er_alias_recall": found / alias_true}
assert len(links) > 0 and alias_true > 0 and found > 0, "the world has no aliases to judge"
for k, w in want.items():
    got = float(v.attrs[k])
    assert abs(got - w) < 1e-12, f"{k}: evaluate {got}, recomputed {w}"
assert int(v.attrs["er_observations_with_truth"]) == len(rows)
PY
echo "resolve is identical for 1, 2, 4 ranks and 1, 2 threads"
