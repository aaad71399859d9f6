#!/usr/bin/env bash
# scripts/mpi_env.sh: with no single-copy mechanism set, its probe picks one (cma where the
# kernel allows cross-memory attach, else none) and a 2-rank pipeline runs with it; a value
# already set is kept; when the probe cannot pass (here: mpicc fails) it falls back to none.
source "$(dirname "$0")/lib/common.bash"

env_value() {  # env_value [VAR=VALUE...]: the mechanism after sourcing mpi_env.sh
  env -u OMPI_MCA_btl_vader_single_copy_mechanism "$@" bash -c \
    "source '$CH_SOURCE_DIR/scripts/mpi_env.sh' 2>/dev/null; echo \"\$OMPI_MCA_btl_vader_single_copy_mechanism\""
}

picked=$(env_value)
[[ $picked == cma || $picked == none ]] || fail "the probe picked '$picked'"
echo "probe picked $picked"

[[ $(env_value OMPI_MCA_btl_vader_single_copy_mechanism=none) == none ]] || fail "a value already set was not kept"

mkdir -p "$CH_SCRATCH/bin"
printf '#!/bin/sh\nexit 1\n' >"$CH_SCRATCH/bin/mpicc"
chmod +x "$CH_SCRATCH/bin/mpicc"
[[ $(env_value PATH="$CH_SCRATCH/bin:$PATH") == none ]] || fail "a probe that cannot build did not fall back to none"

# The picked mechanism carries a 2-rank run through resolve's shuffles (messages of megabytes).
export OMPI_MCA_btl_vader_single_copy_mechanism=$picked
expect_exit 0 ch_mpirun 2 run --scenario demo --out "$CH_SCRATCH/run" --until resolve
[[ -f $CH_SCRATCH/run/entities.h5 ]] || fail "no entities.h5 after a 2-rank run with $picked"
echo "PASS"
