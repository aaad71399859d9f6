#!/usr/bin/env bash
# The pipeline's result datasets are identical for 1, 2 and 4 ranks and for 1 vs 2 threads:
# every dataset of every output file is compared by content digest (provenance attributes such
# as times, ranks and threads are attributes, not datasets, and differ legitimately).
source "$(dirname "$0")/lib/common.bash"

# A smaller world than demo keeps four full runs within a minute or two on two cores.
small=(--set world.persons=6000 --set organizations.count=4)
# Stages that exist so far; the list grows as stages land.
stages=(records entities network communities assessment)
until_stage=assess

run() {  # run NAME RANKS THREADS
  ch_mpirun "$2" run --scenario demo --out "$CH_SCRATCH/$1" --threads "$3" --until "$until_stage" \
    --log-level warn "${small[@]}"
}
run n1 1 1
run n2 2 1
run n4 4 1
run t2 2 2

digest() {
  local dir=$1 files=()
  for s in "${stages[@]}"; do files+=("$dir/$s.h5"); done
  h5_digest "${files[@]}"
}
digest "$CH_SCRATCH/n1" >"$CH_SCRATCH/n1.digest"
for s in "${stages[@]}"; do
  grep -q "^$s.h5:" "$CH_SCRATCH/n1.digest" || fail "$s.h5 has no datasets"
done
for other in n2 n4 t2; do
  digest "$CH_SCRATCH/$other" >"$CH_SCRATCH/$other.digest"
  diff "$CH_SCRATCH/n1.digest" "$CH_SCRATCH/$other.digest" || fail "results differ between n1 and $other"
done
echo "pipeline results are identical for 1, 2, 4 ranks and 1, 2 threads"
