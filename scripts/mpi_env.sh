# Open MPI settings for this project's runs; sourced by scripts/setup.sh and the bench scripts.
#
# As root in containers with few cores: allow root, allow more ranks than cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1

# Open MPI's shared-memory transport copies a large message once, straight from the sender's
# memory, through Linux cross-memory attach (`cma`, process_vm_readv) where the kernel allows it;
# some containers forbid that and the transport then fails (../shared/notes/mpi-hdf5-facts.md).
# A two-rank probe (scripts/shm_probe.c) decides: `cma` when it passes, else `none` (two copies
# through shared buffers). On medium, 2 ranks, resolve's shuffles took 4.3-4.9 s with cma and
# 4.8-6.4 s without (docs/performance.md). A value already in the environment is kept.
ch_single_copy_mechanism() {
  local root dir mechanism=none
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  dir=$(mktemp -d)
  if mpicc -O2 -o "$dir/shm_probe" "$root/scripts/shm_probe.c" >/dev/null 2>&1 &&
     OMPI_MCA_btl_vader_single_copy_mechanism=cma timeout 60 mpiexec -n 2 "$dir/shm_probe" >/dev/null 2>&1; then
    mechanism=cma
  fi
  rm -rf "$dir"
  echo "$mechanism"
}
if [[ -z "${OMPI_MCA_btl_vader_single_copy_mechanism:-}" ]]; then
  OMPI_MCA_btl_vader_single_copy_mechanism=$(ch_single_copy_mechanism)
  echo "Open MPI shared-memory single copy: $OMPI_MCA_btl_vader_single_copy_mechanism" >&2
fi
export OMPI_MCA_btl_vader_single_copy_mechanism
