#!/usr/bin/env bash
# The Febrl person records (shared/data/febrl, beside the source tree) ingest through the shipped
# examples/febrl.toml with zero quarantined rows, on 1 and 2 ranks, and the analyst example in
# docs/schema.md runs against the result.
set -euo pipefail
: "${CH_BIN:?}" "${CH_SCRATCH:?}" "${CH_SOURCE_DIR:?}"
MPIEXEC="${CH_MPIEXEC:-mpiexec}"
# The launcher flags arrive ';'-separated (a CMake list) or space-separated.
read -ra FLAGS <<< "${CH_MPIEXEC_FLAGS//;/ }"
FEBRL="$CH_SOURCE_DIR/../shared/data/febrl"
MAP="$CH_SOURCE_DIR/examples/febrl.toml"
rm -rf "$CH_SCRATCH" && mkdir -p "$CH_SCRATCH" && cd "$CH_SCRATCH"

"$CH_BIN" ingest --csv "$FEBRL/dataset1.csv" --mapping "$MAP" --out d1.h5 --log-level warn
"$MPIEXEC" "${FLAGS[@]}" -n 2 "$CH_BIN" ingest --csv "$FEBRL/dataset1.csv" --mapping "$MAP" \
  --csv "$FEBRL/dataset2.csv" --mapping "$MAP" --out both.h5 --log-level warn --max-bad-fraction 0

/usr/bin/python3 - <<'PY'
import h5py
with h5py.File("d1.h5", "r") as f:
    assert f["quarantine/line"].shape[0] == 0
    assert f["observations/obs"].shape[0] == 1000
with h5py.File("both.h5", "r") as f:
    s = f["summary"]
    src = [f["summary/_dict/source"][c].decode() for c in s["source"][()]]
    assert src == ["febrl/dataset1", "febrl/dataset2"], src
    assert list(s["rows_read"][()]) == [1000, 5000], list(s["rows_read"][()])
    assert list(s["quarantined"][()]) == [0, 0]
    assert f["quarantine/line"].shape[0] == 0
    o = f["observations"]
    assert o["obs"].shape[0] == 6000
    ids = o["record_id"][()]
    assert ids[0] == b"rec-223-org" and ids[1000] == b"rec-2778-org", (ids[0], ids[1000])
    # Normalization beside raw values: spaces after commas trimmed, dates in ISO form.
    assert o["family_name"][0] == b"waller" and o["dob"][0] == b"1908-12-09"
    assert o["family_name_dm1"][0] == b"ALR" and o["family_name_dm2"][0] == b"FLR"
    # The corrupted dates of birth (e.g. 19371233) are blanked and flagged, raw kept.
    flagged = (o["flags"][()] & 1) == 1
    assert 0 < flagged.sum() < 50, flagged.sum()
    assert all(d == b"" for d in o["dob"][()][flagged])
    assert all(r != b"" for r in o["dob_raw"][()][flagged])
    assert b"19371233" in set(o["dob_raw"][()][flagged])
print("febrl: 6000 rows, none quarantined")
PY

# The docs/schema.md example, exactly as printed there.
awk '/tested by tests\/e2e\/ingest_febrl.sh/{want=1} want && /^```$/{exit} want && go{print} want && /^```python/{go=1}' \
  "$CH_SOURCE_DIR/docs/schema.md" > example.py
grep -q "read_table" example.py
RECORDS=both.h5 /usr/bin/python3 example.py > example.out
grep -q "febrl/dataset2" example.out
grep -q "rec-223-org" example.out
echo "docs/schema.md example ran"
