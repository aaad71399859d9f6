#!/usr/bin/env bash
# Clear errors: an unknown mapping key, a missing column, an unreadable CSV or mapping, an unknown
# [ingest] key → exit 2 with a message naming the key/column/file, the same on every rank; a
# source over --max-bad-fraction → exit 3 with nothing written (no records.h5, no .partial).
source "$(dirname "$0")/lib/common.bash"
# Every check runs and the failures are counted, so one run reports every unclear message.
set +e
MPIEXEC="$CH_MPIEXEC"
# The launcher flags arrive ';'-separated (a CMake list) or space-separated.
read -ra FLAGS <<< "${CH_MPIEXEC_FLAGS//;/ }"
cd "$CH_SCRATCH" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

printf 'id,name,born\n1,Anna Kowalska,1990-01-02\n2,Jan Nowak,1985-03-04\n' > people.csv
cat > good.toml <<'T'
[fields]
record_id = "id"
full_name = "name"
date_of_birth = "born"
T
printf '[fields]\nrecord_id = "id"\nfull_name = "name"\nbirthday = "born"\n' > unknown_key.toml
printf '[fields]\nrecord_id = "id"\nfull_name = "name"\ndate_of_birth = "dob"\n' > missing_column.toml

# expect CODE TEXT CMD...: the command exits with CODE and its stderr mentions TEXT.
expect() {
  local code="$1" text="$2"
  shift 2
  ch_bounded "$@" > out.txt 2> err.txt
  local rc=$?
  [[ $rc -eq $code ]] || fail "exit $rc, expected $code: $*"
  grep -qF -- "$text" err.txt || fail "message lacks '$text': $* → $(cat err.txt)"
}

for launcher in "" "$MPIEXEC ${FLAGS[*]} -n 2"; do
  expect 2 "fields.birthday" $launcher "$CH_BIN" ingest --csv people.csv --mapping unknown_key.toml --out r.h5
  expect 2 "unknown_key.toml" $launcher "$CH_BIN" ingest --csv people.csv --mapping unknown_key.toml --out r.h5
  expect 2 "'dob'" $launcher "$CH_BIN" ingest --csv people.csv --mapping missing_column.toml --out r.h5
  expect 2 "people.csv" $launcher "$CH_BIN" ingest --csv people.csv --mapping missing_column.toml --out r.h5
  expect 2 "nothere.csv" $launcher "$CH_BIN" ingest --csv nothere.csv --mapping good.toml --out r.h5
  expect 2 "nothere.toml" $launcher "$CH_BIN" ingest --csv people.csv --mapping nothere.toml --out r.h5
  expect 2 "nofeeds/travel.csv" $launcher "$CH_BIN" ingest --feeds nofeeds --out r.h5
  expect 2 "ingest.max_bad_fractoin" $launcher "$CH_BIN" ingest --csv people.csv --mapping good.toml --out r.h5 \
    --set ingest.max_bad_fractoin=0.1
done
[[ -e r.h5 || -e r.h5.partial ]] && fail "a usage error left an output file"

# The good mapping works (so the failures above are about what they name).
ch_bounded "$CH_BIN" ingest --csv people.csv --mapping good.toml --out ok.h5 --log-level warn || fail "good mapping failed"
[[ -f ok.h5 ]] || fail "ok.h5 missing"

# 1 bad row in 3 (33%): over the default 5% → exit 3, nothing written; accepted at 0.5.
printf 'id,name,born\n1,Anna Kowalska,1990-01-02\n2,Jan Nowak,02/03/1985\n3,Ola Lis,1970-05-06\n' > bad.csv
for launcher in "" "$MPIEXEC ${FLAGS[*]} -n 2"; do
  rm -f bad.h5 bad.h5.partial
  expect 3 "max-bad-fraction" $launcher "$CH_BIN" ingest --csv bad.csv --mapping good.toml --out bad.h5
  grep -qF "unparseable_date 1" err.txt || fail "the reason is not reported: $(cat err.txt)"
  grep -qF "bad.csv" err.txt || fail "the file is not named: $(cat err.txt)"
  [[ -e bad.h5 ]] && fail "exit 3 left bad.h5"
  [[ -e bad.h5.partial ]] && fail "exit 3 left bad.h5.partial"
done
expect 3 "20.0% allowed" "$CH_BIN" ingest --csv bad.csv --mapping good.toml --out bad.h5 --set ingest.max_bad_fraction=0.2
ch_bounded "$CH_BIN" ingest --csv bad.csv --mapping good.toml --out bad.h5 --max-bad-fraction 0.5 --log-level warn \
  || fail "--max-bad-fraction 0.5 should accept 1 bad row in 3"
[[ -f bad.h5 ]] || fail "bad.h5 not written at --max-bad-fraction 0.5"

echo "$failures failures"
[[ $failures -eq 0 ]]
