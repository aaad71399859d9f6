#!/usr/bin/env bash
# release: no partner extract (HDF5 strings, attributes, CSV export) contains a value that occurs
# only in records not releasable to that partner — on the demo world and on a world where most
# records are domestic-only — and releasable facts do appear (positive check). The checker is
# first shown to catch leaks: it must flag the run's own entities.h5 and assessment.h5. The runs go
# up to assess so the assessment tables (organizations, members, leads, referrals) are released and
# scanned too, and at least one partner must receive an organization and a lead. The assessment
# check also tests each extract against itself: every released organization has >= 2 members held
# together by the extract's own /edges among them (its grouping rests on no withheld tie), no
# assessor role is present, and a lead's organization contains the lead's persons.
source "$(dirname "$0")/lib/common.bash"
CHECK="$CH_SOURCE_DIR/tests/e2e/lib/release_check.py"
# Seed 5: a world in which some leads cite only releasable records, so the lead path is exercised
# (with the default seed every lead's evidence list holds a withheld or truncated id: nothing to
# release, which would leave the lead checks below vacuous).
SMALL=(--set world.persons=6000 --set organizations.count=4 --set world.seed=5)

ch_mpirun 2 run --scenario demo --out "$CH_SCRATCH/demo" --until assess --log-level warn "${SMALL[@]}"
ch_mpirun 2 run --scenario demo --out "$CH_SCRATCH/domestic" --until assess --log-level warn "${SMALL[@]}" \
  --set feeds.interpol_share=0.1 --set feeds.europol_share=0.1 --set feeds.frontex_share=0.1

if "$PY" "$CHECK" leak "$CH_SCRATCH/demo/records.h5" europol "$CH_SCRATCH/demo/entities.h5" 2>/dev/null; then
  fail "the leak checker does not flag entities.h5, which holds withheld values"
fi
if "$PY" "$CHECK" leak "$CH_SCRATCH/demo/records.h5" europol "$CH_SCRATCH/demo/assessment.h5" 2>/dev/null; then
  fail "the leak checker does not flag assessment.h5, which holds withheld values"
fi
# A copy where every partner receives every table (tables = [] means all), so the assessment tables
# are exercised whatever the shipped partners file grants.
PARTNERS="$CH_SCRATCH/partners-all.toml"
sed 's/^tables = .*/tables = []/' "$CH_SOURCE_DIR/examples/partners.toml" >"$PARTNERS"
grep -q '^tables = \[\]' "$PARTNERS" || fail "could not derive an all-tables partners file"
released_assessment=0

for run in demo domestic; do
  for partner in interpol europol frontex; do
    ch_mpirun 2 release --run "$CH_SCRATCH/$run" --partner "$partner" --partners "$PARTNERS" \
      --csv "$CH_SCRATCH/$run/partner/csv-$partner" --log-level warn
    extract="$CH_SCRATCH/$run/partner/$partner.h5"
    [[ -f $extract ]] || fail "$run: no extract for $partner"
    [[ $(stat -c %a "$extract") == 640 ]] || fail "$run: $extract has mode $(stat -c %a "$extract"), not 640"
    "$PY" "$CHECK" leak "$CH_SCRATCH/$run/records.h5" "$partner" "$extract" "$CH_SCRATCH/$run/partner/csv-$partner" \
      || fail "$run: the $partner extract leaks withheld values"
    "$PY" "$CHECK" positive "$CH_SCRATCH/$run/records.h5" "$partner" "$extract" \
      || fail "$run: the $partner extract lacks releasable facts"
    counts=$("$PY" "$CHECK" assessment "$CH_SCRATCH/$run/records.h5" "$partner" "$extract") \
      || fail "$run: the $partner extract's assessment tables are inconsistent"
    read -r n_orgs n_leads <<<"$counts"
    echo "$run $partner: $n_orgs organizations, $n_leads leads released"
    if [[ $run == demo ]] && ((n_orgs > 0 && n_leads > 0)); then released_assessment=1; fi
  done
  "$PY" "$CHECK" csvsafe "$CH_SCRATCH/$run/partner/csv-europol" || fail "$run: CSV export has formula cells"
done
[[ $released_assessment == 1 ]] || fail "no partner received both an organization and a lead on demo"
echo "release_leak: ok"
