#!/usr/bin/env bash
# One command: install what is missing, build, run every test (unit, MPI, end-to-end, Slurm).
set -euo pipefail
source "$(dirname "$0")/scripts/setup.sh"
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 900 -j 2 "$@"
