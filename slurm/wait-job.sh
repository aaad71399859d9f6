#!/usr/bin/env bash
# Wait until Slurm jobs (and every task of array jobs) have finished, then print one line per
# job or task: "JOBID STATE EXITCODE" (e.g. "12_0 COMPLETED 0:0").
#
#   slurm/wait-job.sh [--timeout SECONDS] JOBID...
#
# Exit 0 if everything COMPLETED with exit code 0, 1 if something ended otherwise, 2 if a job is
# unknown, 124 on timeout (default 600 s). A requeued job counts as not finished yet.
# It asks `scontrol show job` (which keeps finished jobs for MinJobAge, 5 min by default) and
# falls back to `sacct` for jobs slurmctld has forgotten (needs accounting storage).
set -euo pipefail

timeout=600
if [[ ${1:-} == --timeout ]]; then
  timeout=$2
  shift 2
fi
(($# > 0)) || { echo "usage: $0 [--timeout SECONDS] JOBID..." >&2; exit 2; }

final='^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|PREEMPTED|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE)$'

# records JOBID: "ID STATE EXITCODE" lines for a job or each task of an array; fails if unknown.
records() {
  local out line id state code
  if out=$(scontrol show job -o "$1" 2>/dev/null) && [[ -n $out ]]; then
    while IFS= read -r line; do
      [[ $line =~ (^|\ )JobState=([A-Z_]+) ]] && state=${BASH_REMATCH[2]} || state=UNKNOWN
      [[ $line =~ (^|\ )ExitCode=([0-9:]+) ]] && code=${BASH_REMATCH[2]} || code='?'
      if [[ $line =~ (^|\ )ArrayJobId=([0-9]+)\ ArrayTaskId=([^ ]+) ]]; then
        id=${BASH_REMATCH[2]}_${BASH_REMATCH[3]}
      else
        [[ $line =~ ^JobId=([0-9]+) ]] && id=${BASH_REMATCH[1]} || id=$1
      fi
      echo "$id $state $code"
    done <<<"$out"
    return 0
  fi
  # Forgotten by slurmctld: ask the accounting database, if there is one.
  out=$(sacct -n -P -X -j "$1" -o JobID,State,ExitCode 2>/dev/null) && [[ -n $out ]] || return 1
  # sacct writes "CANCELLED by 0"; keep the state word.
  sed -e 's/|/ /g' -e 's/^\([^ ]*\) \([A-Z_]*\)[^ ]* /\1 \2 /' <<<"$out"
}

deadline=$((SECONDS + timeout))
while :; do
  all=()
  pending=0
  for job in "$@"; do
    if ! lines=$(records "$job"); then
      echo "wait-job: job $job is unknown to scontrol and sacct" >&2
      exit 2
    fi
    while read -r id state code; do
      all+=("$id $state $code")
      [[ $state =~ $final ]] || pending=1
    done <<<"$lines"
  done
  ((pending)) || break
  if ((SECONDS >= deadline)); then
    printf '%s\n' "${all[@]}"
    echo "wait-job: timed out after ${timeout}s waiting for $*" >&2
    exit 124
  fi
  sleep 1 # poll interval; the loop condition is the job state, bounded by the deadline
done

printf '%s\n' "${all[@]}"
for r in "${all[@]}"; do
  [[ $r == *" COMPLETED 0:0" ]] || exit 1
done
