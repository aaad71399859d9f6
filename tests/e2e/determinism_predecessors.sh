#!/usr/bin/env bash
# assess cuts organizations that merged during the period into their predecessors (rank 0's aides,
# every rank's share of the monthly ties): the same assessment.h5 for 1, 2 and 4 ranks on the same
# stage outputs. demo with world.seed=6 has organizations that merged (status merged, merged_into).
source "$(dirname "$0")/lib/common.bash"

ch_mpirun 2 run --scenario demo --set world.seed=6 --out "$CH_SCRATCH/run" --until communities --log-level warn
for n in 1 2 4; do
  ch_mpirun "$n" assess --run "$CH_SCRATCH/run" --out "$CH_SCRATCH/assessment-n$n.h5" --log-level warn
  h5_digest "$CH_SCRATCH/assessment-n$n.h5" | sed "s|assessment-n$n.h5|assessment.h5|" >"$CH_SCRATCH/n$n.digest"
done
diff "$CH_SCRATCH/n1.digest" "$CH_SCRATCH/n2.digest" || fail "assessment differs between 1 and 2 ranks"
diff "$CH_SCRATCH/n1.digest" "$CH_SCRATCH/n4.digest" || fail "assessment differs between 1 and 4 ranks"

"$PY" - "$CH_SCRATCH/assessment-n1.h5" <<'PY' || fail "no predecessor organization, or one that points nowhere"
import sys
import h5py
o = h5py.File(sys.argv[1], "r")["organizations"]
ids = set(o["id"][()].tolist())
status = [o["_dict/status"][()][c].decode() for c in o["status"][()]]
merged = [(int(i), int(m), s) for i, m, s in zip(o["id"][()], o["merged_into"][()], status) if m >= 0]
print("predecessors:", merged)
ok = merged and all(m in ids and m != i and s == "merged" for i, m, s in merged)
ok = ok and all((m >= 0) == (s == "merged") for m, s in zip(o["merged_into"][()], status))
sys.exit(0 if ok else 1)
PY
