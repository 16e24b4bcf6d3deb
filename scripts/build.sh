#!/usr/bin/env bash
# Installs the Debian dependencies (scripts/setup.sh) and builds lightvl into build/ (Release, Ninja).
# The CUDA backend is compiled when nvcc is found (/usr/local/cuda or PATH); GPU tests skip without a GPU.
# Usage: scripts/build.sh [extra cmake -D options...]      Environment: LIGHTVL_BUILD_DIR (default build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LIGHTVL_BUILD_DIR:-$root/build}"
bash "$root/scripts/setup.sh"

cuda_flags=()
if [[ -z "${CUDACXX:-}" && -x /usr/local/cuda/bin/nvcc ]] && ! command -v nvcc >/dev/null; then
  cuda_flags+=("-DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc")
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLIGHTVL_QT=ON "${cuda_flags[@]}" "$@"
cmake --build "$build" --parallel "$(nproc)"
