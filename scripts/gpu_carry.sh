#!/usr/bin/env bash
# Builds GPU test and benchmark binaries here and packs them, with the shared libraries the GPU machine
# lacks, into build-cuda/carry.tar.xz (git-ignored) for the `run` tool's carry parameter. The GPU machine
# has CUDA 13 but not the Debian -dev packages this project builds against, so it runs these binaries
# instead of configuring the tree. On the GPU machine, scripts/gpu_checks.sh runs them (tests, benchmarks).
# The working tree travels with it (64 MiB in all, the carry included): with the 46 MB demo model in assets/,
# the tree (58 MB) and a full carry (14 MB) are over that. For calls that do not read the demo model, move
# its shards out of the tree first (mv assets/lightvl-demo-vl/*.safetensors /tmp/) and bring them back
# afterwards (git checkout -- assets/lightvl-demo-vl).
# Usage: scripts/gpu_carry.sh [target...]   (default: every GPU test, lightvl_cli and the CUDA benchmarks)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-cuda"
targets=("${@:-test_gpu_device test_gpu_ops test_gpu_model test_gpu_int8_model test_gpu_vision lightvl_cli cuda_ops_bench bench_vision_tower}")
read -r -a targets <<< "${targets[*]}"
cmake -S "$root" -B "$build" -G Ninja -DLIGHTVL_CUDA=ON -DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc \
  -DLIGHTVL_CUDA_ARCHITECTURES=90 -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" "${targets[@]}"
carry="$build/carry"
rm -rf "$carry" && mkdir -p "$carry/bin" "$carry/lib"
bins=()
for t in "${targets[@]}"; do
  name="$t"; [[ "$t" == lightvl_cli ]] && name=lightvl
  bin="$(find "$build" -type f -name "$name" -perm -u+x | head -n 1)"
  cp "$bin" "$carry/bin/" && bins+=("$carry/bin/$name")
done
strip "${bins[@]}"
echo "$root" > "$carry/SOURCE_DIR"  # the fixture path compiled into the tests (gpu_checks.sh links it)
# Every non-system, non-CUDA library the binaries load (the GPU machine has glibc, libstdc++ and CUDA).
ldd "${bins[@]}" | awk '$3 ~ /^\// {print $3}' | sort -u \
  | grep -v -E 'libc\.so|libm\.so|libpthread|libdl\.so|librt\.so|libstdc\+\+|libgcc_s|/cuda/' \
  | xargs -I{} cp -L {} "$carry/lib/"
tar -C "$build" -cJf "$build/carry.tar.xz" carry
ls -la "$build/carry.tar.xz"
