#!/usr/bin/env bash
# Checkpoint/resume: a run interrupted in any stage — by a failing rank or by a scheduler signal
# (simulated at a safe point with --inject-fault STAGE:RANK:signal) — exits non-zero (75 for a
# signal) and `--resume` then finishes with results identical to an uninterrupted run. An
# unchanged run is skipped stage by stage; a changed stage option redoes only that stage onward.
source "$(dirname "$0")/lib/common.bash"

small=(--set world.persons=4000 --set organizations.count=3)
until_stage=assess
stages=(truth records entities network communities assessment)
digest() {
  local files=()
  for s in "${stages[@]}"; do files+=("$1/$s.h5"); done
  h5_digest "${files[@]}"
}

ch_mpirun 2 run --scenario demo --out "$CH_SCRATCH/ref" --until "$until_stage" --log-level warn "${small[@]}"
digest "$CH_SCRATCH/ref" >"$CH_SCRATCH/ref.digest"

# Rerun with --resume: every stage is up to date.
expect_exit 0 ch_mpirun 2 run --scenario demo --out "$CH_SCRATCH/ref" --until "$until_stage" --resume "${small[@]}"
for s in generate ingest resolve network communities assess; do
  grep -q "$s: up to date" "$CH_SCRATCH/last.err" || fail "--resume redid $s although nothing changed"
done

# A changed network option: the earlier stages are reused, network is redone.
expect_exit 0 ch_mpirun 2 run --scenario demo --out "$CH_SCRATCH/ref" --until "$until_stage" --resume \
  "${small[@]}" --set network.weight_call=0.3
grep -q "resolve: up to date" "$CH_SCRATCH/last.err" || fail "resolve redone for a network option"
grep -q "network: up to date" "$CH_SCRATCH/last.err" && fail "network not redone after its option changed"

# Interrupt each stage (seeded choice of rank), then resume and compare with the reference.
seed=17
for stage in generate ingest resolve network communities assess; do
  rank=$(((seed + ${#stage}) % 2))
  for kind in signal start; do
    dir="$CH_SCRATCH/$stage-$kind"
    set +e
    timeout 120 "$CH_MPIEXEC" $CH_MPIEXEC_FLAGS -n 2 "$CH_BIN" run --scenario demo --out "$dir" \
      --until "$until_stage" --inject-fault "$stage:$rank:$kind" --log-level warn "${small[@]}" \
      >"$dir.log" 2>&1
    rc=$?
    set -e
    if [[ $kind == signal ]]; then
      [[ $rc == 75 ]] || { cat "$dir.log" >&2; fail "$stage: a stop signal gave exit $rc, expected 75"; }
      grep -q "resume" "$dir.log" || fail "$stage: the stop message does not say how to resume"
    else
      [[ $rc != 0 && $rc != 124 ]] || fail "$stage: a failing rank gave exit $rc"
    fi
    case $stage in
      generate) [[ ! -e $dir/truth.h5 ]] || fail "$stage-$kind: truth.h5 exists after the interruption" ;;
      ingest) [[ ! -e $dir/records.h5 ]] || fail "$stage-$kind: records.h5 exists after the interruption" ;;
      resolve) [[ ! -e $dir/entities.h5 ]] || fail "$stage-$kind: entities.h5 exists after the interruption" ;;
      network) [[ ! -e $dir/network.h5 ]] || fail "$stage-$kind: network.h5 exists after the interruption" ;;
      communities) [[ ! -e $dir/communities.h5 ]] || fail "$stage-$kind: communities.h5 exists after the interruption" ;;
      assess) [[ ! -e $dir/assessment.h5 ]] || fail "$stage-$kind: assessment.h5 exists after the interruption" ;;
    esac
    ch_mpirun 2 run --scenario demo --out "$dir" --until "$until_stage" --resume --log-level warn "${small[@]}"
    digest "$dir" >"$dir.digest"
    diff "$CH_SCRATCH/ref.digest" "$dir.digest" >/dev/null || fail "$stage-$kind: resumed results differ from an uninterrupted run"
  done
done
echo "interrupted runs resume to identical results"
