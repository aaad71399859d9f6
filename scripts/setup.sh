#!/usr/bin/env bash
# Shared set-up for ./demo.sh and ./test.sh: install missing Debian packages, configure, build.
# Sourced, not executed, so that callers get BUILD_DIR and the MPI environment.
set -euo pipefail

CH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$CH_ROOT/build/release}"
PRESET="${PRESET:-release}"

CH_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools
  libtbb-dev libboost-serialization-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libssl-dev libicu-dev liblz4-dev libgoogle-perftools-dev
  python3 python3-h5py python3-pandas python3-numpy python3-igraph
  # bench/community_quality.py (tests/e2e/communities_quality.sh): networkx's LFR generator.
  python3-networkx
  # records.h5's bulk tables are LZ4-compressed (io/lz4_filter.hpp): h5py reads them through
  # the LZ4 plugin of this package.
  hdf5-filter-plugin
  slurmctld slurmd slurm-client munge
  # tests/e2e/lib/common.bash: a command that hangs is shown with its processes' stacks.
  gdb
  # tests/e2e/report_render.sh: headless Chromium renders the HTML report; a font for its text
  # (with --no-install-recommends Chromium brings none); PIL checks the screenshot.
  chromium fonts-dejavu-core python3-pil
)

ch_install_packages() {
  local missing=()
  for p in "${CH_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

ch_build() {
  cmake --preset "$PRESET" -S "$CH_ROOT" -B "$BUILD_DIR" >/dev/null
  cmake --build "$BUILD_DIR" -j "$(nproc)"
}

ch_install_packages
source "$CH_ROOT/scripts/mpi_env.sh"
ch_build
