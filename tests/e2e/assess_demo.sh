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
expect_exit 2 ch_mpirun 1 assess --run "$S/run" --out "$S/x.h5" --set assess.no_such_key=1
echo OK
