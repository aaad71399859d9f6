#!/usr/bin/env bash
# Febrl dataset1 and dataset2 through ingest → resolve → evaluate with the default,
# unsupervised config: pairwise F1 ≥ 0.99 against the rec-N truth; explain shows the chain of
# matches (with levels, weights and blocking keys) that put a duplicate into its entity.
source "$(dirname "$0")/lib/common.bash"

DATA="$CH_SOURCE_DIR/../shared/data/febrl"
[[ -f $DATA/dataset1.csv ]] || fail "Febrl data not found at $DATA (shared/ must sit beside the clone)"

for ds in dataset1 dataset2; do
  run="$CH_SCRATCH/$ds"
  mkdir -p "$run"
  ch_mpirun 2 ingest --csv "$DATA/$ds.csv" --mapping "$CH_SOURCE_DIR/examples/febrl.toml" \
    --out "$run/records.h5" --log-level warn
  ch_mpirun 2 resolve --run "$run" --log-level warn
  ch_mpirun 1 evaluate --run "$run" --truth-csv "$DATA/$ds.csv" --truth-id-column rec_id \
    --truth-pattern 'rec-(\d+)-' --log-level warn >"$run/evaluate.txt"
  cat "$run/evaluate.txt"
  "$PY" - "$run/evaluation.h5" "$ds" <<'PY' || fail "$ds: accuracy below target"
import sys, h5py
a = h5py.File(sys.argv[1], "r").attrs
f1, b3 = float(a["er_pairwise_f1"]), float(a["er_bcubed_f1"])
print(f"{sys.argv[2]}: pairwise F1 {f1:.4f}, B-cubed F1 {b3:.4f}")
sys.exit(0 if f1 >= 0.99 and b3 >= 0.99 else 1)
PY
  # No /calls in these records: no call-pattern evidence, and resolve still writes the column.
  "$PY" - "$run/entities.h5" <<'PY' || fail "$ds: phone_handover evidence without calls"
import sys, h5py
a = h5py.File(sys.argv[1], "r")["aliases"]
assert "phone_handover" in a, "/aliases lacks the phone_handover column"
assert not (a["phone_handover"][:] > 0).any()
PY
done

# A duplicate merged with its original: the chain names both, a waterfall and the keys.
ch_mpirun 1 explain --run "$CH_SCRATCH/dataset1" --record rec-1-dup-0 >"$CH_SCRATCH/explain.txt"
cat "$CH_SCRATCH/explain.txt"
grep -q "Chain of 1 match from rec-1-dup-0 to rec-1-org" "$CH_SCRATCH/explain.txt" || fail "explain: no chain to rec-1-org"
grep -q "brought together by: .*document" "$CH_SCRATCH/explain.txt" || fail "explain: blocking keys missing"
grep -Eq "^ +family_name +exact" "$CH_SCRATCH/explain.txt" || fail "explain: no comparison waterfall"
grep -q "probability" "$CH_SCRATCH/explain.txt" || fail "explain: no probability"
# An unknown record is a usage error.
expect_exit 2 ch_mpirun 1 explain --run "$CH_SCRATCH/dataset1" --record no-such-record
echo "Febrl: F1 targets met; explain prints the chain"
