#!/usr/bin/env bash
# The whole test suite: builds (scripts/build.sh, which installs dependencies) and runs every ctest test.
# GPU tests (label gpu) skip cleanly on a machine without a CUDA device.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LIGHTVL_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh"
cd "$build"
# ctest runs tests side by side: keep idle OpenMP threads from spin-waiting on cores other tests need.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
ctest --output-on-failure --timeout 900 -j "$(nproc)"
