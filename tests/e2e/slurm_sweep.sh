#!/usr/bin/env bash
# Slurm: slurm/submit-sweep.sh on a real one-host cluster (slurm/local-cluster.sh).
#  - A 3-variant grid over world.seed runs as a job array: SWEEP_DIR/variant-000..002 each hold
#    truth.h5; the variants differ, and a variant equals a direct (non-Slurm) run with its args.
#  - collect.sbatch waits for the whole array (afterok) and passes compare's exit code through.
#  - The variant file formats (TOML list, TOML grid, text lines) give the documented arguments.
# shellcheck source=tests/e2e/lib/common.bash
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.bash"

SLURM_HOME=$CH_SOURCE_DIR/slurm

# --- variant files (no Slurm needed) ------------------------------------------------------------
variants() { /usr/bin/python3 "$SLURM_HOME/variants.py" "$@"; }
cat >"$CH_SCRATCH/list.toml" <<'EOF'
args = ["--until", "generate"]
[[variant]]
set = { "world.seed" = 7, "noise.typo" = 0.5 }
[[variant]]
args = ["--scenario", "small"]
EOF
cat >"$CH_SCRATCH/lines.txt" <<'EOF'
# one variant per line
--set world.seed=1

--set "label=a b" --until generate
EOF
[[ $(variants count "$CH_SCRATCH/list.toml") == 2 ]] || fail "list.toml: expected 2 variants"
[[ $(variants args "$CH_SCRATCH/list.toml" 0 | tr '\0' ' ') == "--until generate --set world.seed=7 --set noise.typo=0.5 " ]] ||
  fail "list.toml variant 0: $(variants args "$CH_SCRATCH/list.toml" 0 | tr '\0' ' ')"
[[ $(variants count "$CH_SCRATCH/lines.txt") == 2 ]] || fail "lines.txt: expected 2 variants"
mapfile -d '' words < <(variants args "$CH_SCRATCH/lines.txt" 1)
[[ ${#words[@]} == 4 && ${words[1]} == "label=a b" ]] || fail "lines.txt variant 1: ${words[*]}"
expect_exit 2 variants args "$CH_SCRATCH/lines.txt" 2

# --- the sweep ----------------------------------------------------------------------------------
cluster() { "$SLURM_HOME/local-cluster.sh" "$@"; }
# A cluster that was running before (a developer's, or left by someone) is left running.
if ! cluster status >/dev/null 2>&1; then
  trap 'cluster stop' EXIT
fi
cluster start
eval "$(cluster env)"

cat >"$CH_SCRATCH/seeds.toml" <<'EOF'
[grid]
"world.seed" = [1, 2, 3]
EOF
sweep=$CH_SCRATCH/sweep
read -r array_job collect_job < <(CLEARINGHOUSE=$CH_BIN "$SLURM_HOME/submit-sweep.sh" \
  "$CH_SCRATCH/seeds.toml" "$sweep" --scenario demo --until generate --log-level warn)
[[ -n $collect_job ]] || fail "submit-sweep.sh printed no job ids"

show_logs() {
  local f
  for f in "$sweep"/logs/*; do
    echo "---- $f" >&2
    cat "$f" >&2
  done
}
result=$("$SLURM_HOME/wait-job.sh" --timeout 170 "$array_job") || { show_logs; fail "sweep array $array_job: $result"; }
for task in 0 1 2; do
  grep -qx "${array_job}_$task COMPLETED 0:0" <<<"$result" || { show_logs; fail "task $task did not complete: $result"; }
done

declare -A seen=()
for task in 0 1 2; do
  dir=$(printf '%s/variant-%03d' "$sweep" "$task")
  [[ -s $dir/truth.h5 ]] || { show_logs; fail "no truth.h5 in $dir"; }
  digest=$(h5_digest "$dir/truth.h5" | tail -n 1)
  [[ -z ${seen[$digest]:-} ]] || fail "variant $task has the same truth.h5 content as variant ${seen[$digest]}"
  seen[$digest]=$task
done

# The second variant is exactly what a direct run with its arguments gives.
ch_mpirun 2 run --scenario demo --until generate --log-level warn --set world.seed=2 --out "$CH_SCRATCH/direct"
[[ $(h5_digest "$CH_SCRATCH/direct/truth.h5" | tail -n 1) == $(h5_digest "$sweep/variant-001/truth.h5" | tail -n 1) ]] ||
  fail "variant-001 differs from a direct run with --set world.seed=2"
for feed in "$CH_SCRATCH"/direct/feeds/*.csv; do
  cmp -s "$feed" "$sweep/variant-001/feeds/$(basename "$feed")" || fail "variant-001 feeds/$(basename "$feed") differs from the direct run"
done
echo "sweep: 3 variants differ; variant-001 equals a direct run with world.seed=2"

# --- collect ------------------------------------------------------------------------------------
# collect runs `clearinghouse compare` after every array task ended (afterok) and writes
# $sweep/sweep.h5 with one row per variant.
result=$("$SLURM_HOME/wait-job.sh" --timeout 60 "$collect_job") || true
[[ $result == "$collect_job COMPLETED 0:0" ]] || { show_logs; fail "collect job: expected COMPLETED 0:0, got: $result"; }
"$PY" - "$sweep/sweep.h5" <<'PYEOF' || { show_logs; fail "sweep.h5 does not hold the three variants"; }
import sys, h5py
runs = h5py.File(sys.argv[1], "r")["runs"]
assert runs.attrs["rows"] == 3, runs.attrs["rows"]
assert sorted(runs["seed"][()].tolist()) == [1, 2, 3], runs["seed"][()]
assert all(r.decode().endswith("variant-%03d" % i) for i, r in enumerate(runs["run"][()])), runs["run"][()]
PYEOF
log=$sweep/logs/collect.out
grep -q "comparing 3 runs: $sweep/variant-000 $sweep/variant-001 $sweep/variant-002" "$log" ||
  { show_logs; fail "collect did not pass the three run directories"; }
collect_start=$(scontrol show job -o "$collect_job" | grep -o ' StartTime=[^ ]*' | cut -d= -f2)
while read -r end; do
  # ISO times compare as strings.
  [[ ! $collect_start < $end ]] || fail "collect started at $collect_start, before an array task ended at $end"
done < <(scontrol show job -o "$array_job" | grep -o ' EndTime=[^ ]*' | cut -d= -f2)
echo "collect: ran after the array (afterok) and wrote sweep.h5 with the three variants"
