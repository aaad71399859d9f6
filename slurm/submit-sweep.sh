#!/usr/bin/env bash
# Submit a scenario sweep: a job array with one task per variant (slurm/sweep.sbatch), then
# slurm/collect.sbatch with --dependency=afterok on the whole array.
#
#   slurm/submit-sweep.sh VARIANTS SWEEP_DIR [RUN ARGS...]
#   e.g. slurm/submit-sweep.sh slurm/examples/seeds.toml runs/seeds --scenario demo
#
# VARIANTS is copied into SWEEP_DIR (so later edits do not change a queued sweep); run
# directories are SWEEP_DIR/variant-NNN, job logs SWEEP_DIR/logs/, the comparison
# SWEEP_DIR/sweep.h5. Prints the two job ids on stdout ("ARRAY_JOB COLLECT_JOB").
#
# Environment: CH_SBATCH_FLAGS  extra sbatch flags for both jobs (word list, e.g. "-p batch")
#              CH_ARRAY_LIMIT   at most this many variants run at once (sbatch --array=...%N)
#              and everything slurm/lib.bash reads (CLEARINGHOUSE, CH_LAUNCHER, ...), which sbatch
#              passes to the jobs with the rest of the environment.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if (($# < 2)); then
  echo "usage: $0 VARIANTS SWEEP_DIR [RUN ARGS...]" >&2
  exit 2
fi
variants=$1
sweep_dir=$(realpath -m "$2")
shift 2

[[ -r $variants ]] || { echo "submit-sweep: cannot read $variants" >&2; exit 2; }
count=$(/usr/bin/python3 "$here/variants.py" count "$variants")
if [[ -d $sweep_dir ]] && [[ -n $(ls -A "$sweep_dir") ]]; then
  # Variants would overwrite (or --resume from) an older sweep's run directories.
  echo "submit-sweep: $sweep_dir exists and is not empty; choose a new SWEEP_DIR" >&2
  exit 2
fi
mkdir -p "$sweep_dir/logs"
copy=$sweep_dir/variants.txt
[[ $variants == *.toml ]] && copy=$sweep_dir/variants.toml
cp "$variants" "$copy"

flags=()
# shellcheck disable=SC2206  # CH_SBATCH_FLAGS is documented as a word list
[[ -n ${CH_SBATCH_FLAGS:-} ]] && flags=($CH_SBATCH_FLAGS)
range=0-$((count - 1))${CH_ARRAY_LIMIT:+%$CH_ARRAY_LIMIT}

# --parsable prints "JOBID" (or "JOBID;CLUSTER" on multi-cluster sites).
array_job=$(sbatch --parsable "${flags[@]}" --array="$range" \
  --output="$sweep_dir/logs/variant-%3a.out" \
  "$here/sweep.sbatch" "$copy" "$sweep_dir" "$@")
array_job=${array_job%%;*}
# afterok on an array job id waits for every task to end with exit code 0.
collect_job=$(sbatch --parsable "${flags[@]}" --dependency="afterok:$array_job" \
  --output="$sweep_dir/logs/collect.out" \
  "$here/collect.sbatch" "$sweep_dir")
collect_job=${collect_job%%;*}

echo "submit-sweep: $count variants -> array job $array_job, collect job $collect_job; logs in $sweep_dir/logs" >&2
echo "$array_job $collect_job"
