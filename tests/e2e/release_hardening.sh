#!/usr/bin/env bash
# release: hostile or mistaken input exits 2 naming the value and writes nothing (partner codes
# with "../", unknown partners, --out/--csv outside the run, bad partners files, over-long
# values); partner rules are data (a partners file narrows sources and tables); text cells that
# start like a formula are neutralized in the CSV export.
source "$(dirname "$0")/lib/common.bash"
RUN="$CH_SCRATCH/run"
ch_mpirun 2 run --scenario demo --out "$RUN" --until network --log-level warn \
  --set world.persons=1000 --set organizations.count=1

snapshot() { (cd "$RUN" && find . | sort) >"$CH_SCRATCH/$1"; }
# refuse NEEDLE ARGS...: exit 2, NEEDLE in the message, the run directory unchanged.
refuse() {
  local needle=$1
  shift
  snapshot before
  if [[ ${RANKS:-1} == 1 ]]; then  # a singleton start: the checks are the same, mpiexec start-up is not
    expect_exit 2 "$CH_BIN" release --run "$RUN" "$@"
  else
    expect_exit 2 ch_mpirun "$RANKS" release --run "$RUN" "$@"
  fi
  grep -qF -- "$needle" "$CH_SCRATCH/last.err" || { cat "$CH_SCRATCH/last.err" >&2; fail "message does not name '$needle': $*"; }
  snapshot after
  diff "$CH_SCRATCH/before" "$CH_SCRATCH/after" >&2 || fail "something was written: $*"
  [[ ! -e "$CH_SCRATCH/outside.h5" && ! -e "$CH_SCRATCH/outside-csv" ]] || fail "written outside the run: $*"
}

RANKS=2 refuse "../x" --partner ../x  # a collective error: both ranks stop alike
refuse "../x" --partner ../x --out "$RUN/partner/x.h5"
refuse "mi6" --partner mi6
refuse "$CH_SCRATCH/outside.h5" --partner europol --out "$CH_SCRATCH/outside.h5"
refuse "'..' is not allowed" --partner europol --out "$RUN/partner/../../outside.h5"
refuse "$CH_SCRATCH/outside-csv" --partner europol --csv "$CH_SCRATCH/outside-csv"
refuse "nosuchfile.toml" --partner europol --partners "$CH_SCRATCH/nosuchfile.toml"

cat >"$CH_SCRATCH/badkey.toml" <<'TOML'
[partner.europol]
name = "Europol"
recieve = ["travel"]
TOML
refuse "partner.europol.recieve" --partner europol --partners "$CH_SCRATCH/badkey.toml"

cat >"$CH_SCRATCH/escape.toml" <<'TOML'
[release]
out_dir = "../../escape"
[partner.europol]
name = "Europol"
TOML
refuse "release.out_dir" --partner europol --partners "$CH_SCRATCH/escape.toml"

cat >"$CH_SCRATCH/badcode.toml" <<'TOML'
[partner."../evil"]
name = "Evil"
TOML
refuse "../evil" --partner europol --partners "$CH_SCRATCH/badcode.toml"

"$PY" - "$CH_SCRATCH/long.toml" <<'PY'
import sys
open(sys.argv[1], "w").write('[partner.europol]\nname = "' + "E" * 300 + '"\n')
PY
refuse "partner.europol.name" --partner europol --partners "$CH_SCRATCH/long.toml"
refuse "not a partner code" --partner "$(printf 'a%.0s' {1..300})"

# Rules are data: a partner restricted to travel records and two tables.
cat >"$CH_SCRATCH/narrow.toml" <<'TOML'
[partner.europol]
name = "Europol (travel only)"
rule_version = "test-narrow-1"
sources = ["travel"]
tables = ["entities", "evidence"]
TOML
ch_mpirun 2 release --run "$RUN" --partner europol --partners "$CH_SCRATCH/narrow.toml" \
  --out "$RUN/partner/narrow/europol.h5" --log-level warn
"$PY" - "$RUN/partner/narrow/europol.h5" <<'PY' || fail "the narrow partners file was not applied"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
assert f.attrs["rule_version"] == b"test-narrow-1"
assert "edges" not in f and "entities" in f, list(f)
g = f["evidence"]
assert set(g["_dict/source"][()]) == {b"travel"}, g["_dict/source"][()]
PY

# Formula injection: a releasable travel record whose id and agency start like formulas.
"$PY" - "$RUN/feeds/travel.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
h = rows[0]
rows[1][h.index("record_id")] = "=HYPERLINK(1)"
rows[1][h.index("agency")] = "@evil"
rows[1][h.index("releasable_to")] = "europol"
csv.writer(open(sys.argv[1], "w", newline=""), lineterminator="\n").writerows(rows)
PY
ch_mpirun 2 run --scenario demo --out "$RUN" --until network --resume --log-level warn \
  --set world.persons=1000 --set organizations.count=1
ch_mpirun 2 release --run "$RUN" --partner europol --csv "$RUN/partner/csv" --log-level warn
grep -qF "'=HYPERLINK(1)" "$RUN/partner/csv/evidence.csv" || fail "the formula record id is not neutralized"
grep -qF "'@evil" "$RUN/partner/csv/evidence.csv" || fail "the formula agency is not neutralized"
"$PY" "$CH_SOURCE_DIR/tests/e2e/lib/release_check.py" csvsafe "$RUN/partner/csv" || fail "formula cells in CSV"
[[ $(stat -c %a "$RUN/partner/csv/evidence.csv") == 640 ]] || fail "CSV export is not mode 640"
echo "release_hardening: ok"
