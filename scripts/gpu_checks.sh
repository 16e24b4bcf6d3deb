#!/usr/bin/env bash
# Runs on the GPU machine (the `run` tool), from the repository root, everything this project checks and
# measures there, from the binaries that scripts/gpu_carry.sh packed (the GPU machine cannot configure the
# tree). Each step has a time limit and writes its output under $OUT; a failing step does not stop the rest.
#   carry: ["build-cuda/carry.tar.xz"] (+ ".peers/fla.tar.xz" for --peers; tests/bench/README.md)
#   bash scripts/gpu_checks.sh [--tests] [--bench] [--vision] [--peers] [--long]   (no flag: --tests)
#     --tests   every test_gpu_* binary (gtest; the parity tests of issue 6)
#     --bench   lightvl bench --breakdown at 4k and 32k, cuda_ops_bench
#     --vision  bench_vision_tower --device cuda (ViT-L/14-336 tiles/s at 128 tiles, one 2016x2016 image)
#     --peers   tests/bench/peers.py beside the --bench output (needs --bench in the same call)
#     --long    lightvl bench prefill of 128k and 1M tokens (no decode)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${OUT:-$root/build-cuda/out}"
mkdir -p "$out"
steps=("$@")
((${#steps[@]})) || steps=(--tests)
has() { local s; for s in "${steps[@]}"; do [[ "$s" == "$1" ]] && return 0; done; return 1; }

tar -xJf build-cuda/carry.tar.xz -C /tmp
# The tests read fixtures through the source path compiled into them (LIGHTVL_SOURCE_DIR of the build,
# which gpu_carry.sh records): make that path lead here.
built_in="$(cat /tmp/carry/SOURCE_DIR)"
[[ -e "$built_in" ]] || { mkdir -p "$(dirname "$built_in")" && ln -s "$root" "$built_in"; }
export LD_LIBRARY_PATH=/tmp/carry/lib:/usr/local/cuda/lib64
bin=/tmp/carry/bin
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"

step() {  # step NAME SECONDS COMMAND...: runs COMMAND into $out/NAME.txt and prints its status and tail
  local name="$1" limit="$2"; shift 2
  echo "== $name"
  timeout -k 5 "$limit" "$@" > "$out/$name.txt" 2>&1
  echo "rc=$?"
  tail -n 3 "$out/$name.txt"
}

if has --tests; then
  for t in "$bin"/test_gpu_*; do step "$(basename "$t")" 300 "$t" --gtest_brief=1; done
  grep -h -E "FAILED|Failure" "$out"/test_gpu_*.txt | head -40
fi
if has --bench; then
  step bench 420 "$bin/lightvl" bench --breakdown --contexts 4096,32768
  step bench32k 300 "$bin/lightvl" bench --breakdown --contexts 32768 --chunk 32768 --decode 0 --batch 0
  step ops 300 "$bin/cuda_ops_bench"
fi
if has --vision; then
  step vision 300 "$bin/bench_vision_tower" --device cuda --tiles 128
fi
if has --peers; then
  mkdir -p .peers && tar -xJf .peers/fla.tar.xz -C .peers
  extra=()
  [[ -s "$out/bench32k.txt" ]] && extra=(--lightvl-output "$out/bench32k.txt")
  step peers 420 python3 tests/bench/peers.py --lightvl-output "$out/bench.txt" "${extra[@]}" \
    --cuda-ops-output "$out/ops.txt" --fla-path .peers/flash-linear-attention --time-budget 300 \
    --json "$out/peers.json"
fi
if has --long; then
  step long 570 "$bin/lightvl" bench --contexts 131072,1048576 --decode 0 --batch 0
fi
