#!/usr/bin/env bash
# One command: install what is missing, build, run the pipeline on the demo scenario with 2 ranks.
set -euo pipefail
source "$(dirname "$0")/scripts/setup.sh"
OUT="${OUT:-$CH_ROOT/runs/demo}"
rm -rf "$OUT"
set +e
mpiexec -n 2 "$BUILD_DIR/jobs/clearinghouse" run --scenario demo --out "$OUT" --log-level info
rc=$?
set -e
"$BUILD_DIR/jobs/clearinghouse" report --summary --run "$OUT"
exit $rc
