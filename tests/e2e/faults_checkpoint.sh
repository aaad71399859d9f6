#!/usr/bin/env bash
# Checkpoints inside the long stages (jobs/checkpoint.hpp). A stop requested in the middle of
# resolve's EM or between communities' Leiden levels (simulated with --inject-fault at the named
# safe point) exits 75 and leaves DIR/.resume/STAGE.ckpt.h5; `run --resume` continues from it —
# the log says so, and resolve does only the remaining EM iterations — on the same or another
# rank count, and every dataset and attribute equals an uninterrupted run. A checkpoint saved for
# another configuration is ignored; a finished stage removes its checkpoint.
source "$(dirname "$0")/lib/common.bash"

small=(--set world.persons=4000 --set organizations.count=3)
run_args=(run --scenario demo --until communities "${small[@]}")
digest() { h5_digest --attributes "$1/entities.h5" "$1/network.h5" "$1/communities.h5"; }
same_as_ref() {
  digest "$1" >"$1.digest"
  diff "$CH_SCRATCH/ref.digest" "$1.digest" >&2 || fail "$2: resumed results differ from an uninterrupted run"
}
# A copy of the reference run without the outputs from STAGE on, so `--resume` redoes just those.
copy_from() {
  local dir=$1
  shift
  cp -a "$CH_SCRATCH/ref" "$dir"
  rm -f "${@/#/$dir/}"
}

expect_exit 0 ch_mpirun 2 "${run_args[@]}" --out "$CH_SCRATCH/ref"
em_total=$(sed -n 's/.*resolve: EM converged after \([0-9]*\) iterations.*/\1/p' "$CH_SCRATCH/last.err")
[[ $em_total -ge 4 ]] || fail "the reference EM took ${em_total:-?} iterations; the test needs at least 4"
digest "$CH_SCRATCH/ref" >"$CH_SCRATCH/ref.digest"
[[ ! -e $CH_SCRATCH/ref/.resume/resolve.ckpt.h5 && ! -e $CH_SCRATCH/ref/.resume/communities.ckpt.h5 ]] ||
  fail "an uninterrupted run left a checkpoint"

# ---- resolve: stop after EM iteration 2 on 2 ranks, resume on 1 ------------------------------
rs=$CH_SCRATCH/resolve
copy_from "$rs" entities.h5 network.h5 communities.h5
expect_exit 75 ch_mpirun 2 "${run_args[@]}" --out "$rs" --resume --inject-fault resolve:0:em2
grep -q "resolve: stopped by a signal at em2" "$CH_SCRATCH/last.err" || fail "resolve: no stop message at em2"
[[ -f $rs/.resume/resolve.ckpt.h5 && ! -e $rs/entities.h5 ]] || fail "resolve: no checkpoint after the stop"

# A checkpoint saved for another configuration is ignored (and removed once the stage finishes).
cp -a "$rs" "$rs-stale"
expect_exit 0 ch_mpirun 1 run --scenario demo --until resolve "${small[@]}" --out "$rs-stale" --resume \
  --set resolve.em_tolerance=1e-5
grep -q "resolve: checkpoint .* ignored: saved for other inputs, configuration" "$CH_SCRATCH/last.err" ||
  fail "resolve: a stale checkpoint was not reported as ignored"
grep -q "resuming from checkpoint" "$CH_SCRATCH/last.err" && fail "resolve: resumed from a stale checkpoint"
[[ ! -e $rs-stale/.resume/resolve.ckpt.h5 ]] || fail "resolve: the checkpoint outlived the finished stage"

expect_exit 0 ch_mpirun 1 "${run_args[@]}" --out "$rs" --resume
grep -q "resolve: resuming from checkpoint 'em2' at EM iteration 2" "$CH_SCRATCH/last.err" ||
  fail "resolve: did not resume from the EM checkpoint"
grep -q "EM converged after $em_total iterations.*($((em_total - 2)) in this run)" "$CH_SCRATCH/last.err" ||
  fail "resolve: the resumed run did not do just the remaining $((em_total - 2)) EM iterations"
[[ ! -e $rs/.resume/resolve.ckpt.h5 ]] || fail "resolve: the checkpoint outlived the finished stage"
same_as_ref "$rs" "resolve (em2, 2 ranks -> 1)"

# ---- communities: stop after Leiden level 2 on 2 ranks, resume on 2 ----------------------------
cm=$CH_SCRATCH/communities
copy_from "$cm" communities.h5
expect_exit 75 ch_mpirun 2 "${run_args[@]}" --out "$cm" --resume --inject-fault communities:1:level2
[[ -f $cm/.resume/communities.ckpt.h5 && ! -e $cm/communities.h5 ]] || fail "communities: no checkpoint after the stop"
expect_exit 0 ch_mpirun 2 "${run_args[@]}" --out "$cm" --resume
grep -q "communities: resuming from checkpoint 'level2' (iteration 1 after level 2" "$CH_SCRATCH/last.err" ||
  fail "communities: did not resume from the level checkpoint"
[[ ! -e $cm/.resume/communities.ckpt.h5 ]] || fail "communities: the checkpoint outlived the finished stage"
same_as_ref "$cm" "communities (level2, 2 ranks -> 2)"

# ---- communities: stop between Leiden iterations on 1 rank, resume on 2 -------------------------
ci=$CH_SCRATCH/communities-iteration
copy_from "$ci" communities.h5
expect_exit 75 ch_mpirun 1 "${run_args[@]}" --out "$ci" --resume --inject-fault communities:0:iteration1
expect_exit 0 ch_mpirun 2 "${run_args[@]}" --out "$ci" --resume
grep -q "communities: resuming from checkpoint 'iteration1' (iteration 2 from its start)" "$CH_SCRATCH/last.err" ||
  fail "communities: did not resume from the iteration checkpoint"
same_as_ref "$ci" "communities (iteration1, 1 rank -> 2)"

echo "stages stopped inside resolve and communities resume from their checkpoints to identical results"
