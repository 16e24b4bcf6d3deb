#!/usr/bin/env bash
# The main job on the bundled default model: builds lightvl, describes the tiny checkpoint in assets/ and
# computes the logits of a short prompt. (The bundled model has random weights: see README.)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LIGHTVL_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh" >/dev/null
model="$root/assets/tiny-minimax-text-01"
"$build/app/cli/lightvl" info --model "$model" --context 1000000
out="$(mktemp --suffix=.npy)"
"$build/app/cli/lightvl" logits --model "$model" --ids 17,42,256,3,99 --out "$out"
rm -f "$out"
