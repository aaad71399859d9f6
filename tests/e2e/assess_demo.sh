#!/usr/bin/env bash
# assess end to end on a small demo world: all tables with rows, identical for 1 and 2 ranks,
# analyst.py reads it, evaluate writes the organization metrics, --previous gives /progress.
source "$(dirname "$0")/lib/common.bash"
S=$CH_SCRATCH
small=(--set world.persons=6000 --set organizations.count=4)

make_run() {
  local dir=$1
  shift
  ch_mpirun 2 run --scenario demo --out "$dir" --until communities --log-level warn "${small[@]}" "$@" >/dev/null
}
make_run "$S/early" --set world.months=6 --set 'enforcement.action_months=[4]'
make_run "$S/run"

# The bulk tables are LZ4-compressed (filter 32004; docs/schema.md), the small ones deflated, and
# h5py reads both with the plugin the scripts install.
"$PY" - "$S/run" <<'EOF'
import sys, h5py
def filters(path, dataset):
    with h5py.File(path, "r") as f:
        d = f[dataset]
        assert len(d[()]) == d.shape[0]  # decompresses
        plist = d.id.get_create_plist()
        return {plist.get_filter(i)[0] for i in range(plist.get_nfilters())}
run = sys.argv[1]
for path, dataset in [("records.h5", "calls/caller"), ("entities.h5", "pairs/row_a"), ("entities.h5", "membership/obs"),
                      ("network.h5", "edges/source"), ("network.h5", "edges_monthly/weight")]:
    assert 32004 in filters(f"{run}/{path}", dataset), (path, dataset, "not LZ4")
assert 1 in filters(f"{run}/network.h5", "person_phone/person"), "small tables are deflated"
EOF
ch_mpirun 1 assess --run "$S/early" --log-level warn
ch_mpirun 1 assess --run "$S/run" --out "$S/one.h5" --log-level warn
ch_mpirun 2 assess --run "$S/run" --log-level warn
mkdir -p "$S/one" && mv "$S/one.h5" "$S/one/assessment.h5"
[[ "$(h5_digest "$S/one/assessment.h5")" == "$(h5_digest "$S/run/assessment.h5")" ]] || fail "assessment differs between 1 and 2 ranks"

"$PY" - "$S/run/assessment.h5" <<'EOF'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
for t in ["organizations", "members", "corridors", "trends", "schemes", "leads", "referrals"]:
    assert f[t].attrs["rows"] > 0, t + " is empty"
assert f.attrs["stage"] == b"assess" and b"records.h5" in f.attrs["inputs"]
roles = set(f["members/_dict/role"][()].astype(str))
assert "client" in roles and len(roles) >= 3, roles
# Burner phones come from the scan of every rank's share of the calls.
assert (f["members/burner_phones"][()] > 0).any(), "no member has a burner phone"
EOF

"$PY" "$CH_SOURCE_DIR/examples/analyst.py" "$S/run/assessment.h5" 5 >"$S/analyst.out"
grep -q '^ORGANIZATIONS' "$S/analyst.out" || fail "analyst.py printed no organizations"
grep -q '^LEADS' "$S/analyst.out" || fail "analyst.py printed no leads"
grep -q 'person' "$S/analyst.out" || fail "analyst.py printed no person lead"

ch_mpirun 2 evaluate --run "$S/run" --log-level warn >/dev/null
"$PY" - "$S/run/evaluation.h5" <<'EOF'
import sys, h5py
a = h5py.File(sys.argv[1], "r").attrs
for k in ["org_match_top10", "lead_precision_top20", "org_nmi", "org_ari", "key_actor_recall", "er_bcubed_f1"]:
    assert k in a, k
assert a["lead_precision_top20"] >= 0.8, a["lead_precision_top20"]
EOF

