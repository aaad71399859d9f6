#!/usr/bin/env bash
# release: no partner extract (HDF5 strings, attributes, CSV export) contains a value that occurs
# only in records not releasable to that partner — on the demo world and on a world where most
# records are domestic-only — and releasable facts do appear (positive check). The checker is
# first shown to catch leaks: it must flag the run's own entities.h5.
source "$(dirname "$0")/lib/common.bash"
CHECK="$CH_SOURCE_DIR/tests/e2e/lib/release_check.py"
SMALL=(--set world.persons=6000 --set organizations.count=4)

ch_mpirun 2 run --scenario demo --out "$CH_SCRATCH/demo" --until network --log-level warn "${SMALL[@]}"
ch_mpirun 2 run --scenario demo --out "$CH_SCRATCH/domestic" --until network --log-level warn "${SMALL[@]}" \
  --set feeds.interpol_share=0.1 --set feeds.europol_share=0.1 --set feeds.frontex_share=0.1

if "$PY" "$CHECK" leak "$CH_SCRATCH/demo/records.h5" europol "$CH_SCRATCH/demo/entities.h5" 2>/dev/null; then
  fail "the leak checker does not flag entities.h5, which holds withheld values"
fi

for run in demo domestic; do
  for partner in interpol europol frontex; do
    ch_mpirun 2 release --run "$CH_SCRATCH/$run" --partner "$partner" \
      --csv "$CH_SCRATCH/$run/partner/csv-$partner" --log-level warn
    extract="$CH_SCRATCH/$run/partner/$partner.h5"
    [[ -f $extract ]] || fail "$run: no extract for $partner"
    [[ $(stat -c %a "$extract") == 640 ]] || fail "$run: $extract has mode $(stat -c %a "$extract"), not 640"
    "$PY" "$CHECK" leak "$CH_SCRATCH/$run/records.h5" "$partner" "$extract" "$CH_SCRATCH/$run/partner/csv-$partner" \
      || fail "$run: the $partner extract leaks withheld values"
    "$PY" "$CHECK" positive "$CH_SCRATCH/$run/records.h5" "$partner" "$extract" \
      || fail "$run: the $partner extract lacks releasable facts"
  done
  "$PY" "$CHECK" csvsafe "$CH_SCRATCH/$run/partner/csv-europol" || fail "$run: CSV export has formula cells"
done
echo "release_leak: ok"