ch_mpirun 2 assess --run "$S/run" --previous "$S/early" --referrals "$CH_SOURCE_DIR/examples/referrals.toml" --out "$S/progress.h5" --log-level warn
"$PY" - "$S/progress.h5" <<'EOF'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert f["progress"].attrs["rows"] > 0, "no /progress rows"
fates = set(f["progress/_dict/fate"][()].astype(str))
assert fates <= {"persisted", "split", "merged", "dissolved", "reconstituted"}, fates
assert (f["progress/members_found"][()] > 0).any(), "no earlier member found again via record ids"
EOF
# progress_accuracy: evaluate a run whose assessment has /progress, against a recomputation here.
mkdir -p "$S/cmp"
for f in truth.h5 records.h5 entities.h5; do ln -sf "$S/run/$f" "$S/cmp/$f"; done
cp "$S/progress.h5" "$S/cmp/assessment.h5"
ch_mpirun 2 evaluate --run "$S/cmp" --log-level warn >"$S/cmp.out"
grep -q 'progress_accuracy' "$S/cmp.out" || fail "evaluate printed no progress_accuracy"
"$PY" - "$S/early" "$S/cmp" <<'EOF'
import sys, h5py, collections
early, cmp = sys.argv[1], sys.argv[2]
def last_month(t): return int(t["org_months/month"][()].max())
def strs(g, c):
    v = g[c][()]
    return [x.decode() for x in (g["_dict/" + c][()][v] if "_dict" in g and c in g["_dict"] else v)]
pt, t = h5py.File(early + "/truth.h5"), h5py.File(cmp + "/truth.h5")
lo, hi = last_month(pt), last_month(t)
names = [x.decode() for x in t["codes/status/name"][()]]
ev, alive = collections.defaultdict(set), set()
for m, o, s in zip(t["org_months/month"][()], t["org_months/organization"][()], t["org_months/status"][()]):
    if m == lo: alive.add(o)
    # a split, merger or dissolution takes effect the month after; a reconstitution that month
    if lo <= m < hi or (m == hi and names[s] == "reconstituted"): ev[o].add(names[s])
def fate(o):
    e = ev[o]
    if "merged" in e: return "merged"
    if "dissolved" in e: return "reconstituted" if "reconstituted" in e else "dissolved"
    return "split" if "split" in e else "persisted"
org_then = {p: o for m, o, p in zip(pt["org_membership/month"][()], pt["org_membership/organization"][()],
                                     pt["org_membership/person"][()]) if m == lo}
person_of_record = {}
for k in pt["records"]:
    person_of_record.update(zip(pt["records/" + k + "/record_id"][()], pt["records/" + k + "/person"][()]))
votes = collections.defaultdict(collections.Counter)
pe = h5py.File(early + "/entities.h5")
for r, e in zip(pe["membership/record_id"][()], pe["membership/entity_id"][()]):
    if r in person_of_record: votes[e][person_of_record[r]] += 1
def person(e):
    c = votes.get(e)
    return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if c else None
m = h5py.File(early + "/assessment.h5")["members"]
org_votes = collections.defaultdict(collections.Counter)
for o, e, role in zip(m["organization"][()], m["entity"][()], strs(m, "role")):
    if role != "client" and person(e) in org_then: org_votes[o][org_then[person(e)]] += 1
stands_for = {o: sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))[0] for o, v in org_votes.items()}
largest = {}  # true organization -> the earlier organization holding most of it (ties: smaller id)
for o, (t, n) in sorted(stands_for.items()):
    if t not in largest or n > largest[t][1]: largest[t] = (o, n)
p = h5py.File(cmp + "/assessment.h5")["progress"]
judged = right = 0
for prev, f in zip(p["previous_id"][()], strs(p, "fate")):
    if prev not in stands_for: continue
    best = stands_for[prev][0]
    if largest[best][0] != prev or best not in alive: continue
    judged += 1
    right += fate(best) == f
a = h5py.File(cmp + "/evaluation.h5").attrs
assert judged > 0, "nothing to judge"
assert abs(a["progress_accuracy"] - right / judged) < 1e-12, (a["progress_accuracy"], right, judged)
print("progress_accuracy", right, "/", judged)
EOF
expect_exit 2 ch_mpirun 1 assess --run "$S/run" --out "$S/x.h5" --set assess.no_such_key=1
echo OK
